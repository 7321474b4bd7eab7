"""``python -m fusion.agencies check FILE``: check an agencies file and say what it configures."""

from __future__ import annotations

import argparse
from pathlib import Path

from fusion import topics
from fusion.agencies.config import AgenciesFileError, load_agencies
from fusion.rules.zones import ZonesFileError, load_zones

REPO_ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fusion.agencies", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check an agencies file against a zones file")
    check.add_argument("path", type=Path)
    check.add_argument("--zones", type=Path, default=REPO_ROOT / "zones.geojson")
    args = parser.parse_args(argv)
    try:
        config = load_agencies(args.path, load_zones(args.zones))
    except (AgenciesFileError, ZonesFileError) as err:
        print(err)
        return 2
    for agency in config.agencies:
        policy = "every field" if agency.sharing.is_full else f"only {', '.join(agency.sharing.fields)}"
        print(
            f"{agency.id} ({agency.type}): {agency.name}; topic {topics.agency_alerts(agency.id)}; "
            f"jurisdiction {', '.join(agency.jurisdiction)}; sees {policy}"
        )
    print(f"default responsible: {config.default_responsible}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
