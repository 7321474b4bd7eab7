"""The reorder buffer releases in event-time order and hands back what is too late."""

import heapq
import itertools
import random

import pytest

from fusion.event_time import EventTimeBuffer


def test_nothing_released_before_the_watermark_passes():
    buffer: EventTimeBuffer[str] = EventTimeBuffer(allowed_lateness_s=5.0)
    for time, item in [(10.0, "a"), (8.0, "b"), (12.0, "c")]:
        assert buffer.push(time, item)
    assert buffer.watermark == 7.0
    assert buffer.release() == []


def test_release_rule_and_drain():
    buffer: EventTimeBuffer[str] = EventTimeBuffer(allowed_lateness_s=5.0)
    for time, item in [(10.0, "a"), (8.0, "b"), (16.0, "c"), (9.0, "d"), (10.0, "e")]:
        buffer.push(time, item)
    assert buffer.release() == [(8.0, "b"), (9.0, "d"), (10.0, "a"), (10.0, "e")]  # ties keep arrival order
    assert buffer.released_until == 10.0
    assert buffer.drain() == [(16.0, "c")]


def test_too_late_items_are_refused_for_dead_lettering():
    buffer: EventTimeBuffer[str] = EventTimeBuffer(allowed_lateness_s=2.0)
    buffer.push(10.0, "a")
    buffer.push(20.0, "b")
    buffer.release()
    assert buffer.push(9.0, "late") is False
    assert buffer.push(18.5, "in time") is True


class _HeapBuffer:
    """The buffer as it was first written, on a heap of (time, arrival, item): the reference."""

    def __init__(self, allowed_lateness_s: float) -> None:
        self.allowed_lateness_s = allowed_lateness_s
        self.heap: list[tuple[float, int, int]] = []
        self.arrival = itertools.count()
        self.newest = self.released_until = float("-inf")

    def push(self, time: float, item: int) -> bool:
        if time < self.released_until:
            return False
        self.newest = max(self.newest, time)
        heapq.heappush(self.heap, (time, next(self.arrival), item))
        return True

    def pop_until(self, limit: float) -> list[tuple[float, int]]:
        out = []
        while self.heap and self.heap[0][0] <= limit:
            time, _, item = heapq.heappop(self.heap)
            out.append((time, item))
        if out:
            self.released_until = max(self.released_until, out[-1][0])
        return out


@pytest.mark.parametrize("seed", range(50))
def test_releases_as_a_heap_by_time_and_arrival_would(seed: int) -> None:
    """Mostly in order with late items and many ties, released at random points, as feeds are."""
    rng = random.Random(seed)
    lateness = rng.choice([0.0, 2.0, 5.0])
    buffer: EventTimeBuffer[int] = EventTimeBuffer(lateness)
    reference = _HeapBuffer(lateness)
    clock = 0.0
    for item in range(400):
        clock += rng.choice([0.0, 0.0, 0.5, 1.0])
        time = clock - rng.choice([0.0] * 6 + [1.0, 3.0, 8.0])
        assert buffer.push(time, item) is reference.push(time, item)
        if rng.random() < 0.2:
            assert buffer.release() == reference.pop_until(reference.newest - lateness)
            assert buffer.released_until == reference.released_until
        assert len(buffer) == len(reference.heap)
    assert buffer.drain() == reference.pop_until(float("inf"))
