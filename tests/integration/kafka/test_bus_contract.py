"""One contract, two transports: MemoryBus and KafkaBus must behave alike for the stages.

Every test runs against the embedded broker and against the real Kafka broker of
``make test``, on uuid-named topics created and deleted per test.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from fusion.bus import Bus, MemoryBroker, MemoryBus
from tests.integration.kafka.helpers import poll_until

BusMaker = Callable[[str], Bus]


@pytest.fixture(params=["memory", "kafka"])
def transport(request: pytest.FixtureRequest) -> Iterator[tuple[BusMaker, Callable[..., list[str]]]]:
    """(make_bus(group_id), make_topics(*stems, partitions=N)) for one transport."""
    opened: list[Bus] = []
    if request.param == "memory":
        broker = MemoryBroker()

        def make_bus(group_id: str) -> Bus:
            bus = MemoryBus(broker, group_id)
            opened.append(bus)
            return bus

        def make_topics(*stems: str, partitions: int = 1) -> list[str]:
            return [f"{stem}.mem" for stem in stems]

    else:
        from fusion.bus_kafka import KafkaBus

        bootstrap = request.getfixturevalue("kafka_bootstrap")
        make_topics = request.getfixturevalue("new_topics")
        run = uuid.uuid4().hex[:12]  # group names unique to this test run

        def make_bus(group_id: str) -> Bus:
            bus = KafkaBus([bootstrap], f"{group_id}-{run}")
            opened.append(bus)
            return bus

    yield make_bus, make_topics
    for bus in opened:
        bus.close()


def _publish(bus: Bus, topic: str, n: int, keys: tuple[str, ...] = ("area-a/KHI", "area-b/MANORA")) -> None:
    for i in range(n):
        bus.publish(topic, keys[i % len(keys)], f"{i}".encode(), 1_768_000_000.0 + i / 4)
    bus.flush()


def test_order_per_key_and_fields_round_trip(transport) -> None:
    make_bus, make_topics = transport
    (topic,) = make_topics("order", partitions=3)
    producer = make_bus("producer")
    _publish(producer, topic, 300)

    got = poll_until(make_bus("reader"), [topic], 300)

    assert len(got) == 300
    by_key: dict[str, list[int]] = {}
    for envelope in got:
        by_key.setdefault(envelope.key, []).append(int(envelope.value))
        assert envelope.topic == topic
        assert envelope.time == 1_768_000_000.0 + int(envelope.value) / 4  # event time, not publish time
    assert set(by_key) == {"area-a/KHI", "area-b/MANORA"}
    for seqs in by_key.values():
        assert seqs == sorted(seqs)
        assert len(seqs) == 150


def test_offsets_are_consecutive_per_partition(transport) -> None:
    make_bus, make_topics = transport
    (topic,) = make_topics("offsets", partitions=2)
    _publish(make_bus("producer"), topic, 100)

    got = poll_until(make_bus("reader"), [topic], 100)

    per_partition: dict[int, list[int]] = {}
    for envelope in got:
        per_partition.setdefault(envelope.partition, []).append(envelope.offset)
    assert sum(len(v) for v in per_partition.values()) == 100
    for offsets in per_partition.values():
        assert offsets == list(range(len(offsets)))


def test_a_restarted_consumer_resumes_after_its_last_commit(transport) -> None:
    make_bus, make_topics = transport
    (topic,) = make_topics("resume")
    _publish(make_bus("producer"), topic, 50, keys=("k",))

    first = make_bus("worker")
    head = poll_until(first, [topic], 20)
    first.commit()
    first.close()
    rest = poll_until(make_bus("worker"), [topic], 30)

    assert [int(e.value) for e in head] == list(range(20))
    assert [int(e.value) for e in rest] == list(range(20, 50))


def test_consumer_groups_are_independent(transport) -> None:
    make_bus, make_topics = transport
    (topic,) = make_topics("groups")
    _publish(make_bus("producer"), topic, 40, keys=("k",))

    one = poll_until(make_bus("one"), [topic], 40)
    two = poll_until(make_bus("two"), [topic], 40)

    assert [e.value for e in one] == [e.value for e in two] == [str(i).encode() for i in range(40)]


def test_several_topics_in_one_poll(transport) -> None:
    make_bus, make_topics = transport
    ais, radar = make_topics("ais", "radar")
    producer = make_bus("producer")
    _publish(producer, ais, 10, keys=("k",))
    _publish(producer, radar, 15, keys=("k",))

    got = poll_until(make_bus("reader"), [ais, radar], 25)

    assert sorted(e.topic for e in got) == sorted([ais] * 10 + [radar] * 15)
