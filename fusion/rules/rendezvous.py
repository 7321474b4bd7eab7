"""Rendezvous: two slow vessels staying close together (transfer at sea, bunkering).

On every evaluation the slow (not significantly above ``slow_speed_kn`` given the track's
speed uncertainty, see ``RulesConfig.is_slow``) confirmed or coasting tracks go into a
``cKDTree`` in ENU metres and ``query_pairs`` returns those within
``rendezvous_distance_m``: O(N log N), no loop over all pairs. Pairs with both tracks
inside a ``port`` zone are left out (ships at neighbouring berths). A pair is *together*
from the later of the two states that first showed it close; if it is still together
``rendezvous_min_duration_s`` later, ``rendezvous`` is raised at that due time (high if
either track has no MMSI, else medium). It is cleared when the two are more than
``rendezvous_part_m`` apart (hysteresis) or either track is lost.

The alert's primary track is the pair's smaller track id; the other is in
``related_track_ids``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.spatial import cKDTree

from fusion.rules.config import RulesConfig
from fusion.rules.lifecycle import ALERTING_STATUSES, AlertBook, IncidentKey, duration_text, vessel_label
from fusion.rules.observation import Observation
from fusion.rules.zones import LocalZones, ZoneKind
from fusion.schemas import Alert, AlertKind, Severity, TrackState

Pair = tuple[str, str]  # (smaller track id, larger track id)


def _key(pair: Pair) -> IncidentKey:
    return (AlertKind.RENDEZVOUS, f"{pair[0]}+{pair[1]}", None)


def _distance_m(a: TrackState, b: TrackState) -> float:
    return float(np.hypot(a.east_m - b.east_m, a.north_m - b.north_m))


class RendezvousRule:
    """Pair timers over the live tracks; see the module docstring for the rule."""

    def __init__(self, zones: LocalZones, config: RulesConfig, book: AlertBook) -> None:
        self._zones = zones
        self._config = config
        self._book = book
        self._together_since: dict[Pair, float] = {}
        self._open: set[Pair] = set()

    def on_lost(self, state: TrackState) -> list[Alert]:
        """Forget the lost track's pending pairs and clear its open ones."""
        gone = state.track_id
        for pair in [p for p in self._together_since if gone in p]:
            del self._together_since[pair]
        alerts: list[Alert] = []
        for pair in sorted(p for p in self._open if gone in p):
            self._open.remove(pair)
            message = f"Rendezvous of {pair[0]} and {pair[1]} ended: track {gone} lost"
            alerts.append(self._book.clear(_key(pair), state.time, state, message, {}))
        return alerts

    def on_time(self, now: float, live: Mapping[str, Observation]) -> list[Alert]:
        """Clear parted pairs, then start, keep or drop timers and raise the due ones.

        Parameters
        ----------
        now
            Watermark, event time (s).
        live
            Latest observation of every live track.
        """
        tracks = {track_id: observation.state for track_id, observation in live.items()}
        alerts = self._clear_parted(now, tracks)
        close = self._close_pairs(live)
        for pair in [p for p in self._together_since if p not in close]:
            del self._together_since[pair]
        for pair, distance_m in sorted(close.items()):
            if pair in self._open:
                continue
            a, b = tracks[pair[0]], tracks[pair[1]]
            since = self._together_since.setdefault(pair, max(a.time, b.time))
            due_time = since + self._config.rendezvous_min_duration_s
            if now >= due_time:
                del self._together_since[pair]
                self._open.add(pair)
                alerts.append(self._raise(pair, a, b, distance_m, due_time))
        return alerts

    def _clear_parted(self, now: float, tracks: Mapping[str, TrackState]) -> list[Alert]:
        alerts: list[Alert] = []
        for pair in sorted(self._open):
            a, b = tracks[pair[0]], tracks[pair[1]]
            distance_m = _distance_m(a, b)
            if distance_m > self._config.rendezvous_part_m:
                self._open.remove(pair)
                message = f"{pair[0]} and {pair[1]} parted ({distance_m:.0f} m apart)"
                alerts.append(self._book.clear(_key(pair), now, a, message, {"distance_m": distance_m}))
        return alerts

    def _close_pairs(self, live: Mapping[str, Observation]) -> dict[Pair, float]:
        """Slow, alerting tracks within ``rendezvous_distance_m`` of each other, not both in port."""
        slow = sorted(
            (o.state for o in live.values() if o.slow and o.state.status in ALERTING_STATUSES),
            key=lambda s: s.track_id,
        )
        if len(slow) < 2:
            return {}
        xy_m = np.array([(s.east_m, s.north_m) for s in slow], dtype=float)
        pairs = cKDTree(xy_m).query_pairs(r=self._config.rendezvous_distance_m, output_type="ndarray")
        if pairs.size:  # the port test only for the few tracks in a pair: it is the costly part
            paired = np.unique(pairs)
            in_port = np.zeros(len(slow), dtype=bool)
            in_port[paired] = self._zones.inside_kind(xy_m[paired, 0], xy_m[paired, 1], ZoneKind.PORT)
            pairs = pairs[~(in_port[pairs[:, 0]] & in_port[pairs[:, 1]])]
        distance_m = np.hypot(*(xy_m[pairs[:, 0]] - xy_m[pairs[:, 1]]).T)
        # query_pairs gives i < j and ``slow`` is sorted by id, so each pair is (smaller, larger).
        return {
            (slow[i].track_id, slow[j].track_id): d
            for (i, j), d in zip(pairs.tolist(), distance_m.tolist(), strict=True)
        }

    def _raise(self, pair: Pair, a: TrackState, b: TrackState, distance_m: float, due_time: float) -> Alert:
        severity = Severity.HIGH if a.mmsi is None or b.mmsi is None else Severity.MEDIUM
        dwell_s = self._config.rendezvous_min_duration_s
        message = (
            f"{vessel_label(a.track_id, a.mmsi)} and {vessel_label(b.track_id, b.mmsi)} within "
            f"{distance_m:.0f} m at under {self._config.slow_speed_kn:g} kn for {duration_text(dwell_s)}"
        )
        evidence = {"distance_m": distance_m, "dwell_s": dwell_s, "other_track_id": b.track_id}
        return self._book.raise_(
            _key(pair), due_time, a, severity, message, evidence, related_track_ids=(b.track_id,)
        )
