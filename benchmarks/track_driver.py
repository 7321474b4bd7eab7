"""Drive any tracker over a scenario folder in the order the fusion stage would, without the bus.

Both trackers of ``benchmarks/tracking.py`` are fed by this one loop so that they see the
same decoded measurements, in the same order, grouped into the same radar scans:
``ingest.scenario.read_records`` decodes the files, an ``EventTimeBuffer`` with the fusion
stage's allowed lateness puts late AIS lines in place (released every ``PUBLISH_SLICE``
records, as ``fusion.replay`` lets the stage poll), and ``tracking.steps.StepPlanner`` makes
of them the steps the fusion stage makes (radar scans, AIS runs, an ``expire`` every second
of event time). This mirrors ``fusion.pipeline.FusionService`` step for step; what it leaves
out (the bus, JSON round-trips, the rules engine) is not tracking, so timing it measures the
trackers.
"""

from __future__ import annotations

import math
import sys
import time as wall_clock
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from tqdm import tqdm

from fusion.event_time import EventTimeBuffer
from fusion.replay import PUBLISH_SLICE
from fusion.schemas import AisReport, RadarPlot, to_json
from ingest.scenario import Scenario, read_records
from tracking.steps import Step, StepPlanner, TrackEngine, take_step

ALLOWED_LATENESS_S = 10.0
"""The fusion stage's default reorder window (``FusionService.allowed_lateness_s``)."""

TICK_S = 1.0
"""Event-time interval of ``expire`` calls, as ``FusionService.tick_s``."""


@dataclass
class DriveSummary:
    """What one drive did: measurement counts, output lines and the event-time span."""

    radar_plots: int = 0
    ais_reports: int = 0
    too_late: int = 0
    track_lines: int = 0
    first_time_s: float = math.inf
    last_time_s: float = -math.inf
    wall_s: float = 0.0
    cpu_s: float = 0.0
    ingest: Counter[str] = field(default_factory=Counter)

    @property
    def span_s(self) -> float:
        """Event time covered by the measurements, in seconds."""
        return max(self.last_time_s - self.first_time_s, 0.0)


def drive(
    scenario: Scenario, engine: TrackEngine, tracks_out: Path, *, progress: bool | None = None
) -> DriveSummary:
    """Feed every measurement of ``scenario`` to ``engine`` and write its track states.

    Parameters
    ----------
    scenario
        An opened scenario folder (``ingest.scenario.open_scenario``).
    engine
        The tracker under test.
    tracks_out
        tracks.jsonl to write (docs/formats.md), one line per returned ``TrackState``.
    progress
        tqdm bar on stderr; default: when stderr is a terminal.

    Returns
    -------
    DriveSummary
        Counts, and the wall and CPU time of the whole drive (decoding and writing included).
    """
    summary = DriveSummary()
    buffer: EventTimeBuffer[AisReport | RadarPlot] = EventTimeBuffer(ALLOWED_LATENESS_S)
    planner = StepPlanner(scenario.sensors, TICK_S)
    show = sys.stderr.isatty() if progress is None else progress
    tracks_out.parent.mkdir(parents=True, exist_ok=True)
    started, started_cpu = wall_clock.perf_counter(), wall_clock.process_time()
    with (
        tracks_out.open("wb") as out,
        tqdm(desc="track", unit=" rec", disable=not show, file=sys.stderr) as bar,
    ):

        def take(steps: list[Step]) -> None:
            for step in steps:
                states = take_step(engine, step)
                if states:  # one write a step, not a line: ~200,000 lines on 200 vessels
                    out.write(b"\n".join(map(to_json, states)) + b"\n")
                summary.track_lines += len(states)

        def process(released: list[tuple[float, AisReport | RadarPlot]]) -> None:
            for _, record in released:
                if steps := planner.add(record):  # most records close no step
                    take(steps)
            take(planner.cut())

        # measurements counted on locals, not by a call per record: the loop's bookkeeping
        # is timed too (200,000 records on 200 vessels), and must not grow with the run;
        # islice takes each slice from the reader in C, where a count per record was Python
        measured = {RadarPlot: 0, AisReport: 0}
        first_s, last_s = math.inf, -math.inf
        records = read_records(scenario, summary.ingest)
        while records_slice := list(islice(records, PUBLISH_SLICE)):
            for record in records_slice:
                if (kind := type(record)) in measured:
                    measured[kind] += 1
                    time_s = record.time
                    if time_s < first_s:  # comparisons, not min() and max(): a third of the cost
                        first_s = time_s
                    if time_s > last_s:
                        last_s = time_s
                    if not buffer.push(time_s, record):
                        summary.too_late += 1
            if len(records_slice) == PUBLISH_SLICE:  # a short slice is the end: drained below
                process(buffer.release())
                bar.update(PUBLISH_SLICE)
        process(buffer.drain())
        take(planner.finish(buffer.released_until))
        summary.radar_plots, summary.ais_reports = measured[RadarPlot], measured[AisReport]
        summary.first_time_s, summary.last_time_s = first_s, last_s
    summary.wall_s = wall_clock.perf_counter() - started
    summary.cpu_s = wall_clock.process_time() - started_cpu
    return summary
