"""``seawatch import``: read each source with its importer, merge, and write the scenario folder.

The folder is the contract of docs/formats.md (``ais.nmea``, ``radar.jsonl``, ``sensors.json``,
an empty ``zones.geojson`` unless ``--zones``, and ``manifest.json`` as ``seawatch record`` writes
it, so a replay proves it read what was imported) plus the import's provenance: ``import.json``
(every source's path, size, SHA-256, format, time convention, counts and notes; the command),
``rejects.jsonl`` (every line or row not carried
over because it was bad, with its reason and text) and a ``README.md`` for a person.

Merging: AIS messages of all sources are put in time order and a message whose payload was
already heard within ``DUPLICATE_WINDOW_S`` (by another station, or repeated by the same one) is
written once and counted as a duplicate: two shore stations hearing one ship is one report.
The whole recording is held in memory while it is sorted (about 300 bytes a message: a day of a
busy national network, ~10 million messages, needs ~3 GB; split such archives by hour).
"""

from __future__ import annotations

import collections
import hashlib
import json
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fusion.manifest import write_manifest
from fusion.schemas import AisReceiverSite, AisReport, RadarSite
from ingest.ais import AisDecoder
from ingest.importers.ais_nmea import AisNmeaReader
from ingest.importers.csv_ais import CsvAisReader
from ingest.importers.detect import detect_formats
from ingest.importers.model import AisMessage, ImportOptions, SourceResult, time_text
from ingest.importers.radar import read_asterix, read_radar_nmea
from ingest.nmea import nmea_checksum
from tracking.frames import range_bearing

#: The same payload heard again within this many seconds is the same transmission. Position
#: reports carry their UTC second, so a genuinely new identical report is >= 60 s later;
#: 20 s covers network delays and small clock offsets between stations.
DUPLICATE_WINDOW_S = 20.0
#: Smallest AIS receiver range written to sensors.json: VHF reaches ~20 NM from a shore mast.
MIN_RECEIVER_RANGE_M = 10_000.0
IMPORT_FILE = "import.json"
REJECTS_FILE = "rejects.jsonl"
#: Files an import writes, all listed in manifest.json so a replay can prove it read them.
_FOLDER_FILES = ("ais.nmea", "radar.jsonl", "sensors.json", "zones.geojson", IMPORT_FILE, REJECTS_FILE)
_NO_ZONES = '{"type": "FeatureCollection", "features": []}\n'


@dataclass
class ImportSummary:
    """What ``seawatch import`` did: figures for the terminal and ``import.json``."""

    out_dir: Path
    sources: list[dict[str, Any]]
    ais_messages: int
    ais_duplicates: int
    radar_plots: int
    rejects_by_reason: dict[str, int]
    time_span: tuple[float, float] | None
    rows: int
    elapsed_s: float
    notes: list[str] = field(default_factory=list)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.elapsed_s if self.elapsed_s > 0 else float("inf")


def import_sources(
    paths: Sequence[Path],
    out_dir: Path,
    options: ImportOptions,
    *,
    fmt: str | None = None,
    command: str = "",
    on_rows: Callable[[int], None] | None = None,
    zones: Path | None = None,
) -> ImportSummary:
    """Import ``paths`` into the scenario folder ``out_dir`` (created; existing data files replaced).

    Parameters
    ----------
    paths : sequence of Path
        The recordings, in any mix of formats.
    options : ImportOptions
        ``--start``, ``--site``, ``--columns``... (see :class:`ImportOptions`).
    fmt : str or None
        ``--format`` for every path; None detects each (:func:`detect_formats`), or, with
        ``options.columns``, reads each as a CSV.
    command : str
        The command line, kept in the provenance.
    on_rows : callable or None
        Called with a number of rows/lines just read (progress bars).
    zones : Path or None
        A zones.geojson to store with the recording; otherwise an empty one is written (the
        repository's zones are for the bundled scenario's waters, not these).

    Raises
    ------
    FormatError, CsvLayoutError, NoTimeError, RadarSiteError, CsvTimeError
        Problems the user must fix; each message names the file and the fix.
    """
    started = time.perf_counter()
    fmt = fmt or ("csv" if options.columns else None)  # a column mapping only means something for a CSV
    results: list[SourceResult] = []
    for index, path in enumerate(paths):
        for kind in (fmt,) if fmt else detect_formats(path):
            result = SourceResult(path=path, format=kind)
            for count in _read(path, index, kind, options, result):
                if on_rows is not None:
                    on_rows(count)
            results.append(result)
    messages = merge_ais(results)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = _write(out_dir, results, messages, zones, command, started)
    return summary


