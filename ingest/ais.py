"""AIS decoding: NMEA lines in, validated :class:`AisReport`/:class:`AisStatic` or :class:`Reject` out.

Pure: no I/O and no wall clock. The only state is the multi-fragment buffer, expired by the
*event* time of the data (tag-block ``c:`` or the caller's receipt time), so a replay of last
year's file behaves as it did live.

The sentence layer (tag block, checksums, fields) is :mod:`ingest.nmea`; the payload bits are
read at the offsets of pyais' per-class decoder plans, by :mod:`ingest.ais_position` for
position reports and :mod:`ingest.ais_static` for static data, only the fields seawatch uses,
each payload decoded once. Types we do not use are counted from the first payload character
without being decoded at all.

Field meanings and not-available values follow https://gpsd.gitlab.io/gpsd/AIVDM.html.
"""

from __future__ import annotations

import collections
import functools
import math
from dataclasses import dataclass
from typing import Any, NamedTuple

from fusion.schemas import (
    AisReport,
    AisStatic,
    MmsiKind,
    Reject,
    RejectReason,
    TimeSource,
    positional_constructor,
)
from ingest.ais_position import FIELDS as POSITION_FIELDS
from ingest.ais_position import REQUIRED_BITS as POSITION_REQUIRED_BITS
from ingest.ais_position import TYPES as _FAST_POSITION_TYPES
from ingest.ais_position import RawPosition, payload_bits, read_position
from ingest.ais_static import UnknownPart, read_static, static_layout
from ingest.mmsi import InvalidMmsi, classify, flag_alpha2
from ingest.nmea import (
    NmeaError,
    TagBlock,
    VdmSentence,
    is_pghp,
    is_vdm,
    parse_pghp,
    parse_vdm,
    significant_text,
    split_tag_block,
)

AisOutput = AisReport | AisStatic | Reject

STATIC_TYPES = frozenset({5, 19, 24})
_CLASS_A_STATUS_TYPES = frozenset({1, 2, 3, 27})  # nav status is sent by class A stations only
_DEFINED_TYPES = range(1, 29)  # ITU-R M.1371-5 types 1-27, plus 28 from M.1371-6

# Six-bit armour value of each payload byte ('0' -> 0 ... 'w' -> 63); the first one is the type.
_ARMOR = tuple((c - 48 - 8 if c - 48 > 40 else c - 48) if 48 <= c <= 119 else -1 for c in range(256))


# Not-available values (gpsd AIVDM.html). Class A/B speed is in 0.1 kn, 1023 = n/a; course in
# 0.1 deg, 3600 = n/a and 3601-4095 invalid; heading 511 = n/a and 360-510 invalid; nav status
# 15 = "not defined (default)". Type 27 has its own coarse units: speed in kn with 63 = n/a,
# course in degrees with 511 = n/a.
SOG_NOT_AVAILABLE_KN = 102.3
TYPE27_SOG_NOT_AVAILABLE_KN = 63.0
NAV_STATUS_NOT_DEFINED = 15
LAT_NOT_AVAILABLE_DEG, LON_NOT_AVAILABLE_DEG = 91.0, 181.0

_UNDECODABLE = RejectReason.UNDECODABLE_PAYLOAD
_NOT_AIS = "not an !xxVDM/!xxVDO AIS sentence"
_REJECT_KEY = {reason: f"reject:{reason.value}" for reason in RejectReason}
_ACCEPTED_KEY = {t: f"accepted:type{t}" for t in range(64)}
_UNUSED_KEY = {t: f"unused:type{t}" for t in range(64)}


@dataclass(slots=True)
class _Pending:
    """Fragments of one multi-sentence message received so far (in order, 1..n-1)."""

    lines: list[str]
    payloads: list[bytes]
    first_line_no: int | None
    time_s: float  # time of the newest fragment: a message is as old as its last part
    receiver_id: str


@dataclass(slots=True)
class _Receiver:
    """Per receiving station: its newest event time and its partial messages.

    Expiry runs per receiver on that receiver's own clock, so one station's bad time (or a
    quiet station) never flushes another station's fragments.
    """

    newest_s: float
    pending: dict[tuple[str, str, int], _Pending]
    line_count: int | None = None  # last tag-block n:, to count lines lost upstream


