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

import operator
from functools import reduce
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
_HEX_DIGITS = frozenset(b"0123456789ABCDEFabcdef")
_MALFORMED = RejectReason.MALFORMED_SENTENCE
_SMALL_INTS = {str(i).encode(): i for i in range(10)}


class NmeaError(ValueError):
    """A line that cannot be used, with the reason to reject it under."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class TagBlock(NamedTuple):
    """The parts of an NMEA 4.10 tag block that seawatch uses (a tuple: built for every line).

    Attributes
    ----------
    time_s : float or None
        ``c:`` receive time, unix seconds (UTC); milliseconds are converted.
    station : str or None
        ``s:`` source station (the receiver), e.g. ``KHI-AIS``.
    group : tuple of (int, int, str) or None
        ``g:`` sentence-group (line number, line count, group id): lines after the first of a
        group usually carry no ``c:``/``s:`` of their own and inherit the first line's.
    """

    time_s: float | None
    station: str | None
    group: tuple[int, int, str] | None


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
    """

    talker: str
    fragment_count: int
    fragment_number: int
    sequence_id: str
    channel: str
    payload: bytes
    fill_bits: int


def nmea_checksum(data: bytes) -> int:
    """XOR of all bytes: the NMEA checksum of the text between the delimiter and ``*``."""
    return reduce(operator.xor, data, 0)


def _verify(body: bytes, given: bytes, malformed: RejectReason, what: str) -> None:
    """Check a checksum: a wrong value is BAD_CHECKSUM, a field that is not two hex digits ``malformed``."""
    if len(given) != 2 or not _HEX_DIGITS.issuperset(given):
        shown = given.decode(errors="replace")
        raise NmeaError(malformed, f"{what} checksum {shown!r} is not two hex digits")
    expected = nmea_checksum(body)
    if int(given, 16) != expected:
        detail = f"{what} checksum is {given.decode()} but the text gives {expected:02X}"
        raise NmeaError(RejectReason.BAD_CHECKSUM, detail)


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
        The rest of the line.

    Raises
    ------
    NmeaError
        BAD_CHECKSUM for a wrong checksum; MALFORMED_TAG_BLOCK for an unterminated block, a
        missing or malformed checksum, a field without ``k:``, or a ``c:``/``g:`` value that is not
        what NMEA 4.10 says.
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
    _verify(body, block[star + 1 :], RejectReason.MALFORMED_TAG_BLOCK, "tag block")
    tag = _parse_tag_fields(body.decode("ascii"))
    if len(_TAG_CACHE) >= _MAX_TAG_CACHE:
        _TAG_CACHE.clear()
    _TAG_CACHE[block] = tag
    return tag, line[end + 1 :]


def _parse_tag_fields(body: str) -> TagBlock:
    time_s: float | None = None
    station: str | None = None
    group: tuple[int, int, str] | None = None
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
    return TagBlock(time_s=time_s, station=station, group=group)


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


def parse_vdm(sentence: bytes) -> VdmSentence:
    """Verify the checksum of an AIS sentence and validate its fields.

    Text after ``*hh`` that starts with a comma (USCG N-AIS receive stamps such as
    ``,r003669935,1272416372``) is ignored; the checksum does not cover it. A field between the
    payload and the fill bits (Navico GoFree writes ``payload,0,0*hh``) is tolerated as pyais does:
    the fill bits are the last field.

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
    count, number, seq_id, channel, payload, fill = (
        _small_int(fields[1], "fragment count"),
        _small_int(fields[2], "fragment number"),
        fields[3],
        fields[4],
        fields[5],
        _small_int(fields[-1], "fill bits"),
    )
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
    return VdmSentence(
        talker=fields[0][:2].decode("ascii"),
        fragment_count=count,
        fragment_number=number,
        sequence_id=seq_id.decode("ascii"),
        channel=channel.decode("ascii"),
        payload=payload,
        fill_bits=fill,
    )


def _small_int(field: bytes, name: str) -> int:
    value = _SMALL_INTS.get(field)
    if value is not None:
        return value
    if not field.isdigit() or len(field) > 3:
        raise NmeaError(_MALFORMED, f"{name} {field.decode(errors='replace')!r} is not a number")
    return int(field)
