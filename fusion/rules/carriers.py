"""Which live tracks carry each MMSI: the tracker may put one MMSI on two tracks at once.

Shared by the rules keyed by vessel identity (identity anomalies, watch list), so both
agree on when an MMSI is in sight: the engine owns one instance and updates it once per
state, before those rules see the state.
"""

from __future__ import annotations

from fusion.rules.lifecycle import ALERTING_STATUSES
from fusion.schemas import TrackState


class MmsiCarriers:
    """Latest state of every confirmed or coasting track, grouped by the MMSI it carries."""

    def __init__(self) -> None:
        self._by_mmsi: dict[int, dict[str, TrackState]] = {}
        self._mmsi_of: dict[str, int] = {}

    def update(self, state: TrackState) -> int | None:
        """Record ``state``; returns the MMSI its track stopped carrying (lost, changed), if any."""
        dropped = None
        previous = self._mmsi_of.get(state.track_id)
        carries = state.mmsi is not None and state.status in ALERTING_STATUSES
        if previous is not None and (not carries or previous != state.mmsi):
            tracks = self._by_mmsi[previous]
            del tracks[state.track_id]
            if not tracks:
                del self._by_mmsi[previous]
            del self._mmsi_of[state.track_id]
            dropped = previous
        if carries:
            assert state.mmsi is not None
            self._by_mmsi.setdefault(state.mmsi, {})[state.track_id] = state
            self._mmsi_of[state.track_id] = state.mmsi
        return dropped

    def of(self, mmsi: int) -> dict[str, TrackState]:
        """Track id -> latest state of the live tracks carrying ``mmsi`` (empty if none)."""
        return self._by_mmsi.get(mmsi, {})
