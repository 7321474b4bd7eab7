"""Every kind of CISE message seawatch builds is valid against the real CISE 1.5.3 schemas,
and carries what the mapping (docs/cise.md) says it carries."""

from __future__ import annotations

import dataclasses

import pytest
from lxml import etree

from fusion.cise import entities
from fusion.cise.messages import Envelope, message_id, push
from fusion.cise.records import SharedAlert, VesselFix, fix_of_track
from fusion.cise.vocabulary import (
    ANOMALY_TYPE,
    PRIORITY,
    RISK_TYPE,
    vessel_type,
    xs_date,
    xs_datetime,
    xs_time,
)
from fusion.schemas import Alert, AlertKind, AlertState, RiskAssessment, RiskFactor, Severity, to_dict
from tests.unit.cise.conftest import CISE_DIR, MMSI, T0, track

ENVELOPE = Envelope(sender_id="pk.seawatch-node01", recipient_id="om.partner-node01")
ANOMALY_NS = "{http://www.cise.eu/datamodel/v1/entity/anomaly/}"
VESSEL_NS = "{http://www.cise.eu/datamodel/v1/entity/vessel/}"
RISK_NS = "{http://www.cise.eu/datamodel/v1/entity/risk/}"


def _alert(kind: AlertKind = AlertKind.RENDEZVOUS, state: AlertState = AlertState.RAISED, **changes) -> Alert:
    fields = dict(
        alert_id="a1b2c3d4e5f60718",
        time=T0,
        kind=kind,
        state=state,
        severity=Severity.HIGH,
        track_id="T000001",
        mmsi=MMSI,
        zone_id="anchorage_a",
        lat=24.75,
        lon=66.95,
        message="T000001 (MMSI 463000123) met T000002 (no AIS) for 12 min",
        related_track_ids=("T000002",),
        evidence={"distance_m": 85.0, "watch_list_reason": "customs: tip-off 2026-01"},
        responsible_agency="coast_guard",
    )
    fields.update(changes)
    return Alert(**fields)


def _text(xml: bytes, path: str) -> list[str]:
    return [e.text for e in etree.fromstring(xml).iterfind(path)]


def _assert_valid(validator, xml: bytes) -> None:
    errors = validator.errors(xml)
    assert errors == [], "\n".join(errors) + "\n" + xml.decode()


def _enumeration(validator, qualified: str) -> set[str]:
    return set(validator.entity_schema.maps.types[qualified].enumeration)


@pytest.mark.parametrize("state", list(AlertState))
@pytest.mark.parametrize("kind", list(AlertKind))
def test_every_alert_kind_and_state_is_a_valid_anomaly_push(cise_validator, identity, kind, state):
    alert = SharedAlert.of(_alert(kind, state))
    vessels = [
        ("T000001", MMSI, identity, fix_of_track(track())),
        ("T000002", None, None, VesselFix(time=T0, lat=24.751, lon=66.951)),
    ]
    message = push(
        ENVELOPE, entities.anomaly(None, alert, vessels), key="k", time=T0, priority=PRIORITY[Severity.HIGH]
    )
    _assert_valid(cise_validator, message.xml)
    assert _text(message.xml, "Payload/Anomaly/AnomalyType") == [ANOMALY_TYPE[kind]]
    assert _text(message.xml, "Sender/ServiceType") == ["AnomalyService"]
    assert _text(message.xml, "Payload/Anomaly/InvolvedObjectRel/Object/MMSI") == [str(MMSI)]


def test_anomaly_period_starts_when_raised_and_ends_when_cleared(identity):
    raised = push(ENVELOPE, entities.anomaly(None, SharedAlert.of(_alert()), []), key="r", time=T0)
    cleared_alert = SharedAlert.of(_alert(state=AlertState.CLEARED, time=T0 + 600))
    cleared = push(ENVELOPE, entities.anomaly(None, cleared_alert, []), key="c", time=T0 + 600)
    assert _text(raised.xml, "Payload/Anomaly/OccurrencePeriod/StartTime") == ["08:00:00.000Z"]
    assert _text(cleared.xml, "Payload/Anomaly/OccurrencePeriod/EndTime") == ["08:10:00.000Z"]
    assert _text(cleared.xml, "Payload/Anomaly/OccurrencePeriod/StartTime") == []
    # one anomaly to the partner across its states
    assert _text(raised.xml, "Payload/Anomaly/Identifier/UUID") == _text(
        cleared.xml, "Payload/Anomaly/Identifier/UUID"
    )