#: Consecutive lines that must agree on a time far behind the reference before the reference
#: (newest plausible time) moves back to them: one bad old stamp must not move it.
_REFERENCE_RESET_LINES = 3
#: Open tag-block groups kept at most (a group normally closes on its next line).
_MAX_OPEN_GROUPS = 1024


class AisDecoder:
    """Decode one input source's NMEA lines into AIS records, rejects and counts.

    Times, most specific first: the line's tag-block ``c:`` (or that of the first line of its
    ``g:`` group), a USCG receive stamp after the checksum, a Gatehouse ``$PGHP`` line or a
    tag-block-only line just before the message, and last the caller's ``receipt_time``.
    All but the last are the receiver's own stamps (``TimeSource.TAG_BLOCK``).

    Stateful for multi-fragment reassembly: fragments are joined by (receiver, channel,
    sequential id, fragment count) and must arrive in order, as IEC 61162-1 sends them. A
    message's time is that of its last fragment. A receiver's pending fragments older than
    ``fragment_timeout_s`` behind that receiver's newest time become ORPHAN_FRAGMENT rejects.

    Parameters
    ----------
    source : str
        Name of the input (file or feed); the receiver id when a line has no ``s:``.
    fragment_timeout_s : float
        How long, in seconds of event time, a partial message waits for its next fragment.
        60 s: fragments are sent back-to-back in the same or next slots (tens of ms), so anything
        near a minute late belongs to another message; it also absorbs the few seconds of arrival
        reordering that network paths add.
    max_future_s : float
        A line stamped more than this many seconds after the reference time is rejected as
        OUT_OF_RANGE (a receiver with a wrong clock). The reference is the line's receipt time
        when given, else the newest plausible time of this source. One day: generous for clock
        drift and time zones written as UTC, small against the years a dead RTC battery gives.

    Attributes
    ----------
    counts : collections.Counter[str]
        Per outcome: ``accepted:typeN``, ``unused:typeN`` (decodable types we have no record for),
        ``reject:<reason>``, ``skipped:comment``, ``skipped:blank``, ``stamp:pghp`` and
        ``stamp:tag_line`` (time-stamp lines consumed), and flags on accepted data:
        ``flag:unallocated_mid``, ``flag:tag_checksum_without_group``, ``flag:lines_lost`` (gaps
        in tag-block ``n:``). Messages, not lines: a two-part type 5 counts once.
    """

    def __init__(self, source: str, fragment_timeout_s: float = 60.0, max_future_s: float = 86_400.0) -> None:
        self.source = source
        self.fragment_timeout_s = fragment_timeout_s
        self.max_future_s = max_future_s
        self.counts: collections.Counter[str] = collections.Counter()
        self._receivers: dict[str, _Receiver] = {}
        self._groups: dict[str, TagBlock] = {}
        self._reference_s = -math.inf
        self._behind_run = 0
        self._stamp_s: float | None = None  # $PGHP time for the next message
        self._stamp_tag: TagBlock | None = None  # tag block written on a line of its own

    def feed(
        self, line: str, line_no: int | None = None, receipt_time: float | None = None
    ) -> list[AisReport | AisStatic | Reject]:
        """Decode one input line; never raises on bad data.

        Parameters
        ----------
        line : str
            One line, with or without its line terminator.
        line_no : int or None
            1-based line number in the source, kept in rejects for the analyst.
        receipt_time : float or None
            Unix seconds at which the line was received (the source clock); used when the line
            carries no time of its own, and as the reference for the far-future check.

        Returns
        -------
        list of AisReport, AisStatic or Reject
            Usually zero or one item: nothing for a comment, a time-stamp line, a fragment
            awaiting its partner or an unused type; two for a type 19 (position and static);
            expired fragments of the same receiver come first as ORPHAN_FRAGMENT rejects.
        """
        text = significant_text(line, self.counts)
        if text is None:
            return []
        tag: TagBlock | None = None
        try:
            tag, sentence = split_tag_block(text.encode("ascii", "replace"))
            if not is_vdm(sentence):
                return self._other_line(tag, sentence, line_no, receipt_time, text)
            vdm = parse_vdm(sentence)
            if tag is None and self._stamp_tag is not None:
                tag = self._stamp_tag
            self._stamp_tag = None
            time_s, time_source, link = self._time_and_link(tag, vdm, receipt_time)
        except NmeaError as err:
            time_s = tag.time_s if tag is not None and tag.time_s is not None else receipt_time
            return [self._reject(time_s, line_no, err.reason, err.detail, text)]

        # A USCG trailer names the receiver but is not always on every fragment of a message, so
        # fragments are joined per link (tag-block station, else this source) and the record
        # names the most specific receiver known.
        receiver = link if link != self.source else (vdm.trailer_station or link)
        state = self._receivers.get(link)
        if state is None:
            state = self._receivers[link] = _Receiver(time_s, {})
        out: list[AisOutput] = []
        if time_s > state.newest_s:
            state.newest_s = time_s
            if state.pending:
                out = self._expire(state)
        if tag is not None and (tag.line_count is not None or tag.group_outside_checksum):
            self._note_tag(tag, state)
        if vdm.fragment_count == 1:
            self._stamp_s = None
            decoded = self._decode(vdm.payload, vdm.fill_bits, text, line_no, time_s, time_source, receiver)
            return out + decoded if out else decoded
        else:
            if vdm.fragment_number == vdm.fragment_count:
                self._stamp_s = None
            out += self._add_fragment(state, vdm, text, line_no, time_s, time_source, receiver)
        return out

    def flush(self) -> list[Reject]:
        """End of input: every message still waiting for a fragment becomes an ORPHAN_FRAGMENT reject."""
        why = "input ended before the message was complete"
        out = [self._orphan(p, why) for state in self._receivers.values() for p in state.pending.values()]
        self._receivers.clear()
        self._groups.clear()
        self._stamp_s = self._stamp_tag = None
        return out

    def _other_line(
        self,
        tag: TagBlock | None,
        sentence: bytes,
        line_no: int | None,
        receipt_time: float | None,
        text: str,
    ) -> list[AisOutput]:
        """A line that is not AIS: a time stamp for the next message, or an unknown sentence.

        Unknown sentences are rejected without raising: receivers interleave their own GPS and
        status sentences with AIS, often one line in three, and an exception per line costs
        more than the rest of the decode.
        """
        if not sentence and tag is not None:
            self._stamp_tag = tag
            self.counts["stamp:tag_line"] += 1
            return []
        if is_pghp(sentence):
            self._stamp_s = parse_pghp(sentence)
            self.counts["stamp:pghp"] += 1
            return []
        time_s = tag.time_s if tag is not None and tag.time_s is not None else receipt_time
        return [self._reject(time_s, line_no, RejectReason.UNKNOWN_SENTENCE, _NOT_AIS, text)]

    def _note_tag(self, tag: TagBlock, state: _Receiver) -> None:
        """Count tag-block facts worth an operator's eye: lost lines, a recorder's checksum fault."""
        if tag.group_outside_checksum:
            self.counts["flag:tag_checksum_without_group"] += 1
        if tag.line_count is not None:
            if state.line_count is not None and tag.line_count > state.line_count + 1:
                self.counts["flag:lines_lost"] += tag.line_count - state.line_count - 1
            state.line_count = tag.line_count

    def _time_and_link(
        self, tag: TagBlock | None, vdm: VdmSentence, receipt_time: float | None
    ) -> tuple[float, TimeSource, str]:
        """Event time, its source and the link (``s:`` station, else the source) of one line.

        Rejects far-future times.
        """
        time_s, station = (None, None) if tag is None else (tag.time_s, tag.station)
        if tag is not None and tag.group is not None:
            time_s, station = self._group_fields(tag, time_s, station)
        if time_s is None:
            time_s = vdm.trailer_time_s if vdm.trailer_time_s is not None else self._stamp_s
        link = station or self.source
        if time_s is None:
            if receipt_time is None:
                raise NmeaError(RejectReason.NO_TIME, "no tag-block c:, receiver stamp or receipt time")
            return receipt_time, TimeSource.RECEIPT, link
        self._check_future(time_s, receipt_time)
        return time_s, TimeSource.TAG_BLOCK, link

    def _check_future(self, time_s: float, receipt_time: float | None) -> None:
        """Reject a stamp far ahead of the reference; let the reference follow the data back in time."""
        reference = receipt_time if receipt_time is not None else self._reference_s
        ahead_s = time_s - reference  # +inf before the first stamp: nothing to compare with yet
        if ahead_s > self.max_future_s and reference != -math.inf:
            what = "the receipt time" if receipt_time is not None else "the newest plausible time"
            raise NmeaError(
                RejectReason.OUT_OF_RANGE,
                f"time {time_s:.0f} is {ahead_s:.0f} s ahead of {what} {reference:.0f} "
                f"(limit {self.max_future_s:g} s): receiver clock wrong?",
            )
        if receipt_time is not None:
            return
        if ahead_s >= -self.max_future_s:
            self._behind_run = 0
            self._reference_s = max(self._reference_s, time_s)
            return
        self._behind_run += 1
        if self._behind_run >= _REFERENCE_RESET_LINES:  # the reference itself was the outlier
            self._reference_s, self._behind_run = time_s, 0

    def _group_fields(
        self, tag: TagBlock, time_s: float | None, station: str | None
    ) -> tuple[float | None, str | None]:
        """NMEA 4.10 groups: only the first line of a group need carry ``c:`` and ``s:``."""
        number, count, group_id = tag.group  # type: ignore[misc]
        if number == 1:
            if count > 1:
                if len(self._groups) >= _MAX_OPEN_GROUPS:
                    del self._groups[next(iter(self._groups))]
                self._groups[group_id] = tag
            return time_s, station
        first = self._groups.pop(group_id, None) if number == count else self._groups.get(group_id)
        if first is None:
            return time_s, station
        return (first.time_s if time_s is None else time_s), (station or first.station)

    def _add_fragment(
        self,
        state: _Receiver,
        vdm: VdmSentence,
        text: str,
        line_no: int | None,
        time_s: float,
        time_source: TimeSource,
        receiver: str,
    ) -> list[AisOutput]:
        key = (vdm.channel, vdm.sequence_id, vdm.fragment_count)
        pending_by_key = state.pending
        out: list[AisOutput] = []
        if vdm.fragment_number == 1:
            stale = pending_by_key.pop(key, None)
            if stale is not None:
                out.append(self._orphan(stale, f"a new fragment 1 of {_label(vdm, receiver)} arrived first"))
            pending_by_key[key] = _Pending([text], [vdm.payload], line_no, time_s, receiver)
            return out
        pending = pending_by_key.get(key)
        expected = len(pending.lines) + 1 if pending is not None else 1
        if pending is None or vdm.fragment_number != expected:
            if pending is not None:
                del pending_by_key[key]
                why = f"fragment {vdm.fragment_number} came instead of {expected}"
                out.append(self._orphan(pending, why))
            detail = (
                f"fragment {vdm.fragment_number}/{vdm.fragment_count} of {_label(vdm, receiver)} "
                f"without fragment {vdm.fragment_number - 1} before it"
            )
            out.append(self._reject(time_s, line_no, RejectReason.ORPHAN_FRAGMENT, detail, text))
            return out
        pending.lines.append(text)
        pending.payloads.append(vdm.payload)
        pending.time_s = time_s
        if vdm.fragment_number < vdm.fragment_count:
            return out
        del pending_by_key[key]
        payload = b"".join(pending.payloads)
        raw = "\n".join(pending.lines)
        first_line_no = pending.first_line_no
        return out + self._decode(payload, vdm.fill_bits, raw, first_line_no, time_s, time_source, receiver)

    def _expire(self, state: _Receiver) -> list[AisOutput]:
        """Reject this receiver's partial messages that are more than the timeout behind its newest time."""
        cutoff_s = state.newest_s - self.fragment_timeout_s
        stale = [key for key, p in state.pending.items() if p.time_s < cutoff_s]
        detail = f"no next fragment within {self.fragment_timeout_s:g} s"
        return [self._orphan(state.pending.pop(key), detail) for key in stale]

    def _decode(
        self,
        payload: bytes,
        fill_bits: int,
        raw: str,
        line_no: int | None,
        time_s: float,
        time_source: TimeSource,
        receiver: str,
    ) -> list[AisOutput]:
        """Records of one complete message; ``raw`` is its line(s), newline-joined."""
        if not payload:
            return [self._reject(time_s, line_no, _UNDECODABLE, "empty payload", raw)]
        msg_type = _ARMOR[payload[0]]
        if msg_type in _FAST_POSITION_TYPES:
            return self._position(payload, fill_bits, msg_type, raw, line_no, time_s, time_source, receiver)
        if msg_type not in STATIC_TYPES:
            if msg_type in _DEFINED_TYPES:
                self.counts[_UNUSED_KEY[msg_type]] += 1
                return []
            detail = f"message type {msg_type} is not defined"
            return [self._reject(time_s, line_no, _UNDECODABLE, detail, raw)]
        value, n_bits = payload_bits(payload), 6 * len(payload)
        try:
            layout = static_layout(value, n_bits, msg_type)
        except UnknownPart as err:
            return [self._reject(time_s, line_no, _UNDECODABLE, str(err), raw)]
        if n_bits - fill_bits < layout.end:
            problem = self._truncated(msg_type, n_bits - fill_bits, layout.end)
            return [self._reject(time_s, line_no, _UNDECODABLE, problem, raw)]
        fields = read_static(value, n_bits, layout)
        reading = _read_mmsi(fields["mmsi"])
        if reading.count_key is not None:
            self.counts[reading.count_key] += 1
        out: list[AisOutput] = []
        if msg_type == 19:
            position = RawPosition(*(fields[name] if name != "status" else None for name in POSITION_FIELDS))
            problem = _position_problem(position.lat, position.lon)
            if problem:
                out.append(self._reject(time_s, line_no, RejectReason.NO_POSITION, problem, raw))
            else:
                out.append(_report(position, msg_type, time_s, time_source, receiver, raw, reading))
        out.append(_static(fields, msg_type, time_s, receiver, raw, reading))
        self.counts[_ACCEPTED_KEY[msg_type]] += 1
        return out

    def _position(
        self,
        payload: bytes,
        fill_bits: int,
        msg_type: int,
        raw: str,
        line_no: int | None,
        time_s: float,
        time_source: TimeSource,
        receiver: str,
    ) -> list[AisOutput]:
        """A position report (types 1, 2, 3, 18, 27), read by :mod:`ingest.ais_position`."""
        n_bits = len(payload) * 6 - fill_bits
        if n_bits < POSITION_REQUIRED_BITS[msg_type]:
            problem = self._truncated(msg_type, n_bits, POSITION_REQUIRED_BITS[msg_type])
            return [self._reject(time_s, line_no, _UNDECODABLE, problem, raw)]
        position = read_position(payload, msg_type)
        reading = _read_mmsi(position.mmsi)
        if reading.count_key is not None:
            self.counts[reading.count_key] += 1
        if not (-90.0 <= position.lat <= 90.0 and -180.0 <= position.lon <= 180.0):  # 91 / 181: n/a
            problem = _position_problem(position.lat, position.lon)
            return [self._reject(time_s, line_no, RejectReason.NO_POSITION, problem, raw)]
        self.counts[_ACCEPTED_KEY[msg_type]] += 1
        return [_report(position, msg_type, time_s, time_source, receiver, raw, reading)]

    @staticmethod
    def _truncated(msg_type: int, n_bits: int, required: int) -> str:
        """Why a payload is too short for the fields we read ('' when it is long enough): a short
        payload would otherwise decode as zeros or partial numbers that look like real values."""
        if n_bits >= required:
            return ""
        return f"type {msg_type} payload has {n_bits} bits, its fields need {required} (truncated?)"

    def _orphan(self, pending: _Pending, why: str) -> Reject:
        self.counts["reject:orphan_fragment"] += 1
        return Reject(
            time=pending.time_s,
            source=self.source,
            line_no=pending.first_line_no,
            reason=RejectReason.ORPHAN_FRAGMENT,
            detail=f"incomplete message ({len(pending.lines)} fragment(s) from {pending.receiver_id}): {why}",
            raw="\n".join(pending.lines),
        )

    def _reject(
        self, time_s: float | None, line_no: int | None, reason: RejectReason, detail: str, raw: str
    ) -> Reject:
        self.counts[_REJECT_KEY[reason]] += 1
        return _new_reject(time_s, self.source, line_no, reason, detail, raw)