def _read(path: Path, index: int, kind: str, options: ImportOptions, result: SourceResult) -> Iterator[int]:
    if kind == "nmea":
        yield from AisNmeaReader(path, index, options, result).read()
    elif kind == "radar-nmea":
        yield from read_radar_nmea(path, options, result)
    elif kind == "asterix":
        yield from read_asterix(path, options, result)
    else:
        layout = None if kind == "csv" else kind
        yield from CsvAisReader(path, index, options, result, layout).read()


def merge_ais(results: list[SourceResult]) -> list[AisMessage]:
    """All sources' AIS messages in time order, each transmission once (see the module docstring)."""
    messages = sorted((m for r in results for m in r.ais), key=lambda m: m.time_s)
    seen: dict[bytes, tuple[float, str]] = {}
    window: collections.deque[tuple[float, bytes]] = collections.deque()
    kept: list[AisMessage] = []
    for message in messages:
        while window and window[0][0] < message.time_s - DUPLICATE_WINDOW_S:
            old_time, old_key = window.popleft()
            if seen.get(old_key, (None,))[0] == old_time:
                del seen[old_key]
        prior = seen.get(message.key)
        if prior is not None:
            same = "same_station" if prior[1] == message.station else "other_station"
            _result_of(results, message.source).counts[f"duplicate:{same}"] += 1
            continue
        seen[message.key] = (message.time_s, message.station)
        window.append((message.time_s, message.key))
        kept.append(message)
    return kept


def _result_of(results: list[SourceResult], index: int) -> SourceResult:
    """The (first) result of source ``index``: duplicates are counted against it."""
    return next(r for r in results if r.ais and r.ais[0].source == index)


# -- writing ---------------------------------------------------------------------------------


def tag_line(station: str, time_s: float, sentence: str) -> str:
    """``\\s:STATION,c:TIME*hh\\SENTENCE``: the scenario's AIS line (docs/formats.md)."""
    body = f"s:{station},c:{time_text(time_s)}"
    return f"\\{body}*{nmea_checksum(body.encode('ascii')):02X}\\{sentence}"


