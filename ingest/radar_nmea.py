"""ARPA radar targets from an NMEA 0183 bus (``TTM``, ``TLL``) to :class:`RadarPlot`, or a Reject.

Marine radars with ARPA/MARPA (Navico, Furuno, JRC...) put each tracked target on the ship's NMEA
bus once per update: ``$RATTM`` (range and bearing from own ship) and often ``$RATLL`` (the same
target as latitude/longitude). The bus also carries own-ship data: ``RMC``/``GGA`` (position, time),
``ZDA`` (date), ``OSD``/``HDT``/``HDG`` (heading, needed to turn a *relative* TTM bearing into a
true one). This decoder keeps the latest own-ship state and turns each target report into a plot in
the polar frame of the radar site of ``sensors.json`` (true bearing from the site, metres).

Pure: no I/O, no wall clock. Sentence fields are read by pynmeagps (which knows the field layout of
every sentence, including the 15-field TTM with UTC time and acquisition type); checksums, units,
ranges and the time are checked here.

Why one plot per target report, not two: TTM and TLL describe the same measurement, so publishing
both would count one detection twice in the tracker. ``plots_from`` picks the sentence that makes
the plot (``"TTM"``, the measured range/bearing, by default; ``"TLL"`` for radars that send only
positions); the other is decoded, counted and, when it is the same target at the same time, kept in
the plot's ``extra`` (``tll_lat``/``tll_lon``) for cross-checks.

Own ship and the site: the plot must be relative to the site the tracker uses (``sensors.json``).
When a recent own-ship fix is known, the target is placed on the WGS84 ellipsoid along the geodesic
from own ship, and its range/bearing are measured again from the configured site, so a radar on a
moving or offset platform still lands in the right place; without a fix, the report is taken as
measured from the site itself (a fixed coastal radar). Target reports with status ``L`` (lost) are
the radar's last extrapolation of a target it no longer sees, not a detection: they are counted
(``target_lost``) and make no plot.

Sentence reference: IEC 61162-1 / NMEA 0183 v4; TTM field order as in pynmeagps'
``nmeatypes_get.py``.
"""

from __future__ import annotations

import collections
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

from pynmeagps import VALCKSUM, NMEAReader
from pynmeagps.exceptions import NMEAMessageError, NMEAParseError, NMEATypeError

from fusion.schemas import RadarPlot, RadarSite, Reject, RejectReason
from ingest.nmea import NmeaError, TagBlock, nmea_checksum, significant_text, split_tag_block
from ingest.radar_jsonl import RANGE_MARGIN
from tracking.frames import KNOT_MPS, geodesic_destination, range_bearing

NM_M = 1852.0
"""One nautical mile in metres (exact)."""
KM_M = 1000.0
STATUTE_MILE_M = 1609.344

#: TTM/OSD unit letter -> (metres per distance unit, knots per speed unit).
_UNITS = {
    "N": (NM_M, 1.0),
    "K": (KM_M, KM_M / 3600.0 / KNOT_MPS),
    "S": (STATUTE_MILE_M, STATUTE_MILE_M / 3600.0 / KNOT_MPS),
}

#: Sentences this decoder reads; any other well-formed sentence is counted as ``ignored:<address>``.
TARGET_SENTENCES = frozenset({"TTM", "TLL"})
OWN_SHIP_SENTENCES = frozenset({"RMC", "GGA", "ZDA", "OSD", "HDT", "HDG"})
USED_SENTENCES = TARGET_SENTENCES | OWN_SHIP_SENTENCES

#: A TLL is the same update as a TTM of the same target when their times differ by at most one
#: tick of the 1 s UTC field (radars sometimes straddle a second between the two sentences).
_SAME_UPDATE_S = 1.0
_HALF_DAY_S = 43_200.0
_DAY_S = 86_400.0
_PARSE_ERRORS = (NMEAParseError, NMEAMessageError, NMEATypeError, ValueError, TypeError, KeyError)


class _Bad(ValueError):
    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(slots=True)
class _Timed:
    """A value and the event time (unix s) it was last reported at."""

    value: Any
    time_s: float


