"""NMEA 0183 sentence and NMEA 4.10 tag-block parsing, with checksum verification.

This layer knows nothing about AIS payloads: it turns one text line into its tag block and
the fields of an ``!xxVDM``/``!xxVDO`` sentence, or raises :class:`NmeaError` carrying the
:class:`~fusion.schemas.RejectReason` a reader should file the line under. Lines are handled
as ASCII bytes so that the checksum, the payload-alphabet check and pyais' bit vector all
run in C on the same buffer without re-encoding.

References: IEC 61162-1 (NMEA 0183) and NMEA 4.10 tag blocks as described in
https://gpsd.gitlab.io/gpsd/AIVDM.html ("NMEA 4.0 tag blocks" and "AIVDM/AIVDO sentence layer").
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from fusion.schemas import RejectReason

#: Tag-block ``c:`` values above this are milliseconds, not seconds: 1e11 s is the year
#: 5138, while 1e11 ms is 1973, so no real receive time falls on the wrong side.
MS_EPOCH_THRESHOLD = 1e11

#: IEC 61162-1 allows 1 to 9 sentences per AIS message.
MAX_FRAGMENTS = 9

#: Longest payload accepted in one sentence, in characters. An 82-character sentence holds
#: at most ~60; pyais stops at 200, so we do too rather than reject what pyais decodes.
MAX_PAYLOAD_CHARS = 200

# Six-bit payload armour: '0'..'W' and '`'..'w' (ASCII 48-87 and 96-119).
_PAYLOAD_ALPHABET = bytes(range(48, 88)) + bytes(range(96, 120))
_MALFORMED = RejectReason.MALFORMED_SENTENCE
_SMALL_INTS = {str(i).encode(): i for i in range(10)}


class NmeaError(ValueError):
    """A line that cannot be used, with the reason to reject it under."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class TagBlock(NamedTuple):
    """The fields of an NMEA 4.10 tag block (a tuple: built for every line).

    Attributes
    ----------
    time_s : float or None
        ``c:`` receive time, unix seconds (UTC); milliseconds are converted.
    station : str or None
        ``s:`` source station (the receiver), e.g. ``KHI-AIS``.
    group : tuple of (int, int, str) or None
        ``g:`` sentence-group (line number, line count, group id): lines after the first of a
        group usually carry no ``c:``/``s:`` of their own and inherit the first line's. The
        NMEA 4.0 spelling ``1G2:id`` is read the same way.
    line_count : int or None
        ``n:`` running line count kept by the recorder: a gap shows lines lost on the way.
    quality : str or None
        ``q:`` receiver quality / status text, kept verbatim (receivers disagree on its syntax).
    text : str or None
        ``t:`` free text (some recorders put a second time stamp here; it is not interpreted).
    group_outside_checksum : bool
        True when the checksum only verifies with the ``g:`` field left out, a recorder fault
        seen in real data (Ais.Net's ``Ais1000Lines.nm4``: the group was added after the
        checksum was computed). The sentence's own checksum still protects the payload.
    """

    time_s: float | None
    station: str | None
    group: tuple[int, int, str] | None
    line_count: int | None = None
    quality: str | None = None
    text: str | None = None
    group_outside_checksum: bool = False


class VdmSentence(NamedTuple):
    """One ``!xxVDM``/``!xxVDO`` sentence, checksum verified, fields validated (a tuple: built per line).

    Attributes
    ----------
    talker : str
        Two-character talker id (``AI``, ``BS``, ``--`` ...).
    fragment_count, fragment_number : int
        Sentences in this message (1-9) and this sentence's place among them (1-based).
    sequence_id : str
        Sequential message id linking fragments (``''`` on single-sentence messages).
    channel : str
        Radio channel (``A``, ``B``, ``1``, ``2`` or empty).
    payload : bytes
        Six-bit armoured payload characters.
    fill_bits : int
        Bits (0-5) to drop from the end of the last payload character.
    trailer_time_s : float or None
        Receive time, unix seconds, from USCG N-AIS fields after the checksum.
    trailer_station : str or None
        Receiving station from those fields (``r003669946``, ``b003669976``).
    """

    talker: str
    fragment_count: int
    fragment_number: int
    sequence_id: str
    channel: str
    payload: bytes
    fill_bits: int
    trailer_time_s: float | None = None
    trailer_station: str | None = None