class MmsiReading(NamedTuple):
    """Ingest's reading of one MMSI, carried on its records (``AisReport``/``AisStatic``).

    An invalid number (no ITU-R M.585 pattern, a MID that cannot exist) is kept, not
    rejected: a transponder sending one is a vessel at sea, and the identity rules raise
    an anomaly on it; counted as ``flag:invalid_mmsi``.
    """

    kind: MmsiKind | None  # None: no valid MMSI
    problem: str | None  # why it is invalid; None when valid
    flag: str | None  # ISO 3166 alpha-2 of its MID; None when unallocated or absent
    count_key: str | None  # "flag:invalid_mmsi", "flag:unallocated_mid" or None


@functools.lru_cache(maxsize=1 << 16)
def _read_mmsi(mmsi: int) -> MmsiReading:
    """:class:`MmsiReading` of ``mmsi``; cached (feeds repeat their vessels every few seconds)."""
    try:
        info = classify(mmsi)
    except InvalidMmsi as err:
        return MmsiReading(None, str(err), None, "flag:invalid_mmsi")
    unallocated = info.flag is None and info.mid is not None
    return MmsiReading(info.kind, None, flag_alpha2(info), "flag:unallocated_mid" if unallocated else None)


def _label(vdm: VdmSentence, receiver: str) -> str:
    return f"seq id {vdm.sequence_id or '-'} channel {vdm.channel or '-'} from {receiver}"


