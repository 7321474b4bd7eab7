"""Cost of one CISE Anomaly message: building it (lxml) and checking it against the CISE XSDs.

Run: ``.venv/bin/python -m benchmarks.cise [--alerts N] [--runs R] [--cise-dir DIR]``.

``N`` alerts of every kind (``benchmarks.routing.make_alerts``), each with its vessel's AIS
identity and track state, are turned into Push messages as ``seawatch share cise`` does
(``ShareCiseService.anomaly_message``); then each message is validated
(``CiseValidator.errors``, what ``--validate-with`` adds per message). Printed: per run the
CPU time of this thread per message, the median over runs, and as reference the cost of
``fusion.schemas.to_json`` of the same alerts in the same process, and the ratios. Alerts
arrive a few per minute, so what matters is that neither cost is near a second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.routing import make_alerts
from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.cise.delivery import DirectorySink, RejectedStore
from fusion.cise.messages import Envelope
from fusion.cise.records import SharedAlert
from fusion.cise.validate import CiseValidator
from fusion.schemas import AisStatic, TrackState, TrackStatus, to_json
from fusion.services.share_cise import ShareCiseService, ShareSettings

REPO_ROOT = Path(__file__).resolve().parent.parent


def _service(alerts: list, tmp: Path) -> ShareCiseService:
    """A service knowing every alert's vessel: its AIS identity and the track state it was raised on."""
    broker = MemoryBroker()
    producer = MemoryBus(broker, "bench")
    for alert in alerts:
        mmsi = 463_000_000 + int(alert.alert_id, 16)
        static = AisStatic(
            time=alert.time - 60, mmsi=mmsi, msg_type=5, name="BENCH", call_sign="AP1", imo=9_000_001
        )
        producer.publish(topics.AIS_STATIC, str(mmsi), to_json(static), static.time)
        state = TrackState(
            time=alert.time, track_id=alert.track_id, status=TrackStatus.CONFIRMED,
            lat=alert.lat, lon=alert.lon, east_m=0.0, north_m=0.0, ve_mps=3.0, vn_mps=3.0,
            sog_kn=8.2, cog_deg=45.0,
            cov=(100.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 100.0, 0, 0, 0, 0, 1.0), mmsi=mmsi,
            last_ais_time=alert.time, last_radar_time=alert.time,
        )  # fmt: skip
        producer.publish(topics.TRACKS, state.track_id, to_json(state), state.time)
    service = ShareCiseService(
        MemoryBus(broker, "share"),
        MemoryBus(broker, "identities"),
        DirectorySink(tmp / "out"),
        ShareSettings(envelope=Envelope(sender_id="pk.seawatch", recipient_id="partner"), alert_topic="none"),
        rejected=RejectedStore(tmp / "rejected"),
    )
    service.load_identities(wait_s=5.0)
    while service.step():  # the track states (no alerts: its alert topic is empty)
        pass
    return service


def _per_item_s(work: Callable[[], object], count: int) -> float:
    start = time.thread_time()
    work()
    return (time.thread_time() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cise-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data" / "cise")
    args = parser.parse_args()
    alerts = make_alerts(args.alerts)
    shared = [SharedAlert.of(a) for a in alerts]
    validator = CiseValidator(args.cise_dir)
    with tempfile.TemporaryDirectory() as tmp:
        service = _service(alerts, Path(tmp))
        messages = [service.anomaly_message(a) for a in shared]
        assert all(validator.errors(m.xml) == [] for m in messages[:10]), "benchmark messages must be valid"
        build, check, ref = [], [], []
        for _ in range(args.runs):
            ref.append(_per_item_s(lambda: [to_json(a) for a in alerts], len(alerts)))
            build.append(_per_item_s(lambda: [service.anomaly_message(a) for a in shared], len(shared)))
            check.append(_per_item_s(lambda: [validator.errors(m.xml) for m in messages], len(messages)))
    for name, values in (
        ("to_json (reference)", ref),
        ("build Anomaly Push", build),
        ("validate vs XSDs", check),
    ):
        runs = ", ".join(f"{v * 1e6:.0f}" for v in values)
        print(f"{name:22s} median {statistics.median(values) * 1e6:8.0f} us/message  (runs: {runs})")
    print(f"build / to_json    = {statistics.median(build) / statistics.median(ref):.0f}x")
    print(f"validate / to_json = {statistics.median(check) / statistics.median(ref):.0f}x")
    print(f"{args.alerts} alerts, {args.runs} runs, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