@dataclass(slots=True)
class _TargetFix:
    lat: float
    lon: float
    time_s: float


class RadarNmeaDecoder:
    """Decode one radar's NMEA 0183 stream into plots, rejects and counts.

    Parameters
    ----------
    radar : RadarSite
        The radar's entry in sensors.json: its id, site (the frame of the plots), sigmas, range.
    source : str
        Name of the input (file or feed), for rejects.
    plots_from : {"TTM", "TLL"}
        Which target sentence becomes the plot (see the module docstring).
    max_own_ship_age_s : float
        How old, in seconds of event time, own-ship position or heading may be and still be used.
        10 s: GNSS and heading sentences come at 1-10 Hz, so a gap of 10 s means the sensor is gone,
        and at 20 kn own ship moves ~100 m in that time, more than a radar's range resolution.

    Attributes
    ----------
    counts : collections.Counter[str]
        ``plot:TTM``/``plot:TLL`` (plots made), ``decoded:<sentence>`` (used for own ship or
        cross-checks), ``untimed:<sentence>`` (own-ship data before any time is known, unused),
        ``target_lost``, ``ignored:<address>`` (well-formed sentences not for us,
        e.g. ``ignored:SDDBT`` depth), ``reject:<reason>``, ``skipped:blank``/``skipped:comment``.
    """

    def __init__(
        self,
        radar: RadarSite,
        source: str,
        *,
        plots_from: Literal["TTM", "TLL"] = "TTM",
        max_own_ship_age_s: float = 10.0,
    ) -> None:
        if plots_from not in TARGET_SENTENCES:
            raise ValueError(f"plots_from must be 'TTM' or 'TLL', got {plots_from!r}")
        self.radar = radar
        self.source = source
        self.plots_from = plots_from
        self.max_own_ship_age_s = max_own_ship_age_s
        self.counts: collections.Counter[str] = collections.Counter()
        self._date: dt.date | None = None
        self._newest_s: float | None = None
        self._own_position: _Timed | None = None
        self._own_heading: _Timed | None = None
        self._tll: dict[int, _TargetFix] = {}
        self._plot_serial = 0

    def feed(
        self, line: str, line_no: int | None = None, receipt_time: float | None = None
    ) -> list[RadarPlot | Reject]:
        """Decode one line; never raises on bad data.

        Parameters
        ----------
        line : str
            One NMEA line, optionally behind an NMEA 4.10 tag block.
        line_no : int or None
            1-based line number in the source; the plot id when given (stable across replays).
        receipt_time : float or None
            Unix seconds at which the source received the line; used when neither the sentence
            nor its tag block carries a time.

        Returns
        -------
        list of RadarPlot or Reject
            Empty for own-ship and ignored sentences, a plot for a target report, or one reject.
        """
        text = significant_text(line, self.counts)
        if text is None:
            return []
        tag: TagBlock | None = None
        try:
            tag, sentence = _split(text)
            address = _checked_address(sentence)
            kind = address[-3:]
            if address[0] == "P" or kind not in USED_SENTENCES:  # no talker starts with P: proprietary
                self.counts[f"ignored:{address}"] += 1
                return []
            msg = _parse(sentence)
            tag_time = tag.time_s if tag is not None else None
            out = self._dispatch(kind, msg, tag_time, receipt_time, line_no)
        except _Bad as err:
            self.counts[f"reject:{err.reason}"] += 1
            tag_time = tag.time_s if tag is not None else None
            return [
                Reject(
                    time=tag_time if tag_time is not None else receipt_time,
                    source=self.source,
                    line_no=line_no,
                    reason=err.reason,
                    detail=str(err),
                    raw=text,
                )
            ]
        return out

    # -- sentences ---------------------------------------------------------------------------

    def _dispatch(
        self,
        kind: str,
        msg: Any,
        tag_time: float | None,
        receipt_time: float | None,
        line_no: int | None,
    ) -> list[RadarPlot | Reject]:
        if kind in OWN_SHIP_SENTENCES:
            self._own_ship(kind, msg, tag_time, receipt_time)
            return []
        time_s = self._target_time(msg, tag_time, receipt_time)
        if kind == "TLL":
            lat, lon = _lat_lon(msg, "targetlat", "targetlon")
            number = _required(msg, "targetnum")
            self._tll[number] = _TargetFix(lat, lon, time_s)
            if self.plots_from != "TLL":
                self.counts["decoded:TLL"] += 1
                return []
            return self._plot_from_tll(msg, number, lat, lon, time_s, line_no)
        if self.plots_from != "TTM":
            self.counts["decoded:TTM"] += 1
            return []
        return self._plot_from_ttm(msg, time_s, line_no)

    def _own_ship(self, kind: str, msg: Any, tag_time: float | None, receipt_time: float | None) -> None:
        """Update own-ship date, position and heading; each kept with its event time."""
        if kind == "ZDA" and _present(msg, "day", "month", "year"):
            self._date = _date(int(msg.year), int(msg.month), int(msg.day))
        if kind == "RMC" and isinstance(getattr(msg, "date", None), dt.date):
            self._date = msg.date
        time_s = self._sentence_time(msg, tag_time, receipt_time)
        if time_s is None:
            time_s = self._newest_s
        if time_s is None:  # e.g. heading before the first GNSS fix of a file: true, but undatable
            self.counts[f"untimed:{kind}"] += 1
            return
        self._newest_s = max(self._newest_s or time_s, time_s)
        self.counts[f"decoded:{kind}"] += 1
        if kind in ("RMC", "GGA") and _present(msg, "lat", "lon"):
            valid = msg.status == "A" if kind == "RMC" else str(msg.quality) not in ("", "0")
            if valid:
                self._own_position = _Timed(_lat_lon(msg, "lat", "lon"), time_s)
        heading = _true_heading(kind, msg)
        if heading is not None:
            self._own_heading = _Timed(heading, time_s)

    def _plot_from_ttm(self, msg: Any, time_s: float, line_no: int | None) -> list[RadarPlot | Reject]:
        number = _required(msg, "targetnum")
        status = str(getattr(msg, "targetstatus", "") or "")
        if status == "L":
            self.counts["target_lost"] += 1
            return []
        metres_per_unit, knots_per_unit = _units(msg)
        range_m = _number(msg, "targetdist") * metres_per_unit
        bearing_deg = _number(msg, "targetbearing")
        if str(msg.targetbearingu) == "R":
            bearing_deg += self._heading(time_s)
        elif str(msg.targetbearingu) != "T":
            raise _Bad(RejectReason.MALFORMED_SENTENCE, f"TTM bearing reference {msg.targetbearingu!r}")
        extra: dict[str, Any] = {
            "sentence": "TTM",
            "target": number,
            "status": status or None,
            "name": str(getattr(msg, "targetname", "") or "") or None,
            "sog_kn": _optional(msg, "targetspeed", knots_per_unit),
            "cog_deg": self._target_course(msg, time_s),
            "acquisition": str(getattr(msg, "acquisitiontype", "") or "") or None,  # A auto, M manual
        }
        tll = self._tll.get(number)
        if tll is not None and abs(tll.time_s - time_s) <= _SAME_UPDATE_S:
            extra["tll_lat"], extra["tll_lon"] = tll.lat, tll.lon
        return self._plot(range_m, bearing_deg % 360.0, time_s, line_no, extra)

    def _plot_from_tll(
        self, msg: Any, number: int, lat: float, lon: float, time_s: float, line_no: int | None
    ) -> list[RadarPlot | Reject]:
        status = str(getattr(msg, "status", "") or "")
        if status == "L":
            self.counts["target_lost"] += 1
            return []
        range_m, bearing_deg = (float(v) for v in range_bearing(self.radar.lat, self.radar.lon, lat, lon))
        extra = {"sentence": "TLL", "target": number, "status": status or None, "lat": lat, "lon": lon}
        return self._plot(range_m, bearing_deg, time_s, line_no, extra, from_site=True)

    def _plot(
        self,
        range_m: float,
        bearing_deg: float,
        time_s: float,
        line_no: int | None,
        extra: dict[str, Any],
        *,
        from_site: bool = False,
    ) -> list[RadarPlot | Reject]:
        """Express a report in the site's polar frame, check its range and make the plot."""
        own = self._own_position
        if not from_site:
            origin = own.value if own is not None and self._fresh(own, time_s) else None
            lat0, lon0 = origin if origin is not None else (self.radar.lat, self.radar.lon)
            lat, lon = geodesic_destination(lat0, lon0, range_m, bearing_deg)
            extra["lat"], extra["lon"] = float(lat), float(lon)
            if origin is not None:
                extra["own_lat"], extra["own_lon"] = origin
                range_m, bearing_deg = (
                    float(v) for v in range_bearing(self.radar.lat, self.radar.lon, lat, lon)
                )
        limit_m = RANGE_MARGIN * self.radar.max_range_m
        if not 0.0 <= range_m <= limit_m:
            raise _Bad(
                RejectReason.OUT_OF_RANGE,
                f"range {range_m:g} m is outside [0, {limit_m:g}] m for radar {self.radar.id}",
            )
        self._plot_serial += 1
        self.counts[f"plot:{extra['sentence']}"] += 1
        return [
            RadarPlot(
                time=time_s,
                sensor_id=self.radar.id,
                plot_id=line_no if line_no is not None else self._plot_serial,
                range_m=range_m,
                bearing_deg=bearing_deg % 360.0,
                range_sigma_m=self.radar.range_sigma_m,
                bearing_sigma_deg=self.radar.bearing_sigma_deg,
                extra=extra,
            )
        ]

    # -- own-ship state and time -------------------------------------------------------------

    def _fresh(self, timed: _Timed, time_s: float) -> bool:
        return abs(time_s - timed.time_s) <= self.max_own_ship_age_s

    def _heading(self, time_s: float) -> float:
        heading = self._own_heading
        if heading is None or not self._fresh(heading, time_s):
            raise _Bad(
                RejectReason.NO_POSITION,
                f"relative bearing, but no own true heading (OSD/HDT/HDG) within "
                f"{self.max_own_ship_age_s:g} s to turn it into a true bearing",
            )
        return float(heading.value)

    def _target_course(self, msg: Any, time_s: float) -> float | None:
        course = _optional(msg, "targetcourse", 1.0)
        if course is None:
            return None
        if str(getattr(msg, "targetcourseu", "T")) == "R":
            course += self._heading(time_s)
        return course % 360.0

    def _target_time(self, msg: Any, tag_time: float | None, receipt_time: float | None) -> float:
        time_s = self._sentence_time(msg, tag_time, receipt_time)
        if time_s is None:
            time_s = self._newest_s
        if time_s is None:
            raise _Bad(
                RejectReason.NO_TIME,
                "target report without a time: no UTC field with a date (RMC/ZDA) yet, "
                "no tag-block c: and no receipt time",
            )
        return time_s

    def _sentence_time(self, msg: Any, tag_time: float | None, receipt_time: float | None) -> float | None:
        """Sentence UTC time-of-day on the known date, else tag-block ``c:``, else receipt time.

        The day is the one that puts the time nearest the newest time seen, so a report at
        23:59:59 followed by one at 00:00:01 moves to the next day without waiting for a new date.
        """
        tod = getattr(msg, "time", "")
        if isinstance(tod, dt.time) and self._date is not None:
            day_start = dt.datetime.combine(self._date, dt.time(), dt.UTC).timestamp()
            time_s = day_start + tod.hour * 3600 + tod.minute * 60 + tod.second + tod.microsecond / 1e6
            if self._newest_s is not None:
                if time_s - self._newest_s > _HALF_DAY_S:
                    time_s -= _DAY_S
                elif self._newest_s - time_s > _HALF_DAY_S:
                    time_s += _DAY_S
            return time_s
        return tag_time if tag_time is not None else receipt_time