def _write(
    out_dir: Path,
    results: list[SourceResult],
    messages: list[AisMessage],
    zones: Path | None,
    command: str,
    started: float,
) -> ImportSummary:
    receivers = _write_ais(out_dir / "ais.nmea", messages)
    plots = sorted((p for r in results for p in r.plots), key=lambda p: p["time"])
    with (out_dir / "radar.jsonl").open("w", encoding="utf-8") as handle:
        for plot in plots:
            handle.write(json.dumps(plot, separators=(", ", ": ")) + "\n")
    radars = [radar for r in results for radar in r.radars]
    _write_sensors(out_dir / "sensors.json", radars, receivers)
    zones_text = zones.read_text(encoding="utf-8") if zones else _NO_ZONES
    (out_dir / "zones.geojson").write_text(zones_text, encoding="utf-8")
    rejects = [reject for r in results for reject in r.rejects]
    with (out_dir / REJECTS_FILE).open("w", encoding="utf-8") as handle:
        for reject in rejects:
            handle.write(json.dumps(asdict(reject), default=str) + "\n")
    times = [m.time_s for m in messages] + [p["time"] for p in plots]
    span = (min(times), max(times)) if times else None
    by_reason: collections.Counter[str] = collections.Counter()
    for result in results:
        by_reason.update({k.split(":", 1)[1]: v for k, v in result.counts.items() if k.startswith("reject:")})
    summary = ImportSummary(
        out_dir=out_dir,
        sources=[_provenance(r) for r in results],
        ais_messages=len(messages),
        ais_duplicates=sum(v for r in results for k, v in r.counts.items() if k.startswith("duplicate:")),
        radar_plots=len(plots),
        rejects_by_reason=dict(sorted(by_reason.items())),
        time_span=span,
        rows=sum(r.rows for r in results),
        elapsed_s=time.perf_counter() - started,
        notes=[note for r in results for note in r.notes],
    )
    record = {
        "command": command,
        "sources": summary.sources,
        "ais_messages": summary.ais_messages,
        "ais_duplicates": summary.ais_duplicates,
        "radar_plots": summary.radar_plots,
        "rejects_by_reason": summary.rejects_by_reason,
        "time_span": list(span) if span else None,
        "notes": summary.notes,
    }
    (out_dir / IMPORT_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    (out_dir / "README.md").write_text(_readme(record), encoding="utf-8")
    counts = {"ais_messages": summary.ais_messages, "radar_plots": summary.radar_plots}
    write_manifest(out_dir, _FOLDER_FILES, made_by=command or "seawatch import", counts=counts)
    return summary


def _write_ais(path: Path, messages: list[AisMessage]) -> list[AisReceiverSite]:
    """Write ais.nmea; decode it as the replay will to place each station (median of its reports).

    A station that heard no position is placed where all the others heard theirs; when nothing
    in the recording has a position, no receiver is written (there is nowhere to put one).
    """
    decoder = AisDecoder(str(path))
    heard: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
    with path.open("w", encoding="ascii", errors="replace", newline="\n") as handle:
        for message in messages:
            for sentence in message.sentences:
                line = tag_line(message.station, message.time_s, sentence)
                handle.write(line + "\n")
                for record in decoder.feed(line):
                    if isinstance(record, AisReport):
                        heard[record.receiver_id].append((record.lat, record.lon))
    everything = [point for points in heard.values() for point in points]
    for station in {m.station for m in messages} - heard.keys():
        heard[station] = everything  # heard no position itself: placed where the others heard
    return [_receiver(station, points) for station, points in sorted(heard.items()) if points]


def _receiver(station: str, points: list[tuple[float, float]]) -> AisReceiverSite:
    """A station placed at the median of what it heard, its range the 99th percentile distance."""
    lats, lons = np.array(points).T
    lat, lon = float(np.median(lats)), float(np.median(lons))
    distance_m, _ = range_bearing(lat, lon, lats, lons)
    reach = float(np.percentile(distance_m, 99.0)) * 1.1
    return AisReceiverSite(
        id=station, lat=round(lat, 6), lon=round(lon, 6), range_m=round(max(reach, MIN_RECEIVER_RANGE_M))
    )


def _write_sensors(path: Path, radars: list[RadarSite], receivers: list[AisReceiverSite]) -> None:
    sites = [(r.lat, r.lon) for r in radars] or [(r.lat, r.lon) for r in receivers if r.range_m > 0]
    document: dict[str, Any] = {
        "note": "written by seawatch import: AIS receivers placed at the median of the positions they "
        "heard (the recording does not say where they were), range = 1.1 x the 99th percentile distance",
        "radars": [asdict(r) for r in radars],
        "ais_receivers": [asdict(r) for r in receivers],
    }
    if sites:
        document["area"] = {
            "lat": round(statistics.median(s[0] for s in sites), 6),
            "lon": round(statistics.median(s[1] for s in sites), 6),
        }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def _provenance(result: SourceResult) -> dict[str, Any]:
    digest = hashlib.sha256()
    with result.path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    times = [m.time_s for m in result.ais] + [p["time"] for p in result.plots]
    return {
        "path": str(result.path),
        "bytes": result.path.stat().st_size,
        "sha256": digest.hexdigest(),
        "format": result.format,
        "rows": result.rows,
        "time_conventions": dict(result.time_conventions.most_common()),
        "time_span": [min(times), max(times)] if times else None,
        "ais_messages": len(result.ais),
        "radar_plots": len(result.plots),
        "radars": [asdict(r) for r in result.radars],
        "counts": dict(sorted(result.counts.items())),
        "notes": result.notes,
    }


def _readme(record: dict[str, Any]) -> str:
    lines = [
        "# Imported recording (seawatch import)",
        "",
        "Made by:",
        "",
        "```",
        record["command"],
        "```",
        "",
    ]
    lines += [
        "| source | format | SHA-256 | time from | AIS messages | radar plots |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for source in record["sources"]:
        conventions = ", ".join(source["time_conventions"]) or "-"
        lines.append(
            f"| `{source['path']}` | {source['format']} | `{source['sha256'][:16]}` | {conventions} | "
            f"{source['ais_messages']} | {source['radar_plots']} |"
        )
    lines += [
        "",
        f"Written: {record['ais_messages']} AIS messages ({record['ais_duplicates']} duplicates "
        f"heard twice written once), {record['radar_plots']} radar plots.",
        f"Rejected (in `{REJECTS_FILE}`): {record['rejects_by_reason'] or 'none'}.",
        "",
    ]
    lines += [f"- {note}" for note in record["notes"]]
    lines += ["", "Details: `import.json`. Summary and map: `seawatch info <this folder>`.", ""]
    return "\n".join(lines)
