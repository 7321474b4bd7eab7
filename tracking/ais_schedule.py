"""How often an AIS transponder reports (ITU-R M.1371-5), shared by simulator and tracker.

Reporting intervals, ITU-R M.1371-5 Annex 1 Table 1 (class A autonomous mode) and
Annex 7 (class B "CS", carrier-sense):

=====================================================  ===========
class A: at anchor or moored, not faster than 3 kn     180 s
class A: 0-14 kn (changing course: 3 1/3 s)            10 s
class A: 14-23 kn (changing course: 2 s)               6 s
class A: faster than 23 kn                             2 s
class B CS: faster than 2 kn                           30 s
class B CS: 2 kn or slower                             180 s
=====================================================  ===========

The simulator uses it to decide when to transmit; the tracker uses it to know how long
a silence is normal for a vessel before it coasts or is dropped.
"""

from __future__ import annotations

ANCHORED_STATUSES = (1, 5)
"""Navigational status 1 (at anchor) and 5 (moored)."""

CLASS_B_MESSAGE_TYPES = (18, 19)
LONG_RANGE_MESSAGE_TYPE = 27
LONG_RANGE_INTERVAL_S = 180.0
"""Type 27 is broadcast at most every 3 min (ITU-R M.1371-5 Annex 4, §4.1)."""


def class_a_interval_s(sog_kn: float, turning: bool, nav_status: int | None) -> float:
    """Class A reporting interval in seconds (ITU-R M.1371-5 Annex 1 Table 1)."""
    if nav_status in ANCHORED_STATUSES and sog_kn <= 3.0:
        return 180.0
    if sog_kn <= 14.0:
        return 10.0 / 3.0 if turning else 10.0
    if sog_kn <= 23.0:
        return 2.0 if turning else 6.0
    return 2.0


def class_b_interval_s(sog_kn: float) -> float:
    """Class B CS reporting interval in seconds (ITU-R M.1371-5 Annex 7)."""
    return 30.0 if sog_kn > 2.0 else 180.0


def expected_interval_s(msg_type: int, sog_kn: float | None, nav_status: int | None) -> float:
    """The interval at which the sender of a position report will report again.

    Speed not available is treated as slow for class B and as under way for class A:
    the shorter of the plausible intervals, so a silence is never excused too long.
    """
    if msg_type == LONG_RANGE_MESSAGE_TYPE:
        return LONG_RANGE_INTERVAL_S
    if msg_type in CLASS_B_MESSAGE_TYPES:
        return class_b_interval_s(sog_kn if sog_kn is not None else 0.0)
    return class_a_interval_s(sog_kn if sog_kn is not None else 0.0, False, nav_status)