# -- sentence helpers --------------------------------------------------------------------------


def _split(text: str) -> tuple[TagBlock | None, str]:
    try:
        tag, sentence = split_tag_block(text.encode("ascii", "replace"))
    except NmeaError as err:
        raise _Bad(err.reason, err.detail) from None
    return tag, sentence.decode("ascii")


def _checked_address(sentence: str) -> str:
    """The address (``RATTM``) of a well-formed ``$`` sentence whose checksum is right."""
    if not sentence.startswith("$"):
        what = "an AIS sentence" if sentence.startswith("!") else "not an NMEA sentence"
        raise _Bad(RejectReason.UNKNOWN_SENTENCE, f"{what} on a radar feed")
    body, star, given = sentence[1:].partition("*")
    if not star or len(given) != 2:
        raise _Bad(RejectReason.MALFORMED_SENTENCE, "no *hh checksum at the end (truncated line?)")
    try:
        expected = int(given, 16)
    except ValueError:
        raise _Bad(RejectReason.MALFORMED_SENTENCE, f"checksum {given!r} is not two hex digits") from None
    actual = nmea_checksum(body.encode("ascii"))
    if actual != expected:
        raise _Bad(RejectReason.BAD_CHECKSUM, f"checksum {given} given, {actual:02X} computed")
    address = body.split(",", 1)[0]
    proprietary = address[:1] == "P" and len(address) >= 4  # $P + manufacturer (+ type): $PGHP, $PMTK001
    if not address.isalnum() or not (len(address) == 5 or proprietary):
        raise _Bad(RejectReason.MALFORMED_SENTENCE, f"address {address!r} is not talker + 3-letter type")
    return address


