"""Times as AIS archive CSVs write them: ISO 8601, epoch numbers, or ``dd/mm/yyyy hh:mm:ss``.

Day-first and month-first dates look alike (``03/04/2016``); the order is decided once per file
from rows that settle it (a first field above 12 is a day, a second field above 12 is a day),
or given by the user. Naive times are UTC: archives (MarineCadastre, the Solent recording,
DMA, AMSA) publish UTC. Times with an offset are converted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

#: A bare number above this is milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
_MS_THRESHOLD = 1e11
_SLASHED = re.compile(
    r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?\s*$"
)


class CsvTimeError(ValueError):
    """A time value this reader cannot read; the message quotes it."""


def slashed_order(values: Iterable[str]) -> bool | None:
    """Day-first (True), month-first (False), or None when no value settles it.

    Raises
    ------
    CsvTimeError
        When some values are only valid day-first and others only month-first.
    """
    day_first_seen = month_first_seen = False
    for value in values:
        match = _SLASHED.match(value)
        if match is None:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        day_first_seen |= first > 12
        month_first_seen |= second > 12
        if day_first_seen and month_first_seen:
            raise CsvTimeError("dates are day-first in some rows and month-first in others")
    if day_first_seen:
        return True
    if month_first_seen:
        return False
    return None


def is_slashed(value: str) -> bool:
    return _SLASHED.match(value) is not None


def parse_time(value: str, day_first: bool) -> float:
    """Unix seconds of one CSV time value (see the module docstring)."""
    text = value.strip()
    if not text:
        raise CsvTimeError("empty time")
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        if number != number or number < 0:
            raise CsvTimeError(f"time {value!r} is not unix seconds")
        return number / 1000.0 if number > _MS_THRESHOLD else number
    match = _SLASHED.match(text)
    if match is not None:
        a, b, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        day, month = (a, b) if day_first else (b, a)
        year += 2000 if year < 100 else 0
        hour, minute = int(match.group(4) or 0), int(match.group(5) or 0)
        second = float(match.group(6) or 0.0)
        try:
            midnight = datetime(year, month, day, tzinfo=UTC).timestamp()
        except ValueError as err:
            raise CsvTimeError(f"time {value!r}: {err}") from None
        if not (hour < 24 and minute < 60 and second < 61):
            raise CsvTimeError(f"time {value!r} is not a time of day")
        return midnight + hour * 3600 + minute * 60 + second
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise CsvTimeError(f"time {value!r} is not ISO 8601, unix seconds or dd/mm/yyyy hh:mm:ss") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
