"""The inputs of the CISE mapping that are not pipeline records as they are.

``VesselFix`` is where a vessel was, as a track state or an alert says; ``SharedAlert`` is an
alert as one partner may see it (possibly cut to its sharing policy). Risk assessments are
mapped straight from ``fusion.schemas.RiskAssessment`` (the ``risk`` topic).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from fusion.schemas import Alert, AlertKind, AlertState, Severity, TrackState, to_dict

_RECORD = dict(frozen=True, slots=True, kw_only=True)


@dataclass(**_RECORD)
class VesselFix:
    """A vessel's position at one event time, with what is known of its motion and source.

    ``sigma_m`` is the 1-sigma position uncertainty (metres), ``source`` and ``sensor`` are
    CISE ``SourceType`` and ``SensorType`` values, or None when not known.
    """

    time: float
    lat: float
    lon: float
    sog_kn: float | None = None
    cog_deg: float | None = None
    sigma_m: float | None = None
    source: str | None = None
    sensor: str | None = None


def fix_of_track(state: TrackState) -> VesselFix:
    """The fix a track state gives: kinematics, accuracy from the covariance, source from its sensors.

    A track fed by AIS and radar is a ``Correlation`` of both; AIS alone is what the vessel
    ``Declaration``s; radar alone an ``Observation``. The sensor is the one of the latest update.
    """
    ais, radar = state.last_ais_time, state.last_radar_time
    if ais is not None and radar is not None:
        source = "Correlation"
    elif ais is not None:
        source = "Declaration"
    elif radar is not None:
        source = "Observation"
    else:
        source = "Estimation"
    sensor = None
    if ais is not None or radar is not None:
        latest_ais = ais is not None and (radar is None or ais >= radar)
        sensor = "AutomaticIdentificationSystem" if latest_ais else "MaritimeRadar"
    sigma_m = None
    if len(state.cov) == 16:
        sigma_m = math.sqrt(max(state.cov[0], state.cov[10], 0.0))
    return VesselFix(
        time=state.time,
        lat=state.lat,
        lon=state.lon,
        sog_kn=state.sog_kn,
        cog_deg=state.cog_deg,
        sigma_m=sigma_m,
        source=source,
        sensor=sensor,
    )


ALERT_FIELDS = frozenset(f.name for f in fields(Alert))
SHARED_CORE = ("alert_id", "time", "kind", "state")
"""Fields every shared alert has: without them an incident cannot be followed."""


class SharedAlertError(ValueError):
    """A value on an alert topic that is no (cut) alert; the message says which field."""


@dataclass(**_RECORD)
class SharedAlert:
    """An alert as one partner may see it: the core fields, and None for each field withheld.

    Built from the JSON value of an alert topic, either a whole :class:`~fusion.schemas.Alert`
    (``alerts``) or an alert cut to a partner's sharing policy (``alerts.<agency>``, where a
    withheld field's key is absent). The CISE mapping writes only what is here, and adds a
    vessel's AIS identity only when ``mmsi`` was shared.
    """

    alert_id: str
    time: float
    kind: AlertKind
    state: AlertState
    severity: Severity | None = None
    track_id: str | None = None
    mmsi: int | None = None
    zone_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    message: str | None = None
    related_track_ids: tuple[str, ...] = ()
    evidence: dict[str, float | str] = field(default_factory=dict)
    responsible_agency: str | None = None
    withheld: frozenset[str] = frozenset()
    """Alert fields the value did not carry: withheld from this partner by its sharing policy."""

    @classmethod
    def from_value(cls, data: Mapping[str, Any]) -> SharedAlert:
        """Parse one topic value (a dict); unknown keys are ignored, bad core fields raise."""
        missing = [name for name in SHARED_CORE if data.get(name) is None]
        if missing:
            raise SharedAlertError(f"alert value without {', '.join(missing)}")
        try:
            return cls(
                alert_id=str(data["alert_id"]),
                time=float(data["time"]),
                kind=AlertKind(data["kind"]),
                state=AlertState(data["state"]),
                severity=None if data.get("severity") is None else Severity(data["severity"]),
                track_id=_optional(data, "track_id", str),
                mmsi=_optional(data, "mmsi", int),
                zone_id=_optional(data, "zone_id", str),
                lat=_optional(data, "lat", float),
                lon=_optional(data, "lon", float),
                message=_optional(data, "message", str),
                related_track_ids=tuple(str(t) for t in data.get("related_track_ids") or ()),
                evidence=dict(data.get("evidence") or {}),
                responsible_agency=_optional(data, "responsible_agency", str),
                withheld=frozenset(ALERT_FIELDS - data.keys()),
            )
        except (TypeError, ValueError) as error:
            raise SharedAlertError(f"alert {data.get('alert_id')!r}: {error}") from None

    @classmethod
    def of(cls, alert: Alert) -> SharedAlert:
        """The whole alert, nothing withheld (a domestic recipient of the ``alerts`` topic)."""
        return cls.from_value(to_dict(alert))


def _optional(data: Mapping[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    return None if value is None else kind(value)
