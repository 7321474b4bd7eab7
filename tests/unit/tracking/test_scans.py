"""Radar plots are grouped into one scan per antenna period per radar."""

from fusion.schemas import RadarPlot, RadarSite, Sensors
from tracking.scans import ScanBatcher

SENSORS = Sensors(
    radars=tuple(
        RadarSite(
            id=i,
            lat=0,
            lon=0,
            height_m=0,
            range_sigma_m=1,
            bearing_sigma_deg=1,
            max_range_m=1e4,
            scan_period_s=2.5,
        )
        for i in ("A", "B")
    ),
    ais_receivers=(),
)


def _plot(sensor: str, time: float) -> RadarPlot:
    return RadarPlot(
        time=time, sensor_id=sensor, plot_id=0, range_m=1, bearing_deg=0, range_sigma_m=1, bearing_sigma_deg=1
    )


def test_scans_close_when_event_time_passes_their_period():
    batcher = ScanBatcher(SENSORS)
    assert batcher.add(_plot("A", 0.0)) == []
    assert batcher.add(_plot("B", 0.3)) == []
    assert batcher.add(_plot("A", 2.0)) == []
    closed = batcher.add(_plot("A", 2.6))
    assert [[p.time for p in scan] for scan in closed] == [[0.0, 2.0]]
    closed = batcher.advance(2.8)
    assert [[p.time for p in scan] for scan in closed] == [[0.3]]
    assert [[p.time for p in scan] for scan in batcher.flush()] == [[2.6]]