def test_vessel_push_carries_the_ais_identity_and_the_track(cise_validator, identity):
    message = push(
        ENVELOPE,
        entities.vessel(None, track_id="T000001", mmsi=MMSI, identity=identity, fix=fix_of_track(track())),
        key="v",
        time=T0,
    )
    _assert_valid(cise_validator, message.xml)
    vessel = "Payload/Vessel/"
    assert _text(message.xml, vessel + "Name") == ["AL NOOR"]
    assert _text(message.xml, vessel + "MMSI") == [str(MMSI)]
    assert _text(message.xml, vessel + "IMONumber") == ["9123456"]
    assert _text(message.xml, vessel + "CallSign") == ["AP1234"]
    assert _text(message.xml, vessel + "Nationality") == ["PK"]
    assert _text(message.xml, vessel + "ShipType") == ["GeneralCargoShip"]
    assert _text(message.xml, vessel + "LOA") == ["120.0"]
    assert _text(message.xml, vessel + "Beam") == ["22"]
    assert _text(message.xml, vessel + "LocationRel/SOG") == ["12.0"]
    assert _text(message.xml, vessel + "LocationRel/COG") == ["45.0"]
    assert _text(message.xml, vessel + "LocationRel/SourceType") == ["Correlation"]
    assert _text(message.xml, vessel + "LocationRel/SensorType") == ["AutomaticIdentificationSystem"]
    assert _text(message.xml, vessel + "LocationRel/Location/LocationQualitativeAccuracy") == [
        "High"
    ]  # 20 m, 1 sigma
    assert _text(message.xml, vessel + "LocationRel/Location/Geometry/Latitude") == ["24.750000"]
    assert _text(message.xml, "Sender/ServiceType") == ["VesselService"]
    assert _text(message.xml, "Recipient/ServiceID") == ["om.partner-node01.vessel.push.consumer"]


def test_a_radar_only_vessel_without_identity_is_valid(cise_validator):
    dark = track("T000009", mmsi=None, last_ais_time=None)
    message = push(
        ENVELOPE,
        entities.vessel(None, track_id="T000009", mmsi=None, identity=None, fix=fix_of_track(dark)),
        key="d",
        time=T0,
    )
    _assert_valid(cise_validator, message.xml)
    assert _text(message.xml, "Payload/Vessel/MMSI") == []
    assert _text(message.xml, "Payload/Vessel/LocationRel/SourceType") == ["Observation"]
    assert _text(message.xml, "Payload/Vessel/LocationRel/SensorType") == ["MaritimeRadar"]


def _risk(**changes) -> RiskAssessment:
    fields = dict(
        time=T0,
        track_id="T000001",
        mmsi=MMSI,
        score=0.82,
        impact=0.6,
        probability=0.45,
        detectability=0.9,
        risk_type="drug_trafficking",
        lat=24.75,
        lon=66.95,
        factors=(
            RiskFactor(
                name="ais_gap_in_coverage", contribution=0.4, evidence="dark 42 min inside radar cover"
            ),
            RiskFactor(name="rendezvous", contribution=0.3, evidence="met T000002 for 12 min"),
        ),
        alert_ids=("a1b2c3d4e5f60718", "0011223344556677"),
    )
    fields.update(changes)
    return RiskAssessment(**fields)


def test_risk_push_maps_score_and_components(cise_validator, identity):
    message = push(ENVELOPE, entities.risk(None, _risk(), identity), key="risk", time=T0)
    _assert_valid(cise_validator, message.xml)
    risk = "Payload/Risk/"
    assert _text(message.xml, risk + "RiskLevel") == ["High"]
    assert _text(message.xml, risk + "RiskProbability") == ["Occasional"]
    assert _text(message.xml, risk + "RiskSeverity") == ["Critical"]
    assert _text(message.xml, risk + "RiskType") == ["DrugTrafficking"]
    assert _text(message.xml, risk + "InvolvedObjectRel/Object/Name") == ["AL NOOR"]
    description = _text(message.xml, risk + "Metadata/Description")[0]
    assert "ais_gap_in_coverage +0.40: dark 42 min inside radar cover" in description
    anomaly_ids = _text(message.xml, risk + "ImpliedEventRel/Event/Identifier/UUID")
    assert anomaly_ids == [entities.entity_uuid("anomaly", a) for a in _risk().alert_ids]
    assert _text(message.xml, "Sender/ServiceType") == ["RiskService"]


def test_a_minimal_risk_is_valid(cise_validator):
    minimal = _risk(
        impact=None, probability=None, risk_type=None, lat=None, lon=None, factors=(), alert_ids=(), mmsi=None
    )
    message = push(ENVELOPE, entities.risk(None, minimal, None), key="min", time=T0)
    _assert_valid(cise_validator, message.xml)
    assert _text(message.xml, "Payload/Risk/RiskType") == ["NonSpecified"]
    assert _text(message.xml, "Payload/Risk/RiskLevel") == ["High"]


def test_a_cut_alert_carries_no_withheld_field(cise_validator):
    value = to_dict(_alert())
    for withheld in ("mmsi", "evidence", "message", "zone_id"):
        del value[withheld]
    alert = SharedAlert.from_value(value)
    assert alert.withheld == {"mmsi", "evidence", "message", "zone_id"}
    message = push(
        ENVELOPE, entities.anomaly(None, alert, [("T000001", None, None, None)]), key="cut", time=T0
    )
    _assert_valid(cise_validator, message.xml)
    text = message.xml.decode()
    for secret in (str(MMSI), "tip-off", "anchorage_a", "met T000002"):
        assert secret not in text


