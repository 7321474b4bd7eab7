"""What every importer hands back: timed AIS messages, radar plots, counts and rejects."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fusion.schemas import RadarSite, Reject


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """Choices the data cannot make for itself.

    Attributes
    ----------
    start_s : float or None
        ``--start``, unix seconds: the time of the first line of a log that has no time stamps
        at all (lines are then timed in order, ``line_interval_s`` apart), and of a raw ASTERIX
        file (which has only times of day).
    line_interval_s : float
        Seconds between consecutive messages of an untimed log. 0.1 s: a busy shore receiver
        hears about ten messages a second, so the replay runs at a plausible pace.
    site : tuple of float or None
        ``--site LAT,LON`` in degrees: the radar site when the data does not carry it.
    columns : dict of str to str or None
        ``--columns`` mapping of a generic CSV (``time=ts,mmsi=id,lat=y,lon=x,...``); values are
        header names or 0-based column numbers (for a file without a header).
    day_first : bool or None
        Date order of ``dd/mm/yyyy``-style CSV times; None = decide from the data.
    radar_id : str or None
        Id of the radar in sensors.json (default: from the file name).
    max_range_m : float or None
        The radar's range limit; default: 10 % beyond the farthest plot of the recording.
    """

    start_s: float | None = None
    line_interval_s: float = 0.1
    site: tuple[float, float] | None = None
    columns: dict[str, str] | None = None
    day_first: bool | None = None
    radar_id: str | None = None
    max_range_m: float | None = None


@dataclass(slots=True)
class AisMessage:
    """One complete AIS message as heard by one station, ready to be written with a tag block.

    Attributes
    ----------
    time_s : float
        Receive time, unix seconds (UTC), the same for all its fragments.
    station : str
        The receiving station (tag-block ``s:``, USCG receiver id, or the source's name).
    sentences : tuple of str
        The ``!xxVDM`` sentences of the message, in fragment order, as they were in the source.
    key : bytes
        Joined payload and fill bits: the same message heard twice has the same key.
    source : int
        Index of the source (in the order given) it came from, for duplicate counts.
    """

    time_s: float
    station: str
    sentences: tuple[str, ...]
    key: bytes
    source: int


@dataclass(slots=True)
class SourceResult:
    """What one source gave: its AIS messages, radar plots and radars, counts, rejects, notes."""

    path: Path
    format: str
    ais: list[AisMessage] = field(default_factory=list)
    plots: list[dict[str, Any]] = field(default_factory=list)
    radars: list[RadarSite] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    counts: collections.Counter[str] = field(default_factory=collections.Counter)
    time_conventions: collections.Counter[str] = field(default_factory=collections.Counter)
    notes: list[str] = field(default_factory=list)
    rows: int = 0

    def reject(self, reject: Reject, reason: str | None = None) -> None:
        """Keep a rejected line and count it (``reason`` refines the enum, e.g. ``missing_mmsi``)."""
        self.rejects.append(reject)
        self.counts[f"reject:{reason or reject.reason.value}"] += 1


def time_text(time_s: float) -> str:
    """Unix seconds as the shortest text that keeps milliseconds (``1452603731.218``)."""
    millis = round(time_s * 1000.0)
    whole, frac = divmod(millis, 1000)
    return str(whole) if frac == 0 else f"{whole}.{frac:03d}".rstrip("0")
