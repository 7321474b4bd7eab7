"""What officers and the risk stage said, as the dashboard read it from the bus, by event time.

Verdicts (``alerts.validations``), snoozes (``alerts.snoozes``), notes (``vessels.notes``) and
risk assessments (``risk``) are kept beside the picture's ``History`` and queried at the same
picture time, so a replay shows a verdict from the moment it was given, never before. Each
record is filed at the event time it was *published* with (the bus envelope's time): a snooze
ended early is its first record again with ``until_time`` = the end, published at the end,
so at a picture time before the end the snooze is still on.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable

from dashboard.history import AlertView, _TimeLog
from fusion.history.store import RuleStats
from fusion.schemas import AlertValidation, RiskAssessment, RuleSnooze, Verdict, VesselNote

OperatorRecord = AlertValidation | RuleSnooze | VesselNote | RiskAssessment


def _latest(log: _TimeLog, time: float) -> object | None:
    n = log.upto(time)
    return log.items[n - 1] if n else None


class OperatorLog:
    """Time-indexed verdicts, snoozes, notes and risk, each the latest per its key at a time."""

    def __init__(self) -> None:
        self.validations: dict[str, _TimeLog] = defaultdict(_TimeLog)
        self.snoozes: dict[str, _TimeLog] = defaultdict(_TimeLog)
        self.notes = _TimeLog()
        self.risk: dict[str, _TimeLog] = defaultdict(_TimeLog)
        self.version = 0
        """Bumped on every record, so a panel can tell nothing changed."""

    def add(self, record: OperatorRecord, time: float) -> None:
        """File ``record`` published at event time ``time`` (s)."""
        if isinstance(record, AlertValidation):
            self.validations[record.alert_id].add(time, record)
        elif isinstance(record, RuleSnooze):
            self.snoozes[record.snooze_id].add(time, record)
        elif isinstance(record, VesselNote):
            self.notes.add(time, record)
        elif isinstance(record, RiskAssessment):
            self.risk[record.track_id].add(time, record)
        else:
            raise TypeError(f"not an operator record: {type(record).__name__}")
        self.version += 1

    # --- queries at a picture time ---------------------------------------------------------

    def validation_at(self, alert_id: str, time: float) -> AlertValidation | None:
        """The verdict on ``alert_id`` in force at ``time`` (the latest given), or None."""
        log = self.validations.get(alert_id)
        return _latest(log, time) if log else None

    def validations_at(self, time: float) -> dict[str, AlertValidation]:
        return {a: v for a, log in self.validations.items() if (v := _latest(log, time)) is not None}

    def snoozes_at(self, time: float) -> list[RuleSnooze]:
        """Snoozes in force at ``time``: started at or before it, ending after it."""
        active = []
        for log in self.snoozes.values():
            snooze = _latest(log, time)
            if snooze is not None and snooze.time <= time < snooze.until_time:
                active.append(snooze)
        return sorted(active, key=lambda s: (s.time, s.snooze_id))

    def notes_at(self, time: float, *, mmsi: int | None, track_id: str | None) -> list[VesselNote]:
        """Notes up to ``time`` on the vessel (its MMSI, or its track for a vessel without AIS)."""
        return [
            note
            for note in self.notes.items[: self.notes.upto(time)]
            if (mmsi is not None and note.mmsi == mmsi)
            or (track_id is not None and note.track_id == track_id)
        ]

    def risk_at(self, time: float) -> list[RiskAssessment]:
        """Each vessel's latest assessment at ``time``, highest score first (ties by track id)."""
        latest = [a for log in self.risk.values() if (a := _latest(log, time)) is not None]
        return sorted(latest, key=lambda a: (-a.score, a.track_id))

    def trim(self, before: float) -> None:
        """Forget risk assessments superseded before ``before`` (the history's window start).

        Verdicts, snoozes and notes are a few per officer-hour and are all kept; risk is
        re-published on every alert and identity, so its logs are cut like the track logs.
        """
        for log in self.risk.values():
            log.trim(before)


def snooze_covers(snooze: RuleSnooze, view: AlertView) -> bool:
    """Whether ``snooze`` silences the alert: the same rule and the same vessel (MMSI, else track)."""
    alert = view.alert
    if snooze.kind != alert.kind:
        return False
    if snooze.mmsi is not None and alert.mmsi is not None:
        return snooze.mmsi == alert.mmsi
    return snooze.track_id == alert.track_id


def rule_stats(alerts: Iterable[AlertView], validations: dict[str, AlertValidation]) -> list[RuleStats]:
    """Per alert kind: alerts raised (in the picture), confirmed, rejected and why.

    The same figures as ``HistoryStore.rule_stats`` (``seawatch rules stats``), from what this
    dashboard has read: a verdict counts against the kind it names.
    """
    raised = Counter(view.alert.kind.value for view in alerts)
    confirmed: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for validation in validations.values():
        if validation.verdict is Verdict.CONFIRMED:
            confirmed[validation.kind.value] += 1
        else:
            reason = validation.reason.value if validation.reason is not None else "unspecified"
            reasons[validation.kind.value][reason] += 1
    return [
        RuleStats(kind, raised[kind], confirmed[kind], sum(reasons[kind].values()), dict(reasons[kind]))
        for kind in sorted(set(raised) | set(confirmed) | set(reasons))
    ]


def digest(value: object) -> str:
    """A short digest of what a panel shows: it is sent again only when this changes."""
    return hashlib.blake2b(repr(value).encode(), digest_size=12).hexdigest()
