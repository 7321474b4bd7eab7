"""Zones file loading: the repository's file loads; each kind of bad file fails clearly."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pytest

from fusion.rules.zones import ZoneKind, ZoneSettings, ZonesFileError, load_zones

REPO_ZONES = Path(__file__).resolve().parents[3] / "zones.geojson"


def test_repository_zones_load():
    zones = load_zones(REPO_ZONES)
    assert [z.id for z in zones.zones] == [
        "KHI-PORT",
        "KHI-CHANNEL",
        "KHI-ANCH",
        "NAVAL-EX",
        "MONZE-MPA",
        "QASIM-APP",
    ]
    assert zones.zones[3].kind is ZoneKind.RESTRICTED


def _bowtie(feature: dict) -> None:
    ring = feature["geometry"]["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]


def _point(feature: dict) -> None:
    feature["geometry"] = {"type": "Point", "coordinates": [66.9, 24.8]}


def _no_id(feature: dict) -> None:
    del feature["properties"]["id"]


def _bad_kind(feature: dict) -> None:
    feature["properties"]["kind"] = "harbour"


def _out_of_range(feature: dict) -> None:
    ring = feature["geometry"]["coordinates"][0]
    feature["geometry"]["coordinates"][0] = [[lon, lat + 100.0] for lon, lat in ring]


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (_bowtie, ["feature 1", "'B'", "Self-intersection", "fix:"]),
        (_point, ["feature 1", "'B'", "'Point'", "Polygon or MultiPolygon"]),
        (_no_id, ["feature 1", "properties.id", "fix:"]),
        (_bad_kind, ["feature 1", "'B'", "'harbour'", "restricted"]),
        (_out_of_range, ["feature 1", "'B'", "[lon, lat]"]),
    ],
    ids=["self-intersecting", "bad-geometry-type", "missing-id", "bad-kind", "out-of-range"],
)
def test_bad_feature_names_file_feature_and_fix(world, spoil, expected):
    good = world.rectangle("A", "port", (0.0, 1000.0), (0.0, 1000.0))
    bad = copy.deepcopy(world.rectangle("B", "mpa", (2000.0, 3000.0), (0.0, 1000.0)))
    spoil(bad)
    path = world.zones_file([good, bad], name="broken.geojson")
    with pytest.raises(ZonesFileError) as info:
        load_zones(path)
    message = str(info.value)
    assert "broken.geojson" in message
    for text in expected:
        assert text in message


def test_duplicate_ids_and_non_collections_are_rejected(world):
    feature = world.rectangle("A", "port", (0.0, 1000.0), (0.0, 1000.0))
    with pytest.raises(ZonesFileError, match=r"feature 1 .*duplicate id"):
        load_zones(world.zones_file([feature, feature]))
    not_json = world.root / "zones.txt"
    not_json.write_text("{not json")
    with pytest.raises(ZonesFileError, match=r"zones\.txt: cannot read zones as JSON"):
        load_zones(not_json)
    not_collection = world.root / "feature.geojson"
    not_collection.write_text('{"type": "Feature"}')
    with pytest.raises(ZonesFileError, match="FeatureCollection"):
        load_zones(not_collection)


def test_membership_inner_and_margin_band_in_plane_metres(world):
    zones = load_zones(world.zones_file([world.rectangle("A", "restricted", (0.0, 1000.0), (0.0, 1000.0))]))
    local = zones.to_local(world.frame, margin_m=50.0)
    east_m = np.array([500.0, 1030.0, 1080.0, 5000.0])
    north_m = np.array([500.0, 500.0, 500.0, 500.0])
    point_index, zone_index, in_inner, in_outer = local.membership(east_m, north_m)
    inner = {int(p) for p, z, i in zip(point_index, zone_index, in_inner, strict=True) if i and z == 0}
    outer = {int(p) for p, z, o in zip(point_index, zone_index, in_outer, strict=True) if o and z == 0}
    assert inner == {0}
    assert outer == {0, 1}
    assert local.inside_kind(east_m, north_m, ZoneKind.RESTRICTED).tolist() == [True, False, False, False]


def test_zone_rule_settings_from_properties(world):
    feature = world.rectangle("A", "port", (0.0, 1000.0), (0.0, 1000.0))
    feature["properties"].update(speed_limit_kn=8, loiter_after_s=600, require_ais=True, note="ours")
    settings = load_zones(world.zones_file([feature])).zones[0].settings
    assert (settings.speed_limit_kn, settings.loiter_after_s, settings.require_ais) == (8.0, 600.0, True)
    plain = load_zones(world.zones_file([world.rectangle("B", "port", (0.0, 1.0), (0.0, 1.0))])).zones[0]
    assert plain.settings == ZoneSettings()


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"speed_limit_kn": "slow"}, "properties.speed_limit_kn 'slow' is not a number"),
        ({"speed_limit_kn": 0}, "speed_limit_kn is 0"),
        ({"loiter_after_s": -5}, "properties.loiter_after_s -5 is not a number >= 0"),
        ({"require_ais": "yes"}, "properties.require_ais 'yes' is not true/false"),
    ],
)
def test_bad_zone_settings_name_the_feature(world, settings, expected):
    good = world.rectangle("A", "port", (0.0, 1000.0), (0.0, 1000.0))
    bad = world.rectangle("B", "mpa", (2000.0, 3000.0), (0.0, 1000.0))
    bad["properties"].update(settings)
    with pytest.raises(ZonesFileError, match=re.escape(expected)) as info:
        load_zones(world.zones_file([good, bad]))
    assert "feature 1 (id 'B')" in str(info.value)


def test_single_points_and_batches_agree_on_membership(world):
    zones = load_zones(
        world.zones_file(
            [
                world.rectangle("A", "restricted", (0.0, 1000.0), (0.0, 1000.0)),
                world.rectangle(
                    "B", "mpa", (500.0, 200_000.0), (500.0, 200_000.0)
                ),  # too many cells: "large"
            ]
        )
    )
    local = zones.to_local(world.frame, margin_m=50.0)
    rng = np.random.default_rng(3)
    east_m, north_m = rng.uniform(-500.0, 31_000.0, 200), rng.uniform(-500.0, 31_000.0, 200)
    batch = local.sides(east_m, north_m)
    one_by_one = [local.sides(np.array([e]), np.array([n]))[0] for e, n in zip(east_m, north_m, strict=True)]
    assert batch == one_by_one
    assert local.sides(np.array([np.nan]), np.array([0.0])) == [(frozenset(), frozenset())]
