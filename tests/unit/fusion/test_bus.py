"""MemoryBus keeps the Kafka semantics the stages rely on."""

from fusion.bus import MemoryBroker, MemoryBus


def _publish(bus: MemoryBus, topic: str, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        bus.publish(topic, f"k{i % 3}", str(i).encode(), float(i))


def test_offsets_order_and_per_group_positions():
    broker = MemoryBroker()
    producer = MemoryBus(broker, "producer")
    _publish(producer, "t", 5)
    a, b = MemoryBus(broker, "a"), MemoryBus(broker, "b")
    got = a.poll(["t"], max_records=3)
    assert [e.offset for e in got] == [0, 1, 2] and [e.value for e in got] == [b"0", b"1", b"2"]
    assert [e.offset for e in a.poll(["t"])] == [3, 4]
    assert [e.offset for e in b.poll(["t"])] == [0, 1, 2, 3, 4]  # groups are independent
    assert a.poll(["t"]) == []


def test_restarted_consumer_resumes_after_last_commit():
    broker = MemoryBroker()
    _publish(MemoryBus(broker, "p"), "t", 6)
    first = MemoryBus(broker, "svc")
    first.poll(["t"], max_records=4)
    first.commit()
    first.poll(["t"])  # read but never committed: a crash here loses nothing
    restarted = MemoryBus(broker, "svc")
    assert [e.offset for e in restarted.poll(["t"])] == [4, 5]


def test_retention_overflow_is_counted_not_hidden():
    broker = MemoryBroker(max_records_per_topic=10)
    _publish(MemoryBus(broker, "p"), "t", 30)
    late = MemoryBus(broker, "late")
    records = late.poll(["t"], max_records=100)
    assert broker.dropped("t") == 30 - len(broker.read("t"))
    assert late.skipped_by_retention == broker.dropped("t")
    assert records[-1].offset == 29 and len(records) == len(broker.read("t"))


def test_lag_counts_unread_records():
    broker = MemoryBroker()
    _publish(MemoryBus(broker, "p"), "t", 7)
    consumer = MemoryBus(broker, "c")
    consumer.poll(["t"], max_records=2)
    assert consumer.lag(["t"]) == 5
