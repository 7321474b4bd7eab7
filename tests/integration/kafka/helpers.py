"""Helpers shared by the Kafka integration tests."""

from __future__ import annotations

import time

from fusion.bus import Bus, Envelope


def poll_until(bus: Bus, topics: list[str], count: int, timeout_s: float = 30.0) -> list[Envelope]:
    """Poll until ``count`` records arrived (Kafka fetches asynchronously) or the time is up."""
    out: list[Envelope] = []
    deadline = time.monotonic() + timeout_s
    while len(out) < count and time.monotonic() < deadline:
        out.extend(bus.poll(topics, max_records=count - len(out), timeout_s=0.2))
    return out