def nmea_checksum(data: bytes) -> int:
    """XOR of all bytes: the NMEA checksum of the text between the delimiter and ``*``.

    The bytes are read as one little-endian integer ``v``; ``v ^= v >> 8k`` for k = 1, 2, 4 ...
    leaves in the lowest byte the XOR of every byte (each shift doubles the bytes folded in), a
    handful of big-integer operations in C rather than a Python loop over bytes: it runs on
    every line. Sentences (at most 82 characters by IEC 61162-1) take the unrolled branch.
    """
    value = int.from_bytes(data, "little")
    if len(data) <= 256:
        value ^= value >> 1024
        value ^= value >> 512
        value ^= value >> 256
        value ^= value >> 128
        value ^= value >> 64
        value ^= value >> 32
        value ^= value >> 16
        value ^= value >> 8
        return value & 0xFF
    width, size_bits = 8, len(data) << 3
    while width < size_bits:
        value ^= value >> width
        width <<= 1
    return value & 0xFF


def _verify(body: bytes, given: bytes, malformed: RejectReason, what: str) -> None:
    """Check a checksum: a wrong value is BAD_CHECKSUM, a field that is not two hex digits ``malformed``."""
    value = _HEX_PAIRS.get(given)
    if value is None:
        shown = given.decode(errors="replace")
        raise NmeaError(malformed, f"{what} checksum {shown!r} is not two hex digits")
    expected = nmea_checksum(body)
    if value != expected:
        detail = f"{what} checksum is {given.decode()} but the text gives {expected:02X}"
        raise NmeaError(RejectReason.BAD_CHECKSUM, detail)


#: Every two-hex-digit checksum field (either case) and its value: one lookup checks and parses.
_HEX_PAIRS = {
    (a + b).encode(): int(a + b, 16) for a in "0123456789ABCDEFabcdef" for b in "0123456789ABCDEFabcdef"
}
#: Short ASCII fields (talker, sequence id, channel) as text, decoded once each (bounded);
#: the values every feed uses are there from the start, so the usual lookup is one dict get.
_FIELD_TEXT: dict[bytes, str] = {
    value.encode(): value for value in ("", "A", "B", "1", "2", "AI", "AB", "BS", "--", *"0123456789")
}


def _field_text(field: bytes) -> str:
    text = _FIELD_TEXT.get(field)
    if text is None:
        text = field.decode("ascii")
        if len(_FIELD_TEXT) < 4096:
            _FIELD_TEXT[field] = text
    return text


# A receiver writes the same tag block (station, whole-second time) on every line it hears in
# that second, so verified blocks are cached; the cap bounds memory on a hostile feed.
_MAX_TAG_CACHE = 4096
_TAG_CACHE: dict[bytes, TagBlock] = {}


def split_tag_block(line: bytes) -> tuple[TagBlock | None, bytes]:
    """Split ``\\k:v,...*hh\\<sentence>`` into its verified tag block and the sentence.

    Parameters
    ----------
    line : bytes
        One stripped input line.

    Returns
    -------
    tag_block : TagBlock or None
        None when the line has no tag block.
    sentence : bytes
        The rest of the line (empty for a line that is only a tag block, which some recorders
        write on a line of its own before the sentence it describes).

    Raises
    ------
    NmeaError
        BAD_CHECKSUM for a wrong checksum; MALFORMED_TAG_BLOCK for an unterminated block, a
        missing or malformed checksum, a field without ``k:``, or a ``c:``/``g:``/``n:`` value
        that is not what NMEA 4.10 says.
    """
    if not line.startswith(b"\\"):
        return None, line
    end = line.find(b"\\", 1)
    if end < 0:
        raise NmeaError(RejectReason.MALFORMED_TAG_BLOCK, "tag block has no closing '\\'")
    block = line[1:end]
    cached = _TAG_CACHE.get(block)
    if cached is not None:
        return cached, line[end + 1 :]
    star = block.rfind(b"*")
    if star < 0:
        raise NmeaError(RejectReason.MALFORMED_TAG_BLOCK, "tag block has no '*hh' checksum")
    body = block[:star]
    try:
        body_text = body.decode("ascii")
    except UnicodeDecodeError:
        raise NmeaError(RejectReason.MALFORMED_TAG_BLOCK, "tag block is not ASCII text") from None
    given = block[star + 1 :]
    outside = False
    try:
        _verify(body, given, RejectReason.MALFORMED_TAG_BLOCK, "tag block")
    except NmeaError as err:
        if err.reason is not RejectReason.BAD_CHECKSUM or not _verifies_without_group(body_text, given):
            raise
        outside = True
    tag = _parse_tag_fields(body_text)
    if outside:
        tag = tag._replace(group_outside_checksum=True)
    if len(_TAG_CACHE) >= _MAX_TAG_CACHE:
        _TAG_CACHE.clear()
    _TAG_CACHE[block] = tag
    return tag, line[end + 1 :]


