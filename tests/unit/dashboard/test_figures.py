"""Map layers: a real coastline, one trace per layer, tracks by kind with heading, Patch updates."""

from __future__ import annotations

import shapely
from shapely.geometry import shape

from dashboard.clock import trail_bucket
from dashboard.config import load_coastline
from dashboard.figures import (
    LAYERS,
    LIVE_LAYERS,
    base_figure,
    centre_patch,
    layer_index,
    live_layers,
    live_patch,
)
from dashboard.history import History
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
    assert layers["fused"]["customdata"] == ["F"] and layers["fused"]["marker.angle"] == [45]
    assert layers["ais"]["customdata"] == ["A"] and layers["ais"]["marker.symbol"] == ["arrow"]
    assert layers["dark"]["customdata"] == ["D"] and layers["dark"]["marker.symbol"] == ["circle"]
    assert layers["alerts"]["customdata"] == ["D"]
    assert layers["selected"]["x"] == [66.9]


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
    assert live_layers(history.picture_at(T0 + 5), None)["trails"] == {
        "x": [66.9, 66.91, None],
        "y": [24.7, 24.7, None],
    }
    assert trail_bucket(T0) == trail_bucket(T0 + 4.9) != trail_bucket(T0 + 5.0)  # T0 is a multiple of 5 s
    assert trail_bucket(None) is None
