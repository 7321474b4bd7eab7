"""The consuming services' loop: drains until idle, waits longer before the first record."""

from __future__ import annotations

import time

from fusion.polling import serve


def test_serve_drains_until_idle_then_returns() -> None:
    batches = [3, 2, 0, 0]
    calls = []

    def drain() -> int:
        calls.append(1)
        return batches.pop(0) if batches else 0

    serve(drain, exit_when_idle_s=0.05, idle_sleep_s=0.01)
    assert not batches and len(calls) >= 4


def test_serve_waits_four_times_as_long_for_the_first_record() -> None:
    start = time.monotonic()
    serve(lambda: 0, exit_when_idle_s=0.05, idle_sleep_s=0.01)
    assert time.monotonic() - start >= 0.2