def _parse(sentence: str) -> Any:
    try:
        return NMEAReader.parse(sentence, validate=VALCKSUM)
    except _PARSE_ERRORS as err:
        raise _Bad(RejectReason.MALFORMED_SENTENCE, f"{type(err).__name__}: {err}") from None


def _present(msg: Any, *names: str) -> bool:
    return all(getattr(msg, name, "") != "" for name in names)


def _required(msg: Any, name: str) -> Any:
    value = getattr(msg, name, "")
    if value == "":
        raise _Bad(RejectReason.MALFORMED_SENTENCE, f"{msg.msgID} field {name!r} is empty or missing")
    return value


def _number(msg: Any, name: str) -> float:
    value = float(_required(msg, name))
    if not math.isfinite(value) or value < 0:
        raise _Bad(RejectReason.OUT_OF_RANGE, f"{msg.msgID} {name} {value!r} must be a finite number >= 0")
    return value


def _optional(msg: Any, name: str, scale: float) -> float | None:
    value = getattr(msg, name, "")
    return None if value == "" else float(value) * scale


def _units(msg: Any) -> tuple[float, float]:
    letter = str(getattr(msg, "speedu", "") or "N")
    if letter not in _UNITS:
        raise _Bad(RejectReason.MALFORMED_SENTENCE, f"TTM unit {letter!r} is not N, K or S")
    return _UNITS[letter]


