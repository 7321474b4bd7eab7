"""The one transport interface between stages, and its in-process implementation.

Every stage talks to a ``Bus``: the embedded ``MemoryBus`` for ``make demo`` and replays,
and a Kafka implementation (fusion/bus_kafka.py, its own issue) for deployments. Values
are bytes (the JSON of fusion.schemas records) on both, so the in-memory path exercises
the same serialisation a Kafka consumer sees.

``MemoryBus`` keeps the Kafka semantics that matter to us: append-only logs with offsets,
per-key order (one partition per topic, so all order is kept), one committed position per
consumer group, and a bounded retention whose overflow is counted, never hidden.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Envelope:
    """One record as delivered by a bus: where it sits in its log, and its payload."""

    topic: str
    partition: int
    offset: int
    key: str
    value: bytes
    time: float


class Bus(Protocol):
    """What every stage needs from a transport.

    ``poll`` returns records after the consumer's current position (at most
    ``max_records``), advancing the position; ``commit`` makes the positions durable so a
    restarted consumer in the same group resumes after the last committed record.
    """

    def publish(self, topic: str, key: str, value: bytes, time: float) -> None: ...

    def poll(
        self, topics: Iterable[str], max_records: int = 500, timeout_s: float = 0.0
    ) -> list[Envelope]: ...

    def commit(self) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


@dataclass
class _Log:
    records: list[Envelope] = field(default_factory=list)
    next_offset: int = 0
    dropped: int = 0

    @property
    def first_offset(self) -> int:
        return self.next_offset - len(self.records)


class MemoryBroker:
    """In-process logs shared by the ``MemoryBus`` clients of one process.

    Parameters
    ----------
    max_records_per_topic:
        Retention bound. A topic longer than this drops its oldest records and counts them
        in ``dropped``; a consumer that had not read them gets a logged warning. Large by
        default because a replay runs its stages in lock-step and never falls that far behind.
    """

    def __init__(self, max_records_per_topic: int = 2_000_000) -> None:
        self.max_records_per_topic = max_records_per_topic
        self._logs: dict[str, _Log] = {}
        self._committed: dict[tuple[str, str], int] = {}
        self.lock = threading.Lock()
        """Held around every append and read, so a live dashboard thread may poll safely."""

    def log(self, topic: str) -> _Log:
        if topic not in self._logs:
            self._logs[topic] = _Log()
        return self._logs[topic]

    def append(self, topic: str, key: str, value: bytes, time: float) -> None:
        with self.lock:
            self._append(topic, key, value, time)

    def _append(self, topic: str, key: str, value: bytes, time: float) -> None:
        topic_log = self.log(topic)
        topic_log.records.append(Envelope(topic, 0, topic_log.next_offset, key, value, time))
        topic_log.next_offset += 1
        excess = len(topic_log.records) - self.max_records_per_topic
        if excess > self.max_records_per_topic // 10:  # trim in chunks: amortised O(1) per append
            del topic_log.records[:excess]
            topic_log.dropped += excess

    def committed(self, group_id: str, topic: str) -> int:
        return self._committed.get((group_id, topic), 0)

    def commit(self, group_id: str, positions: dict[str, int]) -> None:
        for topic, offset in positions.items():
            self._committed[(group_id, topic)] = offset

    def end_offset(self, topic: str) -> int:
        return self.log(topic).next_offset

    def dropped(self, topic: str) -> int:
        return self.log(topic).dropped

    def read(self, topic: str) -> list[Envelope]:
        """Every retained record of a topic, for tests and reports; consumers use ``poll``."""
        return list(self.log(topic).records)


class MemoryBus:
    """A client of a ``MemoryBroker``: a producer plus a consumer in group ``group_id``.

    Polling several topics returns records in publish order across them (the broker's
    global order is per topic; ties between topics go to the topic listed first), which
    together with event-time buffering downstream makes replays deterministic.
    """

    def __init__(self, broker: MemoryBroker, group_id: str) -> None:
        self.broker = broker
        self.group_id = group_id
        self._positions: dict[str, int] = {}
        self.skipped_by_retention = 0

    def publish(self, topic: str, key: str, value: bytes, time: float) -> None:
        self.broker.append(topic, key, value, time)

    def poll(self, topics: Iterable[str], max_records: int = 500, timeout_s: float = 0.0) -> list[Envelope]:
        with self.broker.lock:
            return self._poll(topics, max_records)

    def _poll(self, topics: Iterable[str], max_records: int) -> list[Envelope]:
        out: list[Envelope] = []
        for topic in topics:
            if len(out) >= max_records:
                break
            topic_log = self.broker.log(topic)
            position = self._positions.get(topic, self.broker.committed(self.group_id, topic))
            if position < topic_log.first_offset:
                lost = topic_log.first_offset - position
                self.skipped_by_retention += lost
                log.warning(
                    "%s: %d records of %s dropped by retention before %s read them",
                    type(self).__name__,
                    lost,
                    topic,
                    self.group_id,
                )
                position = topic_log.first_offset
            start = position - topic_log.first_offset
            take = min(max_records - len(out), len(topic_log.records) - start)
            out.extend(topic_log.records[start : start + take])
            self._positions[topic] = position + take
        return out

    def lag(self, topics: Iterable[str]) -> int:
        """Records published but not yet polled by this client."""
        return sum(
            self.broker.end_offset(t) - self._positions.get(t, self.broker.committed(self.group_id, t))
            for t in topics
        )

    def commit(self) -> None:
        self.broker.commit(self.group_id, dict(self._positions))

    def flush(self) -> None:
        """Nothing is buffered in memory: a publish is visible at once."""

    def close(self) -> None:
        self.commit()
