"""The dashboard's one bus consumer: topics in, a time-indexed ``History`` out.

The dashboard never asks the tracker for anything: it is one more subscriber of the bus
(tracks, alerts, acknowledgements, AIS static data, and the raw feeds and rejects for
feed health), which is what lets the same page run against a replay or a live Kafka
cluster. Acknowledgements, verdicts, snoozes and notes are published back on the bus, so
they reach every dashboard; they and the risk assessments are kept in an ``OperatorLog``.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

from dashboard.history import History, HistoryConfig, Picture
from dashboard.operator_log import OperatorLog, OperatorRecord
from fusion import topics
from fusion.bus import Bus, Envelope
from fusion.schemas import AisStatic, Alert, AlertAck, TrackState, from_json, to_json

log = logging.getLogger(__name__)

SUBSCRIBED = (
    topics.TRACKS,
    topics.ALERTS,
    topics.ALERT_ACKS,
    topics.AIS_STATIC,
    topics.AIS_REPORTS,
    topics.RADAR_PLOTS,
    topics.REJECTS,
    topics.ALERT_VALIDATIONS,
    topics.SNOOZES,
    topics.VESSEL_NOTES,
    topics.RISK,
)
OPERATOR_TOPICS = {
    topic: topics.RECORD_TYPES[topic]
    for topic in (topics.ALERT_VALIDATIONS, topics.SNOOZES, topics.VESSEL_NOTES, topics.RISK)
}
POLL_BATCH = 20_000


class PictureFeed:
    """Keeps a ``History`` up to date from a bus; ``refresh`` is called by the page's timer.

    One feed serves every browser session of one dashboard process; its lock makes a
    refresh from two sessions at once safe. A record the dashboard cannot decode is
    counted in ``undecodable`` and logged, never allowed to stop the page.
    """

    def __init__(self, bus: Bus, config: HistoryConfig | None = None) -> None:
        self.bus = bus
        self.history = History(config)
        self.operator = OperatorLog()
        self.undecodable: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._cache: tuple[tuple[float | None, int], Picture] | None = None

    def refresh(self) -> History:
        """Read everything new on the bus into the history, then trim it to its retention window."""
        with self._lock:
            while envelopes := self.bus.poll(SUBSCRIBED, max_records=POLL_BATCH):
                for envelope in envelopes:
                    self._apply(envelope)
            if self.history.trim() and self.history.start is not None:
                self.operator.trim(self.history.start)
            return self.history

    def picture_at(self, time: float | None) -> Picture:
        """``History.picture_at``, cached for the last (time, version): sessions share a refresh."""
        with self._lock:
            key = (time, self.history.version)
            if self._cache is None or self._cache[0] != key:
                self._cache = (key, self.history.picture_at(time))
            return self._cache[1]

    def live_time(self) -> float | None:
        """Picture time of the live view: the newest event time of any track or alert."""
        return self.history.end

    def acknowledge(self, ack: AlertAck) -> None:
        """Publish an acknowledgement; this and every other dashboard read it back from the bus."""
        self.bus.publish(topics.ALERT_ACKS, ack.alert_id, to_json(ack), ack.time)
        self.bus.flush()
        self.refresh()

    def publish(self, topic: str, key: str, record: OperatorRecord, time: float) -> None:
        """Publish an officer's record at picture time ``time``; read back like anyone else's."""
        self.bus.publish(topic, key, to_json(record), time)
        self.bus.flush()
        self.refresh()

    def _apply(self, envelope: Envelope) -> None:
        topic, history = envelope.topic, self.history
        try:
            if topic == topics.TRACKS:
                history.add_track(from_json(TrackState, envelope.value))
            elif topic == topics.ALERTS:
                history.add_alert(from_json(Alert, envelope.value))
            elif topic == topics.ALERT_ACKS:
                history.add_ack(from_json(AlertAck, envelope.value))
            elif topic == topics.AIS_STATIC:
                history.add_static(from_json(AisStatic, envelope.value))
            elif topic == topics.AIS_REPORTS:
                history.add_feed_message("ais", envelope.key, envelope.time)
            elif topic == topics.RADAR_PLOTS:
                history.add_feed_message("radar", envelope.key, envelope.time)
            elif topic == topics.REJECTS:
                history.add_reject(envelope.key, envelope.time)
            elif topic in OPERATOR_TOPICS:
                self.operator.add(from_json(OPERATOR_TOPICS[topic], envelope.value), envelope.time)
        except (ValueError, TypeError, KeyError) as err:
            self.undecodable[topic] += 1
            log.warning("dashboard: undecodable record %s@%d skipped: %s", topic, envelope.offset, err)
