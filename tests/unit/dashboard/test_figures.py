"""Map layers: a real coastline, one trace per layer, tracks by kind with heading, Patch updates."""

from __future__ import annotations

import json
import math

import orjson
import shapely
from shapely.geometry import shape

from dashboard.clock import trail_bucket
from dashboard.config import load_coastline
from dashboard.figures import LAYERS, LIVE_LAYERS, base_figure, centre_patch, layer_index
from dashboard.history import History
from dashboard.live import SYMBOL_CODES, live_layers, live_patch, patch_payload
from tests.unit.dashboard.records import T0, alert, track


def test_coastline_is_real_land_of_the_karachi_area():
    coastline = load_coastline()
    land = shapely.union_all([shape(f["geometry"]) for f in coastline["features"]])
    assert land.contains(shapely.Point(67.03, 24.88))  # Karachi city centre
    assert land.contains(shapely.Point(66.70, 24.86))  # Cape Monze headland
    assert not land.contains(shapely.Point(66.95, 24.65))  # outer anchorage, at sea
    assert not land.contains(shapely.Point(66.50, 24.50))  # open Arabian Sea
    assert "GSHHS" in coastline["features"][0]["properties"]["source"]


def test_base_figure_has_one_trace_per_layer_and_equal_ground_scale(config):
    figure = base_figure(
        config.coastline_geojson, config.zones_geojson, list(config.radars), 24.6, config.bounds
    )
    assert [t.name for t in figure.data][: len(LAYERS) - len(LIVE_LAYERS)][0] == "land"
    assert len(figure.data) == len(LAYERS)
    assert figure.layout.yaxis.scaleanchor == "x" and 1.09 < figure.layout.yaxis.scaleratio < 1.11
    coverage = figure.data[layer_index("coverage")]
    lats = [y for y in coverage.y if y is not None]
    assert abs((max(lats) - min(lats)) / 2 - 40_000 / 110_800) < 0.01  # a 40 km ring is ~0.36° of latitude


def test_live_layers_split_tracks_by_kind_with_heading_and_stationary_circles():
    history = History()
    history.add_track(track("F", T0, cog_deg=45.4))
    history.add_track(track("A", T0, radar_ids=()))
    history.add_track(track("D", T0, mmsi=None, sog_kn=0.1))
    history.add_alert(alert("A1", T0, track_id="D"))
    layers = live_layers(history.picture_at(T0), selected_track="F")
    assert layers["fused"]["customdata"] == ["F"] and layers["fused"]["marker.angle"].tolist() == [45]
    assert layers["ais"]["customdata"] == ["A"] and layers["ais"]["marker.symbol"].tolist() == [53]
    assert layers["dark"]["customdata"] == ["D"] and layers["dark"]["marker.symbol"].tolist() == [0]
    assert SYMBOL_CODES["arrow"] == 53 and SYMBOL_CODES["circle"] == 0  # plotly's numbers for them
    assert layers["alerts"]["customdata"] == ["D"]
    assert layers["selected"]["x"].tolist() == [66.9]
    assert layers["selected"]["marker.symbol"].tolist() == [SYMBOL_CODES["circle-open"]]  # ring round it


def test_many_tracks_are_one_trace_per_kind_in_columns():
    history = History()
    for i in range(300):
        history.add_track(
            track(f"T{i:03d}", T0, lon=66.9 + i * 1e-3, mmsi=None if i % 3 == 0 else 463000000 + i)
        )
    layers = live_layers(history.picture_at(T0), None)
    assert len(layers["dark"]["x"]) == 100 and len(layers["fused"]["x"]) == 200
    assert layers["dark"]["customdata"][:2] == ["T000", "T003"]
    assert layers["dark"]["x"][1] == 66.903  # positions stay with their ids through the split
    assert len(layers["trails"]["x"]) == 0  # one state each: no trail yet


def test_the_map_update_is_encoded_by_orjson_directly():
    """Plotly's encoder tries orjson first and walks every value in Python only if that fails
    (a Patch object, a numpy string array): the map's payload must not need the walk."""
    history = History()
    history.add_track(track("F", T0))
    history.add_track(track("F", T0 + 5, lon=66.91))
    payload = patch_payload(live_patch(live_layers(history.picture_at(T0 + 5), "F")))
    text = orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY)
    assert json.loads(text)["__dash_patch_update"] == "__dash_patch_update"
    assert b'"value":[66.9,66.91,null]' in text  # the trail, with its gap as null


def test_patch_touches_only_live_layers():
    history = History()
    history.add_track(track("F", T0))
    patch = live_patch(live_layers(history.picture_at(T0), None)).to_plotly_json()
    touched = {op["location"][1] for op in patch["operations"]}
    assert touched == {layer_index(name) for name in LIVE_LAYERS}
    assert all(op["location"][0] == "data" for op in patch["operations"])


def test_centre_patch_moves_the_view_only():
    operations = centre_patch(67.0, 24.7, 0.05, 24.6).to_plotly_json()["operations"]
    assert [op["location"] for op in operations] == [
        ["layout", "xaxis", "range"],
        ["layout", "yaxis", "range"],
        ["layout", "uirevision"],  # so plotly takes the new view over the last user zoom
    ]
    assert operations[0]["params"]["value"] == [66.95, 67.05]


def test_trails_are_left_out_between_trail_refreshes():
    history = History()
    history.add_track(track("F", T0))
    history.add_track(track("F", T0 + 5, lon=66.91))
    assert "trails" not in live_layers(history.picture_at(T0 + 5), None, trails=False)
    trails = live_layers(history.picture_at(T0 + 5), None)["trails"]
    assert trails["x"].tolist()[:2] == [66.9, 66.91] and math.isnan(trails["x"][2])
    assert trails["y"].tolist()[:2] == [24.7, 24.7] and math.isnan(trails["y"][2])
    assert trail_bucket(T0) == trail_bucket(T0 + 4.9) != trail_bucket(T0 + 5.0)  # T0 is a multiple of 5 s
    assert trail_bucket(None) is None
