"""AIS identity anomalies (``spoofing``): one MMSI in two places, impossible jumps, an
invalid MMSI, and AIS positions the radar contradicts.

The tracker fuses an AIS report into the track holding its MMSI only if the position is
plausible for that track; otherwise it counts an identity conflict and starts a separate
track carrying the same MMSI. So both anomalies show in the track stream:

- *two places*: two live tracks carry the MMSI, both fused an AIS report within
  ``identity_window_s`` of each other, and they are more than ``identity_jump_m`` apart;
- *impossible jump*: consecutive AIS fixes of the MMSI (a state whose ``time`` is its
  ``last_ais_time`` is the track right after fusing a report), on whatever track, more than
  ``identity_jump_m`` apart at an implied speed above ``identity_max_speed_kn``.

Two more anomalies come from elsewhere and go through :meth:`IdentityRule.anomaly`:

- *invalid MMSI*: ingest reads every MMSI (``AisReport.mmsi_kind``/``mmsi_problem``/
  ``flag_state``, :func:`mmsi_anomaly`); the engine hands each report to
  :meth:`IdentityRule.on_report` before the tracker fuses it, and every fix of such an
  MMSI on a confirmed track is an anomaly (medium: the vessel cannot be identified, which
  is often misconfiguration rather than deceit);
- *radar mismatch*: :mod:`fusion.rules.radar_shadow` (AIS positions the radar contradicts).

Every anomaly opens, or keeps open, one incident per MMSI (``spoofing``; high for a
position anomaly: someone transmits an identity that is not, or not only, theirs, or a
transponder's GNSS is being fed false positions). An incident opened as medium is
``updated`` to high when a position anomaly follows. It is cleared once
``identity_clear_s`` passes without a new anomaly and with the MMSI on at most one live
track, so an invalid MMSI stays open while the vessel transmits and clears 10 min after it
was last heard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fusion.rules.carriers import MmsiCarriers
from fusion.rules.config import RulesConfig
from fusion.rules.lifecycle import AlertBook, Evidence, IncidentKey, vessel_label
from fusion.rules.observation import Observation
from fusion.schemas import AisReport, AisStatic, Alert, AlertKind, MmsiKind, Severity, TrackState, TrackStatus
from tracking.frames import KNOT_MPS

NOT_A_VESSEL = frozenset({MmsiKind.GROUP, MmsiKind.COAST_STATION, MmsiKind.ATON, MmsiKind.SAR_AIRCRAFT})
"""MMSI kinds that never send a vessel's position report (types 1-3, 18, 19, 27): a group
call number (what a ship's 9-digit number becomes with a digit missing), a coast or base
station, an aid to navigation (type 21) or a SAR aircraft (type 9)."""
_HAS_MID = frozenset({MmsiKind.SHIP, MmsiKind.AUXILIARY_CRAFT, MmsiKind.HANDHELD})
_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(Severity)}


def mmsi_anomaly(record: AisReport | AisStatic) -> str | None:
    """Why the record's MMSI cannot be a vessel's genuine identity, or None when it can.

    Reads ingest's classification only; a record without one (schema version 1:
    ``mmsi_kind`` and ``mmsi_problem`` both None) is given the benefit of the doubt.
    """
    if record.mmsi_problem is not None:
        return record.mmsi_problem
    kind = record.mmsi_kind
    if kind in NOT_A_VESSEL:
        return f"MMSI {record.mmsi:09d} is a {kind.value.replace('_', ' ')} number, not a vessel's"
    if kind in _HAS_MID and record.flag_state is None:
        return f"MMSI {record.mmsi:09d} has a MID the ITU has not allocated (no flag state)"
    return None


def _key(mmsi: int) -> IncidentKey:
    return (AlertKind.SPOOFING, f"mmsi:{mmsi}", None)


@dataclass(slots=True)
class _Identity:
    last_fix: TrackState | None = None  # latest state right after an AIS report was fused
    last_anomaly_time: float | None = None


class IdentityRule:
    """Per-MMSI fixes and carrier tracks; see the module docstring for the rule."""

    def __init__(self, config: RulesConfig, book: AlertBook, carriers: MmsiCarriers) -> None:
        self._config = config
        self._book = book
        self._identities: dict[int, _Identity] = {}
        self._carriers = carriers  # updated by the engine before the rules see the state
        self._bad_mmsi: dict[int, str] = {}  # MMSI -> why it is no vessel's genuine identity

    def on_report(self, record: AisReport | AisStatic) -> None:
        """Learn what ingest read in the record's MMSI; the anomaly is raised on its next fix."""
        problem = mmsi_anomaly(record) if record.mmsi not in self._bad_mmsi else None
        if problem is not None:
            self._bad_mmsi[record.mmsi] = problem

    def on_update(self, observation: Observation) -> list[Alert]:
        """Check the update's MMSI against its other fixes and carriers."""
        state = observation.state
        if state.mmsi is None or state.status is TrackStatus.LOST:
            return []
        identity = self._identities.setdefault(state.mmsi, _Identity())
        if state.last_ais_time is None or state.time != state.last_ais_time:
            return []
        alerts = self._check_jump(identity, state)
        alerts += self._check_two_places(identity, state)
        identity.last_fix = state
        problem = self._bad_mmsi.get(state.mmsi)
        if problem is not None and state.status is TrackStatus.CONFIRMED:
            message = f"Invalid identity: {vessel_label(state.track_id, state.mmsi)}: {problem}"
            evidence: Evidence = {"anomaly": "invalid_mmsi", "problem": problem}
            alerts += self.anomaly(state, message, evidence, state.track_id, Severity.MEDIUM)
        return alerts

    def is_anomalous(self, mmsi: int) -> bool:
        """Whether the MMSI has an open identity incident."""
        return self._book.is_open(_key(mmsi))

    def on_time(self, now: float) -> list[Alert]:
        """Clear anomalies that have been quiet for ``identity_clear_s``."""
        alerts: list[Alert] = []
        clear_s = self._config.identity_clear_s
        for mmsi in sorted(m for m, i in self._identities.items() if i.last_anomaly_time is not None):
            identity = self._identities[mmsi]
            assert identity.last_anomaly_time is not None
            quiet = now - identity.last_anomaly_time >= clear_s
            if quiet and len(self._carriers.of(mmsi)) <= 1 and self._book.is_open(_key(mmsi)):
                where = identity.last_fix
                assert where is not None  # an anomaly needs a fix
                message = f"MMSI {mmsi}: no identity anomaly for {clear_s / 60:.0f} min"
                due_time = identity.last_anomaly_time + clear_s
                alerts.append(self._book.clear(_key(mmsi), due_time, where, message, {}))
                identity.last_anomaly_time = None
        return alerts

    def _check_jump(self, identity: _Identity, state: TrackState) -> list[Alert]:
        previous = identity.last_fix
        if previous is None:
            return []
        distance_m = math.hypot(state.east_m - previous.east_m, state.north_m - previous.north_m)
        dt_s = max(state.time - previous.time, 1.0)
        speed_kn = distance_m / dt_s / KNOT_MPS
        if distance_m <= self._config.identity_jump_m or speed_kn <= self._config.identity_max_speed_kn:
            return []
        message = (
            f"MMSI {state.mmsi}: AIS position jumped {distance_m / 1000:.1f} km in {dt_s:.0f} s "
            f"({speed_kn:.0f} kn) from {previous.track_id} to {state.track_id}"
        )
        evidence: Evidence = {
            "anomaly": "impossible_jump",
            "distance_m": distance_m,
            "interval_s": dt_s,
            "implied_speed_kn": speed_kn,
            "other_track_id": previous.track_id,
        }
        return self.anomaly(state, message, evidence, previous.track_id)

    def _check_two_places(self, identity: _Identity, state: TrackState) -> list[Alert]:
        assert state.mmsi is not None
        alerts: list[Alert] = []
        for other in sorted(self._carriers.of(state.mmsi).values(), key=lambda s: s.track_id):
            if other.track_id == state.track_id or other.last_ais_time is None:
                continue
            if state.time - other.last_ais_time > self._config.identity_window_s:
                continue
            distance_m = math.hypot(state.east_m - other.east_m, state.north_m - other.north_m)
            if distance_m <= self._config.identity_jump_m:
                continue
            message = (
                f"MMSI {state.mmsi} on two tracks {distance_m / 1000:.1f} km apart: "
                f"{vessel_label(state.track_id, state.mmsi)} and {other.track_id}"
            )
            evidence: Evidence = {
                "anomaly": "two_places",
                "distance_m": distance_m,
                "other_track_id": other.track_id,
            }
            alerts += self.anomaly(state, message, evidence, other.track_id)
        return alerts

    def anomaly(
        self,
        state: TrackState,
        message: str,
        evidence: Evidence,
        other_track_id: str,
        severity: Severity = Severity.HIGH,
        time: float | None = None,
    ) -> list[Alert]:
        """Note an anomaly of ``state``'s MMSI: raise its incident, or keep it open (and
        ``updated`` to a higher severity), and restart its clearing time.

        Parameters
        ----------
        state
            The state showing the anomaly (its track carries the MMSI; the alert is placed there).
        other_track_id
            The other track involved, if any (``state.track_id`` when none).
        time
            When the anomaly was established (event time, s); ``state.time`` by default.
        """
        assert state.mmsi is not None
        time = state.time if time is None else time
        identity = self._identities.setdefault(state.mmsi, _Identity())
        identity.last_anomaly_time = max(identity.last_anomaly_time or time, time)
        if identity.last_fix is None:
            identity.last_fix = state
        key = _key(state.mmsi)
        if not self._book.is_open(key):
            related = (other_track_id,) if other_track_id != state.track_id else ()
            return [self._book.raise_(key, time, state, severity, message, evidence, related)]
        if _SEVERITY_RANK[severity] > _SEVERITY_RANK[self._book.severity_of(key)]:
            return [self._book.update(key, time, state, severity, message, evidence)]
        return []
