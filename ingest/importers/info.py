"""``seawatch info DIR``: what a scenario folder holds, read the way ``seawatch replay`` reads it.

The folder is decoded with the replay's own reader (:func:`ingest.scenario.read_records`), so the
figures are what the tracker will get: time span, AIS messages by type, vessels (MMSIs, and those
with a position), radar plots per radar, and rejects by reason, both those of the replay's
decoder and those the import set aside (``import.json``). The sources and their time conventions
come from the import's provenance. A small PNG map shows AIS positions, radar plots and sensors.

matplotlib draws the map. It is in the ``plot`` extra (also in ``bench``, which ``make install``
installs), not a core dependency: the pipeline itself never draws; without it ``info`` still
prints everything and says how to get the map.
"""

from __future__ import annotations

import collections
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fusion.schemas import AisReport, AisStatic, RadarPlot, Reject
from ingest.importers.build import IMPORT_FILE
from ingest.scenario import Scenario, open_scenario, read_records
from tracking.frames import geodesic_destination

#: Points drawn at most on the map (a random but seeded subset beyond this).
_MAP_POINTS = 50_000
#: The map frames the 0.5-99.5 percentile box, so one glitch (the Solent file's report at
#: lon 54.8 among lon -1.1) does not shrink the whole recording to a dot.
_FRAME_PERCENTILES = (0.5, 99.5)


@dataclass
class FolderInfo:
    """The summary of one scenario folder (see the module docstring)."""

    path: Path
    time_span: tuple[float, float] | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    messages_by_type: dict[str, int] = field(default_factory=dict)
    vessels: int = 0
    vessels_with_position: int = 0
    radar_plots: dict[str, int] = field(default_factory=dict)
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    import_rejects_by_reason: dict[str, int] = field(default_factory=dict)
    map_png: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "path": str(self.path)}


def folder_info(path: Path, default_zones: Path, map_png: Path | None = None) -> FolderInfo:
    """Summarise the scenario folder ``path``; draw the map to ``map_png`` when given."""
    scenario = open_scenario(path, default_zones)
    info = FolderInfo(path=path)
    counts: collections.Counter[str] = collections.Counter()
    by_type: collections.Counter[str] = collections.Counter()
    rejects: collections.Counter[str] = collections.Counter()
    radar: collections.Counter[str] = collections.Counter()
    mmsis: set[int] = set()
    positioned: set[int] = set()
    ais_points: list[tuple[float, float]] = []
    plot_points: list[tuple[float, float]] = []
    polar: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
    first = last = None
    for record in read_records(scenario, counts):
        if record.time is not None and not isinstance(record, Reject):
            first = record.time if first is None else min(first, record.time)
            last = record.time if last is None else max(last, record.time)
        if isinstance(record, AisReport):
            by_type[f"type{record.msg_type}"] += 1
            mmsis.add(record.mmsi)
            positioned.add(record.mmsi)
            ais_points.append((record.lat, record.lon))
        elif isinstance(record, AisStatic):
            if record.msg_type != 19:  # a type 19 is counted once, with its position report
                by_type[f"type{record.msg_type}"] += 1
            mmsis.add(record.mmsi)
        elif isinstance(record, RadarPlot):
            radar[record.sensor_id] += 1
            polar[record.sensor_id].append((record.range_m, record.bearing_deg))
        else:
            rejects[record.reason.value] += 1
    for sensor_id, measured in polar.items():
        site = scenario.sensors.radar(sensor_id)
        if site is not None:
            ranges_m, bearings_deg = np.asarray(measured).T
            lats, lons = geodesic_destination(site.lat, site.lon, ranges_m, bearings_deg)
            plot_points += list(zip(lats.tolist(), lons.tolist(), strict=True))
    for key, value in counts.items():
        if key.startswith("unused:"):
            by_type[key.split(":", 1)[1]] += value
    info.time_span = (first, last) if first is not None and last is not None else None
    info.messages_by_type = dict(sorted(by_type.items(), key=lambda kv: int(kv[0][4:])))
    info.vessels, info.vessels_with_position = len(mmsis), len(positioned)
    info.radar_plots = dict(sorted(radar.items()))
    info.rejects_by_reason = dict(sorted(rejects.items()))
    provenance = path / IMPORT_FILE
    if provenance.is_file():
        record = json.loads(provenance.read_text(encoding="utf-8"))
        info.sources = [
            {
                k: s.get(k)
                for k in ("path", "format", "sha256", "time_conventions", "ais_messages", "radar_plots")
            }
            for s in record.get("sources", [])
        ]
        info.import_rejects_by_reason = record.get("rejects_by_reason", {})
        info.notes = record.get("notes", [])
    if map_png is not None:
        info.map_png = draw_map(scenario, ais_points, plot_points, map_png, info)
    return info


def draw_map(
    scenario: Scenario,
    ais_points: list[tuple[float, float]],
    plot_points: list[tuple[float, float]],
    out: Path,
    info: FolderInfo,
) -> str | None:
    """A small PNG of the recording; returns its path, or None (with a note) without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display on a server
        import matplotlib.pyplot as plt
    except ImportError:
        info.notes.append("no map: matplotlib is not installed (pip install seawatch[plot])")
        return None
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(6, 5), dpi=100)
    frame: list[np.ndarray] = []
    layers = ((plot_points, "tab:red", "radar plots"), (ais_points, "tab:blue", "AIS"))  # AIS drawn on top
    for points, colour, label in layers:
        if not points:
            continue
        array = np.asarray(points)
        frame.append(array)
        if len(array) > _MAP_POINTS:
            array = array[rng.choice(len(array), _MAP_POINTS, replace=False)]
        ax.scatter(array[:, 1], array[:, 0], s=1, c=colour, alpha=0.4, label=f"{label} ({len(points)})")
    sites = [(r.lat, r.lon, r.id) for r in scenario.sensors.radars]
    for lat, lon, name in sites:
        ax.plot(lon, lat, "k^", markersize=7)
        ax.annotate(name, (lon, lat), fontsize=7, xytext=(3, 3), textcoords="offset points")
    if frame:
        everything = np.vstack(frame)
        low = np.percentile(everything, _FRAME_PERCENTILES[0], axis=0)
        high = np.percentile(everything, _FRAME_PERCENTILES[1], axis=0)
        for lat, lon, _ in sites:  # the sensors are always in the picture
            low, high = np.minimum(low, (lat, lon)), np.maximum(high, (lat, lon))
        margin = np.maximum((high - low) * 0.05, 0.005)
        ax.set_xlim(low[1] - margin[1], high[1] + margin[1])
        ax.set_ylim(low[0] - margin[0], high[0] + margin[0])
        ax.set_aspect(1.0 / max(np.cos(np.radians((low[0] + high[0]) / 2.0)), 0.05))
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_title(scenario.path.resolve().name, fontsize=9)
    if frame:
        ax.legend(loc="best", fontsize=7, markerscale=6)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return str(out)
