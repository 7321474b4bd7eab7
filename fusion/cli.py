"""``seawatch``: the command line of the system.

Long commands (simulate, replay) show a progress bar when stderr is a terminal and stay
quiet in logs. Errors a user can fix are reported as one line naming the file and the fix,
with exit status 2; a stack trace means a bug in seawatch.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ZONES = REPO_ROOT / "zones.geojson"
DEFAULT_SCENARIO = REPO_ROOT / "replay_data" / "karachi"

log = logging.getLogger("seawatch")


class UsageError(Exception):
    """A problem with the user's input; printed as one line, exit status 2."""


def _speed(text: str) -> float | None:
    if text == "max":
        return None
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"speed must be 'max' or a positive factor such as 10, got {text!r}")
    return value


def _progress_enabled(flag: bool | None) -> bool:
    return sys.stderr.isatty() if flag is None else flag


def _count_lines(*paths: Path) -> int:
    total = 0
    for path in paths:
        with path.open("rb") as handle:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda h=handle: h.read(1 << 20), b""))
    return total


def cmd_simulate(args: argparse.Namespace) -> int:
    from fusion.simulator.generate import simulate

    summary = simulate(
        seed=args.seed,
        vessels=args.vessels,
        minutes=args.minutes,
        out_dir=args.out,
        zones_path=args.zones,
        start_time=args.start_time,
        progress=_progress_enabled(args.progress),
    )
    print(json.dumps(summary, sort_keys=True))
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from fusion.replay import run_replay
    from ingest.scenario import open_scenario

    if args.bus != "memory":
        raise UsageError(
            f"--bus {args.bus}: only the embedded 'memory' bus is available in this version; "
            "the Kafka bus (kafka://HOST:PORT) arrives with the Kafka backbone"
        )
    scenario = open_scenario(args.scenario, args.zones)
    out_dir = args.scenario if args.out is None else args.out
    tracks_out = args.tracks_out or out_dir / "tracks.jsonl"
    alerts_out = args.alerts_out or out_dir / "alerts.jsonl"
    total = _count_lines(scenario.ais_path, scenario.radar_path)
    with tqdm(
        total=total, unit="rec", desc="replay", disable=not _progress_enabled(args.progress), leave=False
    ) as bar:
        summary = run_replay(
            scenario,
            tracks_out=tracks_out,
            alerts_out=alerts_out,
            speed=args.speed,
            on_record=lambda: bar.update(1),
        )
    report = {
        "records_in": summary.records_in,
        "tracks_written": summary.written.get("tracks", 0),
        "alerts_written": summary.written.get("alerts", 0),
        "rejects_by_reason": summary.rejects_by_reason,
        "ingest": dict(sorted(summary.ingest.items())),
        "fusion": dict(sorted(summary.fusion.items())),
        "tracks_out": str(tracks_out),
        "alerts_out": str(alerts_out),
    }
    rejects = summary.rejects_by_reason
    print(
        f"replayed {summary.records_in} records from {scenario.path}: "
        f"{report['tracks_written']} track updates -> {tracks_out}, "
        f"{report['alerts_written']} alert events -> {alerts_out}; "
        f"rejected {sum(rejects.values())} ({', '.join(f'{k} {v}' for k, v in rejects.items()) or 'none'})",
        file=sys.stderr,
    )
    print(json.dumps(report, sort_keys=True))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from fusion.evaluation.evaluate import evaluate, summary_lines

    result = evaluate(args.scenario, args.tracks, args.alerts)
    for line in summary_lines(result):
        print(line, file=sys.stderr)
    print(json.dumps(result, sort_keys=True))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from fusion.demo import run_demo

    run_demo(args.scenario, zones_path=args.zones, speed=args.speed, host=args.host, port=args.port)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from fusion.bus_factory import open_bus
    from ingest.service import IngestService, sensors_for_feeds

    try:
        feeds = sensors_for_feeds(args.feed, args.sensors, args.site, args.max_range_m)
        bus = open_bus(args.bus, "seawatch-ingest")
    except ValueError as error:
        raise UsageError(str(error)) from None
    service = IngestService(bus, health_interval_s=args.health_interval_s)
    try:
        health = service.run(feeds)
    finally:
        bus.close()
    print(json.dumps({name: h.to_dict() for name, h in health.items()}, sort_keys=True))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seawatch", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    commands = parser.add_subparsers(dest="command", required=True)

    sim = commands.add_parser("simulate", help="generate a deterministic scenario (approaches to Karachi)")
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--vessels", type=int, default=60)
    sim.add_argument("--minutes", type=float, default=25.0)
    sim.add_argument("--out", type=Path, required=True, help="scenario folder to write")
    sim.add_argument("--zones", type=Path, default=DEFAULT_ZONES)
    sim.add_argument(
        "--start-time",
        type=float,
        default=1768464000.0,
        metavar="UNIX_S",
        help="event time of the first second (default 2026-01-15 08:00 UTC)",
    )
    sim.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (default: when stderr is a terminal)",
    )
    sim.set_defaults(handler=cmd_simulate)

    rep = commands.add_parser("replay", help="run a scenario folder through ingest, tracker and rules")
    rep.add_argument("scenario", type=Path)
    rep.add_argument(
        "--speed",
        type=_speed,
        default=None,
        metavar="max|X",
        help="'max' (default) or a factor of real time, e.g. 10",
    )
    rep.add_argument("--tracks-out", type=Path, help="default: tracks.jsonl in --out")
    rep.add_argument("--alerts-out", type=Path, help="default: alerts.jsonl in --out")
    rep.add_argument(
        "--out", type=Path, help="folder for default output files (default: the scenario folder)"
    )
    rep.add_argument("--bus", default="memory", help="'memory' (embedded, default) or kafka://HOST:PORT")
    rep.add_argument(
        "--zones", type=Path, default=DEFAULT_ZONES, help="used when the scenario has no zones.geojson"
    )
    rep.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    rep.set_defaults(handler=cmd_replay)

    ev = commands.add_parser(
        "evaluate", help="score tracks (and alerts) against a simulated scenario's truth"
    )
    ev.add_argument("scenario", type=Path)
    ev.add_argument("tracks", type=Path)
    ev.add_argument("--alerts", type=Path)
    ev.set_defaults(handler=cmd_evaluate)

    demo = commands.add_parser("demo", help="replay the bundled scenario live and serve the dashboard")
    demo.add_argument("scenario", type=Path, nargs="?", default=DEFAULT_SCENARIO)
    demo.add_argument("--speed", type=_speed, default=10.0, metavar="max|X")
    demo.add_argument("--zones", type=Path, default=DEFAULT_ZONES)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8050)
    demo.set_defaults(handler=cmd_demo)

    ing = commands.add_parser(
        "ingest", help="AIS and radar feeds (files, TCP, UDP) to the bus; see docs/ingest_sources.md"
    )
    ing.add_argument(
        "feed",
        nargs="+",
        metavar="KIND[:RADAR]=SOURCE",
        help="e.g. ais=tcp://127.0.0.1:10110, radar-nmea:NAVICO=RadarLogs.txt, radar-asterix:R1=udp://0.0.0.0:8600",
    )
    ing.add_argument("--bus", default="memory", help="'memory' (embedded) or kafka://HOST:PORT")
    ing.add_argument("--sensors", type=Path, help="sensors.json with the radar sites and sigmas")
    ing.add_argument("--site", metavar="LAT,LON", help="the radar's site when it is not in --sensors")
    ing.add_argument("--max-range-m", type=float, default=100_000.0, help="with --site: range limit")
    ing.add_argument("--health-interval-s", type=float, default=5.0, help="seconds between feed.health")
    ing.set_defaults(handler=cmd_ingest)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from fusion.evaluation.loaders import EvaluationInputError
    from fusion.rules.zones import ZonesFileError
    from ingest.scenario import ScenarioError
    from ingest.sensors import SensorsFileError

    try:
        return args.handler(args)
    except (
        UsageError,
        ScenarioError,
        SensorsFileError,
        ZonesFileError,
        EvaluationInputError,
        FileNotFoundError,
    ) as error:
        print(f"seawatch {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
