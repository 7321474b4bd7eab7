"""parse_radar_line: radar.jsonl lines in, RadarPlot or Reject out, as a table."""

from __future__ import annotations

import pytest

from fusion.schemas import RadarPlot, RadarSite, Reject, RejectReason, Sensors
from ingest.radar_jsonl import parse_radar_line

MANORA = RadarSite(
    id="MANORA",
    lat=24.7958,
    lon=66.9736,
    height_m=30.0,
    range_sigma_m=25.0,
    bearing_sigma_deg=0.3,
    max_range_m=40000.0,
    scan_period_s=2.5,
)
SENSORS = Sensors(radars=(MANORA,), ais_receivers=())


def plot(range_m: float = 12503.2, bearing_deg: float = 213.41, **extra: object) -> RadarPlot:
    return RadarPlot(
        time=1768456800.84,
        sensor_id="MANORA",
        plot_id=3,
        range_m=range_m,
        bearing_deg=bearing_deg,
        range_sigma_m=25.0,
        bearing_sigma_deg=0.3,
        extra=dict(extra),
    )


GOOD = '{"time": 1768456800.84, "sensor": "MANORA", "range_m": 12503.2, "bearing_deg": 213.41'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(GOOD + "}\n", plot(), id="plain"),
        pytest.param(GOOD + ', "scan": 17, "snr_db": 12.5}', plot(scan=17, snr_db=12.5), id="extra-kept"),
        pytest.param(GOOD.replace("213.41", "-90") + "}", plot(bearing_deg=270.0), id="negative-bearing"),
        pytest.param(GOOD.replace("213.41", "720.5") + "}", plot(bearing_deg=0.5), id="bearing-over-360"),
        pytest.param(
            GOOD.replace("213.41", "-1e-20") + "}", plot(bearing_deg=0.0), id="bearing-rounds-to-360"
        ),
        pytest.param(GOOD.replace("12503.2", "42000") + "}", plot(range_m=42000.0), id="range-within-5pc"),
        pytest.param(
            GOOD.replace("12503.2", "42001") + "}", RejectReason.OUT_OF_RANGE, id="range-beyond-5pc"
        ),
        pytest.param(GOOD.replace("12503.2", "0") + "}", RejectReason.OUT_OF_RANGE, id="range-zero"),
        pytest.param(GOOD.replace("12503.2", "-5") + "}", RejectReason.OUT_OF_RANGE, id="range-negative"),
        pytest.param(
            GOOD.replace("MANORA", "CLIFTON") + "}", RejectReason.UNKNOWN_SENSOR, id="unknown-sensor"
        ),
        pytest.param(
            GOOD.replace('"MANORA"', "7") + "}", RejectReason.MALFORMED_RECORD, id="sensor-not-string"
        ),
        pytest.param(GOOD, RejectReason.MALFORMED_RECORD, id="truncated-json"),
        pytest.param("[1, 2]", RejectReason.MALFORMED_RECORD, id="not-an-object"),
        pytest.param("", RejectReason.MALFORMED_RECORD, id="empty-line"),
        pytest.param(
            GOOD.replace("213.41", '"213"') + "}", RejectReason.MALFORMED_RECORD, id="bearing-string"
        ),
        pytest.param(GOOD.replace("213.41", "NaN") + "}", RejectReason.MALFORMED_RECORD, id="bearing-nan"),
        pytest.param(
            GOOD.replace("12503.2", "Infinity") + "}", RejectReason.MALFORMED_RECORD, id="range-inf"
        ),
        pytest.param(
            GOOD.replace("1768456800.84", "true") + "}", RejectReason.MALFORMED_RECORD, id="time-bool"
        ),
        pytest.param(
            '{"sensor": "MANORA", "range_m": 1, "bearing_deg": 2}',
            RejectReason.MALFORMED_RECORD,
            id="no-time",
        ),
    ],
)
def test_radar_line(text: str, expected: RadarPlot | RejectReason) -> None:
    got = parse_radar_line(text, 3, "radar.jsonl", SENSORS)
    if isinstance(expected, RadarPlot):
        assert got == expected
    else:
        assert isinstance(got, Reject)
        assert (got.reason, got.line_no, got.source, got.raw) == (
            expected,
            3,
            "radar.jsonl",
            text.rstrip("\n"),
        )


def test_reject_names_the_bad_field_and_keeps_a_valid_time() -> None:
    got = parse_radar_line(GOOD.replace("213.41", '"north"') + "}", 9, "r", SENSORS)
    assert isinstance(got, Reject)
    assert "bearing_deg" in got.detail
    assert got.time == 1768456800.84


def test_missing_field_is_named() -> None:
    got = parse_radar_line('{"time": 1, "sensor": "MANORA", "bearing_deg": 2}', 1, "r", SENSORS)
    assert isinstance(got, Reject)
    assert "'range_m'" in got.detail
    assert "missing" in got.detail
