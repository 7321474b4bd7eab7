"""The loop of a consuming service: drain what the bus holds, sleep when nothing came."""

from __future__ import annotations

import time as wall_clock
from collections.abc import Callable


def serve(drain: Callable[[], int], exit_when_idle_s: float | None = None, idle_sleep_s: float = 0.2) -> None:
    """Call ``drain`` (returns records handled) forever, or until nothing came for ``exit_when_idle_s``.

    The wall clock only paces polling and the idle exit; what a service computes depends on
    the records alone.
    """
    idle_since = wall_clock.monotonic()
    while True:
        if drain():
            idle_since = wall_clock.monotonic()
        elif exit_when_idle_s is not None and wall_clock.monotonic() - idle_since >= exit_when_idle_s:
            return
        else:
            wall_clock.sleep(idle_sleep_s)
