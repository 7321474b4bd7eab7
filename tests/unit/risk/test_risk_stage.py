"""Risk from alerts: which alert is which indicator, vessels joined by MMSI, meeting a dark vessel."""

from __future__ import annotations

from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.risk.model import DEFAULT_CONFIG_PATH, load_risk_config
from fusion.risk.stage import RiskStage
from fusion.risk_pipeline import RiskService
from fusion.schemas import (
    AlertKind,
    AlertState,
    AlertValidation,
    RejectionReason,
    RiskAssessment,
    Verdict,
    from_json,
    to_json,
)
from tests.factories import T0 as T
from tests.factories import make_alert

CONFIG = load_risk_config(DEFAULT_CONFIG_PATH)


def _stage() -> RiskStage:
    return RiskStage(CONFIG, {"KHI-RESTRICTED": "restricted", "KHI-PORT": "port"})


def test_an_ais_gap_in_coverage_outranks_a_vessel_that_never_had_ais() -> None:
    stage = _stage()
    [gap] = stage.on_alert(make_alert(AlertKind.AIS_GAP, "T1", 463000001))
    [dark] = stage.on_alert(make_alert(AlertKind.DARK_VESSEL, "T2", None))
    assert gap.score > dark.score > 0
    assert gap.factors[0].name == "ais_gap" and gap.mmsi == 463000001
    assert dark.mmsi is None and dark.detectability == 1.0


def test_a_rendezvous_with_a_dark_vessel_raises_both_parties() -> None:
    stage = _stage()
    stage.on_alert(make_alert(AlertKind.DARK_VESSEL, "T2", None))
    out = stage.on_alert(make_alert(AlertKind.RENDEZVOUS, "T1", 463000001, T + 60, related_track_ids=("T2",)))
    latest = {a.track_id: a for a in out}
    assert {f.name for f in latest["T1"].factors} == {"rendezvous", "met_dark_vessel"}
    assert {f.name for f in latest["T2"].factors} == {"dark_vessel", "rendezvous", "rendezvous_while_dark"}
    assert latest["T2"].score > latest["T1"].score  # hidden and meeting beats visible and meeting


def test_a_partner_found_dark_after_the_meeting_still_counts() -> None:
    stage = _stage()
    stage.on_alert(make_alert(AlertKind.RENDEZVOUS, "T1", 463000001, related_track_ids=("T2",)))
    out = stage.on_alert(make_alert(AlertKind.DARK_VESSEL, "T2", None, T + 300))
    assert any(a.track_id == "T1" and "met_dark_vessel" in {f.name for f in a.factors} for a in out)


def test_zone_entry_counts_only_for_restricted_zones_and_clears_change_nothing() -> None:
    stage = _stage()
    assert stage.on_alert(make_alert(AlertKind.ZONE_ENTRY, "T1", 463000001, zone_id="KHI-PORT")) == []
    [entry] = stage.on_alert(make_alert(AlertKind.ZONE_ENTRY, "T1", 463000001, zone_id="KHI-RESTRICTED"))
    assert entry.factors[0].name == "restricted_zone_entry" and entry.impact == 0.9
    cleared = make_alert(AlertKind.AIS_GAP, "T1", 463000001, state=AlertState.CLEARED)
    assert stage.on_alert(cleared) == []


def test_one_mmsi_on_two_tracks_is_one_vessel() -> None:
    stage = _stage()
    stage.on_alert(make_alert(AlertKind.AIS_GAP, "T1", 463000001))
    [later] = stage.on_alert(make_alert(AlertKind.RENDEZVOUS, "T9", 463000001, T + 600, related_track_ids=()))
    assert {f.name for f in later.factors} == {"ais_gap", "rendezvous"}


def test_invalid_mmsi_is_its_own_indicator() -> None:
    stage = _stage()
    alert = make_alert(AlertKind.SPOOFING, "T1", 12345, evidence={"anomaly": "invalid_mmsi", "problem": "x"})
    [assessment] = stage.on_alert(alert)
    assert assessment.factors[0].name == "invalid_mmsi"


def test_the_service_publishes_assessments_and_dead_letters_bad_records() -> None:
    broker = MemoryBroker()
    source = MemoryBus(broker, "test")
    source.publish(topics.ALERTS, "a", to_json(make_alert(AlertKind.AIS_GAP, "T1", 463000001)), T)
    source.publish(topics.ALERTS, "b", b"{not json", T)
    service = RiskService(MemoryBus(broker, "risk"), _stage())
    assert service.drain() == 2
    [risk] = broker.read(topics.RISK)
    assert from_json(RiskAssessment, risk.value).track_id == "T1"
    [dead] = broker.read(topics.REJECTS)
    assert b"not a valid Alert record" in dead.value
    assert service.counts["reject:" + topics.ALERTS] == 1


def test_a_confirmed_incident_becomes_a_reporting_and_a_rejection_does_not() -> None:
    stage = _stage()
    [before] = stage.on_alert(make_alert(AlertKind.RENDEZVOUS, "T1", 463000001, related_track_ids=()))
    verdict = dict(alert_id="r1", time=T + 60, officer="Lt Khan", kind=AlertKind.RENDEZVOUS, track_id="T1")
    rejected = AlertValidation(**verdict, verdict=Verdict.REJECTED, reason=RejectionReason.KNOWN_VESSEL)
    assert stage.on_validation(rejected) == []
    [after] = stage.on_validation(AlertValidation(**verdict, verdict=Verdict.CONFIRMED))
    assert after.score > before.score
    assert "validated_reporting" in {f.name for f in after.factors}
    assert "confirmed by Lt Khan" in next(
        f.evidence for f in after.factors if f.name == "validated_reporting"
    )
