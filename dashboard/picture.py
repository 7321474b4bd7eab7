"""The current picture a dashboard shows, built only from the tracks and alerts topics.

The dashboard never asks the tracker for anything: it is one more subscriber of the
bus, which is what lets the same page run against a replay or a live Kafka cluster.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from fusion import topics
from fusion.bus import Bus
from fusion.schemas import Alert, AlertState, TrackState, TrackStatus, from_json

RECENT_ALERTS = 200
"""Alert events kept for the panel; older ones remain on the alerts topic."""


@dataclass
class Picture:
    """Latest state of each live track and the most recent alert events."""

    tracks: dict[str, TrackState] = field(default_factory=dict)
    alerts: deque[Alert] = field(default_factory=lambda: deque(maxlen=RECENT_ALERTS))
    open_alerts: dict[str, Alert] = field(default_factory=dict)
    time: float | None = None

    def apply_track(self, state: TrackState) -> None:
        if state.status is TrackStatus.LOST:
            self.tracks.pop(state.track_id, None)
        else:
            self.tracks[state.track_id] = state
        self.time = state.time if self.time is None else max(self.time, state.time)

    def apply_alert(self, alert: Alert) -> None:
        self.alerts.appendleft(alert)
        if alert.state is AlertState.CLEARED:
            self.open_alerts.pop(alert.alert_id, None)
        else:
            self.open_alerts[alert.alert_id] = alert


class PictureFeed:
    """Keeps a ``Picture`` up to date from a bus; ``refresh`` is called by the page's timer."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.picture = Picture()
        self._lock = threading.Lock()

    def refresh(self) -> Picture:
        with self._lock:
            while envelopes := self.bus.poll((topics.TRACKS, topics.ALERTS), max_records=20_000):
                for envelope in envelopes:
                    if envelope.topic == topics.TRACKS:
                        self.picture.apply_track(from_json(TrackState, envelope.value))
                    else:
                        self.picture.apply_alert(from_json(Alert, envelope.value))
            return self.picture
