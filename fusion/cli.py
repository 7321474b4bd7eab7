"""``seawatch``: the command line of the system.

Long commands (simulate, replay) show a progress bar when stderr is a terminal and stay
quiet in logs. Errors a user can fix are reported as one line naming the file and the fix,
with exit status 2; a stack trace means a bug in seawatch.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import logging
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

if TYPE_CHECKING:
    from dashboard.history import HistoryConfig
    from fusion.audit import AuditKey, AuditLog
    from fusion.audit_verify import Verification
    from fusion.bus import Bus
    from fusion.rules.config import RulesConfig
    from ingest.scenario import Scenario

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ZONES = REPO_ROOT / "zones.geojson"
DEFAULT_SCENARIO = REPO_ROOT / "replay_data" / "karachi"
DEFAULT_AGENCIES = REPO_ROOT / "config" / "agencies.toml"
DEFAULT_RISK_CONFIG = REPO_ROOT / "config" / "risk.toml"
DEFAULT_HISTORY_DB = "sqlite:///seawatch-history.db"

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
        spoofers=args.spoofers,
    )
    print(json.dumps(summary, sort_keys=True))
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from fusion import topics
    from fusion.agencies.routing import load_router
    from fusion.replay import run_replay
    from fusion.risk.model import load_risk_config
    from ingest.scenario import open_scenario

    recording = _check_recording(args.scenario, args.allow_unverified)
    scenario = open_scenario(args.scenario, args.zones)
    if args.bus != "memory":
        return _replay_to_bus(args, scenario, recording)
    out_dir = args.scenario if args.out is None else args.out
    tracks_out = args.tracks_out or out_dir / "tracks.jsonl"
    alerts_out = args.alerts_out or out_dir / "alerts.jsonl"
    risk_out = out_dir / "risk.jsonl"
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
            rules_config=_rules_config(args.rules),
            router=load_router(args.agencies, scenario.zones_path) if args.agencies else None,
            risk_out=risk_out,
            risk_config=load_risk_config(args.risk_config),
        )
    report = {
        "records_in": summary.records_in,
        "tracks_written": summary.written.get("tracks", 0),
        "alerts_written": summary.written.get("alerts", 0),
        "rejects_by_reason": summary.rejects_by_reason,
        "radar_bias": summary.radar_bias,
        "ingest": dict(sorted(summary.ingest.items())),
        "fusion": dict(sorted(summary.fusion.items())),
        "tracks_out": str(tracks_out),
        "alerts_out": str(alerts_out),
        "risk_out": str(risk_out),
        "risk_assessments_written": summary.written.get(topics.RISK, 0),
        "recording": recording,
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


def _check_recording(folder: Path, allow_unverified: bool) -> dict[str, object]:
    """Check a scenario folder against its manifest.json; refuse a changed one unless allowed."""
    from fusion.manifest import check_folder, replay_verdict, report

    if not folder.is_dir():
        return {"verified": False, "manifest": False, "sha256": None, "problems": []}  # open_scenario fails
    check = check_folder(folder)
    refuse, message = replay_verdict(check)
    if refuse and not allow_unverified:
        raise UsageError(message)
    print(f"{'UNVERIFIED: ' if refuse else ''}{message}", file=sys.stderr)
    return report(check)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from fusion.evaluation.evaluate import evaluate, summary_lines

    result = evaluate(args.scenario, args.tracks, args.alerts, args.risk)
    for line in summary_lines(result):
        print(line, file=sys.stderr)
    print(json.dumps(result, sort_keys=True))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from fusion.audit import default_source
    from fusion.audit_store import open_audit_log
    from fusion.demo import run_demo

    _check_recording(args.scenario, args.allow_unverified)
    audit = open_audit_log(args.audit_log, source=default_source("demo"), key_file=args.audit_key_file)
    print(f"seawatch demo: operator actions are recorded in {args.audit_log}", file=sys.stderr)
    run_demo(
        args.scenario,
        zones_path=args.zones,
        speed=args.speed,
        host=args.host,
        port=args.port,
        audit=audit,
        agencies_path=args.agencies,
    )
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from fusion.bus_factory import open_bus
    from ingest.radar_asterix import AsterixUnavailableError
    from ingest.service import IngestService, sensors_for_feeds

    try:
        feeds = sensors_for_feeds(args.feed, args.sensors, args.site, args.max_range_m)
        bus = open_bus(args.bus, "seawatch-ingest")
    except (ValueError, AsterixUnavailableError) as error:
        raise UsageError(str(error)) from None
    if args.bus != "memory":
        from fusion.bus_kafka import TopicSpec
        from fusion.services.provision import ensure_pipeline_topics
        from fusion.topics import FEED_HEALTH

        ensure_pipeline_topics(bus, args.partitions)  # type: ignore[arg-type]
        bus.ensure_topics({FEED_HEALTH: TopicSpec(1, compacted=True)})  # type: ignore[attr-defined]
    try:
        progress = _progress_enabled(args.progress)
        with tqdm(unit="line", desc="ingest", disable=not progress, leave=False) as bar:
            service = IngestService(
                bus, health_interval_s=args.health_interval_s, area=args.area, on_item=lambda: bar.update(1)
            )
            health = service.run(feeds)
    finally:
        bus.close()
    print(json.dumps({name: h.to_dict() for name, h in health.items()}, sort_keys=True))
    return 0


def _replay_to_bus(args: argparse.Namespace, scenario: Scenario, recording: dict[str, object]) -> int:
    """``replay --bus kafka://...``: publish the recording to the raw topics for ``seawatch fuse``."""
    from fusion.bus_factory import open_bus
    from fusion.services.provision import ensure_pipeline_topics
    from fusion.services.publish import publish_scenario

    bus = open_bus(args.bus, "seawatch-replay")
    area = args.area or scenario.path.resolve().name
    ensure_pipeline_topics(bus, args.partitions)  # type: ignore[arg-type]
    total = _count_lines(scenario.ais_path, scenario.radar_path)
    try:
        with tqdm(
            total=total, unit="rec", desc="publish", disable=not _progress_enabled(args.progress), leave=False
        ) as bar:
            counts = publish_scenario(
                scenario, bus, area=area, speed=args.speed, on_record=lambda: bar.update(1)
            )
    finally:
        bus.close()
    published = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("published:")}
    print(
        f"published {sum(published.values())} records of {scenario.path} (area {area}) to {args.bus}",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "area": area,
                "published": published,
                "ingest": dict(sorted(counts.items())),
                "recording": recording,
            },
            sort_keys=True,
        )
    )
    return 0


