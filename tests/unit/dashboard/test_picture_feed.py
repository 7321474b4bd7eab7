"""The dashboard's bus consumer: every subscribed topic lands in the history; acks reach every dashboard."""

from __future__ import annotations

from dashboard.history import HistoryConfig
from dashboard.picture import PictureFeed
from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.schemas import AlertAck, Reject, RejectReason, to_json
from tests.unit.dashboard.records import T0, alert, static, track


def _publish_scene(broker: MemoryBroker) -> None:
    bus = MemoryBus(broker, "pipeline")
    bus.publish(topics.TRACKS, "T1", to_json(track("T1", T0)), T0)
    bus.publish(topics.ALERTS, "A1", to_json(alert("A1", T0)), T0)
    bus.publish(topics.AIS_STATIC, "463373736", to_json(static()), T0)
    bus.publish(topics.RADAR_PLOTS, "MANORA", b"{}", T0)
    bus.publish(topics.AIS_REPORTS, "KHI-AIS", b"{}", T0)
    reject = Reject(
        time=T0, source="ais.nmea", line_no=3, reason=RejectReason.BAD_CHECKSUM, detail="x", raw="!AIVDM"
    )
    bus.publish(topics.REJECTS, "ais.nmea", to_json(reject), T0)


def test_refresh_reads_every_topic_into_the_history():
    broker = MemoryBroker()
    _publish_scene(broker)
    feed = PictureFeed(MemoryBus(broker, "dashboard"))
    history = feed.refresh()
    picture = feed.picture_at(feed.live_time())
    assert set(picture.tracks) == {"T1"} and picture.alerts[0].alert.alert_id == "A1"
    assert picture.statics[463373736].name == "KIRTHAR 22"
    assert {(f.kind, f.source) for f in picture.feeds} == {("ais", "KHI-AIS"), ("radar", "MANORA")}
    assert history.rejects_at(T0) == {"ais.nmea": 1}


def test_undecodable_records_are_counted_not_fatal():
    broker = MemoryBroker()
    bus = MemoryBus(broker, "pipeline")
    bus.publish(topics.TRACKS, "T1", b"{not json", T0)
    bus.publish(topics.ALERTS, "A1", b'{"alert_id": "A1"}', T0)
    bus.publish(topics.TRACKS, "T2", to_json(track("T2", T0)), T0)
    feed = PictureFeed(MemoryBus(broker, "dashboard"))
    feed.refresh()
    assert feed.undecodable == {topics.TRACKS: 1, topics.ALERTS: 1}
    assert set(feed.picture_at(T0).tracks) == {"T2"}


def test_an_acknowledgement_reaches_every_dashboard_through_the_bus():
    broker = MemoryBroker()
    _publish_scene(broker)
    first, second = PictureFeed(MemoryBus(broker, "dash-1")), PictureFeed(MemoryBus(broker, "dash-2"))
    first.refresh()
    second.refresh()
    first.acknowledge(AlertAck(alert_id="A1", officer="Amina Qureshi", username="officer", time=T0))
    assert first.picture_at(T0).alerts[0].ack.officer == "Amina Qureshi"
    second.refresh()
    assert second.picture_at(T0).alerts[0].ack.officer == "Amina Qureshi"
    assert [e.key for e in broker.read(topics.ALERT_ACKS)] == ["A1"]


def test_picture_cache_follows_new_data():
    broker = MemoryBroker()
    feed = PictureFeed(MemoryBus(broker, "dashboard"))
    assert feed.picture_at(None).tracks == {}
    MemoryBus(broker, "p").publish(topics.TRACKS, "T1", to_json(track("T1", T0)), T0)
    feed.refresh()
    assert set(feed.picture_at(T0).tracks) == {"T1"}


def test_refresh_trims_the_history_to_its_retention_window():
    broker = MemoryBroker()
    bus = MemoryBus(broker, "pipeline")
    feed = PictureFeed(MemoryBus(broker, "dashboard"), HistoryConfig(retention_s=600.0))
    for i in range(0, 3600, 10):
        bus.publish(topics.TRACKS, "T1", to_json(track("T1", T0 + i)), T0 + i)
        if i % 300 == 0:
            feed.refresh()
    feed.refresh()
    history = feed.history
    assert history.end == T0 + 3590 and T0 + 3590 - 660 <= history.start <= T0 + 3590 - 600
    assert len(history.tracks["T1"].times) <= (660 + 300) / 10 + 1
    assert set(feed.picture_at(history.start).tracks) == {"T1"}
