"""``seawatch history``: the event topics into the vessel history database.

The database remembers which consumer group fills it (``history_meta``). A new database (or
one lost and recreated) gets a new group, which reads every topic from its start: the
database is rebuilt from the record of events. An existing one resumes its group's
committed offsets, and offsets are committed only after the batch's transaction: a crash
between the two replays a batch, which the idempotent upserts absorb.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable

from fusion import topics
from fusion.bus import Bus
from fusion.dead_letters import read_or_dead_letter
from fusion.history.store import HistoryStore
from fusion.polling import serve
from fusion.schemas import AisStatic, Alert, AlertValidation, RuleSnooze, VesselNote

RECORD_TYPES: dict[str, type] = {
    topics.ALERTS: Alert,
    topics.ALERT_VALIDATIONS: AlertValidation,
    topics.SNOOZES: RuleSnooze,
    topics.VESSEL_NOTES: VesselNote,
    topics.AIS_STATIC: AisStatic,
}
GROUP_KEY = "consumer_group"


def consumer_group(store: HistoryStore, prefix: str) -> str:
    """The group that fills this database: its own if it has one, else a new one (a rebuild)."""
    group = store.meta(GROUP_KEY)
    if group is None:
        group = f"{prefix}-{uuid.uuid4().hex[:12]}"
        store.set_meta(GROUP_KEY, group)
    return group


class HistoryService:
    """Feeds a :class:`HistoryStore` from a bus; ``drain`` handles everything available now."""

    def __init__(self, bus: Bus, store: HistoryStore) -> None:
        self.bus = bus
        self.store = store
        self.counts: Counter[str] = Counter()

    def drain(self) -> int:
        consumed = 0
        while envelopes := self.bus.poll(RECORD_TYPES, max_records=5_000):
            read = (read_or_dead_letter(self.bus, e, RECORD_TYPES[e.topic], self.counts) for e in envelopes)
            self.store.apply([record for record in read if record is not None])
            self.bus.flush()  # the dead letters, before the offsets that skip their records
            self.bus.commit()
            consumed += len(envelopes)
        return consumed

    def serve(self, exit_when_idle_s: float | None = None) -> None:
        """Drain forever, or until nothing arrived for ``exit_when_idle_s`` wall seconds."""
        serve(self.drain, exit_when_idle_s)


def run_history(
    open_bus: Callable[[str], Bus], store: HistoryStore, group_prefix: str, exit_when_idle_s: float | None
) -> Counter[str]:
    """Open the bus with this database's group and serve; returns the counts."""
    bus = open_bus(consumer_group(store, group_prefix))
    service = HistoryService(bus, store)
    try:
        service.serve(exit_when_idle_s)
    finally:
        bus.close()
    return service.counts