def _rules_config(path: Path | None) -> RulesConfig:
    """The rules thresholds: ``--rules FILE`` (TOML, see config/rules.toml) or the defaults."""
    from fusion.rules.config import DEFAULT_CONFIG, load_rules_config

    return DEFAULT_CONFIG if path is None else load_rules_config(path)


def cmd_fuse(args: argparse.Namespace) -> int:
    from fusion.bus_factory import open_bus
    from fusion.services.areas import load_area
    from fusion.services.fuse import FuseService
    from fusion.services.provision import ensure_agency_topics, ensure_pipeline_topics
    from fusion.services.snapshots import SnapshotStore

    if not args.bus.startswith("kafka://"):
        raise UsageError(
            "fuse runs as a service on Kafka: give --bus kafka://HOST:PORT (replay uses 'memory')"
        )
    areas = [load_area(spec, args.zones) for spec in args.area]
    bus = open_bus(args.bus, args.group)
    ensure_pipeline_topics(bus, args.partitions)  # type: ignore[arg-type]
    store = None if args.no_snapshots else SnapshotStore(args.state_dir, args.group)
    service = FuseService(
        bus,  # type: ignore[arg-type]
        areas,
        store=store,
        snapshot_every_s=args.snapshot_every_s,
        idle_partition_s=args.idle_partition_s,
        allowed_lateness_s=args.allowed_lateness_s,
        rules_config=_rules_config(args.rules),
        agencies_path=args.agencies,
    )
    if args.agencies:
        ensure_agency_topics(bus, service.agency_ids, args.partitions)  # type: ignore[arg-type]
    print(
        f"seawatch fuse: areas {', '.join(a.name for a in areas)} from {args.bus}, group {args.group}",
        file=sys.stderr,
        flush=True,
    )
    try:
        service.run(exit_when_idle_s=args.exit_when_idle_s)
    finally:
        service.close()
        bus.close()
    print(json.dumps(dict(sorted(service.summary().items()))))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from fusion.bus_factory import open_bus
    from fusion.history.service import run_history
    from fusion.history.store import HistoryStore

    if not args.bus.startswith("kafka://"):
        raise UsageError("history runs as a service on Kafka: give --bus kafka://HOST:PORT")
    store = HistoryStore(args.db)
    print(f"seawatch history: event topics on {args.bus} -> {args.db}", file=sys.stderr, flush=True)
    try:
        counts = run_history(
            lambda group: _provisioned(open_bus(args.bus, group)), store, args.group, args.exit_when_idle_s
        )
    finally:
        store.close()
    print(json.dumps(dict(sorted(counts.items()))))
    return 0


def _provisioned(bus: Bus) -> Bus:
    """The bus, with the pipeline's topics created if this is the first service to start."""
    from fusion.services.provision import ensure_pipeline_topics

    ensure_pipeline_topics(bus)  # type: ignore[arg-type]
    return bus


def cmd_rules_stats(args: argparse.Namespace) -> int:
    from fusion.history.store import HistoryStore

    store = HistoryStore(args.db)
    try:
        stats = store.rule_stats()
    finally:
        store.close()
    print(
        f"{'rule (alert kind)':<22}{'raised':>8}{'confirmed':>10}{'rejected':>9}{'false alarms':>14}  reasons"
    )
    for rule in stats:
        rate = "-" if rule.false_alarm_rate is None else f"{100 * rule.false_alarm_rate:.0f} %"
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(rule.rejections_by_reason.items()))
        print(f"{rule.kind:<22}{rule.raised:>8}{rule.confirmed:>10}{rule.rejected:>9}{rate:>14}  {reasons}")
    return 0


