"""``read_records`` merges the AIS and radar streams with a two-way merge written out; it must
order records exactly as ``heapq.merge`` over (key, stream) tuples did: a record's key is its
time or, for a reject without time, its predecessor's; at equal keys AIS goes first."""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from ingest.scenario import _merge_by_time


@dataclass
class _Record:
    time: float | None
    name: str


def _keyed(records: list[_Record], stream: int) -> Iterator[tuple[float, int, _Record]]:
    key = float("-inf")
    for record in records:
        if record.time is not None:
            key = record.time
        yield key, stream, record


def _by_heapq(first: list[_Record], second: list[_Record]) -> list[str]:
    return [record.name for _, _, record in heapq.merge(_keyed(first, 0), _keyed(second, 1))]


def _stream(rng: random.Random, prefix: str) -> list[_Record]:
    times = [float(rng.randint(0, 30)) if rng.random() > 0.1 else None for _ in range(rng.randint(0, 40))]
    if rng.random() < 0.5:  # mostly in order, with late records, as feeds are
        times = sorted(t for t in times if t is not None) + times[: rng.randint(0, 3)]
    return [_Record(time, f"{prefix}{k}") for k, time in enumerate(times)]


@pytest.mark.parametrize("seed", range(200))
def test_merge_orders_as_heapq_merge(seed: int) -> None:
    rng = random.Random(seed)
    first, second = _stream(rng, "a"), _stream(rng, "r")
    merged = [record.name for record in _merge_by_time(iter(first), iter(second))]
    assert merged == _by_heapq(first, second)
