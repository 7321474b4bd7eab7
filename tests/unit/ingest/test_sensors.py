"""load_sensors: a valid sensors.json loads; each kind of mistake is reported with file and field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from fusion.schemas import AisReceiverSite, RadarSite, Sensors
from ingest.sensors import SensorsFileError, load_sensors

RADAR = {
    "id": "MANORA",
    "lat": 24.7958,
    "lon": 66.9736,
    "height_m": 30,
    "range_sigma_m": 25,
    "bearing_sigma_deg": 0.3,
    "max_range_m": 40000,
    "scan_period_s": 2.5,
}
LAYOUT: dict[str, Any] = {
    "radars": [RADAR, {**RADAR, "id": "CLIFTON"}],
    "ais_receivers": [{"id": "KHI-AIS", "lat": 24.7958, "lon": 66.9736, "range_m": 60000}],
    "area": {"lat": 24.8, "lon": 66.9},
}


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "sensors.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_valid_layout_loads_with_area_ignored(tmp_path: Path) -> None:
    sensors = load_sensors(write(tmp_path, LAYOUT))
    assert sensors == Sensors(
        radars=(
            RadarSite(**{**RADAR, "height_m": 30.0}),  # type: ignore[arg-type]
            RadarSite(**{**RADAR, "id": "CLIFTON", "height_m": 30.0}),  # type: ignore[arg-type]
        ),
        ais_receivers=(AisReceiverSite(id="KHI-AIS", lat=24.7958, lon=66.9736, range_m=60000.0),),
    )
    assert isinstance(sensors.radars[0].max_range_m, float)


def test_empty_lists_are_a_valid_layout(tmp_path: Path) -> None:
    assert load_sensors(write(tmp_path, {"radars": [], "ais_receivers": []})) == Sensors(
        radars=(), ais_receivers=()
    )


def _with(path: tuple[object, ...], value: object) -> dict[str, Any]:
    """LAYOUT with the item at ``path`` replaced (or removed when value is ...)."""
    layout = copy.deepcopy(LAYOUT)
    target: Any = layout
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return layout


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        pytest.param(
            _with(("radars", 1, "scan_period_s"), "x"),
            "radars[1].scan_period_s must be a positive number of seconds, got 'x'",
            id="period-not-number",
        ),
        pytest.param(
            _with(("radars", 0, "scan_period_s"), 0), "radars[0].scan_period_s must be a positive", id="zero"
        ),
        pytest.param(
            _with(("radars", 0, "range_sigma_m"), -1), "radars[0].range_sigma_m must be a positive", id="neg"
        ),
        pytest.param(_with(("radars", 0, "bearing_sigma_deg"), True), "bearing_sigma_deg must be", id="bool"),
        pytest.param(
            _with(("radars", 0, "max_range_m"), ...), "radars[0].max_range_m is missing", id="missing"
        ),
        pytest.param(_with(("radars", 0, "lat"), 124.8), "radars[0].lat must be a latitude", id="lat-range"),
        pytest.param(_with(("radars", 0, "lon"), -181), "radars[0].lon must be a longitude", id="lon-range"),
        pytest.param(
            _with(("radars", 0, "height_m"), -3), "radars[0].height_m must be a height", id="height"
        ),
        pytest.param(
            _with(("radars", 0, "id"), ""), "radars[0].id must be a non-empty string", id="empty-id"
        ),
        pytest.param(
            _with(("radars", 1, "id"), "MANORA"), "radars[1].id 'MANORA' is used twice", id="dup-id"
        ),
        pytest.param(
            _with(("ais_receivers", 0, "range_m"), None), "ais_receivers[0].range_m must be", id="rx-range"
        ),
        pytest.param(_with(("ais_receivers",), ...), "'ais_receivers' must be a list", id="no-receivers"),
        pytest.param(_with(("radars",), {"id": "X"}), "'radars' must be a list", id="radars-not-list"),
        pytest.param(_with(("radars", 0), "MANORA"), "radars[0] must be an object", id="entry-not-object"),
        pytest.param([1, 2], "the top level must be an object", id="top-level-list"),
        pytest.param('{"radars": [', "line 1 column 13: not valid JSON", id="bad-json"),
    ],
)
def test_invalid_layout_names_file_and_field(tmp_path: Path, layout: object, message: str) -> None:
    path = write(tmp_path, layout)
    with pytest.raises(SensorsFileError) as info:
        load_sensors(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_missing_file_is_a_sensors_file_error(tmp_path: Path) -> None:
    with pytest.raises(SensorsFileError, match="cannot read"):
        load_sensors(tmp_path / "nope.json")


def test_sensors_file_error_is_a_value_error() -> None:
    assert issubclass(SensorsFileError, ValueError)
