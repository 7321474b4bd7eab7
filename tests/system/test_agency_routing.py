"""The bundled Karachi scenario replayed with the demo agencies on the embedded bus (MemoryBus).

The whole pipeline (ingest, tracker, rules, routing) on recorded-style data: every alert is
routed, each agency's topic holds exactly its alerts, and nothing on the partner's topic
carries a field its policy withholds or concerns an incident never inside the shared area.
"""

from __future__ import annotations

import json

import pytest
import shapely

from fusion import topics
from fusion.agencies.routing import load_router
from fusion.bus import MemoryBroker
from fusion.cli import DEFAULT_AGENCIES, DEFAULT_SCENARIO, DEFAULT_ZONES
from fusion.replay import run_replay
from ingest.scenario import open_scenario

pytestmark = pytest.mark.slow


def test_bundled_scenario_routes_every_alert_and_cuts_the_partners_copy(tmp_path) -> None:
    scenario = open_scenario(DEFAULT_SCENARIO, DEFAULT_ZONES)
    router = load_router(DEFAULT_AGENCIES, scenario.zones_path)
    broker = MemoryBroker()
    run_replay(
        scenario,
        tracks_out=tmp_path / "t.jsonl",
        alerts_out=tmp_path / "a.jsonl",
        broker=broker,
        router=router,
    )
    alerts = [json.loads(e.value) for e in broker.read(topics.ALERTS)]
    assert alerts and all(a["responsible_agency"] in router.config.ids for a in alerts)
    assert [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()] == alerts

    for agency in router.config.agencies:
        received = [json.loads(e.value) for e in broker.read(topics.agency_alerts(agency.id))]
        routed = [a for a in alerts if agency.id in (a["responsible_agency"], *a["informed_agencies"])]
        assert [(r["alert_id"], r["state"], r["time"]) for r in received] == [
            (a["alert_id"], a["state"], a["time"]) for a in routed
        ], agency.id
        for shared in received:
            assert set(shared) <= {"schema_version", *agency.sharing.fields}

    partner = [json.loads(e.value) for e in broker.read(topics.agency_alerts("partner"))]
    assert partner, "the demo's shared area should see some of the scenario's alerts"
    shared_area = router.config.areas[0].geometry
    inside = {s["alert_id"] for s in partner if shared_area.covers(shapely.Point(s["lon"], s["lat"]))}
    assert inside == {s["alert_id"] for s in partner}  # each incident was in the shared area at some event
    for shared in partner:
        assert not {"message", "evidence", "zone_id", "responsible_agency", "informed_agencies"} & set(shared)