def _verifies_without_group(body: str, given: bytes) -> bool:
    """Whether the checksum fits the block with its ``g:`` field left out (see TagBlock)."""
    items = body.split(",")
    rest = [item for item in items if not item.startswith("g:")]
    if len(rest) == len(items) or not rest:
        return False
    return int(given, 16) == nmea_checksum(",".join(rest).encode("ascii"))


def _parse_tag_fields(body: str) -> TagBlock:
    """Read the fields of a verified block; unknown keys (``d:``, ``r:``, ``T:`` ...) are skipped."""
    time_s: float | None = None
    station: str | None = None
    group: tuple[int, int, str] | None = None
    line_count: int | None = None
    quality: str | None = None
    text: str | None = None
    for item in body.split(","):
        key, sep, value = item.partition(":")
        if not sep:
            raise NmeaError(RejectReason.MALFORMED_TAG_BLOCK, f"tag-block field {item!r} is not 'k:value'")
        if key == "c":
            time_s = _parse_receive_time(value)
        elif key == "s":
            station = value or None
        elif key == "g":
            group = _parse_group(value)
        elif key == "n":
            if not value.isdigit():
                raise NmeaError(RejectReason.MALFORMED_TAG_BLOCK, f"tag-block line count n:{value!r}")
            line_count = int(value)
        elif key == "q":
            quality = value
        elif key == "t":
            text = value
        elif len(key) == 3 and key[1] == "G" and key[0].isdigit() and key[2].isdigit():
            group = _parse_group(f"{key[0]}-{key[2]}-{value}")  # NMEA 4.0: "1G2:id"
    return TagBlock(time_s, station, group, line_count, quality, text)


def _parse_receive_time(value: str) -> float:
    """``c:`` is unix seconds by the standard; many recorders write milliseconds instead."""
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0.0 <= number < float("inf"):
        raise NmeaError(RejectReason.MALFORMED_TAG_BLOCK, f"tag-block time c:{value!r} is not unix seconds")
    return number / 1000.0 if number > MS_EPOCH_THRESHOLD else number


def _parse_group(value: str) -> tuple[int, int, str]:
    parts = value.split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or not parts[2]:
        raise NmeaError(RejectReason.MALFORMED_TAG_BLOCK, f"tag-block group g:{value!r} is not 'n-m-id'")
    return int(parts[0]), int(parts[1]), parts[2]


def is_vdm(sentence: bytes) -> bool:
    """True for ``!xxVDM``/``!xxVDO`` (any two-character talker, including ``--``)."""
    return sentence[:1] == b"!" and sentence[3:6] in (b"VDM", b"VDO") and sentence[6:7] == b","


#: The shape nearly every AIS sentence has, matched in one C call: seven fields, single-digit
#: fragment numbers, the payload in the six-bit alphabet, then ``*hh`` and an optional trailer.
#: Anything else, and any failure, takes the field-by-field path, which names what is wrong.
_CANONICAL_VDM = re.compile(
    rb"!(..)VD[MO],([1-9]),([1-9]),([^,]*),([^,]*),([0-W`-w]{0,%d}),([0-5])\*([0-9A-Fa-f]{2})((?:,.*)?)\Z"
    % MAX_PAYLOAD_CHARS,
    re.DOTALL,
)


def parse_vdm(sentence: bytes) -> VdmSentence:
    """Verify the checksum of an AIS sentence and validate its fields.

    Text after ``*hh`` that starts with a comma is the USCG N-AIS receive stamp
    (``,b003669976,1272412827`` or ``,d-109,S2105,t050056.00,T56.13,r003669946,1325394060``);
    the checksum does not cover it, so it is read leniently (see :func:`parse_uscg_trailer`). A
    field between the payload and the fill bits (Navico GoFree writes ``payload,0,0*hh``) is
    tolerated as pyais does: the fill bits are the last field.

    Parameters
    ----------
    sentence : bytes
        A sentence for which :func:`is_vdm` is true, tag block removed.

    Raises
    ------
    NmeaError
        MALFORMED_SENTENCE (no checksum: usually a truncated line; too few fields; fragment
        numbers out of 1-9; fill bits out of 0-5; characters outside the payload alphabet) or
        BAD_CHECKSUM.
    """
    vdm = _VDM_CACHE.get(sentence)
    if vdm is None:
        vdm = _parse_vdm_uncached(sentence)
        if len(_VDM_CACHE) >= _MAX_VDM_CACHE:
            _VDM_CACHE.clear()
        _VDM_CACHE[sentence] = vdm
    return vdm


