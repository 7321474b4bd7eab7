"""Time conventions of real NMEA logs that the AIS decoder does not read itself.

:mod:`ingest.nmea` reads tag-block ``c:``, ``$PGHP`` lines and USCG receive stamps in whole
seconds. Real logs also time their lines with a receive time in *milliseconds* after the
checksum (``...,0*hh,1541030400123``: some US and Australian networks), or only with the
receiver's own GNSS sentences interleaved (``$GPRMC``/``$GPZDA`` once a second on a boat's
bus). Both are read here; the importer applies them to the AIS lines around them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fusion.schemas import RejectReason
from ingest.nmea import NmeaError, nmea_checksum, trailer_epoch

#: RMC carries a two-digit year; 80-99 are the 1900s (GPS began in 1980), the rest 2000s.
_CENTURY_PIVOT = 80
_GPS_EPOCH_YEAR = 1980


def trailer_millis_s(sentence: bytes) -> float | None:
    """A millisecond receive time after ``*hh`` (``...*hh,1541030400123``), in unix seconds, or None."""
    star = sentence.find(b"*")
    if star < 0:
        return None
    for part in sentence[star + 3 :].split(b","):
        if part.isdigit() and (epoch := trailer_epoch(int(part))) is not None:
            return epoch[0] if epoch[1] == "ms" else None  # the first epoch decides, as in the decoder
    return None


def clock_sentence_kind(sentence: bytes) -> str | None:
    """``RMC`` or ``ZDA`` for a receiver's own clock sentence (any talker), else None."""
    if sentence[:1] == b"$" and sentence[3:6] in (b"RMC", b"ZDA") and sentence[6:7] == b",":
        return sentence[3:6].decode()
    return None


def clock_time_s(sentence: bytes) -> float | None:
    """UTC time of a ``$--RMC`` (time + ddmmyy date) or ``$--ZDA`` (time, dd, mm, yyyy) sentence.

    Returns None when the sentence carries no date (a receiver without a fix writes empty
    fields): a time of day alone cannot date a message.

    Raises
    ------
    NmeaError
        BAD_CHECKSUM, or MALFORMED_SENTENCE when the checksum is missing or the fields are not
        a time and date.
    """
    star = sentence.find(b"*")
    if star < 0:
        raise NmeaError(RejectReason.MALFORMED_SENTENCE, "clock sentence has no '*hh' checksum")
    body = sentence[1:star]
    given = sentence[star + 1 : star + 3]
    try:
        ok = int(given, 16) == nmea_checksum(body)
    except ValueError:
        raise NmeaError(RejectReason.MALFORMED_SENTENCE, "checksum is not two hex digits") from None
    if not ok:
        raise NmeaError(RejectReason.BAD_CHECKSUM, f"checksum {given.decode()} does not match the text")
    fields = body.decode("ascii", "replace").split(",")
    kind = fields[0][2:]
    try:
        if kind == "RMC":
            if len(fields) < 10 or not fields[1] or len(fields[9]) != 6:
                return None
            day, month, yy = int(fields[9][:2]), int(fields[9][2:4]), int(fields[9][4:])
            year = yy + (1900 if yy >= _CENTURY_PIVOT else 2000)
        else:
            if len(fields) < 5 or not (fields[1] and fields[2] and fields[3] and fields[4]):
                return None
            day, month, year = int(fields[2]), int(fields[3]), int(fields[4])
            if year < 100:  # Navico GoFree writes a two-digit ZDA year ("16,04,14")
                year += 1900 if year >= _CENTURY_PIVOT else 2000
        clock = fields[1]
        hour, minute, second = int(clock[:2]), int(clock[2:4]), float(clock[4:])
        midnight = datetime(year, month, day, tzinfo=UTC).timestamp()
    except ValueError as err:
        raise NmeaError(RejectReason.MALFORMED_SENTENCE, f"{kind} time/date not readable: {err}") from None
    if year < _GPS_EPOCH_YEAR:
        raise NmeaError(RejectReason.MALFORMED_SENTENCE, f"{kind} year {year} is before GNSS clocks existed")
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0.0 <= second < 61.0):
        raise NmeaError(RejectReason.MALFORMED_SENTENCE, f"{kind} time {clock!r} is not a time of day")
    return midnight + hour * 3600 + minute * 60 + second