def _position_problem(lat_deg: float, lon_deg: float) -> str:
    """Why a decoded position is unusable, or '' when it is fine."""
    if lat_deg == LAT_NOT_AVAILABLE_DEG or lon_deg == LON_NOT_AVAILABLE_DEG:
        return f"position not available (lat {lat_deg:g}, lon {lon_deg:g})"
    if not (-90.0 <= lat_deg <= 90.0 and -180.0 <= lon_deg <= 180.0):
        return f"position out of range (lat {lat_deg:g}, lon {lon_deg:g})"
    return ""


def _report(
    msg: RawPosition,
    msg_type: int,
    time_s: float,
    time_source: TimeSource,
    receiver: str,
    raw: str,
    reading: MmsiReading,
) -> AisReport:
    """Position report with every not-available or invalid value as None."""
    if msg_type == 27:
        sog_kn = None if msg.speed == TYPE27_SOG_NOT_AVAILABLE_KN else msg.speed
        cog_deg = None if msg.course >= 360.0 else msg.course  # 511 = n/a; 360-510 are invalid
        heading_deg = None
    else:
        sog_kn = None if msg.speed == SOG_NOT_AVAILABLE_KN else msg.speed
        cog_deg = None if msg.course >= 360.0 else msg.course  # 360 = n/a; above is invalid
        heading_deg = None if msg.heading >= 360 else msg.heading  # 511 = n/a; 360-510 invalid
    nav_status = None
    if msg_type in _CLASS_A_STATUS_TYPES and msg.status != NAV_STATUS_NOT_DEFINED:
        nav_status = int(msg.status)
    return _new_report(
        time_s,
        time_source,
        msg.mmsi,
        msg_type,
        msg.lat,
        msg.lon,
        sog_kn,
        cog_deg,
        heading_deg,
        nav_status,
        receiver,
        raw,
        reading.kind,
        reading.problem,
        reading.flag,
    )


