"""Radar recordings to plots: NMEA ARPA target logs (``TTM``/``TLL``) and ASTERIX CAT048/CAT010.

The decoding is the live path's own (:class:`ingest.radar_nmea.RadarNmeaDecoder`,
:class:`ingest.radar_asterix.AsterixDecoder`); what an import adds is the radar's entry in
sensors.json, which a recording does not carry:

- **site**: ``--site LAT,LON`` when given; else, for an ARPA log, the median of own ship's
  ``RMC``/``GGA`` fixes (the radar is on own ship; the decoder re-measures each target from this
  site using own ship's fix at that moment, so a moving ship is still right). ASTERIX plots are
  polar from a site the data does not give: ``--site`` is required.
- **max_range_m**: ``--max-range-m``, else 10 % beyond the farthest plot (decoding first runs with
  no practical limit, so no plot is refused for a limit we guessed).
- **scan_period_s**: the median time between consecutive reports of the same target (ARPA target
  number, ASTERIX track number), else 4 s (a typical rotation).
- **height_m**: 10 m, a mast; nothing in the tracker reads it, edit it for the record.
- **sigmas**: an ARPA/MARPA target is already a smoothed track, reported to 0.01 NM and 0.1
  degree: 20 m and 1 degree (IMO MSC.192(79) allows ARPA bearing errors of a degree or two);
  ASTERIX plots: 50 m and 0.2 degree, a coastal/air-surveillance radar's plot accuracy. Edit
  sensors.json when the radar's data sheet says better.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from fusion.schemas import RadarPlot, RadarSite, Reject
from ingest.importers.model import ImportOptions, SourceResult
from ingest.radar_asterix import AsterixDecoder
from ingest.radar_nmea import RadarNmeaDecoder
from ingest.sources import FileSource, PcapSource

_UNLIMITED_RANGE_M = 1.0e7
_DEFAULT_SCAN_S = 4.0
ARPA_SIGMAS = (20.0, 1.0)
ASTERIX_SIGMAS = (50.0, 0.2)
_PCAP_MAGIC = (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")


class RadarSiteError(ValueError):
    """No radar site can be known; the message says to give ``--site``."""


def radar_id(path: Path, options: ImportOptions) -> str:
    if options.radar_id:
        return options.radar_id
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in path.stem.upper()) or "RADAR"


def own_ship_median(lines: Iterable[str]) -> tuple[float, float, int] | None:
    """Median own-ship position of an NMEA log (valid RMC and GGA fixes) and how many fixes."""
    lats: list[float] = []
    lons: list[float] = []
    for line in lines:
        sentence = line.strip()
        if sentence.startswith("\\"):
            sentence = sentence.split("\\", 2)[-1]
        kind = sentence[3:6]
        if sentence[:1] != "$" or kind not in ("RMC", "GGA"):
            continue
        fields = sentence.split("*", 1)[0].split(",")
        if kind == "RMC":
            at, valid = 3, len(fields) > 6 and fields[2] == "A"
        else:
            at, valid = 2, len(fields) > 6 and fields[6] not in ("", "0")
        position = _nmea_position(fields[at : at + 4]) if valid else None
        if position is not None:
            lats.append(position[0])
            lons.append(position[1])
    if not lats:
        return None
    return statistics.median(lats), statistics.median(lons), len(lats)


def _nmea_position(fields: list[str]) -> tuple[float, float] | None:
    try:
        lat = int(fields[0][:2]) + float(fields[0][2:]) / 60.0
        lon = int(fields[2][:3]) + float(fields[2][3:]) / 60.0
    except (ValueError, IndexError):
        return None
    lat = -lat if fields[1] == "S" else lat
    lon = -lon if fields[3] == "W" else lon
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def read_radar_nmea(path: Path, options: ImportOptions, result: SourceResult) -> Iterator[int]:
    """An ARPA NMEA log into ``result`` (plots and the radar); yields once per line (progress)."""
    site = options.site
    if site is None:
        own = own_ship_median(line.text for line in FileSource(path).lines())
        if own is None:
            raise RadarSiteError(
                f"{path}: no own-ship position (RMC/GGA) to place the radar; give --site LAT,LON"
            )
        site = own[:2]
        result.notes.append(
            f"{path.name}: radar site = median own-ship fix {site[0]:.5f}, {site[1]:.5f} "
            f"({own[2]} RMC/GGA fixes)"
        )
    name = radar_id(path, options)
    provisional = _site(name, site, ARPA_SIGMAS)
    decoder = RadarNmeaDecoder(provisional, str(path))
    for line in FileSource(path).lines():
        result.counts["lines"] += 1
        result.rows += 1
        _keep(decoder.feed(line.text, line.line_no), result)
        yield 1
    result.counts.update(decoder.counts)
    result.time_conventions["nmea_utc_field_and_rmc_zda_date"] += len(result.plots)
    _finish(result, provisional, options, key="target")


def read_asterix(path: Path, options: ImportOptions, result: SourceResult) -> Iterator[int]:
    """An ASTERIX pcap capture or raw block file into ``result``; yields once per datagram."""
    if options.site is None:
        raise RadarSiteError(
            f"{path}: ASTERIX CAT048/CAT010 plots are range/bearing from a radar site the data does not "
            "give; give --site LAT,LON (the radar's position)"
        )
    name = radar_id(path, options)
    provisional = _site(name, options.site, ASTERIX_SIGMAS)
    decoder = AsterixDecoder(provisional, str(path))
    with path.open("rb") as probe:
        pcap = probe.read(4) in _PCAP_MAGIC
    if pcap:
        datagrams = ((d.data, d.number, d.receipt_time) for d in PcapSource(path).datagrams())
        result.time_conventions["pcap_capture_time_and_i140"] += 1
    else:
        if options.start_s is None:
            raise RadarSiteError(
                f"{path}: a raw ASTERIX file has only times of day (I140); give --start with its date"
            )
        datagrams = iter([(path.read_bytes(), 1, options.start_s)])
        result.time_conventions["start_date_and_i140"] += 1
    for data, number, receipt_time in datagrams:
        result.counts["datagrams"] += 1
        result.rows += 1
        _keep(decoder.feed(data, number, receipt_time), result)
        yield 1
    result.counts.update(decoder.counts)
    _finish(result, provisional, options, key="track_number")


def _site(name: str, site: tuple[float, float], sigmas: tuple[float, float]) -> RadarSite:
    """A provisional radar entry: no range limit yet (set from the plots by :func:`_finish`)."""
    return RadarSite(
        id=name,
        lat=site[0],
        lon=site[1],
        height_m=10.0,
        range_sigma_m=sigmas[0],
        bearing_sigma_deg=sigmas[1],
        max_range_m=_UNLIMITED_RANGE_M,
        scan_period_s=_DEFAULT_SCAN_S,
    )


def _keep(items: list[RadarPlot | Reject], result: SourceResult) -> None:
    for item in items:
        if isinstance(item, Reject):
            result.reject(item)
        else:
            record: dict[str, Any] = {
                "time": item.time,
                "sensor": item.sensor_id,
                "range_m": round(item.range_m, 2),
                "bearing_deg": round(item.bearing_deg, 4),
            }
            record.update(item.extra)
            result.plots.append(record)


def _finish(result: SourceResult, site: RadarSite, options: ImportOptions, key: str) -> None:
    """Set the radar's range limit and scan period from its plots; sort the plots in time."""
    result.plots.sort(key=lambda p: p["time"])
    farthest = max((p["range_m"] for p in result.plots), default=0.0)
    max_range_m = options.max_range_m or max(1000.0, round(farthest * 1.1, -1))
    beyond = [p for p in result.plots if p["range_m"] > max_range_m * 1.05]
    if beyond:
        result.notes.append(
            f"{len(beyond)} plots beyond --max-range-m {max_range_m:g} m (the replay rejects them)"
        )
    result.radars.append(
        dataclasses.replace(site, max_range_m=max_range_m, scan_period_s=_scan_period_s(result.plots, key))
    )


def _scan_period_s(plots: list[dict[str, Any]], key: str) -> float:
    last: dict[Any, float] = {}
    gaps: list[float] = []
    for plot in plots:
        target = plot.get(key)
        if target is None:
            continue
        if target in last and plot["time"] > last[target]:
            gaps.append(plot["time"] - last[target])
        last[target] = plot["time"]
    return round(statistics.median(gaps), 2) if gaps else _DEFAULT_SCAN_S