# A network of receivers hears each message at several stations, which write the same sentence
# (a third of the lines of a two-station feed), so parsed sentences are cached as tag blocks
# are; only ones that parse, so every bad line is still judged; the cap bounds memory.
_MAX_VDM_CACHE = 4096
_VDM_CACHE: dict[bytes, VdmSentence] = {}


def _parse_vdm_uncached(sentence: bytes) -> VdmSentence:
    """:func:`parse_vdm` without the cache: the canonical shape in one regex match, else field by field."""
    match = _CANONICAL_VDM.match(sentence)
    if match is None:
        return _parse_vdm_fields(sentence)
    talker, count_text, number_text, sequence_id, channel, payload, fill_text, given, trailer = match.groups()
    count, number = _SMALL_INTS[count_text], _SMALL_INTS[number_text]
    if number > count or nmea_checksum(sentence[1 : match.start(8) - 1]) != _HEX_PAIRS[given]:
        return _parse_vdm_fields(sentence)  # raises, saying which
    return _vdm(talker, count, number, sequence_id, channel, payload, _SMALL_INTS[fill_text], trailer)


def _parse_vdm_fields(sentence: bytes) -> VdmSentence:
    """:func:`parse_vdm` field by field: the uncommon shapes, and the precise reason for a bad line."""
    star = sentence.find(b"*")
    if star < 0:
        raise NmeaError(_MALFORMED, "sentence has no '*hh' checksum (truncated line?)")
    given = sentence[star + 1 : star + 3]
    trailer = sentence[star + 3 :]
    if trailer and not trailer.startswith(b","):
        raise NmeaError(_MALFORMED, "unexpected text after the checksum")
    body = sentence[1:star]
    _verify(body, given, _MALFORMED, "sentence")
    fields = body.split(b",")
    if len(fields) < 7:
        raise NmeaError(_MALFORMED, f"{len(fields)} fields, an AIS sentence has 7")
    small = _SMALL_INTS
    count = small.get(fields[1])
    if count is None:
        count = _small_int(fields[1], "fragment count")
    number = small.get(fields[2])
    if number is None:
        number = _small_int(fields[2], "fragment number")
    fill = small.get(fields[-1])
    if fill is None:
        fill = _small_int(fields[-1], "fill bits")
    payload = fields[5]
    if not 1 <= count <= MAX_FRAGMENTS:
        raise NmeaError(_MALFORMED, f"fragment count {count} is outside 1-{MAX_FRAGMENTS}")
    if not 1 <= number <= count:
        raise NmeaError(_MALFORMED, f"fragment number {number} is outside 1-{count}")
    if not 0 <= fill <= 5:
        raise NmeaError(_MALFORMED, f"fill bits {fill} is outside 0-5")
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise NmeaError(_MALFORMED, f"payload of {len(payload)} characters is too long")
    if payload.translate(None, _PAYLOAD_ALPHABET):
        raise NmeaError(_MALFORMED, "payload has characters outside the AIS six-bit alphabet")
    return _vdm(fields[0][:2], count, number, fields[3], fields[4], payload, fill, trailer)


def _vdm(
    talker: bytes,
    count: int,
    number: int,
    sequence_id: bytes,
    channel: bytes,
    payload: bytes,
    fill_bits: int,
    trailer: bytes,
) -> VdmSentence:
    trailer_time_s, trailer_station = parse_uscg_trailer(trailer) if trailer else (None, None)
    return _NEW_TUPLE(
        VdmSentence,
        (
            _field_text(talker),
            count,
            number,
            _field_text(sequence_id),
            _field_text(channel),
            payload,
            fill_bits,
            trailer_time_s,
            trailer_station,
        ),
    )


_NEW_TUPLE = tuple.__new__  # a NamedTuple from its fields in order, without its Python-level __new__


#: Earliest and latest plausible epoch for a bare number in a USCG trailer (2000 to 2286):
#: smaller numbers there are signal levels or slot counters, not times.
_TRAILER_EPOCH_MIN_S, _TRAILER_EPOCH_MAX_S = 946_684_800, 9_999_999_999


