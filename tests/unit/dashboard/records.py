"""Record factories for the dashboard's tests: small, explicit, no randomness."""

from __future__ import annotations

from fusion.schemas import AisStatic, Alert, AlertKind, AlertState, Severity, TrackState, TrackStatus

T0 = 1_768_464_000.0
COV = (100.0, 0, 0, 0, 0, 0.1, 0, 0, 0, 0, 44.0, 0, 0, 0, 0, 0.1)
"""East and north variances 100 m² and 44 m²: position sigma sqrt(72) = 8.5 m."""


def track(
    track_id: str = "T1",
    time: float = T0,
    *,
    lat: float = 24.7,
    lon: float = 66.9,
    mmsi: int | None = 463373736,
    radar_ids: tuple[str, ...] = ("MANORA",),
    status: TrackStatus = TrackStatus.CONFIRMED,
    sog_kn: float = 10.0,
    cog_deg: float = 90.0,
) -> TrackState:
    return TrackState(
        time=time,
        track_id=track_id,
        status=status,
        lat=lat,
        lon=lon,
        east_m=0.0,
        north_m=0.0,
        ve_mps=0.0,
        vn_mps=0.0,
        sog_kn=sog_kn,
        cog_deg=cog_deg,
        cov=COV,
        mmsi=mmsi,
        last_ais_time=time if mmsi is not None else None,
        last_radar_time=time if radar_ids else None,
        radar_ids=radar_ids,
    )


def alert(
    alert_id: str = "A1",
    time: float = T0,
    *,
    state: AlertState = AlertState.RAISED,
    severity: Severity = Severity.HIGH,
    track_id: str = "T1",
    kind: AlertKind = AlertKind.DARK_VESSEL,
    lat: float = 24.7,
    lon: float = 66.9,
    mmsi: int | None = None,
) -> Alert:
    return Alert(
        alert_id=alert_id,
        time=time,
        kind=kind,
        state=state,
        severity=severity,
        track_id=track_id,
        mmsi=mmsi,
        zone_id=None,
        lat=lat,
        lon=lon,
        message=f"{kind} on {track_id}",
    )


def static(mmsi: int = 463373736, time: float = T0, name: str = "KIRTHAR 22") -> AisStatic:
    return AisStatic(
        time=time,
        mmsi=mmsi,
        msg_type=5,
        name=name,
        call_sign="AP1234",
        imo=9123456,
        ship_type=70,
        to_bow_m=100,
        to_stern_m=20,
        to_port_m=10,
        to_starboard_m=12,
        destination="KARACHI",
        receiver_id="KHI-AIS",
    )
