"""The tracker steps a time-ordered stream of measurements makes, and in which order.

The fusion stage and the tracking benchmark's driver must give a tracker the same steps for
the same input, or the benchmark would time something other than what runs. Three kinds:

- a radar scan, handed over when event time passes the end of its antenna period
  (``tracking.scans.ScanBatcher``);
- a tick every ``tick_s`` of event time, when tracks are expired (a silent vessel brings no
  record that would do it);
- a run of AIS reports: the reports between two of the other steps, fused at once
  (``Tracker.update_ais_batch``, which gives the tracks of one call per report; how the
  runs are cut changes the speed, never the tracks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from fusion.schemas import AisReport, RadarPlot, Sensors, TrackState
from tracking.scans import ScanBatcher


@dataclass(frozen=True, slots=True)
class ScanStep:
    plots: list[RadarPlot]
    now: float


@dataclass(frozen=True, slots=True)
class AisStep:
    reports: list[AisReport]
    now: float


@dataclass(frozen=True, slots=True)
class TickStep:
    now: float


Step = ScanStep | AisStep | TickStep
"""``now`` of each: the event time at which the step is taken (the stage's clock)."""


class TrackEngine(Protocol):
    """What a tracker offers the steps: ``tracking.tracker.Tracker`` is one."""

    def update_radar_scan(self, plots: list[RadarPlot]) -> list[TrackState]: ...

    def update_ais_batch(self, reports: list[AisReport]) -> list[TrackState]: ...

    def expire(self, now: float) -> list[TrackState]: ...


def take_step(engine: TrackEngine, step: Step) -> list[TrackState]:
    """Apply one step to a tracker: the track states it produces."""
    if isinstance(step, ScanStep):
        return engine.update_radar_scan(step.plots)
    if isinstance(step, AisStep):
        return engine.update_ais_batch(step.reports)
    return engine.expire(step.now)


class StepPlanner:
    """Turns measurements, added in event-time order, into steps.

    ``add`` returns the steps due before the measurement it is given; the AIS run it holds
    is handed over when another step falls due or the caller ``cut``\\ s it (at the end of
    each polled batch, so nothing waits for the next poll, and before anything else the
    caller does between measurements, such as applying an identity record).
    """

    def __init__(self, sensors: Sensors, tick_s: float) -> None:
        self._scans = ScanBatcher(sensors)
        self._tick_s = tick_s
        self._next_tick = -math.inf
        self._ais_run: list[AisReport] = []

    def add(self, record: AisReport | RadarPlot) -> list[Step]:
        time = record.time
        steps: list[Step] = []
        if time >= self._next_tick or self._scans.next_close_time() <= time:
            steps += self.cut()
            steps += [ScanStep(scan, time) for scan in self._scans.advance(time)]
            if time >= self._next_tick:
                steps.append(TickStep(time))
                self._next_tick = (math.floor(time / self._tick_s) + 1) * self._tick_s
        if isinstance(record, RadarPlot):  # closes nothing at its time (advanced above), but if it did:
            for scan in self._scans.add(record):  # a loop, not a comprehension: no call when empty
                steps.append(ScanStep(scan, time))
        else:
            self._ais_run.append(record)
        return steps

    def cut(self) -> list[Step]:
        """The AIS run held so far, as a step (none when empty)."""
        if not self._ais_run:
            return []
        run, self._ais_run = self._ais_run, []
        return [AisStep(run, run[-1].time)]

    def finish(self, now: float) -> list[Step]:
        """End of stream at event time ``now``: the AIS run and every open scan."""
        return self.cut() + [ScanStep(scan, now) for scan in self._scans.flush()]