_new_reject = positional_constructor(Reject, "time", "source", "line_no", "reason", "detail", "raw")
_new_report = positional_constructor(
    AisReport,
    "time",
    "time_source",
    "mmsi",
    "msg_type",
    "lat",
    "lon",
    "sog_kn",
    "cog_deg",
    "heading_deg",
    "nav_status",
    "receiver_id",
    "raw",
    "mmsi_kind",
    "mmsi_problem",
    "flag_state",
)


def _static(
    fields: dict[str, Any], msg_type: int, time_s: float, receiver: str, raw: str, reading: MmsiReading
) -> AisStatic:
    """Static data with the fields a message does not carry, zeros (not available) and empty text as None."""
    get = fields.get
    return AisStatic(
        time=time_s,
        mmsi=fields["mmsi"],
        msg_type=msg_type,
        name=_text(get("shipname")),
        call_sign=_text(get("callsign")),
        imo=_positive(get("imo")),
        ship_type=get("ship_type") or None,
        to_bow_m=_positive(get("to_bow")),
        to_stern_m=_positive(get("to_stern")),
        to_port_m=_positive(get("to_port")),
        to_starboard_m=_positive(get("to_starboard")),
        destination=_text(get("destination")),
        receiver_id=receiver,
        raw=raw,
        mothership_mmsi=_positive(get("mothership_mmsi")),
        flag_state=reading.flag,
        mmsi_kind=reading.kind,
        mmsi_problem=reading.problem,
    )


def _text(value: str | None) -> str | None:
    """Six-bit text: '@' (value 0) ends the string, the rest is padding; blank means not available."""
    if not value:
        return None
    return value.partition("@")[0].strip() or None


def _positive(value: int | None) -> int | None:
    """Identifiers and dimensions use 0 for 'not available'."""
    return int(value) if value else None
