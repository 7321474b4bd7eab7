"""Export of a window and area (GeoJSON, CSV) and the vessel record's fields."""

from __future__ import annotations

import csv
import io
import json

from dashboard.export import Area, select, to_csv, to_geojson
from dashboard.history import History
from dashboard.vessel import dimensions_text, flag_text, mid_of, position_sigma_m, ship_type_text
from fusion.schemas import Alert, TrackState
from tests.unit.dashboard.records import COV, T0, alert, static, track

AREA = Area(west=66.8, south=24.6, east=67.0, north=24.8)


def _history() -> History:
    history = History()
    for i in range(10):
        history.add_track(track("IN", T0 + i * 60, lon=66.9, lat=24.7))
        history.add_track(track("OUT", T0 + i * 60, lon=66.5, lat=24.7))
    history.add_alert(alert("A1", T0 + 120, lon=66.9, lat=24.7))
    history.add_alert(alert("A2", T0 + 120, lon=66.5, lat=24.7))
    history.add_alert(alert("A3", T0 + 500, lon=66.9, lat=24.7))
    return history


def test_select_keeps_the_window_and_area_only():
    tracks, alerts = select(_history(), T0 + 60, T0 + 180, AREA)
    assert [(t.track_id, t.time) for t in tracks] == [("IN", T0 + 60), ("IN", T0 + 120), ("IN", T0 + 180)]
    assert [a.alert_id for a in alerts] == ["A1"]


def test_geojson_is_rfc7946_points_with_the_record_fields():
    tracks, alerts = select(_history(), T0, T0 + 600, AREA)
    collection = json.loads(to_geojson(tracks, alerts, T0, T0 + 600, AREA))
    assert collection["type"] == "FeatureCollection" and collection["bbox"] == [66.8, 24.6, 67.0, 24.8]
    kinds = [f["properties"]["record"] for f in collection["features"]]
    assert kinds.count("track") == 10 and kinds.count("alert") == 2
    first = collection["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [66.9, 24.7]}  # lon, lat
    assert first["properties"]["mmsi"] == 463373736 and "cov" not in first["properties"]


def test_csv_has_one_row_per_record_and_json_cells_for_lists():
    tracks, alerts = select(_history(), T0, T0 + 600, AREA)
    rows = list(csv.DictReader(io.StringIO(to_csv(tracks, TrackState))))
    assert len(rows) == 10 and rows[0]["track_id"] == "IN" and json.loads(rows[0]["radar_ids"]) == ["MANORA"]
    alert_rows = list(csv.DictReader(io.StringIO(to_csv(alerts, Alert))))
    assert [r["alert_id"] for r in alert_rows] == ["A1", "A3"] and alert_rows[0]["kind"] == "dark_vessel"


def test_vessel_fields():
    assert mid_of(463373736) == 463 and mid_of(2320001) is None and mid_of(970012345) is None
    assert flag_text(463373736, None) == "MID 463"
    assert flag_text(463373736, {463: "Pakistan (PK)"}.get) == "Pakistan (PK) (MID 463)"
    assert ship_type_text(70) == "Cargo (70)" and ship_type_text(None) == "not reported"
    assert dimensions_text(static()) == "120 m x 22 m"
    assert round(position_sigma_m(COV), 1) == 8.5