def trailer_epoch(number: int) -> tuple[float, str] | None:
    """A bare number after the checksum as (unix seconds, unit): seconds (``"s"``, USCG) or
    milliseconds (``"ms"``, as Australian networks write them); None when it is neither (a
    signal level, a counter)."""
    if _TRAILER_EPOCH_MIN_S <= number <= _TRAILER_EPOCH_MAX_S:
        return float(number), "s"
    if _TRAILER_EPOCH_MIN_S * 1000 <= number <= _TRAILER_EPOCH_MAX_S * 1000:
        return number / 1000.0, "ms"
    return None


def parse_uscg_trailer(trailer: bytes) -> tuple[float | None, str | None]:
    """Receive time and station from the comma fields a USCG N-AIS logger appends after ``*hh``.

    The fields are ``d`` (dBm), ``S`` (slot), ``t`` (hhmmss.ss), ``T`` (seconds in the minute),
    ``x`` (counter), ``r``/``b`` + station id, then one or two unix times (receiver, then
    logger). The first whole number in the epoch range, in seconds or milliseconds, is the
    receive time. Garbage (seen in real logs as ``,1daasd4218``) is skipped rather than fatal:
    the checksum does not cover these fields, and the sentence itself is intact.

    Returns
    -------
    time_s : float or None
        Unix seconds, None when no field is a plausible epoch.
    station : str or None
        The ``r...``/``b...`` field verbatim, None when absent.
    """
    time_s: float | None = None
    station: str | None = None
    for field in trailer.split(b","):
        if not field:
            continue
        if field.isdigit():
            if time_s is None and (epoch := trailer_epoch(int(field))) is not None:
                time_s = epoch[0]
        elif station is None and field[:1] in (b"r", b"b") and field[1:].isalnum():
            station = field.decode("ascii")
    return time_s, station


def is_pghp(sentence: bytes) -> bool:
    """True for a Gatehouse ``$PGHP`` proprietary sentence."""
    return sentence.startswith(b"$PGHP,")


def parse_pghp(sentence: bytes) -> float:
    """Receive time, unix seconds (UTC), of a Gatehouse ``$PGHP,1,...`` line.

    Gatehouse (DMA) recorders write ``$PGHP,1,yyyy,mm,dd,hh,mi,ss,ms,MID,region,PSS,online,cc*hh``
    before the sentence(s) of the message it stamps.

    Raises
    ------
    NmeaError
        BAD_CHECKSUM, or MALFORMED_SENTENCE for a missing checksum, another PGHP message type or
        a date that does not exist.
    """
    star = sentence.find(b"*")
    if star < 0:
        raise NmeaError(_MALFORMED, "$PGHP line has no '*hh' checksum (truncated line?)")
    body = sentence[1:star]
    _verify(body, sentence[star + 1 : star + 3], _MALFORMED, "$PGHP")
    fields = body.split(b",")
    if len(fields) < 9 or fields[1] != b"1":
        raise NmeaError(_MALFORMED, "$PGHP is not a type 1 time stamp")
    try:
        hour, minute, second, millis = (int(f) for f in fields[5:9])
        day_s = _day_start_s(int(fields[2]), int(fields[3]), int(fields[4]))
    except ValueError as err:
        raise NmeaError(_MALFORMED, f"$PGHP time is not a date: {err}") from None
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second <= 60 and 0 <= millis < 1000):
        raise NmeaError(_MALFORMED, f"$PGHP time {hour}:{minute}:{second}.{millis} is not a time of day")
    return day_s + hour * 3600 + minute * 60 + second + millis / 1000.0


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@lru_cache(maxsize=64)
def _day_start_s(year: int, month: int, day: int) -> float:
    """Unix seconds of 00:00 UTC on a date (a feed stamps thousands of lines per day: cached)."""
    return float((date(year, month, day).toordinal() - _EPOCH_ORDINAL) * 86_400)


def _small_int(field: bytes, name: str) -> int:
    value = _SMALL_INTS.get(field)
    if value is not None:
        return value
    if not field.isdigit() or len(field) > 3:
        raise NmeaError(_MALFORMED, f"{name} {field.decode(errors='replace')!r} is not a number")
    return int(field)


def significant_text(line: str, counts: Counter[str]) -> str | None:
    """The line stripped, or None for a blank line or a ``#`` comment (counted, never rejected:
    logs of every kind carry them, and they are not bad input)."""
    text = line.strip()
    if not text:
        counts["skipped:blank"] += 1
        return None
    if text[0] == "#":
        counts["skipped:comment"] += 1
        return None
    return text
