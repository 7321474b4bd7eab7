"""The Stone Soup reference of benchmarks/tracking.py tracks, and its output scores like ours.

Not a benchmark: no timing is asserted. It checks what would make the comparison wrong: a
compass bearing read in the wrong angle convention, an MMSI not carried, a tracks.jsonl
``seawatch evaluate`` would reject or score as garbage, a window that leaks later data.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

stonesoup = pytest.importorskip(
    "stonesoup", reason="Stone Soup is in the 'bench' extra (pip install -e '.[bench]'); `make` installs it"
)

from benchmarks.scenarios import window  # noqa: E402
from benchmarks.stonesoup_tracker import StoneSoupConfig, StoneSoupTracker  # noqa: E402
from benchmarks.track_driver import drive  # noqa: E402
from fusion.evaluation.evaluate import evaluate  # noqa: E402
from fusion.schemas import (  # noqa: E402
    AisReceiverSite,
    AisReport,
    RadarPlot,
    RadarSite,
    Sensors,
    TimeSource,
    TrackState,
    TrackStatus,
    from_json,
)
from fusion.simulator import simulate  # noqa: E402
from ingest.scenario import open_scenario  # noqa: E402
from tracking.frames import LocalFrame  # noqa: E402

SITE_LAT, SITE_LON = 24.8, 66.97
T0 = 1_768_464_000.0


def _one_radar() -> Sensors:
    radar = RadarSite(
        id="R1", lat=SITE_LAT, lon=SITE_LON, height_m=30.0, range_sigma_m=25.0,
        bearing_sigma_deg=0.3, max_range_m=40_000.0, scan_period_s=2.5,
    )  # fmt: skip
    return Sensors(
        radars=(radar,), ais_receivers=(AisReceiverSite(id="A1", lat=SITE_LAT, lon=SITE_LON, range_m=6e4),)
    )


def _plot(time: float, range_m: float, bearing_deg: float) -> RadarPlot:
    return RadarPlot(
        time=time, sensor_id="R1", plot_id=0, range_m=range_m, bearing_deg=bearing_deg,
        range_sigma_m=25.0, bearing_sigma_deg=0.3,
    )  # fmt: skip


def test_compass_bearing_becomes_the_right_place_and_ais_names_the_track() -> None:
    """A buoy at 10 km, bearing 060° true (east-north-east), seen for four scans, then its AIS."""
    frame = LocalFrame(SITE_LAT, SITE_LON)
    tracker = StoneSoupTracker(frame, _one_radar())
    states: list[TrackState] = []
    for scan in range(4):
        states += tracker.update_radar_scan([_plot(T0 + 2.5 * scan, 10_000.0, 60.0)])
    confirmed = [s for s in states if s.status is TrackStatus.CONFIRMED]
    assert confirmed, "three plots in line must confirm a track (min_points = confirm_hits)"
    last = confirmed[-1]
    assert last.east_m == pytest.approx(10_000 * math.sin(math.radians(60)), abs=60)
    assert last.north_m == pytest.approx(10_000 * math.cos(math.radians(60)), abs=60)
    assert math.hypot(last.ve_mps, last.vn_mps) < 3.0

    lat, lon = frame.to_geodetic(last.east_m, last.north_m)
    report = AisReport(
        time=T0 + 9.0, time_source=TimeSource.TAG_BLOCK, mmsi=463_000_123, msg_type=1, lat=float(lat),
        lon=float(lon), sog_kn=0.0, cog_deg=0.0, heading_deg=None, nav_status=5, receiver_id="A1", raw="",
    )  # fmt: skip
    assert tracker.update_ais(report) == []  # queued until the next tick or scan
    named = tracker.expire(T0 + 9.5)
    assert [(s.track_id, s.mmsi) for s in named] == [(last.track_id, 463_000_123)]
    assert tracker.track_count == 1


def test_a_track_unseen_past_its_hold_is_reported_lost() -> None:
    tracker = StoneSoupTracker(LocalFrame(SITE_LAT, SITE_LON), _one_radar())
    for scan in range(4):
        tracker.update_radar_scan([_plot(T0 + 2.5 * scan, 5_000.0, 200.0)])
    states = tracker.expire(T0 + 7.5 + tracker.config.radar_track_hold_s + 1)
    assert [s.status for s in states][-1] is TrackStatus.LOST
    assert tracker.track_count == 0


@pytest.fixture(scope="module")
def tiny_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "tiny"
    simulate(
        seed=5, vessels=10, minutes=2.0, out_dir=out,
        zones_path=Path(__file__).resolve().parents[2] / "zones.geojson",
    )  # fmt: skip
    return out


@pytest.mark.parametrize("association", ["gnn", "jpda"])
def test_stonesoup_tracks_a_scenario_into_a_file_the_evaluator_scores(
    tiny_scenario: Path, tmp_path: Path, association: str
) -> None:
    scenario = open_scenario(tiny_scenario, tiny_scenario / "zones.geojson")
    tracks_path = tmp_path / "tracks.jsonl"
    tracker = StoneSoupTracker(
        LocalFrame(scenario.area_lat, scenario.area_lon),
        scenario.sensors,
        StoneSoupConfig(association=association),
    )
    summary = drive(scenario, tracker, tracks_path, progress=False)
    assert summary.radar_plots > 0 and summary.ais_reports > 0
    states = [from_json(TrackState, line) for line in tracks_path.read_bytes().splitlines()]
    assert len(states) == summary.track_lines > 0
    truth_mmsis = {json.loads(line)["mmsi"] for line in (tiny_scenario / "truth.jsonl").open()}
    carried = {s.mmsi for s in states if s.mmsi is not None}
    assert carried and carried <= truth_mmsis

    score = evaluate(tiny_scenario, tracks_path)
    assert score["truth_vessels"] > 0
    assert score["unconfirmed_vessels"] < score["truth_vessels"]
    assert score["position_rms_m"] < 60.0
    assert score["gospa_false_mean_m"] < score["gospa_c_m"]


def test_window_holds_only_the_first_minutes_of_every_file(tiny_scenario: Path, tmp_path: Path) -> None:
    cut = window(tiny_scenario, tmp_path / "first-minute", 1.0)
    start = json.loads((tiny_scenario / "truth.jsonl").open().readline())["time"]
    for name in ("truth.jsonl", "radar.jsonl"):
        times = [json.loads(line)["time"] for line in (cut / name).open()]
        assert times and max(times) < start + 60.0
        assert len(times) < sum(1 for _ in (tiny_scenario / name).open())
    ais = (cut / "ais.nmea").read_bytes().splitlines()
    assert ais and len(ais) < len((tiny_scenario / "ais.nmea").read_bytes().splitlines())
    assert (cut / "sensors.json").read_bytes() == (tiny_scenario / "sensors.json").read_bytes()
