"""``KafkaBus``: the ``Bus`` protocol over Apache Kafka (kafka-python), for deployments.

This is the only module that imports kafka-python: every other stage sees ``Bus`` and
``Envelope`` only, so the in-memory and Kafka paths run the same stage code.

Choices, and why:

- **Idempotent producer, acks=all, batched.** A retried send is never written twice, and
  a record is acknowledged only when the in-sync replicas have it. ``publish`` only
  enqueues (the client batches for ``linger_ms``); ``flush`` waits for every send and
  raises ``BusError`` if any failed, so a caller that commits after ``flush`` never
  commits past an output that was lost.
- **Manual commits.** ``enable_auto_commit`` is off: a consumer's position becomes durable
  only when the stage calls ``commit`` after its outputs are flushed (at-least-once; outputs
  carry stable ids so consumers de-duplicate).
- **Event time travels in a header** (``t``, unix seconds as text). The Kafka record
  timestamp stays the producer's wall clock, so broker retention (which is time based)
  never deletes a replay of last year's data the moment it is written, and the latency
  from publish to output can be measured from the record timestamp.
- **Partitioning by tracking area.** Raw records are keyed ``AREA/SOURCE``
  (``fusion.topics.area_key``); ``AreaPartitioner`` hashes only the area, so every sensor of
  one area lands in one partition and one fuse instance owns the whole area. Keys without
  ``/`` (tracks, alerts) are hashed whole, like Kafka's default partitioner.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from kafka.errors import (
    KafkaConnectionError,
    KafkaError,
    TopicAlreadyExistsError,
    UnknownTopicOrPartitionError,
)
from kafka.partitioner import Partitioner, murmur2
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment, ConsumerProtocolSubscription
from kafka.structs import OffsetAndMetadata, TopicPartition

from fusion.bus import Envelope

log = logging.getLogger(__name__)
# kafka-python 3 warns whenever our CPU-bound stage holds the GIL past 0.1 s while its I/O
# thread waits: harmless for us (fetches are asynchronous) and one line per batch in a log.
logging.getLogger("kafka.net.selector").setLevel(logging.ERROR)

TIME_HEADER = "t"
JOIN_POLL_MS = 200
RECONNECT_BACKOFF_MAX_MS = 2000
"""Longest wait between reconnection attempts (kafka-python's default is 30 s): a restarted
broker is back in the picture within seconds, which is what a watch floor notices."""
PartitionRef = tuple[str, int]
"""(topic, partition): what the services above see instead of kafka-python's TopicPartition."""


class BusError(RuntimeError):
    """A send the broker never acknowledged: the caller must not commit past it."""


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """How to create a topic: partitions, and compaction for latest-value-wins topics."""

    partitions: int = 1
    compacted: bool = False
    retain_forever: bool = False
    """No time or size limit (``retention.ms=-1``): an audit trail must not age out."""


class AreaPartitioner(Partitioner):
    """Hashes the area part of an ``AREA/SOURCE`` key (murmur2, as Kafka's default partitioner).

    A key without ``/`` is hashed whole. Stable across processes and client languages, so
    a Java producer using the same rule on the area string agrees with us.
    """

    def partition(self, topic, key, serialized_key, value, serialized_value, cluster):  # type: ignore[override]
        partitions = sorted(cluster.partitions_for_topic(topic) or ())
        if not partitions:
            raise ValueError(f"topic {topic} has no known partitions")
        return partitions[area_partition(serialized_key or b"", len(partitions))]


def area_partition(serialized_key: bytes, partitions: int) -> int:
    """Partition index of a key: murmur2 of its area prefix (the text before the first ``/``)."""
    return (_murmur2(serialized_key.split(b"/", 1)[0]) & 0x7FFFFFFF) % partitions


@functools.lru_cache(maxsize=1 << 16)
def _murmur2(key: bytes) -> int:
    """kafka-python's murmur2 is pure Python (~5 us); a fuse service sends the same few
    thousand keys (areas, track ids, alert ids) over and over."""
    return murmur2(key)


class CoPartitionAssignor(AbstractPartitionAssignor):
    """Gives partition index *p* of every subscribed topic to one member (a tracking area's
    AIS and radar must meet in one fuse instance), spreading the indices over the members.

    Like Kafka's range assignor, but by partition index across topics; written here because
    kafka-python 3.0's range assignment was seen to leave a partition with two owners
    after a member joined.
    """

    name = "seawatch-copartition"
    version = 0

    @classmethod
    def assign(cls, cluster, members):  # type: ignore[no-untyped-def]
        topics_of = {m.member_id: sorted(set(m.metadata.topics)) for m in members}
        member_ids = sorted(topics_of)
        partitions = {
            t: sorted(cluster.partitions_for_topic(t) or ()) for ts in topics_of.values() for t in ts
        }
        indices = sorted({p for ps in partitions.values() for p in ps})
        owner = {p: member_ids[i % len(member_ids)] for i, p in enumerate(indices)}
        return {
            member: ConsumerProtocolAssignment(
                cls.version,
                [(t, [p for p in partitions[t] if owner[p] == member]) for t in topics_of[member]],
                b"",
            )
            for member in member_ids
        }

    @classmethod
    def metadata(cls, topics):  # type: ignore[no-untyped-def]
        return ConsumerProtocolSubscription(cls.version, list(topics), b"")

    @classmethod
    def on_assignment(cls, assignment, generation):  # type: ignore[no-untyped-def]
        pass


class _Rebalance(ConsumerRebalanceListener):
    def __init__(
        self,
        on_assigned: Callable[[list[PartitionRef]], None] | None,
        on_revoked: Callable[[list[PartitionRef]], None] | None,
    ) -> None:
        self._on_assigned = on_assigned
        self._on_revoked = on_revoked

    def on_partitions_revoked(self, revoked):  # type: ignore[no-untyped-def]
        if self._on_revoked is not None:
            self._on_revoked(sorted((tp.topic, tp.partition) for tp in revoked))

    def on_partitions_assigned(self, assigned):  # type: ignore[no-untyped-def]
        if self._on_assigned is not None:
            self._on_assigned(sorted((tp.topic, tp.partition) for tp in assigned))


class KafkaBus:
    """A producer plus a consumer in consumer group ``group_id`` on a Kafka cluster.

    Parameters
    ----------
    bootstrap_servers:
        ``HOST:PORT`` strings of one or more brokers.
    group_id:
        Consumer group: clients in one group share the partitions; each group reads everything.
    client_settings:
        Passed through to both kafka-python clients: ``security_protocol`` (``SSL``,
        ``SASL_PLAINTEXT``, ``SASL_SSL``), ``sasl_mechanism`` (``PLAIN``, ``SCRAM-SHA-256``,
        ``SCRAM-SHA-512``), ``sasl_plain_username``/``sasl_plain_password``, ``ssl_cafile``,
        ``ssl_certfile``, ``ssl_keyfile``, ``ssl_password``, ``ssl_check_hostname``, ``client_id``.
    linger_ms:
        How long the producer waits to fill a batch: a few ms of latency for far fewer requests.
    """

    def __init__(
        self,
        bootstrap_servers: Sequence[str],
        group_id: str,
        *,
        client_settings: Mapping[str, Any] | None = None,
        linger_ms: int = 5,
    ) -> None:
        self.bootstrap_servers = list(bootstrap_servers)
        self.group_id = group_id
        self.client_settings = dict(client_settings or {})
        self.linger_ms = linger_ms
        self._producer: KafkaProducer | None = None
        self._consumer: KafkaConsumer | None = None
        self._subscribed: tuple[str, ...] = ()
        self._listener: _Rebalance | None = None
        self._send_errors: list[BaseException] = []

    # ----------------------------------------------------------------- producer

    @property
    def producer(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = KafkaProducer(
                bootstrap_servers=self.bootstrap_servers,
                enable_idempotence=True,
                acks="all",
                linger_ms=self.linger_ms,
                batch_size=256 * 1024,
                max_in_flight_requests_per_connection=5,
                partitioner=AreaPartitioner(),
                reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
                **self.client_settings,
            )
        return self._producer

    def publish(self, topic: str, key: str, value: bytes, time: float) -> None:
        """Enqueue one record; ``flush`` makes it durable (or raises)."""
        future = self.producer.send(
            topic, value=value, key=key.encode(), headers=[(TIME_HEADER, repr(float(time)).encode())]
        )
        future.add_errback(self._send_errors.append)

    def flush(self) -> None:
        """Wait until every published record is acknowledged; raise ``BusError`` if one was not."""
        if self._producer is not None:
            self._producer.flush()
        if self._send_errors:
            errors, self._send_errors = self._send_errors, []
            raise BusError(f"{len(errors)} records were not acknowledged by Kafka; first: {errors[0]!r}")

    # ----------------------------------------------------------------- consumer

    @property
    def consumer(self) -> KafkaConsumer:
        if self._consumer is None:
            self._consumer = KafkaConsumer(
                bootstrap_servers=self.bootstrap_servers,
                group_id=self.group_id,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                fetch_max_wait_ms=50,
                partition_assignment_strategy=[CoPartitionAssignor],
                reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
                max_partition_fetch_bytes=8 << 20,
                **self.client_settings,
            )
        return self._consumer

    def subscribe(
        self,
        topics: Iterable[str],
        *,
        on_assigned: Callable[[list[PartitionRef]], None] | None = None,
        on_revoked: Callable[[list[PartitionRef]], None] | None = None,
    ) -> None:
        """Join the group for ``topics``; the callbacks run inside ``poll`` on a rebalance."""
        self._subscribed = tuple(topics)
        self._listener = _Rebalance(on_assigned, on_revoked)
        for topic in self._subscribed:
            # Fetch the topic's metadata first: a group assignment computed before the client
            # knows a just-created topic gives this member no partitions of it.
            if not self.consumer.partitions_for_topic(topic):
                log.warning(
                    "topic %s does not exist (yet); %s will read it once it does", topic, self.group_id
                )
        self.consumer.subscribe(list(self._subscribed), listener=self._listener)

    def poll(self, topics: Iterable[str], max_records: int = 500, timeout_s: float = 0.0) -> list[Envelope]:
        """Records after this consumer's positions, at most ``max_records``, waiting up to ``timeout_s``.

        Unlike ``MemoryBus`` this may return fewer records than are available (fetches are
        asynchronous); callers loop. Order is kept within each partition.
        """
        wanted = tuple(topics)
        if wanted != self._subscribed:
            self.subscribe(wanted)
        timeout_ms = int(timeout_s * 1000)
        if not self.consumer.assignment():
            # joining the group takes several round trips, and kafka-python 3.0 abandons a join
            # that a zero-timeout poll cuts short: give it time until partitions are assigned
            timeout_ms = max(timeout_ms, JOIN_POLL_MS)
        try:
            batches = self.consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        except KafkaConnectionError as error:
            # The broker is away (restart, network): kafka-python raises from its coordinator
            # lookup instead of waiting. Nothing was consumed, so the caller's next poll simply
            # tries again once the client has reconnected; pause so that is not a busy loop.
            log.warning("poll for group %s: broker unreachable, retrying: %s", self.group_id, error)
            time.sleep(max(timeout_s, RECONNECT_BACKOFF_MAX_MS / 4000))
            return []
        return [_envelope(record) for records in batches.values() for record in records]

    def commit(self) -> None:
        """Make the positions of everything polled durable for this group."""
        if self._consumer is None or not self._subscribed:
            return
        try:
            self._consumer.commit()
        except KafkaError as error:  # a rebalance took the partitions: the new owner re-reads
            log.warning(
                "commit for group %s failed after a rebalance (records will be re-read): %s",
                self.group_id,
                error,
            )

    def commit_offsets(self, offsets: Mapping[PartitionRef, int]) -> None:
        """Commit explicit next-offsets (e.g. those a state snapshot covers)."""
        if not offsets:
            return
        try:
            self.consumer.commit(
                {TopicPartition(t, p): OffsetAndMetadata(o, "", -1) for (t, p), o in offsets.items()}
            )
        except KafkaError as error:  # rebalance or broker away: the next commit carries these offsets too
            log.warning(
                "commit for group %s failed (%s); will commit again at the next checkpoint",
                self.group_id,
                error,
            )

    def seek(self, topic: str, partition: int, offset: int) -> None:
        """Move the consumer to ``offset`` on an assigned partition (used to resume from a snapshot)."""
        self.consumer.seek(TopicPartition(topic, partition), offset)

    def committed(self, topic: str, partition: int) -> int | None:
        """This group's committed next-offset of a partition, None if it never committed."""
        return self.consumer.committed(TopicPartition(topic, partition))

    def caught_up(self, topic: str, partition: int) -> bool:
        """True when everything the broker had for the partition at the last fetch has been polled."""
        tp = TopicPartition(topic, partition)
        if tp not in self.consumer.assignment():  # kafka-python raises on the highwater of another's
            return False
        highwater = self.consumer.highwater(tp)
        return highwater is not None and self.consumer.position(tp) >= highwater

    def pause(self, topic: str, partition: int) -> None:
        self.consumer.pause(TopicPartition(topic, partition))

    def resume(self, topic: str, partition: int) -> None:
        self.consumer.resume(TopicPartition(topic, partition))

    def end_offsets(self, topic: str) -> dict[int, int]:
        """Next offset to be written on each partition of ``topic``."""
        partitions = self.consumer.partitions_for_topic(topic) or set()
        ends = self.consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
        return {tp.partition: offset for tp, offset in ends.items()}

    # -------------------------------------------------------------------- admin

    def ensure_topics(self, specs: Mapping[str, TopicSpec]) -> None:
        """Create the topics that do not exist yet (replication factor 1 on a one-broker cluster)."""
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap_servers, **self.client_settings)
        try:
            brokers = max(1, len(admin.describe_cluster().get("brokers", [])))
            existing = set(admin.list_topics())
            new = [
                NewTopic(
                    name,
                    num_partitions=spec.partitions,
                    replication_factor=min(3, brokers),
                    topic_configs=({"cleanup.policy": "compact"} if spec.compacted else {})
                    | ({"retention.ms": "-1", "retention.bytes": "-1"} if spec.retain_forever else {}),
                )
                for name, spec in specs.items()
                if name not in existing
            ]
            if new:
                # another service may create one between our list and create: that is fine
                with contextlib.suppress(TopicAlreadyExistsError):
                    admin.create_topics(new, wait_for_metadata=True)
        finally:
            admin.close()

    def list_topics(self) -> list[str]:
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap_servers, **self.client_settings)
        try:
            return sorted(admin.list_topics())
        finally:
            admin.close()

    def delete_topics(self, names: Iterable[str]) -> None:
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap_servers, **self.client_settings)
        try:
            admin.delete_topics(list(names))
        except UnknownTopicOrPartitionError:
            pass
        finally:
            admin.close()

    def close(self) -> None:
        """Flush outputs, commit positions, and disconnect."""
        try:
            self.flush()
            self.commit()
        except KafkaError as error:
            log.warning("closing Kafka bus for group %s: %s", self.group_id, error)
        finally:
            if self._consumer is not None:
                self._consumer.close(autocommit=False)
                self._consumer = None
            if self._producer is not None:
                self._producer.close()
                self._producer = None


def _envelope(record: Any) -> Envelope:
    time = record.timestamp / 1000.0
    for name, value in record.headers or ():
        if name == TIME_HEADER:
            time = float(value)
            break
    return Envelope(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key.decode() if record.key is not None else "",
        value=record.value if record.value is not None else b"",
        time=time,
    )