def cmd_vessel(args: argparse.Namespace) -> int:
    from fusion.history.store import HistoryStore

    if (args.mmsi is None) == (args.track is None):
        raise UsageError("give --mmsi N or --track ID (a vessel without AIS is known by its track)")
    store = HistoryStore(args.db)
    try:
        history = store.vessel_history(mmsi=args.mmsi, track_id=args.track)
    finally:
        store.close()
    print(json.dumps(history, sort_keys=True, default=str, indent=1))
    return 0


def cmd_risk(args: argparse.Namespace) -> int:
    from fusion.bus_factory import open_bus
    from fusion.risk.model import load_risk_config
    from fusion.risk_pipeline import open_risk_service
    from fusion.services.provision import ensure_pipeline_topics

    if not args.bus.startswith("kafka://"):
        raise UsageError(
            "risk runs as a service on Kafka: give --bus kafka://HOST:PORT (replay runs it itself)"
        )
    group = f"{args.group}-{uuid.uuid4().hex[:12]}"  # a fresh group: rebuild from the topics' start
    bus = open_bus(args.bus, group)
    ensure_pipeline_topics(bus, args.partitions)  # type: ignore[arg-type]
    service = open_risk_service(bus, load_risk_config(args.risk_config), args.zones)
    print(f"seawatch risk: alerts -> risk on {args.bus}, group {group}", file=sys.stderr, flush=True)
    try:
        service.serve(exit_when_idle_s=args.exit_when_idle_s)
    finally:
        bus.close()
    print(json.dumps(dict(sorted(service.counts.items()))))
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from fusion.bus_factory import open_bus
    from fusion.manifest import fingerprint
    from fusion.services.record import record_scenario

    if not args.bus.startswith("kafka://"):
        raise UsageError("record reads the raw topics of a Kafka cluster: give --bus kafka://HOST:PORT")
    if not args.sensors.is_file():
        raise UsageError(f"--sensors {args.sensors}: not a file; give the sensors.json of the recorded feeds")
    bus = open_bus(args.bus, args.group)
    try:
        counts = record_scenario(
            bus,  # type: ignore[arg-type]
            args.out,
            sensors_path=args.sensors,
            zones_path=args.zones,
            area=args.area,
            exit_when_idle_s=args.exit_when_idle_s,
        )
    finally:
        bus.close()
    print(f"recorded into {args.out}: {dict(sorted(counts.items()))}", file=sys.stderr)
    print(
        f"recording sha256 {fingerprint(args.out)} (its manifest.json): note it in the watch log "
        "to prove later replays (docs/audit.md)",
        file=sys.stderr,
    )
    print(json.dumps(dict(sorted(counts.items()))))
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from dashboard.app import create_app
    from dashboard.picture import PictureFeed
    from fusion.bus_factory import open_bus
    from fusion.demo import DEMO_USERS, scenario_dashboard_config
    from fusion.services.areas import load_area
    from ingest.scenario import Scenario

    area = load_area(args.area, args.zones)
    scenario = Scenario(
        Path(args.area.partition("=")[2] or args.area),
        area.sensors,
        area.origin_lat,
        area.origin_lon,
        area.zones_path,
    )
    map_settings, history = _dashboard_map_and_history(args)
    group = args.group or f"seawatch-dashboard-{uuid.uuid4().hex[:12]}"
    bus = open_bus(args.bus, group)
    config = scenario_dashboard_config(scenario, args.users or DEMO_USERS, _dashboard_audit(args, bus))
    _check_history_db(args.history_db)
    config = dataclasses.replace(config, **map_settings, history_db=args.history_db)
    app = create_app(PictureFeed(bus, history), config)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    print(f"seawatch dashboard: {args.bus} -> http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    app.run(host=args.host, port=args.port, debug=False)
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the log (or recording folder) checks out, 1 when it was tampered with."""
    from fusion.audit import AuditLogError, load_key
    from fusion.audit_verify import Anchor, summary, to_report, verify_file

    if args.path is None and args.bus is None:
        raise UsageError("give an audit log PATH, a recording folder, or --bus kafka://HOST:PORT (or both)")
    if args.path is not None and args.path.is_dir():
        return _verify_recording(args.path)
    try:
        anchors = [Anchor.parse(text) for text in args.anchor]
        key = load_key(args.key_file) if args.key_file else None
    except (ValueError, AuditLogError) as error:
        raise UsageError(str(error)) from None
    on_topic = _verify_audit_topic(args.bus, key) if args.bus else {}
    if args.path is None:
        for chain, checked in on_topic.items():
            print(summary(Path(f"topic chain {chain}"), checked), file=sys.stderr)
        print(json.dumps({chain: to_report(v) for chain, v in on_topic.items()}, sort_keys=True))
        return 0 if all(v.ok for v in on_topic.values()) else 1
    result = verify_file(args.path, key=key, anchors=anchors)
    topic_copy = on_topic.get(result.chain or "")
    if topic_copy is not None and topic_copy.head is not None:  # the topic's head anchors the file
        result = verify_file(args.path, key=key, anchors=[*anchors, topic_copy.head])
    print(summary(args.path, result), file=sys.stderr)
    if topic_copy is not None and not topic_copy.ok:
        print(summary(Path(f"topic chain {result.chain}"), topic_copy), file=sys.stderr)
    print(json.dumps(to_report(result), sort_keys=True))
    if result.problem is not None and result.problem.kind == "needs_key":
        return 2
    return 0 if result.ok and (topic_copy is None or topic_copy.ok) else 1


def _verify_audit_topic(url: str, key: AuditKey | None) -> dict[str, Verification]:
    from fusion.audit_bus import verify_topic
    from fusion.bus_factory import open_bus

    if not url.startswith("kafka://"):
        raise UsageError("--bus: the audit topic is read from Kafka; give kafka://HOST:PORT")
    bus = open_bus(url, f"seawatch-audit-verify-{uuid.uuid4().hex[:12]}")
    try:
        return verify_topic(bus, key=key)  # type: ignore[arg-type]
    finally:
        bus.close()


def _verify_recording(folder: Path) -> int:
    from fusion.manifest import check_folder, replay_verdict, report

    check = check_folder(folder)
    print(replay_verdict(check)[1], file=sys.stderr)
    print(json.dumps(report(check), sort_keys=True))
    return 0 if check.verified else 1


def cmd_share_cise(args: argparse.Namespace) -> int:
    """Alert topics -> CISE Push messages to a folder or an HTTP endpoint (docs/cise.md)."""
    import signal
    import threading

    from fusion.services.share_cise_setup import ShareConfigError, ShareOptions, open_share_service

    try:
        service = open_share_service(
            ShareOptions(
                bus_url=args.bus,
                group=args.group,
                out_dir=args.out,
                url=args.url,
                partner=args.partner,
                agencies_path=args.agencies,
                zones_path=args.zones,
                sender_id=args.sender_id,
                recipient_id=args.recipient_id,
                sea_basin=args.sea_basin,
                purpose=args.purpose,
                vessel_every_s=args.vessels_every_s,
                share_risk=args.risk,
                validate_dir=args.validate_with,
                rejected_dir=args.rejected_dir,
                retry_max_s=args.retry_max_s,
            )
        )
    except ShareConfigError as error:
        raise UsageError(str(error)) from None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(
        f"seawatch share cise: {service.settings.alert_topic} from {args.bus} -> {service.sink.describe()}",
        file=sys.stderr,
        flush=True,
    )
    try:
        service.run(exit_when_idle_s=args.exit_when_idle_s, should_stop=stop.is_set)
    finally:
        service.close()
    print(json.dumps(service.summary(), sort_keys=True))
    return 0


def _dashboard_map_and_history(args: argparse.Namespace) -> tuple[dict, HistoryConfig]:
    """``--tiles`` and ``--history-s`` as dashboard settings; a bad value is a usage error."""
    from dashboard.history import HistoryConfig
    from dashboard.tiles import TileLayer

    try:
        tiles = TileLayer(args.tiles, attribution=args.tiles_attribution) if args.tiles else None
        history = HistoryConfig(retention_s=args.history_s or None)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return {"tiles": tiles}, history


def _check_history_db(url: str | None) -> None:
    """``--history-db`` opens (tables made if new), or a usage error naming the fix."""
    if url is None:
        return
    import sqlalchemy

    from fusion.history.store import HistoryStore

    try:
        HistoryStore(url).close()
    except (ValueError, sqlalchemy.exc.SQLAlchemyError) as err:
        raise UsageError(f"--history-db {url}: {err}") from err


def _dashboard_audit(args: argparse.Namespace, bus: Bus) -> AuditLog:
    """The host's audit file, each entry mirrored to the ``audit`` topic when the bus is Kafka."""
    from fusion.audit import default_source
    from fusion.audit_store import open_audit_log

    mirror = None
    if args.bus.startswith("kafka://"):
        from fusion.audit_bus import AUDIT_TOPIC_SPEC, publish_entry
        from fusion.topics import AUDIT

        bus.ensure_topics({AUDIT: AUDIT_TOPIC_SPEC})  # type: ignore[attr-defined]
        mirror = functools.partial(publish_entry, bus)
    print(f"seawatch dashboard: operator actions are recorded in {args.audit_log}", file=sys.stderr)
    return open_audit_log(
        args.audit_log, source=default_source("dashboard"), key_file=args.audit_key_file, mirror=mirror
    )


def _audit_options(parser: argparse.ArgumentParser, default_log: Path) -> None:
    parser.add_argument(
        "--audit-log",
        type=Path,
        default=default_log,
        help=f"append-only log of operator actions, shared by this host's processes (default {default_log})",
    )
    parser.add_argument(
        "--audit-key-file",
        type=Path,
        help="deployment key: HMAC-SHA256 entries instead of SHA-256 (default: $SEAWATCH_AUDIT_KEY_FILE)",
    )


def cmd_import(args: argparse.Namespace) -> int:
    """``seawatch import``: recordings of other systems -> a scenario folder (docs/import.md)."""
    from ingest.importers.ais_nmea import NoTimeError
    from ingest.importers.build import import_sources
    from ingest.importers.csv_ais import CsvLayoutError, parse_columns
    from ingest.importers.csv_times import CsvTimeError, parse_time
    from ingest.importers.detect import FormatError
    from ingest.importers.model import ImportOptions
    from ingest.importers.radar import RadarSiteError
    from ingest.radar_asterix import AsterixUnavailableError
    from ingest.sources import PcapError

    try:
        options = ImportOptions(
            start_s=None if args.start is None else parse_time(args.start, day_first=True),
            line_interval_s=args.line_interval_s,
            site=_lat_lon(args.site) if args.site else None,
            columns=parse_columns(args.columns) if args.columns else None,
            day_first=args.day_first,
            radar_id=args.radar_id,
            max_range_m=args.max_range_m,
        )
        quiet = not _progress_enabled(args.progress)
        with tqdm(unit="row", desc="import", disable=quiet, leave=False) as bar:
            summary = import_sources(
                args.sources,
                args.out,
                options,
                fmt=args.format,
                command=" ".join(["seawatch", *sys.argv[1:]]),
                on_rows=bar.update,
                zones=args.zones,
            )
    except (
        ValueError,
        CsvLayoutError,
        CsvTimeError,
        FormatError,
        NoTimeError,
        RadarSiteError,
        AsterixUnavailableError,
        PcapError,
    ) as error:
        raise UsageError(str(error)) from None
    rate, elapsed_s = summary.rows_per_s, summary.elapsed_s
    for note in summary.notes:
        print(f"note: {note}", file=sys.stderr)
    rejects = summary.rejects_by_reason
    print(
        f"imported {summary.rows} rows/lines from {len(args.sources)} source(s) in {elapsed_s:.2f} s "
        f"({rate:,.0f} rows/s) -> {args.out}: {summary.ais_messages} AIS messages "
        f"({summary.ais_duplicates} duplicates written once), {summary.radar_plots} radar plots; "
        f"rejected {sum(rejects.values())} ({', '.join(f'{k} {v}' for k, v in rejects.items()) or 'none'})",
        file=sys.stderr,
    )
    report = {
        "out": str(args.out),
        "rows": summary.rows,
        "rows_per_s": round(rate, 1),
        "ais_messages": summary.ais_messages,
        "ais_duplicates": summary.ais_duplicates,
        "radar_plots": summary.radar_plots,
        "rejects_by_reason": rejects,
        "time_span": summary.time_span,
    }
    print(json.dumps(report, sort_keys=True))
    return 0


def _lat_lon(text: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise UsageError(f"--site {text!r}: give LAT,LON in degrees, e.g. --site 58.2123,11.5475") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise UsageError(f"--site {text!r}: latitude -90..90, longitude -180..180 (LAT first)")
    return lat, lon


def cmd_info(args: argparse.Namespace) -> int:
    """``seawatch info DIR``: span, sources, messages by type, vessels, rejects, and a PNG map."""
    import datetime as dt

    from ingest.importers.info import folder_info

    map_png = None if args.no_map else (args.map or args.folder / "map.png")
    info = folder_info(args.folder, args.zones, map_png)
    span = info.time_span
    if span:
        start, end = (dt.datetime.fromtimestamp(t, dt.UTC).isoformat(timespec="seconds") for t in span)
        print(f"{info.path}: {start} -> {end} ({(span[1] - span[0]) / 60:.1f} min)", file=sys.stderr)
    for source in info.sources:
        conventions = ", ".join(f"{k} {v}" for k, v in (source["time_conventions"] or {}).items())
        print(f"  source {source['path']} [{source['format']}] time from: {conventions}", file=sys.stderr)
    print(f"  AIS messages by type: {info.messages_by_type or 'none'}", file=sys.stderr)
    print(f"  vessels: {info.vessels} MMSIs, {info.vessels_with_position} with a position", file=sys.stderr)
    print(f"  radar plots: {info.radar_plots or 'none'}", file=sys.stderr)
    replay_rejects, import_rejects = info.rejects_by_reason or "none", info.import_rejects_by_reason or "none"
    print(f"  rejects: replay {replay_rejects}; import {import_rejects}", file=sys.stderr)
    for note in info.notes:
        print(f"  note: {note}", file=sys.stderr)
    if info.map_png:
        print(f"  map: {info.map_png}", file=sys.stderr)
    print(json.dumps(info.to_dict(), sort_keys=True))
    return 0


def _kafka_service_options(parser: argparse.ArgumentParser, group: str) -> None:
    parser.add_argument(
        "--bus", required=True, help="kafka://HOST:PORT[,HOST:PORT][?tls/sasl options] (docs/kafka.md)"
    )
    parser.add_argument("--group", default=group, help=f"Kafka consumer group (default {group})")


def build_parser() -> argparse.ArgumentParser:
    from ingest.importers.detect import FORMATS

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
        "--spoofers",
        type=int,
        default=0,
        help="ships whose AIS reports false positions for a while (ais_spoofed events; default 0)",
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
        "--risk-config",
        type=Path,
        default=DEFAULT_RISK_CONFIG,
        help="vessel risk weights (default config/risk.toml; docs/risk.md); risk.jsonl goes in --out",
    )
    rep.add_argument(
        "--out", type=Path, help="folder for default output files (default: the scenario folder)"
    )
    rep.add_argument(
        "--bus",
        default="memory",
        help="'memory' (embedded: the whole pipeline, outputs to files) or kafka://HOST:PORT "
        "(publish to the raw topics for `seawatch fuse`)",
    )
    rep.add_argument(
        "--zones", type=Path, default=DEFAULT_ZONES, help="used when the scenario has no zones.geojson"
    )
    rep.add_argument("--rules", type=Path, help="rules thresholds and watch list (TOML; config/rules.toml)")
    rep.add_argument(
        "--agencies",
        type=Path,
        help="agencies file: route alerts to agencies, publish alerts.<agency> (config/agencies.toml; "
        "docs/agencies.md)",
    )
    rep.add_argument(
        "--area", help="with --bus kafka://: the area the records belong to (default: folder name)"
    )
    rep.add_argument(
        "--partitions", type=int, default=4, help="with --bus kafka://: partitions of new topics"
    )
    rep.add_argument(
        "--allow-unverified",
        action="store_true",
        help="replay a folder that does not match its manifest.json (changed since recording)",
    )
    rep.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    rep.set_defaults(handler=cmd_replay)

    ev = commands.add_parser(
        "evaluate", help="score tracks (and alerts) against a simulated scenario's truth"
    )
    ev.add_argument("scenario", type=Path)
    ev.add_argument("tracks", type=Path)
    ev.add_argument("--alerts", type=Path)
    ev.add_argument("--risk", type=Path, help="risk.jsonl of the replay: precision at N of the ranking")
    ev.set_defaults(handler=cmd_evaluate)

    demo = commands.add_parser("demo", help="replay the bundled scenario live and serve the dashboard")
    demo.add_argument("scenario", type=Path, nargs="?", default=DEFAULT_SCENARIO)
    demo.add_argument("--speed", type=_speed, default=10.0, metavar="max|X")
    demo.add_argument("--zones", type=Path, default=DEFAULT_ZONES)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8050)
    demo.add_argument(
        "--agencies",
        type=Path,
        default=DEFAULT_AGENCIES,
        help="agencies file: route alerts to agencies, publish alerts.<agency> (config/agencies.toml; "
        "docs/agencies.md); default: the demo's",
    )
    demo.add_argument(
        "--allow-unverified",
        action="store_true",
        help="replay a folder that does not match its manifest.json",
    )
    _audit_options(demo, Path("out") / "demo" / "audit.jsonl")
    demo.set_defaults(handler=cmd_demo)

    ing = commands.add_parser(
        "ingest", help="AIS and radar feeds (files, TCP, UDP) to the bus; see docs/ingest_sources.md"
    )
    ing.add_argument(
        "feed",
        nargs="+",
        metavar="KIND[:ID]=SOURCE",
        help="e.g. ais=tcp://127.0.0.1:10110, radar-nmea:NAVICO=RadarLogs.txt, radar-asterix:R1=udp://0.0.0.0:8600",
    )
    ing.add_argument("--bus", default="memory", help="'memory' (embedded) or kafka://HOST:PORT")
    ing.add_argument("--sensors", type=Path, help="sensors.json with the radar sites and sigmas")
    ing.add_argument("--site", metavar="LAT,LON", help="the radar's site when it is not in --sensors")
    ing.add_argument("--max-range-m", type=float, default=100_000.0, help="with --site: range limit")
    ing.add_argument("--health-interval-s", type=float, default=5.0, help="seconds between feed.health")
    ing.add_argument("--area", help="key raw records AREA/SOURCE, as `seawatch fuse --area` reads them")
    ing.add_argument("--partitions", type=int, default=4, help="with --bus kafka://: partitions of topics")
    ing.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    ing.set_defaults(handler=cmd_ingest)

    history = commands.add_parser(
        "history", help="Kafka service: alerts, verdicts, snoozes, notes -> vessel history database"
    )
    _kafka_service_options(history, "seawatch-history")
    history.add_argument(
        "--db", default=DEFAULT_HISTORY_DB, help="sqlite:///FILE (default) or postgresql://..."
    )
    history.add_argument(
        "--exit-when-idle-s", type=float, help="stop after this many wall seconds without input"
    )
    history.set_defaults(handler=cmd_history)

    rules = commands.add_parser("rules", help="the rules' record with the officers")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    stats = rules_commands.add_parser("stats", help="per rule: raised, confirmed, rejected, false-alarm rate")
    stats.add_argument(
        "--db", default=DEFAULT_HISTORY_DB, help="the history database (seawatch history --db)"
    )
    stats.set_defaults(handler=cmd_rules_stats)

    vessel = commands.add_parser("vessel", help="one vessel's history: alerts, reportings, notes, identities")
    vessel.add_argument(
        "--db", default=DEFAULT_HISTORY_DB, help="the history database (seawatch history --db)"
    )
    vessel.add_argument("--mmsi", type=int)
    vessel.add_argument("--track", help="track id, for a vessel without AIS")
    vessel.set_defaults(handler=cmd_vessel)

    risk = commands.add_parser("risk", help="Kafka service: alerts -> vessel risk scores (docs/risk.md)")
    _kafka_service_options(risk, "seawatch-risk")
    risk.add_argument("--zones", type=Path, default=DEFAULT_ZONES, help="zones file, for zone kinds")
    risk.add_argument(
        "--risk-config", type=Path, default=DEFAULT_RISK_CONFIG, help="weights (config/risk.toml)"
    )
    risk.add_argument("--partitions", type=int, default=4, help="partitions of topics created on first start")
    risk.add_argument(
        "--exit-when-idle-s", type=float, help="stop after this many wall seconds without input"
    )
    risk.set_defaults(handler=cmd_risk)

    fuse = commands.add_parser("fuse", help="Kafka service: raw AIS/radar topics -> tracks and alerts")
    _kafka_service_options(fuse, "seawatch-fuse")
    fuse.add_argument(
        "--area",
        action="append",
        required=True,
        metavar="NAME=DIR",
        help="a tracking area: DIR has its sensors.json (and zones.geojson); repeat for several",
    )
    fuse.add_argument("--zones", type=Path, default=DEFAULT_ZONES, help="for areas without zones.geojson")
    fuse.add_argument("--rules", type=Path, help="rules thresholds and watch list (TOML; config/rules.toml)")
    fuse.add_argument(
        "--agencies",
        type=Path,
        help="agencies file: route alerts to agencies, publish alerts.<agency> (config/agencies.toml; "
        "docs/agencies.md)",
    )
    fuse.add_argument(
        "--state-dir", type=Path, default=Path("seawatch-state"), help="crash-recovery snapshots"
    )
    fuse.add_argument(
        "--no-snapshots", action="store_true", help="no crash recovery: restart with an empty picture"
    )
    fuse.add_argument("--snapshot-every-s", type=float, default=30.0, help="event seconds between snapshots")
    fuse.add_argument("--partitions", type=int, default=4, help="partitions of topics created on first start")
    fuse.add_argument(
        "--idle-partition-s",
        type=float,
        default=5.0,
        help="wall seconds a caught-up, silent input partition may hold the event-time merge back",
    )
    fuse.add_argument(
        "--allowed-lateness-s",
        type=float,
        default=10.0,
        help="event seconds records wait for later-arriving earlier ones (docs/kafka.md: latency); "
        "a record later than this is dead-lettered as too_late",
    )
    fuse.add_argument(
        "--exit-when-idle-s",
        type=float,
        metavar="S",
        help="batch mode: stop after the input is caught up and silent for S seconds",
    )
    fuse.set_defaults(handler=cmd_fuse)

    rec = commands.add_parser("record", help="raw Kafka topics -> a scenario folder that replays identically")
    _kafka_service_options(rec, "seawatch-record")
    rec.add_argument("--out", type=Path, required=True, help="scenario folder to write")
    rec.add_argument("--sensors", type=Path, required=True, help="sensors.json of the recorded feeds")
    rec.add_argument("--zones", type=Path, help="zones.geojson to store with the recording")
    rec.add_argument("--area", help="record only this area's raw records")
    rec.add_argument(
        "--exit-when-idle-s",
        type=float,
        default=5.0,
        metavar="S",
        help="stop after the topics are caught up and silent for S seconds (default 5)",
    )
    rec.set_defaults(handler=cmd_record)

    imp = commands.add_parser(
        "import", help="AIS/radar recordings (NMEA logs, CSV archives, ARPA, ASTERIX) -> a scenario folder"
    )
    imp.add_argument("sources", nargs="+", type=Path, metavar="SRC", help="files; format detected per file")
    imp.add_argument("--out", type=Path, required=True, help="scenario folder to write")
    imp.add_argument("--format", choices=FORMATS, help="read every SRC as this format (default: detect)")
    imp.add_argument(
        "--start", help="time of the first line of a log without time stamps (ISO 8601 UTC or unix seconds)"
    )
    imp.add_argument(
        "--line-interval-s", type=float, default=0.1, help="with --start: seconds between lines (0.1)"
    )
    imp.add_argument("--site", metavar="LAT,LON", help="radar site when the data lacks it (ASTERIX)")
    imp.add_argument("--columns", metavar="time=COL,mmsi=COL,lat=COL,lon=COL,...", help="generic CSV mapping")
    imp.add_argument(
        "--day-first",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="dd/mm/yyyy (or --no-day-first: mm/dd/yyyy) CSV dates (default: decide from the data)",
    )
    imp.add_argument("--radar-id", help="radar id in sensors.json (default: from the file name)")
    imp.add_argument("--max-range-m", type=float, help="radar range limit (default: 1.1 x farthest plot)")
    imp.add_argument("--zones", type=Path, help="zones.geojson to store with the recording")
    imp.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    imp.set_defaults(handler=cmd_import)

    info = commands.add_parser("info", help="summarise a scenario folder: span, types, vessels, rejects, map")
    info.add_argument("folder", type=Path)
    info.add_argument("--map", type=Path, help="PNG map to write (default: map.png in the folder)")
    info.add_argument("--no-map", action="store_true", help="do not draw the map")
    info.add_argument("--zones", type=Path, default=DEFAULT_ZONES, help="when the folder has none")
    info.set_defaults(handler=cmd_info)

    dash = commands.add_parser("dashboard", help="serve the picture of a bus's tracks and alerts topics")
    dash.add_argument("--bus", required=True, help="kafka://HOST:PORT[?options]")
    dash.add_argument(
        "--group",
        help="consumer group (default: a new one per process, so the dashboard reads the topics "
        "from their start and rebuilds the history a replay needs)",
    )
    dash.add_argument(
        "--area", required=True, metavar="[NAME=]DIR", help="folder with sensors.json (and zones)"
    )
    dash.add_argument("--zones", type=Path, default=DEFAULT_ZONES)
    dash.add_argument("--users", type=Path, help="users file (default: the demo users)")
    dash.add_argument("--host", default="127.0.0.1")
    dash.add_argument("--port", type=int, default=8050)
    dash.add_argument(
        "--history-s",
        type=float,
        default=3600.0,
        metavar="S",
        help="event time kept for replay behind the newest record (default 3600; about 0.6 kB per "
        "track state, docs/dashboard.md; 0 keeps everything)",
    )
    dash.add_argument(
        "--tiles",
        metavar="URL",
        help="online map tiles under the map, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png "
        "(default: none, the packaged coastline only: works air-gapped)",
    )
    dash.add_argument("--tiles-attribution", default="", help="the tile provider's required credit")
    dash.add_argument(
        "--history-db",
        metavar="URL",
        help="vessel history database filled by seawatch history (sqlite:///FILE or postgresql://...): "
        "the vessel history and false-alarm table come from it (default: what the dashboard read)",
    )
    _audit_options(dash, Path("seawatch-audit.jsonl"))
    dash.set_defaults(handler=cmd_dashboard)

    audit = commands.add_parser("audit", help="operator action log and recording manifests (docs/audit.md)")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser(
        "verify", help="check an audit log's hash chain, or a recording folder against its manifest.json"
    )
    verify.add_argument(
        "path", type=Path, nargs="?", metavar="PATH", help="audit log file, or a recording folder"
    )
    verify.add_argument(
        "--bus",
        help="kafka://HOST:PORT: check every chain on the audit topic; with PATH, also that the "
        "file still reaches the topic's head of its chain (catches a cut end)",
    )
    verify.add_argument("--key-file", type=Path, help="the deployment's audit key, for HMAC logs")
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="SEQ:HASH",
        help="a head noted earlier (printed by a previous verify); detects a cut of the end. Repeatable",
    )
    verify.set_defaults(handler=cmd_audit_verify)

    share = commands.add_parser("share", help="deliver alerts to partners in a standard exchange model")
    share_commands = share.add_subparsers(dest="share_command", required=True)
    cise = share_commands.add_parser(
        "cise", help="alert topics -> EU CISE Push messages to a folder or HTTP endpoint (docs/cise.md)"
    )
    cise.add_argument("--bus", required=True, help="kafka://HOST:PORT[?options] or 'memory'")
    cise.add_argument("--group", help="consumer group (default seawatch-share-cise-<partner or all>)")
    target = cise.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="folder to write <MessageID>.xml files into")
    target.add_argument("--url", help="HTTP(S) endpoint each message is POSTed to")
    cise.add_argument(
        "--partner", help="agency id: read alerts.<partner>, cut to its sharing policy (docs/agencies.md)"
    )
    cise.add_argument("--agencies", type=Path, help="agencies file: check --partner and its policy")
    cise.add_argument("--zones", type=Path, default=DEFAULT_ZONES, help="zones the agencies file names")
    cise.add_argument("--sender-id", default="seawatch", help="CISE ServiceID prefix of this node")
    cise.add_argument("--recipient-id", help="CISE ServiceID prefix of the partner (default: --partner)")
    cise.add_argument("--sea-basin", default="NonSpecified", help="CISE SeaBasin (default NonSpecified)")
    cise.add_argument("--purpose", default="BorderMonitoring", help="CISE PurposeOfUse of the payloads")
    cise.add_argument(
        "--vessels-every-s",
        type=float,
        metavar="S",
        help="also share the picture: a Vessel per confirmed track at most every S event seconds",
    )
    cise.add_argument("--risk", action="store_true", help="also share vessel risk assessments as CISE Risk")
    cise.add_argument("--validate-with", type=Path, metavar="DIR", help="CISE XSD folder: check each message")
    cise.add_argument("--rejected-dir", type=Path, help="where refused or invalid messages are kept")
    cise.add_argument("--retry-max-s", type=float, default=30.0, help="longest wait between retries, s")
    cise.add_argument(
        "--exit-when-idle-s",
        type=float,
        metavar="S",
        help="batch mode: stop after the topics are caught up and silent for S seconds",
    )
    cise.set_defaults(handler=cmd_share_cise)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from fusion.agencies.config import AgenciesFileError
    from fusion.audit import AuditLogError
    from fusion.bus_factory import BusUrlError
    from fusion.evaluation.loaders import EvaluationInputError
    from fusion.rules.config import RulesConfigError
    from fusion.rules.zones import ZonesFileError
    from fusion.services.areas import AreaConfigError
    from ingest.scenario import ScenarioError
    from ingest.sensors import SensorsFileError

    try:
        return args.handler(args)
    except (
        UsageError,
        BusUrlError,
        AreaConfigError,
        ScenarioError,
        SensorsFileError,
        ZonesFileError,
        RulesConfigError,
        EvaluationInputError,
        AuditLogError,
        AgenciesFileError,
        FileNotFoundError,
    ) as error:
        print(f"seawatch {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
