"""Group a time-ordered stream of radar plots into scans, one radar at a time.

The tracker associates a whole scan at once, because a one-to-one assignment is only
meaningful among plots of one look at the sea: a vessel yields at most one plot per scan.
Plot formats rarely carry a scan number (ASTERIX and ARPA output do not), so a scan is
taken to be the plots of one radar within one antenna period (``scan_period_s`` of
sensors.json) from its first plot. A scan closes when event time passes its end, so the
batch is handed over without waiting for the next plot of that radar.
"""

from __future__ import annotations

import math

from fusion.schemas import RadarPlot, Sensors


class ScanBatcher:
    """Collects plots per radar and hands back finished scans in event-time order."""

    def __init__(self, sensors: Sensors) -> None:
        self._period_s = {r.id: r.scan_period_s for r in sensors.radars}
        self._open: dict[str, list[RadarPlot]] = {}
        self._next_close_s = math.inf
        """``next_close_time``, kept as scans open and close: it is asked for every record."""

    def add(self, plot: RadarPlot) -> list[list[RadarPlot]]:
        """Add a plot (times non-decreasing); returns scans that this plot's time closed."""
        closed = self.advance(plot.time)
        scan = self._open.get(plot.sensor_id)
        if scan is None:
            scan = self._open[plot.sensor_id] = []
            self._next_close_s = min(self._next_close_s, plot.time + self._period_s[plot.sensor_id])
        scan.append(plot)
        return closed

    def advance(self, time: float) -> list[list[RadarPlot]]:
        """Close every scan whose antenna period ended at or before ``time``."""
        if time < self._next_close_s:
            return []
        due = [
            sensor for sensor, plots in self._open.items() if plots[0].time + self._period_s[sensor] <= time
        ]
        return self._close(due)

    def next_close_time(self) -> float:
        """Event time at which ``advance`` will next close a scan (inf: none open)."""
        return self._next_close_s

    def flush(self) -> list[list[RadarPlot]]:
        """Close every open scan: end of stream."""
        return self._close(list(self._open))

    def _close(self, sensors: list[str]) -> list[list[RadarPlot]]:
        scans = [self._open.pop(s) for s in sensors]
        self._next_close_s = min(
            (plots[0].time + self._period_s[sensor] for sensor, plots in self._open.items()), default=math.inf
        )
        return sorted(scans, key=lambda scan: (scan[0].time, scan[0].sensor_id))
