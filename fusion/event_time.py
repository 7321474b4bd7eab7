"""Event-time ordering: a bounded reorder buffer released by a watermark.

Inputs reach the fusion stage out of order: AIS lines travel different network paths and
arrive seconds late, and with Kafka several partitions interleave arbitrarily. The
tracker, though, must see measurements in the order they happened, and "now" inside the
pipeline must come from the data, never from the wall clock, so that a replay of last
year behaves exactly like last year (bytewax's ``EventClock`` is the model).

The watermark is the newest event time seen less ``allowed_lateness_s``. A record is
released once its time is at or before the watermark; ties keep arrival order, so the
output is a deterministic function of the input sequence. A record older than what has
already been released cannot be put in order any more: it is handed back as late, for the
caller to count and dead-letter (never dropped in silence).
"""

from __future__ import annotations

from bisect import bisect_right, insort_right
from operator import itemgetter
from typing import Generic, TypeVar

T = TypeVar("T")

_TIME = itemgetter(0)


class EventTimeBuffer(Generic[T]):
    """Reorders items by event time within ``allowed_lateness_s``.

    Held as one list kept in release order, not a heap: records come nearly in order, so a
    push is mostly an append (a late one is inserted by bisection, after any of its time, in
    C), and a release is one bisection and a slice of the (time, item) pairs it hands out,
    where a heap took a pop and a new pair per record in Python.
    """

    def __init__(self, allowed_lateness_s: float) -> None:
        if allowed_lateness_s < 0:
            raise ValueError("allowed_lateness_s must be >= 0")
        self.allowed_lateness_s = allowed_lateness_s
        self._held: list[tuple[float, T]] = []
        """Items not yet released, by time, ties in arrival order."""
        self._newest_time = float("-inf")
        self.released_until = float("-inf")
        """Event time of the newest released item: the pipeline's notion of now."""

    def __len__(self) -> int:
        return len(self._held)

    @property
    def watermark(self) -> float:
        return self._newest_time - self.allowed_lateness_s

    def push(self, time: float, item: T) -> bool:
        """Buffer an item; False if it is too late to be put in order (caller dead-letters it)."""
        if time < self.released_until:
            return False
        if time >= self._newest_time:  # nothing held is later: the usual case, an append
            self._newest_time = time
            self._held.append((time, item))
        else:
            insort_right(self._held, (time, item), key=_TIME)
        return True

    def release(self) -> list[tuple[float, T]]:
        """Items at or before the watermark, in event-time order."""
        return self._pop_until(self.watermark)

    def drain(self) -> list[tuple[float, T]]:
        """Everything still held, in order: end of stream."""
        return self._pop_until(float("inf"))

    def _pop_until(self, limit: float) -> list[tuple[float, T]]:
        held = self._held
        count = bisect_right(held, limit, key=_TIME)
        out = held[:count]
        del held[:count]
        if out:
            self.released_until = max(self.released_until, out[-1][0])
        return out