def test_the_validator_rejects_what_the_schemas_forbid(cise_validator, identity):
    good = push(ENVELOPE, entities.anomaly(None, SharedAlert.of(_alert()), []), key="k", time=T0).xml
    wrong_type = good.replace(b"<AnomalyType>UnexpectedMovement<", b"<AnomalyType>Rendezvous<")
    assert any("Anomaly" in e for e in cise_validator.errors(wrong_type))
    out_of_order = good.replace(b"<NatureType>Observed</NatureType>", b"").replace(
        b"</Anomaly>", b"<NatureType>Observed</NatureType></Anomaly>"
    )
    assert cise_validator.errors(out_of_order)
    no_priority = good.replace(b"<Priority>Low</Priority>", b"")
    assert any(e.startswith("envelope") for e in cise_validator.errors(no_priority))
    nested_bad = push(
        ENVELOPE,
        entities.anomaly(None, SharedAlert.of(_alert()), [("T000001", MMSI, identity, None)]),
        key="n",
        time=T0,
    ).xml.replace(b"<ShipType>GeneralCargoShip<", b"<ShipType>Dhow<")
    assert cise_validator.errors(nested_bad)  # the vessel inside xsi:type is checked too
    assert cise_validator.errors(b"<not-xml") != []


MANIFEST_INVALID = {"COM_01_Vessel_b.xml", "PULLREQUEST_with_CONTENT.xml"}


def test_the_validator_agrees_with_the_manifest_on_every_sample(cise_validator):
    samples = sorted(CISE_DIR.rglob("*.xml"))
    assert len(samples) == 16
    verdicts = {path.name: not cise_validator.errors(path.read_bytes()) for path in samples}
    assert {name for name, valid in verdicts.items() if not valid} == MANIFEST_INVALID


def test_every_code_list_value_is_in_the_schemas(cise_validator):
    anomaly_types = _enumeration(cise_validator, f"{ANOMALY_NS}AnomalyType")
    assert set(ANOMALY_TYPE.values()) <= anomaly_types
    vessel_types = _enumeration(cise_validator, f"{VESSEL_NS}VesselType")
    assert {vessel_type(code) for code in range(1, 100)} <= vessel_types
    assert set(RISK_TYPE.values()) <= _enumeration(cise_validator, f"{RISK_NS}RiskType")


def test_vessel_types_of_ais_codes():
    assert vessel_type(None) is None and vessel_type(0) is None
    assert vessel_type(30) == "FishingVessel"
    assert vessel_type(31) == "Other"  # towing
    assert vessel_type(52) == "SpecialPurposeShip"  # tug
    assert vessel_type(60) == "PassengerShip"
    assert vessel_type(84) == "OilTanker"
    assert vessel_type(99) == "Other"


def test_dates_are_utc_in_xsd_forms():
    assert xs_datetime(T0 + 0.25) == "2026-01-15T08:00:00.250Z"
    assert xs_date(T0) == "2026-01-15Z"
    assert xs_time(T0 + 3661.5) == "09:01:01.500Z"


def test_message_ids_are_stable_per_recipient_and_content():
    same = message_id(ENVELOPE, "Anomaly", "a/raised/1.0")
    assert same == message_id(ENVELOPE, "Anomaly", "a/raised/1.0")
    assert same != message_id(ENVELOPE, "Anomaly", "a/cleared/2.0")
    other = dataclasses.replace(ENVELOPE, recipient_id="gr.partner")
    assert same != message_id(other, "Anomaly", "a/raised/1.0")
    built = push(ENVELOPE, entities.anomaly(None, SharedAlert.of(_alert()), []), key="a/raised/1.0", time=T0)
    again = push(ENVELOPE, entities.anomaly(None, SharedAlert.of(_alert()), []), key="a/raised/1.0", time=T0)
    assert built == again  # byte-identical: a redelivery is the same message


def test_envelope_settings_are_checked_against_the_code_lists():
    with pytest.raises(ValueError, match="sea_basin 'Arabian'"):
        Envelope(sender_id="pk.seawatch", sea_basin="Arabian")
    with pytest.raises(ValueError, match="purpose"):
        Envelope(sender_id="pk.seawatch", purpose="Fun")


def test_a_value_without_core_fields_is_refused():
    from fusion.cise.records import SharedAlertError

    with pytest.raises(SharedAlertError, match="state"):
        SharedAlert.from_value({"alert_id": "x", "time": 1.0, "kind": "ais_gap"})
    with pytest.raises(SharedAlertError, match="'x'"):
        SharedAlert.from_value({"alert_id": "x", "time": 1.0, "kind": "nonsense", "state": "raised"})
