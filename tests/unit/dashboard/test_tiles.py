"""Optional online tiles: off by default, placed by their exact Web Mercator edges when on."""

from __future__ import annotations

import pytest

from dashboard.figures import layer_index
from dashboard.tiles import MAX_TILES, TileLayer, tile_edges, tile_images, tile_patch, tile_xy, zoom_for

KARACHI = (66.5, 24.4, 67.4, 25.1)  # west, south, east, north


def test_a_tile_holds_its_point_and_its_neighbours_share_edges():
    x, y = tile_xy(67.0, 24.8, 11)
    west, south, east, north = tile_edges(x, y, 11)
    assert west <= 67.0 < east and south < 24.8 <= north
    assert tile_edges(x + 1, y, 11)[0] == east and tile_edges(x, y + 1, 11)[3] == south
    assert tile_xy(0.0, 0.0, 1) == (1, 1) and tile_edges(0, 0, 0) == pytest.approx(
        (-180, -85.0511, 180, 85.0511)
    )


def test_the_images_cover_the_view_at_a_zoom_that_fits_it():
    layer = TileLayer("https://tiles.example/{z}/{x}/{y}.png", attribution="© example")
    images = tile_images(layer, KARACHI)
    assert zoom_for(KARACHI[0], KARACHI[2], 18) == 10 and len(images) == 9
    assert all(i["source"].startswith("https://tiles.example/10/") for i in images)
    assert (
        min(i["x"] for i in images) <= KARACHI[0] and max(i["x"] + i["sizex"] for i in images) >= KARACHI[2]
    )
    assert (
        max(i["y"] for i in images) >= KARACHI[3] and min(i["y"] - i["sizey"] for i in images) <= KARACHI[1]
    )
    assert {i["layer"] for i in images} == {"below"}  # under every trace
    assert len(tile_images(layer, (-30.0, -40.0, 60.0, 60.0))) <= MAX_TILES  # a wide view: coarser zoom
    assert zoom_for(67.0, 67.0001, 14) == 14  # never deeper than the server goes


def test_a_template_without_z_x_y_is_a_clear_error():
    with pytest.raises(ValueError, match=r"lacks \{x\}, \{y\}.*tile\.openstreetmap\.org"):
        TileLayer("https://tiles.example/{z}.png")


def test_tile_patch_sets_images_attribution_and_outlines_the_land():
    layer = TileLayer("https://tiles.example/{z}/{x}/{y}.png", attribution="© example")
    box = dict(zip(("west", "south", "east", "north"), KARACHI, strict=True))
    operations = {
        tuple(op["location"]): op["params"]["value"]
        for op in tile_patch(layer, box).to_plotly_json()["operations"]
    }
    assert len(operations[("layout", "images")]) == 9
    assert operations[("layout", "annotations")][0]["text"] == "© example"
    assert operations[("data", layer_index("land"), "fill")] == "none"


def test_tiles_are_off_by_default(config):
    assert config.tiles is None


def test_seawatch_dashboard_takes_tiles_and_history_options():
    from fusion.cli import UsageError, _dashboard_map_and_history, build_parser

    base = ["dashboard", "--bus", "kafka://127.0.0.1:9092", "--area", "replay_data/karachi"]
    settings, history = _dashboard_map_and_history(build_parser().parse_args(base))
    assert settings == {"tiles": None} and history.retention_s == 3600.0  # air-gapped, one hour
    url = "https://tiles.example/{z}/{x}/{y}.png"
    args = build_parser().parse_args(
        [*base, "--tiles", url, "--tiles-attribution", "© x", "--history-s", "0"]
    )
    settings, history = _dashboard_map_and_history(args)
    assert settings["tiles"] == TileLayer(url, attribution="© x") and history.retention_s is None
    with pytest.raises(UsageError, match=r"lacks \{x\}"):
        _dashboard_map_and_history(build_parser().parse_args([*base, "--tiles", "https://t/{z}/{y}"]))
    with pytest.raises(UsageError, match="shorter than a trail"):
        _dashboard_map_and_history(build_parser().parse_args([*base, "--history-s", "10"]))
