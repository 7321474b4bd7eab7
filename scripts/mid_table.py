"""Regenerate ``ingest/data/mid.csv``: ITU Maritime Identification Digits -> flag state.

The table is the ITU MID list (ITU-R M.585-9 and the ITU "Table of Maritime Identification
Digits", https://www.itu.int/en/ITU-R/terrestrial/fmd/Pages/mid.aspx) as packaged, with ISO 3166
codes added, by the npm package ``mmsi-country-lookup`` (MIT licence). No maintained PyPI package
ships the table, so the data is committed and this script rebuilds it from that package::

    python scripts/mid_table.py            # npm pack mmsi-country-lookup@1.0.2, rewrite the CSV
    python scripts/mid_table.py mids.json  # from a copy of the package's lib/mids.json

Each row: ``mid`` (three digits), ``alpha2`` (ISO 3166-1 alpha-2 of the administration, the
flag state), ``name`` (the ITU's name of the administration or geographical area).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "mmsi-country-lookup@1.0.2"
OUT = Path(__file__).resolve().parent.parent / "ingest" / "data" / "mid.csv"


def _packaged_mids() -> dict[str, list[str]]:
    """lib/mids.json of the npm package, fetched with the npm client into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True)
        (tarball,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/lib/mids.json")
            if member is None:
                raise SystemExit(f"{PACKAGE} has no lib/mids.json")
            return json.load(member)


def main(argv: list[str]) -> None:
    mids = json.loads(Path(argv[0]).read_text()) if argv else _packaged_mids()
    rows = sorted((mid, alpha2, name) for mid, (alpha2, _alpha3, _region, name) in mids.items())
    bad = [mid for mid, alpha2, _ in rows if not (mid.isdigit() and len(mid) == 3 and len(alpha2) == 2)]
    if bad:
        raise SystemExit(f"unexpected rows for MIDs {bad}")
    with OUT.open("w", newline="", encoding="utf-8") as out:
        out.write(f"# ITU MID table via npm {PACKAGE} (MIT); regenerate: python scripts/mid_table.py\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("mid", "alpha2", "name"))
        writer.writerows(rows)
    print(f"{OUT}: {len(rows)} MIDs")


if __name__ == "__main__":
    main(sys.argv[1:])
