"""Routing: responsible and informed agencies from position and kind; sharing cuts per recipient."""

from __future__ import annotations

import dataclasses
import pickle

import orjson

from fusion import topics
from fusion.agencies.routing import AlertRouter
from fusion.agencies.sharing import shared_dict
from fusion.schemas import Alert, AlertKind, AlertState, from_json, to_json
from tests.unit.agencies.conftest import ANCHORAGE, OPEN_SEA_40NM, SHARED_AREA, alert_at


def test_port_and_anchorage_are_customs_business(router) -> None:
    routed = router.route(alert_at(ANCHORAGE, AlertKind.ZONE_ENTRY, zone_id="KHI-ANCH"))
    assert routed.responsible_agency == "customs"
    assert routed.informed_agencies == ("coastguard", "pmsa")  # "*" elsewhere: told, not responsible


def test_inside_12_nm_the_coast_guard_beyond_it_the_maritime_security_agency(router) -> None:
    inside = router.route(alert_at(SHARED_AREA, AlertKind.AIS_GAP))
    assert inside.responsible_agency == "coastguard"
    assert inside.informed_agencies == ("pmsa", "partner")
    beyond = router.route(alert_at(OPEN_SEA_40NM, AlertKind.AIS_GAP))
    assert beyond.responsible_agency == "pmsa" and beyond.informed_agencies == ()


def test_watch_list_sightings_go_to_the_anti_narcotics_force(router) -> None:
    routed = router.route(alert_at(OPEN_SEA_40NM, AlertKind.VESSEL_OF_INTEREST))
    assert routed.responsible_agency == "anf" and routed.informed_agencies == ("pmsa",)


def test_zone_alerts_count_the_zone_they_are_about(router) -> None:
    # A zone exit lies just outside its zone: it is still that zone's business.
    just_outside_port = (66.94, 24.81)
    assert "zone:KHI-PORT" not in router.places(alert_at(just_outside_port, AlertKind.ZONE_EXIT))
    routed = router.route(alert_at(just_outside_port, AlertKind.ZONE_EXIT, zone_id="KHI-PORT"))
    assert routed.responsible_agency == "customs"


def test_outside_every_jurisdiction_the_default_agency_is_responsible(router) -> None:
    far_away = router.route(alert_at((60.0, 10.0), AlertKind.SPOOFING))
    assert router.places(far_away) == frozenset()
    assert far_away.responsible_agency == "pmsa" and far_away.informed_agencies == ()


def test_routing_keeps_the_alert_and_its_id_and_is_pure(router) -> None:
    alert = alert_at(SHARED_AREA, AlertKind.RENDEZVOUS)
    routed = router.route(alert)
    assert dataclasses.replace(routed, responsible_agency=None, informed_agencies=()) == alert
    assert router.route(alert) == routed and router.route(routed) == routed
    assert from_json(Alert, to_json(routed)) == routed


def test_partner_never_receives_a_withheld_field(router, agencies) -> None:
    routed = router.route(alert_at(SHARED_AREA, AlertKind.VESSEL_OF_INTEREST))
    assert routed.informed_agencies[-1] == "partner"
    deliveries = dict(router.deliveries(routed))
    assert set(deliveries) == {topics.agency_alerts(a) for a in ("anf", "coastguard", "pmsa", "partner")}
    shared = orjson.loads(deliveries[topics.agency_alerts("partner")])
    policy = agencies.agency("partner").sharing
    assert set(shared) == {"schema_version", *policy.fields}
    assert shared["mmsi"] == 463_000_123 and shared["track_id"] == "T000042"  # identity kept
    raw = deliveries[topics.agency_alerts("partner")]
    for withheld in (b"imo", b"9123456", b"matched", b"watch list", b"message", b"evidence", b"coastguard"):
        assert withheld not in raw
    assert deliveries[topics.agency_alerts("coastguard")] == to_json(routed)  # domestic: the full alert


def test_alerts_outside_the_shared_area_do_not_reach_the_partner(router) -> None:
    for kind in AlertKind:
        for where in (ANCHORAGE, OPEN_SEA_40NM):
            routed = router.route(alert_at(where, kind))
            assert "partner" not in routed.informed_agencies
            assert topics.agency_alerts("partner") not in dict(router.deliveries(routed))


