"""Tracker settings, with the reason for each default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerConfig:
    process_noise_q_m2ps3: float = 0.05
    """White-acceleration density. 0.05 m²/s³ lets a 10 kn ship change course by ~20° over
    a minute without leaving the gate, yet keeps anchored vessels steady."""

    gate_chi2: float = 13.8
    """Mahalanobis gate for radar plots: χ²(2 dof) at 99.9 %, so a true plot falls outside
    it about once in a thousand scans."""

    pregate_radius_m: float = 2000.0
    """Euclidean pre-gate for the k-d tree: a coasting 30 kn boat moves ~460 m in 30 s, so
    no plot a Mahalanobis gate could accept lies further than this."""

    init_speed_sigma_mps: float = 8.0
    """Velocity uncertainty of a track born from one plot: ±2σ covers 0-31 kn, the speed
    range of everything from anchored ships to smugglers' fast boats."""

    max_speed_mps: float = 25.0
    """Velocity gate of two-point initiation (~49 kn): a tentative track faster than this is
    clutter paired with clutter, not a vessel."""

    confirm_hits: int = 3
    """Radar updates that confirm a tentative track (3 of the first scans, see
    ``tentative_max_misses``): one clutter plot rarely finds two more in line."""

    tentative_max_misses: int = 2
    """Scans in coverage a tentative track may miss before deletion."""

    radar_scan_hold_s: float = 30.0
    """A track updated by radar within this time is held by radar: it coasts after three
    missed scans and a radar-only track is deleted after this much silence."""

    ais_moving_max_idle_s: float = 120.0
    """An AIS-identified moving vessel reports every 2-10 s (ITU-R M.1371); two minutes of
    nothing from AIS or radar and its track is dropped."""

    ais_slow_max_idle_s: float = 600.0
    """At anchor or below 3 kn a class A reports every 3 min; keep the track through three
    missed reports before dropping it."""

    slow_speed_kn: float = 3.0
    """Below this a vessel reports on the slow AIS schedule (ITU-R M.1371 table 1)."""

    ais_position_sigma_m: float = 15.0
    """GNSS error (~5-10 m) plus position latency: the report's position is a few seconds
    older than its receive time, ~10 m at 10 kn."""

    ais_speed_sigma_mps: float = 0.3
    ais_course_sigma_deg: float = 3.0

    ais_bind_gate_chi2: float = 18.5
    """Gate for binding an AIS report to an unidentified track: χ²(4 dof) at 99.9 % on
    position and velocity, so a vessel passing close on another course is not bound."""

    ais_bind_radius_m: float = 1500.0
    """Only unidentified tracks within this distance of an AIS report are considered."""

    ais_identity_gate_m: float = 1000.0
    """An AIS report further than this (and outside the statistical gate) from the track
    already carrying its MMSI is not fused into it: either the identity is spoofed or two
    vessels share an MMSI. It starts a track of its own instead, so both stay visible."""
