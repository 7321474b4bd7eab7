"""AIS NMEA 0183 logs (plain or gzip) to timed AIS messages, whatever time convention they use.

Every ``!xxVDM``/``!xxVDO`` line gets a receive time, most specific first:

1. its own NMEA 4.10 tag-block ``c:``;
2. a receive time after the checksum (USCG N-AIS epoch seconds, or milliseconds);
3. the ``$PGHP`` (Gatehouse) line or tag-block-only line just before it;
4. the receiver's own clock: the newest ``$--RMC``/``$--ZDA`` of the log (lines before the first
   one take its time);
5. the time of the line before it (fragments and group members often carry no tag block);
6. none in the whole file: ``--start`` plus line order, ``line_interval_s`` apart (the output
   says so), or a clear error asking for ``--start``.

Fragments are joined per (station, channel, sequential id, count) only to know which lines
form one message: the whole message is what two stations can both hear, and what the merge
counts once (:mod:`ingest.importers.build`). The lines themselves are kept as they were; the
full decoding and validation is the replay's own :class:`ingest.ais.AisDecoder`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fusion.schemas import Reject, RejectReason
from ingest.importers.model import AisMessage, ImportOptions, SourceResult
from ingest.importers.nmea_clock import clock_sentence_kind, clock_time_s, trailer_millis_s
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
from ingest.sources import FileSource

#: Lines a log may hold before its first time stamp while we wait for one (a receiver log's
#: first RMC comes within a second; a log with no time at all is timed from --start at the end).
_MAX_UNTIMED_LINES = 2_000_000
_ADDRESS = re.compile(rb"^[$!]([A-Z0-9]{3,12}),")


class NoTimeError(ValueError):
    """A log without any time stamp and no ``--start``; the message says how to fix it."""


def station_name(path: Path) -> str:
    """A station id from a file name: letters, digits, ``-`` ``_`` ``.`` only (it goes in ``s:``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", path.name).strip("-") or "source"


@dataclass(slots=True)
class _Line:
    line_no: int
    text: str
    vdm: VdmSentence
    sentence: str
    station: str | None
    time_s: float | None
    how: str


class AisNmeaReader:
    """Read one AIS NMEA log into a :class:`SourceResult` (see the module docstring)."""

    def __init__(self, path: Path, index: int, options: ImportOptions, result: SourceResult) -> None:
        self.path = path
        self.index = index
        self.options = options
        self.result = result
        self.counts = result.counts
        self.default_station = station_name(path)
        self._clock_s: float | None = None
        self._stamp_s: float | None = None
        self._last_s: float | None = None
        self._last_station: str | None = None
        self._untimed: list[_Line] = []
        self._pending: dict[tuple[str, str, str, int], list[_Line]] = {}

    def read(self) -> Iterator[int]:
        """Read the log (plain or gzip) into the result; yields after each line (progress)."""
        for line in FileSource(self.path).lines():
            self._line(line.line_no, line.text)
            self.result.rows += 1
            yield 1
        self._finish()

    # -- one line ----------------------------------------------------------------------------

    def _line(self, line_no: int, line: str) -> None:
        text = significant_text(line, self.counts)
        if text is None:
            return
        self.counts["lines"] += 1
        tag: TagBlock | None = None
        try:
            tag, sentence = split_tag_block(text.encode("ascii", "replace"))
            if is_vdm(sentence):
                vdm = parse_vdm(sentence)
                self._vdm(line_no, text, tag, sentence, vdm)
            elif not sentence and tag is not None and tag.time_s is not None:
                self._stamp_s = tag.time_s
                self.counts["stamp:tag_line"] += 1
            elif is_pghp(sentence):
                self._stamp_s = parse_pghp(sentence)
                self.counts["stamp:pghp"] += 1
            elif clock_sentence_kind(sentence):
                self._clock(sentence)
            else:
                self._other(sentence)
        except NmeaError as err:
            time_s = tag.time_s if tag is not None and tag.time_s is not None else self._last_s
            self.result.reject(_reject(time_s, self.path, line_no, err.reason, err.detail, text))

    def _clock(self, sentence: bytes) -> None:
        kind = clock_sentence_kind(sentence)
        time_s = clock_time_s(sentence)
        if time_s is None:
            self.counts[f"clock:{kind}_without_date"] += 1
            return
        self.counts[f"clock:{kind}"] += 1
        self._clock_s = time_s
        if self._untimed:
            self._release_untimed(time_s, f"receiver_{kind.lower()}_first")  # type: ignore[union-attr]

    def _other(self, sentence: bytes) -> None:
        """A well-formed sentence that is not AIS (depth, wind, GNSS...) is counted, not rejected."""
        match = _ADDRESS.match(sentence)
        if match is None or b"*" not in sentence:
            raise NmeaError(RejectReason.UNKNOWN_SENTENCE, "not an NMEA sentence or tag block")
        self.counts[f"other_sentence:{match.group(1).decode()}"] += 1

    def _vdm(self, line_no: int, text: str, tag: TagBlock | None, sentence: bytes, vdm: VdmSentence) -> None:
        if not vdm.payload:
            raise NmeaError(RejectReason.UNDECODABLE_PAYLOAD, "empty payload")
        time_s, how = self._time_of(tag, sentence, vdm)
        station = (tag.station if tag is not None else None) or vdm.trailer_station
        if station is None and vdm.fragment_number > 1:
            # a later fragment without its first's s: (no tag block, or only the g: group field)
            station = self._last_station
        self._last_station = station
        item = _Line(line_no, text, vdm, sentence.decode("ascii", "replace"), station, time_s, how)
        if time_s is None:
            if len(self._untimed) >= _MAX_UNTIMED_LINES:
                raise NoTimeError(
                    self._no_time_message(f"no time stamp in its first {len(self._untimed)} lines")
                )
            self._untimed.append(item)
            return
        if self._untimed:
            self._release_untimed(time_s, "first_time_of_file")
        self._timed(item)

    def _time_of(self, tag: TagBlock | None, sentence: bytes, vdm: VdmSentence) -> tuple[float | None, str]:
        if tag is not None and tag.time_s is not None:
            return tag.time_s, "tag_block"
        millis = trailer_millis_s(sentence)  # the decoder reads both units; the report names which
        if millis is not None:
            return millis, "trailer_epoch_ms"
        if vdm.trailer_time_s is not None:
            return vdm.trailer_time_s, "trailer_epoch_s"
        if self._stamp_s is not None:
            return self._stamp_s, "pghp_or_tag_line"
        if self._clock_s is not None:
            return self._clock_s, "receiver_clock"
        if self._last_s is not None:
            return self._last_s, "previous_line"
        return None, ""

    def _release_untimed(self, time_s: float, how: str) -> None:
        waiting, self._untimed = self._untimed, []
        for item in waiting:
            item.time_s, item.how = time_s, how
            self._timed(item)

    # -- messages ----------------------------------------------------------------------------

    def _timed(self, item: _Line) -> None:
        assert item.time_s is not None
        self._last_s = item.time_s
        self.result.time_conventions[item.how] += 1
        vdm = item.vdm
        if vdm.fragment_count == 1:
            self._message([item])
            return
        station = item.station or self.default_station
        key = (station, vdm.channel, vdm.sequence_id, vdm.fragment_count)
        parts = self._pending.get(key)
        if vdm.fragment_number == 1:
            if parts:
                self._orphan(parts, "a new fragment 1 with the same channel and id came first")
            self._pending[key] = [item]
            return
        if parts is None or len(parts) + 1 != vdm.fragment_number:
            if parts:
                del self._pending[key]
                self._orphan(parts, f"fragment {vdm.fragment_number} came next")
            self._orphan([item], f"fragment {vdm.fragment_number - 1} is missing before it")
            return
        parts.append(item)
        if vdm.fragment_number == vdm.fragment_count:
            del self._pending[key]
            self._message(parts)

    def _message(self, parts: list[_Line]) -> None:
        last = parts[-1]
        payload = b"".join(p.vdm.payload for p in parts)
        self.result.ais.append(
            AisMessage(
                time_s=last.time_s,  # type: ignore[arg-type]
                station=last.station or parts[0].station or self.default_station,
                sentences=tuple(p.sentence for p in parts),
                key=payload + b"/" + str(last.vdm.fill_bits).encode(),
                source=self.index,
            )
        )
        self.counts["messages"] += 1
        if len(parts) > 1:
            self.counts["messages_multi_fragment"] += 1

    def _orphan(self, parts: list[_Line], why: str) -> None:
        first = parts[0]
        detail = f"incomplete message ({len(parts)} of {first.vdm.fragment_count} fragments): {why}"
        raw = "\n".join(p.text for p in parts)
        reason = RejectReason.ORPHAN_FRAGMENT
        self.result.reject(_reject(first.time_s, self.path, first.line_no, reason, detail, raw))

    def _finish(self) -> None:
        if self._untimed:
            start = self.options.start_s
            if start is None:
                raise NoTimeError(self._no_time_message("no time stamp anywhere"))
            step = self.options.line_interval_s
            waiting, self._untimed = self._untimed, []
            for number, item in enumerate(waiting):
                item.time_s, item.how = start + number * step, "start_plus_line_order"
                self._timed(item)
            self.result.notes.append(
                f"{self.path.name} has no time stamps: its {len(waiting)} AIS lines are timed from --start "
                f"in line order, {step:g} s apart (not the times they were heard)"
            )
        for parts in self._pending.values():
            self._orphan(parts, "the file ended before the message was complete")
        self._pending.clear()

    def _no_time_message(self, what: str) -> str:
        return (
            f"{self.path}: {what} (no tag-block c:, receive time after the checksum, $PGHP, or "
            "$--RMC/$--ZDA of the receiver); give --start 2024-01-01T00:00:00Z to time its lines "
            "in order (--line-interval-s apart)"
        )


def _reject(
    time_s: float | None, path: Path, line_no: int, reason: RejectReason, detail: str, raw: str
) -> Reject:
    return Reject(time=time_s, source=str(path), line_no=line_no, reason=reason, detail=detail, raw=raw)