def test_evidence_keys_cut_evidence_to_the_listed_keys(agencies) -> None:
    policy = dataclasses.replace(agencies.agency("pmsa").sharing, evidence_keys=("sog_kn",))
    shared = shared_dict(alert_at(SHARED_AREA), policy)
    assert shared["evidence"] == {"sog_kn": 4.0}
    assert shared["message"].startswith("Vessel of interest")


def test_version_1_alerts_still_read_without_routing() -> None:
    alert = alert_at(SHARED_AREA)
    legacy = orjson.loads(to_json(alert))
    assert legacy["schema_version"] == 2
    legacy["schema_version"] = 1
    for key in ("responsible_agency", "informed_agencies"):
        del legacy[key]
    assert from_json(Alert, orjson.dumps(legacy)) == alert


def test_an_incident_keeps_its_agencies_until_cleared(agencies, zones) -> None:
    router = AlertRouter(agencies, zones)  # a fresh one: follow() remembers open incidents
    raised = router.follow(alert_at(ANCHORAGE, AlertKind.RENDEZVOUS))
    assert raised.responsible_agency == "customs"
    moved = alert_at(OPEN_SEA_40NM, AlertKind.RENDEZVOUS, state=AlertState.CLEARED)
    assert router.route(moved).responsible_agency == "pmsa"  # per event, the open sea is PMSA's
    cleared = router.follow(moved)
    assert cleared.responsible_agency == "customs"  # but the incident stays customs' to the end
    assert set(raised.informed_agencies) <= set(cleared.informed_agencies)
    assert topics.agency_alerts("customs") in dict(router.deliveries(cleared))
    assert router.incidents == {}  # nothing kept once cleared


def test_a_partner_told_of_the_start_is_told_of_the_end(agencies, zones) -> None:
    router = AlertRouter(agencies, zones)
    raised = router.follow(alert_at(SHARED_AREA, AlertKind.DARK_VESSEL))
    assert "partner" in raised.informed_agencies
    cleared = router.follow(alert_at(OPEN_SEA_40NM, AlertKind.DARK_VESSEL, state=AlertState.CLEARED))
    assert "partner" in cleared.informed_agencies
    shared = orjson.loads(dict(router.deliveries(cleared))[topics.agency_alerts("partner")])
    assert shared["state"] == "cleared" and "message" not in shared


def test_a_zone_exit_is_not_remembered(agencies, zones) -> None:
    router = AlertRouter(agencies, zones)
    router.follow(alert_at(ANCHORAGE, AlertKind.ZONE_EXIT, zone_id="KHI-ANCH"))
    assert router.incidents == {}


def test_open_incidents_survive_a_crash_recovery_snapshot(agencies, zones) -> None:
    from fusion.bus import MemoryBroker, MemoryBus
    from fusion.pipeline import FusionService
    from fusion.rules.engine import RuleEngine
    from fusion.schemas import RadarSite, Sensors
    from tracking.frames import LocalFrame
    from tracking.tracker import Tracker

    frame = LocalFrame(24.8, 66.97)
    radar = RadarSite(
        id="R", lat=24.8, lon=66.97, height_m=30.0, range_sigma_m=25.0, bearing_sigma_deg=0.3,
        max_range_m=40_000.0, scan_period_s=2.5,
    )  # fmt: skip
    sensors = Sensors(radars=(radar,), ais_receivers=())

    def service() -> FusionService:
        bus = MemoryBus(MemoryBroker(), "fuse")
        rules = RuleEngine(zones, sensors, frame)
        return FusionService(bus, Tracker(frame, sensors), rules, router=AlertRouter(agencies, zones))

    before = service()
    before.router.follow(alert_at(SHARED_AREA, AlertKind.DARK_VESSEL))
    snapshot = pickle.loads(pickle.dumps(before.state()))
    after = service()  # a restarted process: today's agencies file, the snapshot's open incidents
    after.restore(snapshot)
    assert after.router is not before.router and after.router.incidents == before.router.incidents
    cleared = after.router.follow(alert_at(OPEN_SEA_40NM, AlertKind.DARK_VESSEL, state=AlertState.CLEARED))
    assert "partner" in cleared.informed_agencies
