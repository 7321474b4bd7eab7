"""The reorder buffer releases in event-time order and hands back what is too late."""

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
