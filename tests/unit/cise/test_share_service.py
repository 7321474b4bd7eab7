"""``share cise`` on a MemoryBus: what is delivered, retry, rejection, restart without loss."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from lxml import etree

from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.cise import vocabulary
from fusion.cise.delivery import (
    Backoff,
    DirectorySink,
    RejectedDeliveryError,
    RejectedStore,
    RetryableDeliveryError,
)
from fusion.cise.messages import CiseMessage, Envelope
from fusion.cli import main
from fusion.schemas import (
    AisStatic,
    Alert,
    AlertKind,
    AlertState,
    RiskAssessment,
    RiskFactor,
    Severity,
    to_dict,
    to_json,
)
from fusion.services.share_cise import ShareCiseService, ShareSettings
from fusion.services.share_cise_setup import ShareConfigError, ShareOptions, open_share_service
from tests.conftest import REPO_ROOT
from tests.unit.cise.conftest import MMSI, T0, track

ENVELOPE = Envelope(sender_id="pk.seawatch-node01", recipient_id="om.partner-node01")


def _alert(alert_id: str, state: AlertState, time: float, **changes) -> Alert:
    fields = dict(
        alert_id=alert_id,
        time=time,
        kind=AlertKind.AIS_GAP,
        state=state,
        severity=Severity.HIGH,
        track_id="T000001",
        mmsi=MMSI,
        zone_id=None,
        lat=24.75,
        lon=66.95,
        message="T000001 (MMSI 463000123): no AIS for 12 min inside coverage",
        evidence={"gap_s": 720.0},
    )
    fields.update(changes)
    return Alert(**fields)


def _publish_picture(bus: MemoryBus, alerts: int = 3) -> list[Alert]:
    """An identity, a track every 10 s and ``alerts`` incidents raised then cleared."""
    static = AisStatic(time=T0 - 300, mmsi=MMSI, msg_type=5, name="AL NOOR", call_sign="AP1234", imo=9123456)
    bus.publish(topics.AIS_STATIC, str(MMSI), to_json(static), static.time)
    published = []
    for i in range(alerts):
        time = T0 + 100 * i
        state = track(time=time)
        bus.publish(topics.TRACKS, state.track_id, to_json(state), time)
        for alert in (
            _alert(f"alert{i:02d}", AlertState.RAISED, time),
            _alert(f"alert{i:02d}", AlertState.CLEARED, time + 50),
        ):
            bus.publish(topics.ALERTS, alert.alert_id, to_json(alert), alert.time)
            published.append(alert)
    return published


def _service(broker: MemoryBroker, sink, tmp_path: Path, **settings) -> ShareCiseService:
    return ShareCiseService(
        MemoryBus(broker, "share"),
        MemoryBus(broker, "share-identities"),
        sink,
        ShareSettings(envelope=ENVELOPE, alert_topic=settings.pop("alert_topic", topics.ALERTS), **settings),
        rejected=RejectedStore(tmp_path / "rejected"),
        backoff=Backoff(initial_s=0.01, max_s=0.04),
        sleep=lambda _: None,
    )


def _anomalies(directory: Path) -> list[tuple[str, str]]:
    """(anomaly designation, OccurrencePeriod child) of every message file, sorted."""
    out = []
    for path in sorted(directory.glob("*.xml")):
        root = etree.parse(path).getroot()
        anomaly = root.find("Payload/Anomaly")
        out.append((anomaly.findtext("Metadata/Designation"), anomaly.find("OccurrencePeriod")[0].tag))
    return sorted(out)


def test_every_alert_event_becomes_one_valid_file_with_the_vessel_identity(tmp_path, cise_validator):
    broker = MemoryBroker()
    alerts = _publish_picture(MemoryBus(broker, "producer"))
    service = _service(broker, DirectorySink(tmp_path / "out"), tmp_path)
    service.run(exit_when_idle_s=0.0)
    files = sorted((tmp_path / "out").glob("*.xml"))
    assert len(files) == len(alerts) == 6
    for path in files:
        xml = path.read_bytes()
        assert cise_validator.errors(xml) == []
        root = etree.fromstring(xml)
        assert path.stem == root.findtext("MessageID")
        vessel = root.find("Payload/Anomaly/InvolvedObjectRel/Object")
        assert vessel.findtext("Name") == "AL NOOR" and vessel.findtext("IMONumber") == "9123456"
        assert vessel.findtext("LocationRel/SOG") == "12.0"  # from the track state the alert was raised on
        assert root.findtext("Payload/Anomaly/AnomalyType") == "WithoutAISTransmission"
        assert root.findtext("Priority") == "High"
    assert _anomalies(tmp_path / "out") == sorted(
        [(f"seawatch alert alert{i:02d}", tag) for i in range(3) for tag in ("StartDate", "EndDate")]
    )
    assert service.counts["delivered:Anomaly"] == 6
    assert MemoryBus(broker, "share").lag([topics.ALERTS, topics.TRACKS]) == 0  # committed


class FlakySink:
    """Fails (retryably) ``failures`` times, then delivers into ``inner``."""

    def __init__(self, inner, failures: int) -> None:
        self.inner, self.failures, self.attempts = inner, failures, 0

    def describe(self) -> str:
        return "flaky"

    def deliver(self, message: CiseMessage) -> None:
        self.attempts += 1
        if self.failures > 0:
            self.failures -= 1
            raise RetryableDeliveryError("partner away")
        self.inner.deliver(message)


def test_a_partner_away_is_retried_with_backoff(tmp_path):
    broker = MemoryBroker()
    _publish_picture(MemoryBus(broker, "producer"), alerts=1)
    waits: list[float] = []
    sink = FlakySink(DirectorySink(tmp_path / "out"), failures=4)
    service = _service(broker, sink, tmp_path)
    service.sleep = waits.append
    service.run(exit_when_idle_s=0.0)
    assert len(list((tmp_path / "out").glob("*.xml"))) == 2
    assert service.counts["retries"] == 4
    assert sum(waits) == pytest.approx(0.01 + 0.02 + 0.04 + 0.04)  # doubling, capped at max_s


class DownSink:
    """Delivers ``ok`` messages, then the partner is down until ``up`` is set."""

    def __init__(self, inner, ok: int) -> None:
        self.inner, self.ok, self.up = inner, ok, False

    def describe(self) -> str:
        return "down"

    def deliver(self, message: CiseMessage) -> None:
        if self.ok <= 0 and not self.up:
            raise RetryableDeliveryError("connection refused")
        self.ok -= 1
        self.inner.deliver(message)


def test_a_stop_while_the_partner_is_down_loses_nothing_on_restart(tmp_path):
    broker = MemoryBroker()
    alerts = _publish_picture(MemoryBus(broker, "producer"), alerts=3)
    out = DirectorySink(tmp_path / "out")
    sink = DownSink(out, ok=2)
    first = _service(broker, sink, tmp_path)
    attempts = iter(range(10))
    first.run(should_stop=lambda: next(attempts, 99) >= 5)  # stopped while retrying message 3
    first.close()
    assert len(list((tmp_path / "out").glob("*.xml"))) == 2
    sink.up = True
    restarted = _service(broker, DirectorySink(tmp_path / "out"), tmp_path)
    restarted.run(exit_when_idle_s=0.0)
    restarted.close()
    assert len(list((tmp_path / "out").glob("*.xml"))) == len(alerts)  # each once: ids are file names
    assert len(_anomalies(tmp_path / "out")) == 6


def test_a_redelivery_rewrites_the_same_file(tmp_path):
    broker = MemoryBroker()
    _publish_picture(MemoryBus(broker, "producer"), alerts=2)
    _service(broker, DirectorySink(tmp_path / "a"), tmp_path).run(exit_when_idle_s=0.0)
    again = ShareCiseService(
        MemoryBus(broker, "another-group"),
        MemoryBus(broker, "another-identities"),
        DirectorySink(tmp_path / "a"),
        ShareSettings(envelope=ENVELOPE, alert_topic=topics.ALERTS),
        rejected=RejectedStore(tmp_path / "rejected"),
    )
    before = {p.name: p.read_bytes() for p in (tmp_path / "a").glob("*.xml")}
    again.run(exit_when_idle_s=0.0)
    assert {p.name: p.read_bytes() for p in (tmp_path / "a").glob("*.xml")} == before


class RefusingSink:
    def __init__(self, inner, refuse: str) -> None:
        self.inner, self.refuse = inner, refuse

    def describe(self) -> str:
        return "refusing"

    def deliver(self, message: CiseMessage) -> None:
        if self.refuse.encode() in message.xml:
            raise RejectedDeliveryError("HTTP 400 Bad Request")
        self.inner.deliver(message)


def test_a_refused_message_is_kept_and_the_rest_goes_on(tmp_path):
    broker = MemoryBroker()
    _publish_picture(MemoryBus(broker, "producer"), alerts=3)
    service = _service(
        broker, RefusingSink(DirectorySink(tmp_path / "out"), "seawatch alert alert01"), tmp_path
    )
    service.run(exit_when_idle_s=0.0)
    assert len(list((tmp_path / "out").glob("*.xml"))) == 4
    kept = sorted((tmp_path / "rejected").glob("*.xml"))
    assert len(kept) == 2 and service.counts["rejected:Anomaly"] == 2
    assert "HTTP 400" in kept[0].with_suffix(".reason.txt").read_text()


def test_an_invalid_message_never_leaves(tmp_path, cise_validator, monkeypatch):
    broker = MemoryBroker()
    _publish_picture(MemoryBus(broker, "producer"), alerts=1)
    service = _service(broker, DirectorySink(tmp_path / "out"), tmp_path)
    service.validator = cise_validator
    monkeypatch.setitem(vocabulary.ANOMALY_TYPE, AlertKind.AIS_GAP, "Gap")  # a mapping bug
    service.run(exit_when_idle_s=0.0)
    assert list((tmp_path / "out").glob("*.xml")) == []
    assert service.counts["invalid:Anomaly"] == 2
    reason = next((tmp_path / "rejected").glob("*.reason.txt")).read_text()
    assert "fails the CISE schemas" in reason and "AnomalyType" in reason


def test_a_malformed_alert_is_dead_lettered_not_dropped(tmp_path):
    broker = MemoryBroker()
    producer = MemoryBus(broker, "producer")
    producer.publish(topics.ALERTS, "x", b"{not json", T0)
    producer.publish(topics.ALERTS, "y", orjson.dumps({"alert_id": "y", "time": T0}), T0)
    service = _service(broker, DirectorySink(tmp_path / "out"), tmp_path)
    service.run(exit_when_idle_s=0.0)
    rejects = [orjson.loads(e.value) for e in broker.read(topics.REJECTS)]
    assert [r["source"] for r in rejects] == [f"{topics.ALERTS}[0]@0", f"{topics.ALERTS}[0]@1"]
    assert all(r["reason"] == "malformed_record" for r in rejects)
    assert service.counts["reject:malformed_record"] == 2


def test_a_partner_topic_cut_to_its_policy_adds_no_withheld_identity(tmp_path):
    broker = MemoryBroker()
    producer = MemoryBus(broker, "producer")
    _publish_picture(producer, alerts=0)
    partner_topic = topics.agency_alerts("om_partner")
    state = track(time=T0)
    producer.publish(topics.TRACKS, state.track_id, to_json(state), T0)
    cut = to_dict(_alert("cut01", AlertState.RAISED, T0, related_track_ids=("T000002",)))
    for withheld in ("mmsi", "message", "evidence"):
        del cut[withheld]
    producer.publish(partner_topic, "cut01", orjson.dumps(cut), T0)
    service = _service(broker, DirectorySink(tmp_path / "out"), tmp_path, alert_topic=partner_topic)
    service.run(exit_when_idle_s=0.0)
    [path] = (tmp_path / "out").glob("*.xml")
    text = path.read_text()
    for secret in (str(MMSI), "AL NOOR", "AP1234", "no AIS for"):
        assert secret not in text
    root = etree.fromstring(path.read_bytes())
    assert (
        root.findtext("Payload/Anomaly/InvolvedObjectRel/Object/LocationRel/SOG") == "12.0"
    )  # position shared


def test_the_picture_is_shared_once_per_interval_per_track(tmp_path, cise_validator):
    broker = MemoryBroker()
    producer = MemoryBus(broker, "producer")
    _publish_picture(producer, alerts=0)
    for second in range(0, 31):
        state = track(time=T0 + second)
        producer.publish(topics.TRACKS, state.track_id, to_json(state), state.time)
    service = _service(broker, DirectorySink(tmp_path / "out"), tmp_path, vessel_every_s=10.0)
    service.run(exit_when_idle_s=0.0)
    files = sorted((tmp_path / "out").glob("*.xml"))
    assert len(files) == 4  # t0, +10, +20, +30
    for path in files:
        assert cise_validator.errors(path.read_bytes()) == []
        assert etree.parse(path).getroot().findtext("Payload/Vessel/Name") == "AL NOOR"


def test_risk_assessments_are_shared_as_risk(tmp_path, cise_validator):
    broker = MemoryBroker()
    producer = MemoryBus(broker, "producer")
    _publish_picture(producer, alerts=0)
    assessment = RiskAssessment(
        time=T0,
        track_id="T000001",
        mmsi=MMSI,
        score=0.55,
        impact=0.8,
        probability=0.9,
        risk_type="smuggling",
        factors=(RiskFactor(name="rendezvous", contribution=0.3, evidence="met T000002"),),
        alert_ids=("alert00",),
    )
    producer.publish(topics.RISK, "T000001", to_json(assessment), T0)
    service = _service(broker, DirectorySink(tmp_path / "out"), tmp_path, share_risk=True)
    service.run(exit_when_idle_s=0.0)
    [path] = (tmp_path / "out").glob("*.xml")
    assert cise_validator.errors(path.read_bytes()) == []
    risk = etree.parse(path).getroot().find("Payload/Risk")
    assert [risk.findtext(t) for t in ("RiskLevel", "RiskProbability", "RiskSeverity", "RiskType")] == [
        "Medium",
        "Frequent",
        "Catastrophic",
        "Smuggling",
    ]
    assert risk.findtext("InvolvedObjectRel/Object/Name") == "AL NOOR"
    assert service.counts["delivered:Risk"] == 1


def _options(tmp_path: Path, **changes) -> ShareOptions:
    fields = dict(bus_url="memory", out_dir=tmp_path / "out", zones_path=REPO_ROOT / "zones.geojson")
    fields.update(changes)
    return ShareOptions(**fields)


AGENCIES = REPO_ROOT / "config" / "agencies.toml"


def test_a_partner_gets_its_own_topic_and_only_alerts_unless_its_policy_is_full(tmp_path):
    service = open_share_service(_options(tmp_path, partner="partner", agencies_path=AGENCIES))
    assert service.settings.alert_topic == topics.agency_alerts("partner") and not service.settings.share_risk
    assert service.settings.envelope.recipient_id == "partner"
    with pytest.raises(ShareConfigError, match="withholds alert fields"):
        open_share_service(_options(tmp_path, partner="partner", agencies_path=AGENCIES, share_risk=True))
    with pytest.raises(ShareConfigError, match="give --agencies"):
        open_share_service(_options(tmp_path, partner="partner", vessel_every_s=60.0))
    full = open_share_service(
        _options(tmp_path, partner="coastguard", agencies_path=AGENCIES, share_risk=True)
    )
    assert full.input_topics == (topics.TRACKS, topics.agency_alerts("coastguard"), topics.RISK)
    with pytest.raises(ShareConfigError, match="known: customs"):
        open_share_service(_options(tmp_path, partner="nobody", agencies_path=AGENCIES))


def test_bad_options_are_one_clear_error(tmp_path, capsys):
    with pytest.raises(ShareConfigError, match="exactly one of --out"):
        open_share_service(_options(tmp_path, url="http://127.0.0.1:1/"))
    with pytest.raises(ShareConfigError, match="sea_basin 'Arabian'"):
        open_share_service(_options(tmp_path, sea_basin="Arabian"))
    with pytest.raises(ShareConfigError, match="CISE message schema not found"):
        open_share_service(_options(tmp_path, validate_dir=tmp_path))
    status = main(["share", "cise", "--bus", "memory", "--out", str(tmp_path), "--partner", "x", "--risk"])
    assert status == 2 and "give --agencies" in capsys.readouterr().err
