"""Record factories shared by the tests of the stages downstream of the rules (risk, history)."""

from __future__ import annotations

from typing import Any

from fusion.schemas import Alert, AlertKind, AlertState, Severity

T0 = 1_768_464_000.0
"""2026-01-15 08:00 UTC, the bundled scenario's start."""


def make_alert(
    kind: AlertKind,
    track_id: str,
    mmsi: int | None,
    time: float = T0,
    *,
    alert_id: str | None = None,
    state: AlertState = AlertState.RAISED,
    **extra: Any,
) -> Alert:
    """An alert off Karachi; the id defaults to kind-track, so the events of one incident share it."""
    fields: dict[str, Any] = {
        "alert_id": alert_id or f"{kind.value}-{track_id}",
        "time": time,
        "kind": kind,
        "state": state,
        "severity": Severity.HIGH,
        "track_id": track_id,
        "mmsi": mmsi,
        "zone_id": None,
        "lat": 24.8,
        "lon": 66.9,
        "message": f"{kind.value} {state.value} on {track_id}",
    }
    return Alert(**(fields | extra))
