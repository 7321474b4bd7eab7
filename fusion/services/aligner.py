"""Merge the input partitions of one tracking area by event time, independent of fetch timing.

A Kafka consumer fetches AIS and radar partitions in independent chunks: catching up on a
backlog it may hand over a minute of radar before the matching AIS. Fed straight into the
event-time buffer, the AIS would then be "too late" and dead-lettered. The aligner holds
each partition's records in a queue and releases the smallest head time only while every
partition has a head (a k-way merge, as Flink's per-partition watermarks do), so the
sequence the tracker sees is a function of the partitions' contents alone: a restarted or
rebalanced service reproduces it exactly.

A partition with no data holds the merge back, which is right while its records are on
the way and wrong when a feed has stopped; the caller marks such a partition idle (caught
up with the broker and silent for a while, a wall-clock liveness rule) and the merge goes
on without it until it speaks again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Sequence

from fusion.bus import Envelope


class PartitionAligner:
    """Per-input queues of one partition index, released in event-time order."""

    def __init__(self, topics: Sequence[str]) -> None:
        self.topics = tuple(topics)
        self._queues: dict[str, deque[Envelope]] = {topic: deque() for topic in self.topics}

    def add(self, envelope: Envelope) -> None:
        self._queues[envelope.topic].append(envelope)

    def queued(self, topic: str) -> int:
        return len(self._queues[topic])

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def pop_ready(self, idle: Collection[str] = ()) -> list[Envelope]:
        """Records that no future record of a non-idle partition can precede, in merge order."""
        out: list[Envelope] = []
        waiting_on = [self._queues[t] for t in self.topics if t not in idle]
        while all(waiting_on) and any(self._queues.values()):
            out.append(self._pop_min())
        return out

    def drain(self) -> list[Envelope]:
        """Everything queued, in merge order: end of stream."""
        out: list[Envelope] = []
        while any(self._queues.values()):
            out.append(self._pop_min())
        return out

    def _pop_min(self) -> Envelope:
        # ties go to the topic listed first, so the order is fully determined
        heads = [(q[0].time, i) for i, q in enumerate(self._queues.values()) if q]
        _, index = min(heads)
        return self._queues[self.topics[index]].popleft()
