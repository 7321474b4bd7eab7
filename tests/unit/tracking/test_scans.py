"""Radar plots are grouped into one scan per antenna period per radar, and the stream into tracker steps."""

from fusion.schemas import AisReport, RadarPlot, RadarSite, Sensors, TimeSource
from tracking.scans import ScanBatcher
from tracking.steps import AisStep, ScanStep, StepPlanner

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


def _report(time: float, mmsi: int) -> AisReport:
    return AisReport(
        time=time, time_source=TimeSource.TAG_BLOCK, mmsi=mmsi, msg_type=1, lat=0.0, lon=0.0,
        sog_kn=None, cog_deg=None, heading_deg=None, nav_status=None, receiver_id="S", raw="",
    )  # fmt: skip


def _describe(steps: list) -> list[tuple]:
    out = []
    for step in steps:
        if isinstance(step, ScanStep):
            out.append(("scan", [p.time for p in step.plots], step.now))
        elif isinstance(step, AisStep):
            out.append(("ais", [r.mmsi for r in step.reports], step.now))
        else:
            out.append(("tick", step.now))
    return out


def test_ais_reports_between_two_other_steps_go_to_the_tracker_as_one_run():
    planner = StepPlanner(SENSORS, tick_s=1.0)
    steps = []
    for record in [_plot("A", 0.1), _report(0.2, 1), _report(0.5, 2), _report(0.9, 1), _report(1.0, 3),
                   _report(2.0, 4), _report(2.4, 5), _plot("A", 2.7), _report(2.8, 6)]:  # fmt: skip
        steps += planner.add(record)
    assert _describe(steps) == [
        ("tick", 0.1),  # the first record starts the clock
        ("ais", [1, 2, 1], 0.9),  # a repeated MMSI is the tracker's affair (it splits the run)
        ("tick", 1.0),
        ("ais", [3], 1.0),
        ("tick", 2.0),
        ("ais", [4, 5], 2.4),
        ("scan", [0.1], 2.7),  # A's antenna period ended at 2.6; the next tick is at 3
    ]
    assert _describe(planner.cut()) == [("ais", [6], 2.8)] and planner.cut() == []
    assert _describe(planner.finish(3.0)) == [("scan", [2.7], 3.0)]
