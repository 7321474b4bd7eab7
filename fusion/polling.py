"""The loop of a consuming service: drain what the bus holds, sleep when nothing came."""

from __future__ import annotations

import time as wall_clock
from collections.abc import Callable


def serve(drain: Callable[[], int], exit_when_idle_s: float | None = None, idle_sleep_s: float = 0.2) -> None:
    """Call ``drain`` (returns records handled) forever, or until nothing came for ``exit_when_idle_s``.

    Before the first record the wait is four times as long: joining a Kafka consumer group
    takes several round trips (and seconds on a loaded machine), and leaving before the first
    fetch would look like an empty input. The wall clock only paces polling and the idle exit;
    what a service computes depends on the records alone.
    """
    idle_since = wall_clock.monotonic()
    seen_any = False
    while True:
        if drain():
            seen_any = True
            idle_since = wall_clock.monotonic()
            continue
        if exit_when_idle_s is not None:
            patience_s = exit_when_idle_s if seen_any else 4 * exit_when_idle_s
            if wall_clock.monotonic() - idle_since >= patience_s:
                return
        wall_clock.sleep(idle_sleep_s)
