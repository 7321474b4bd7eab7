"""EUROCONTROL ASTERIX monoradar target reports (CAT048, CAT010) to :class:`RadarPlot`, or a Reject.

A coastal or VTS radar's plot extractor sends its detections as ASTERIX over UDP: CAT048
(monoradar target reports, the common radar-head format) or CAT010 (surface movement / VTS target
reports). Both carry item I040, the measured position in polar coordinates from the radar: RHO
(range; CAT048 in 1/256 NM, CAT010 in metres) and THETA (azimuth from true north, clockwise), which
is exactly our plot frame; I140 is the time of day (UTC seconds since midnight).

The bits are decoded by the maintained ``asterix-decoder`` package (Croatia Control, the reference
decoder with an XML definition per category edition); it is GPL-3.0, so it is an **optional** extra
(``pip install seawatch[asterix]``), imported only when an ASTERIX feed is opened. Pure otherwise:
no I/O, no clock.

Time: I140 gives only the time of day, so the day is the one that puts it nearest the datagram's
receive (or capture) time, which handles midnight. A report without I040 (only a Cartesian I042, or
a track status) is rejected NO_POSITION; other categories (CAT034 north markers and sector
crossings, CAT062 system tracks...) are counted per category and make no plot. The plot's
``extra`` keeps the source (SAC/SIC), category, track number, and the position on the WGS84
ellipsoid along the geodesic from the site (``lat``/``lon``) for display and cross-checks.
"""

from __future__ import annotations

import collections
import math
from types import ModuleType
from typing import Any

from fusion.schemas import RadarPlot, RadarSite, Reject, RejectReason
from ingest.radar_jsonl import RANGE_MARGIN
from ingest.radar_nmea import NM_M
from tracking.frames import geodesic_destination

INSTALL_HINT = "pip install seawatch[asterix]  (or: pip install asterix-decoder)"

#: Metres per unit of I040 RHO as asterix-decoder scales it: CAT048 reports NM, CAT010 metres.
_RHO_M = {48: NM_M, 10: 1.0}
_DAY_S = 86_400.0


class AsterixUnavailableError(ImportError):
    """The optional ASTERIX decoder is not installed; the message says how to install it."""


def load_asterix() -> ModuleType:
    """Import asterix-decoder on first use, or raise with the install command."""
    try:
        import asterix  # optional GPL extra, imported only when an ASTERIX feed is opened
    except ImportError as err:
        raise AsterixUnavailableError(
            f"ASTERIX feeds need the optional decoder package: {INSTALL_HINT}"
        ) from err
    return asterix


