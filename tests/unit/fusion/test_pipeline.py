"""The fusion stage dead-letters bad and late records and keeps going."""

import json

from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.pipeline import FusionService
from fusion.schemas import AisReport, Reject, RejectReason, TimeSource, from_json, to_json
from tests.unit.tracking.test_tracker import SENSORS
from tracking.frames import LocalFrame
from tracking.tracker import Tracker


class _NoRules:
    def on_tracks(self, updates, now):
        return []

    def on_report(self, record):
        return []


def _report(time: float, mmsi: int = 463000001) -> AisReport:
    return AisReport(
        time=time,
        time_source=TimeSource.TAG_BLOCK,
        mmsi=mmsi,
        msg_type=1,
        lat=24.6,
        lon=66.95,
        sog_kn=5.0,
        cog_deg=90.0,
        heading_deg=None,
        nav_status=0,
        receiver_id="A1",
        raw="",
    )


def _service(broker: MemoryBroker) -> FusionService:
    return FusionService(
        MemoryBus(broker, "fuse"),
        Tracker(LocalFrame(24.6, 66.95), SENSORS),
        _NoRules(),
        allowed_lateness_s=5.0,
    )


def test_malformed_and_late_records_are_dead_lettered_and_processing_continues():
    broker = MemoryBroker()
    source = MemoryBus(broker, "source")
    service = _service(broker)
    source.publish(topics.AIS_REPORTS, "A1", b"{not json", 100.0)
    source.publish(topics.AIS_REPORTS, "A1", json.dumps({"time": 1.0}).encode(), 100.0)
    source.publish(topics.AIS_REPORTS, "A1", to_json(_report(100.0)), 100.0)
    source.publish(topics.AIS_REPORTS, "A1", to_json(_report(120.0)), 120.0)
    service.poll_once()
    source.publish(
        topics.AIS_REPORTS, "A1", to_json(_report(99.0, mmsi=463000002)), 99.0
    )  # after 100 released
    service.poll_once()
    service.finish()

    rejects = [from_json(Reject, e.value) for e in broker.read(topics.REJECTS)]
    assert [r.reason for r in rejects] == [
        RejectReason.MALFORMED_RECORD,
        RejectReason.MALFORMED_RECORD,
        RejectReason.TOO_LATE,
    ]
    assert rejects[0].source == "ais.reports[0]@0" and rejects[0].raw == "{not json"
    assert [json.loads(e.value)["time"] for e in broker.read(topics.TRACKS)] == [100.0, 120.0]
    assert service.counts["reject:too_late"] == 1


def test_a_restarted_service_resumes_after_its_last_commit():
    broker = MemoryBroker()
    source = MemoryBus(broker, "source")
    for t in (10.0, 20.0, 30.0):
        source.publish(topics.AIS_REPORTS, "A1", to_json(_report(t)), t)
    _service(broker).poll_once()
    source.publish(topics.AIS_REPORTS, "A1", to_json(_report(40.0)), 40.0)
    restarted = _service(broker)
    assert restarted.poll_once() == 1


def test_static_data_reaches_the_watch_list_in_event_time_order(tmp_path):
    """A vessel whose AIS identity names a watch-listed IMO number is alerted on sight."""
    from fusion.rules.config import RulesConfig, WatchList
    from fusion.rules.engine import RuleEngine
    from fusion.rules.zones import load_zones
    from fusion.schemas import AisStatic, Alert, AlertKind
    from tests.conftest import REPO_ROOT

    broker = MemoryBroker()
    source = MemoryBus(broker, "source")
    frame = LocalFrame(24.6, 66.95)
    rules = RuleEngine(
        load_zones(REPO_ROOT / "zones.geojson"),
        SENSORS,
        frame,
        RulesConfig(watch_list=WatchList(imo=frozenset({9123456}))),
    )
    service = FusionService(MemoryBus(broker, "fuse"), Tracker(frame, SENSORS), rules, allowed_lateness_s=5.0)
    for t in (100.0, 110.0, 120.0):
        source.publish(topics.AIS_REPORTS, "A1", to_json(_report(t)), t)
    identity = AisStatic(time=105.0, mmsi=463000001, msg_type=5, imo=9123456, name="NORTHERN STAR")
    source.publish(topics.AIS_STATIC, "463000001", to_json(identity), 105.0)
    service.poll_once()
    service.finish()
    alerts = [from_json(Alert, e.value) for e in broker.read(topics.ALERTS)]
    assert [(a.kind, a.mmsi) for a in alerts if a.kind is AlertKind.VESSEL_OF_INTEREST][:1] == [
        (AlertKind.VESSEL_OF_INTEREST, 463000001)
    ]
    assert service.counts["in:ais.static"] == 1