def _lat_lon(msg: Any, lat_name: str, lon_name: str) -> tuple[float, float]:
    lat, lon = float(_required(msg, lat_name)), float(_required(msg, lon_name))
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise _Bad(RejectReason.OUT_OF_RANGE, f"{msg.msgID} position {lat:.5f}, {lon:.5f} is not on Earth")
    return lat, lon


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as err:
        raise _Bad(RejectReason.MALFORMED_SENTENCE, f"ZDA date: {err}") from None


def _signed(value: Any, hemisphere: Any) -> float:
    """A magnetic deviation/variation in degrees, east positive (``W`` subtracts)."""
    if value == "":
        return 0.0
    return -float(value) if str(hemisphere) == "W" else float(value)


def _true_heading(kind: str, msg: Any) -> float | None:
    """Own true heading in degrees from OSD (if valid), HDT, or HDG (magnetic + deviation + variation)."""
    if kind == "OSD" and _present(msg, "hdg") and str(getattr(msg, "hdgstate", "A")) != "V":
        return float(msg.hdg) % 360.0
    if kind == "HDT" and _present(msg, "headingT"):
        return float(msg.headingT) % 360.0
    if kind == "HDG" and _present(msg, "headingM"):
        magnetic = float(msg.headingM) + _signed(msg.deviation, msg.deviationEW)
        return (magnetic + _signed(msg.variation, msg.variationEW)) % 360.0
    return None