class AsterixDecoder:
    """Decode one radar's ASTERIX datagrams (one or more data blocks each) into plots and rejects.

    Parameters
    ----------
    radar : RadarSite
        The radar (sensors.json entry, or a site given on the command line): the frame and sigmas.
    source : str
        Name of the input, for rejects.
    sac_sic : tuple of int or None
        The radar's ASTERIX System Area / Identification Codes (I010). When given, reports from any
        other source are rejected UNKNOWN_SENSOR (a multicast group may carry several radars).

    Attributes
    ----------
    counts : collections.Counter[str]
        ``plot:cat048``/``plot:cat010``, ``ignored:catNNN`` (records of other categories or
        non-target CAT010 messages), ``reject:<reason>``.
    """

    def __init__(self, radar: RadarSite, source: str, *, sac_sic: tuple[int, int] | None = None) -> None:
        self.radar = radar
        self.source = source
        self.sac_sic = sac_sic
        self.counts: collections.Counter[str] = collections.Counter()
        self._asterix = load_asterix()
        self._serial = 0

    def feed(
        self, data: bytes, number: int | None = None, receipt_time: float | None = None
    ) -> list[RadarPlot | Reject]:
        """Decode one datagram; never raises on bad data.

        Parameters
        ----------
        data : bytes
            One UDP payload (or a whole raw file): ASTERIX data blocks back to back.
        number : int or None
            The datagram's number in its source, kept in rejects as ``line_no``.
        receipt_time : float or None
            Unix seconds the datagram was received or captured; gives the day of I140.
        """
        try:
            records = self._asterix.parse(bytes(data), verbose=False)
        except Exception as err:  # the C decoder raises plain errors on hostile input
            return [self._reject(receipt_time, number, RejectReason.UNDECODABLE_PAYLOAD, str(err), data)]
        if not records and data:
            return [self._reject(receipt_time, number, RejectReason.UNDECODABLE_PAYLOAD, "no block", data)]
        out: list[RadarPlot | Reject] = []
        for record in records:
            out += self._record(record, number, receipt_time, data)
        return out

    def _record(
        self, record: dict[str, Any], number: int | None, receipt_time: float | None, data: bytes
    ) -> list[RadarPlot | Reject]:
        category = record.get("category")
        label = f"cat{category:03d}" if isinstance(category, int) else "cat?"
        raw = record.get("hexdata") or data.hex().upper()

        def reject(reason: RejectReason, detail: str) -> list[RadarPlot | Reject]:
            return [self._reject(receipt_time, number, reason, f"{label.upper()}: {detail}", raw)]

        if not any(key.startswith("I") for key in record):
            return reject(RejectReason.UNDECODABLE_PAYLOAD, "no data items (corrupt block or unknown UAP)")
        if category not in _RHO_M or (category == 10 and _value(record, "I000", "MsgTyp") != 1):
            self.counts[f"ignored:{label}"] += 1
            return []
        sac, sic = _value(record, "I010", "SAC"), _value(record, "I010", "SIC")
        if self.sac_sic is not None and (sac, sic) != self.sac_sic:
            return reject(RejectReason.UNKNOWN_SENSOR, f"SAC/SIC {sac}/{sic} is not radar {self.radar.id}")
        polar = record.get("I040")
        if not polar:
            return reject(RejectReason.NO_POSITION, "no I040 polar position (RHO/THETA)")
        rho = _field(polar, "RHO")
        theta = _field(polar, "THETA", "Theta")
        tod = _value(record, "I140", "ToD")
        if tod is None:
            return reject(RejectReason.NO_TIME, "no I140 time of day")
        if receipt_time is None:
            return reject(RejectReason.NO_TIME, "I140 is a time of day; no receive time to date it")
        if rho is None or theta is None or not (math.isfinite(rho) and math.isfinite(theta)):
            return reject(RejectReason.MALFORMED_RECORD, f"I040 RHO {rho!r} THETA {theta!r}")
        range_m = rho * _RHO_M[category]
        limit_m = RANGE_MARGIN * self.radar.max_range_m
        if not 0.0 <= range_m <= limit_m:
            return reject(RejectReason.OUT_OF_RANGE, f"range {range_m:g} m is outside [0, {limit_m:g}] m")
        bearing_deg = theta % 360.0
        lat, lon = geodesic_destination(self.radar.lat, self.radar.lon, range_m, bearing_deg)
        self._serial += 1
        self.counts[f"plot:{label}"] += 1
        extra = {
            "category": category,
            "sac": sac,
            "sic": sic,
            "track_number": _value(record, "I161", "Tn"),
            "lat": float(lat),
            "lon": float(lon),
        }
        return [
            RadarPlot(
                time=_date_time_of_day(tod, receipt_time),
                sensor_id=self.radar.id,
                plot_id=self._serial,
                range_m=range_m,
                bearing_deg=bearing_deg,
                range_sigma_m=self.radar.range_sigma_m,
                bearing_sigma_deg=self.radar.bearing_sigma_deg,
                extra={key: value for key, value in extra.items() if value is not None},
            )
        ]

    def _reject(
        self, time: float | None, number: int | None, reason: RejectReason, detail: str, raw: bytes | str
    ) -> Reject:
        self.counts[f"reject:{reason}"] += 1
        text = raw.hex().upper() if isinstance(raw, bytes) else raw
        return Reject(time=time, source=self.source, line_no=number, reason=reason, detail=detail, raw=text)


def _field(item: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in item:
            return item[name].get("val")
    return None


def _value(record: dict[str, Any], item: str, name: str) -> Any:
    fields = record.get(item)
    return _field(fields, name) if isinstance(fields, dict) else None


def _date_time_of_day(tod_s: float, near_s: float) -> float:
    """Unix seconds of the UTC time of day ``tod_s`` on the day that puts it nearest ``near_s``."""
    midnight = math.floor(near_s / _DAY_S) * _DAY_S
    candidates = (midnight - _DAY_S + tod_s, midnight + tod_s, midnight + _DAY_S + tod_s)
    return min(candidates, key=lambda t: abs(t - near_s))
