"""The vessel record shown for a selected track: identity, sources, quality, age.

Pure: a track view, its AIS static record and picture time in, label/value rows out.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from pyais.constants import ShipType

from dashboard.history import TrackView
from fusion.schemas import AisStatic

FlagLookup = Callable[[int], str | None]
"""MID (the first three digits of a ship's MMSI) to a flag name; injected by the caller
(``ingest.mid`` when present), since the dashboard may not import ``ingest``."""


def mid_of(mmsi: int) -> int | None:
    """Maritime Identification Digits of a ship station's MMSI (ITU-R M.585): digits 1-3.

    Other station kinds (``0``/``8``/``9`` prefixes: coast, handheld, SAR, AtoN) carry
    their MID further in and are not ships; they return None.
    """
    digits = f"{mmsi:09d}"
    return int(digits[:3]) if digits[0] in "234567" else None


def flag_text(mmsi: int, flag_of: FlagLookup | None) -> str:
    mid = mid_of(mmsi)
    if mid is None:
        return "not a ship station MMSI"
    name = flag_of(mid) if flag_of else None
    return f"{name} (MID {mid})" if name else f"MID {mid}"


def ship_type_text(code: int | None) -> str:
    if code is None or code == 0:
        return "not reported"
    try:
        return f"{ShipType(code).name.replace('_', ' ')} ({code})"
    except ValueError:
        return f"unknown ({code})"


def dimensions_text(static: AisStatic) -> str:
    parts = (static.to_bow_m, static.to_stern_m, static.to_port_m, static.to_starboard_m)
    if any(p is None for p in parts) or not any(parts):
        return "not reported"
    bow, stern, port, starboard = parts
    return f"{bow + stern} m x {port + starboard} m"


def position_sigma_m(cov: tuple[float, ...]) -> float:
    """1-sigma horizontal position error (m): root mean of the east and north variances."""
    return math.sqrt(max(0.0, (cov[0] + cov[10]) / 2.0))


def _age(picture_time: float, time: float | None) -> str:
    return "never" if time is None else f"{picture_time - time:.0f} s ago"


def vessel_rows(
    view: TrackView, static: AisStatic | None, picture_time: float, flag_of: FlagLookup | None = None
) -> list[tuple[str, str]]:
    """Label/value rows of the vessel record, in the order a watch officer reads them."""
    state = view.state
    sources = [f"radar {r}" for r in state.radar_ids]
    if state.last_ais_time is not None:
        sources.insert(0, "AIS")
    rows = [
        ("Track", f"{state.track_id} ({state.status}, {view.kind})"),
        ("MMSI", str(state.mmsi) if state.mmsi is not None else "none (no AIS: dark)"),
    ]
    if state.mmsi is not None:
        rows.append(("Flag", flag_text(state.mmsi, flag_of)))
        if static is None:
            rows.append(("Identity", "no static/voyage report received yet"))
        else:
            rows += [
                ("Name", static.name or "not reported"),
                ("Call sign", static.call_sign or "not reported"),
                ("IMO", str(static.imo) if static.imo else "not reported"),
                ("Type", ship_type_text(static.ship_type)),
                ("Dimensions", dimensions_text(static)),
                ("Destination", static.destination or "not reported"),
            ]
    rows += [
        ("Position", f"{state.lat:.5f}° N, {state.lon:.5f}° E"),
        ("Speed / course", f"{state.sog_kn:.1f} kn / {state.cog_deg:.0f}°"),
        ("Sources", ", ".join(sources) or "none"),
        ("Quality", f"position σ {position_sigma_m(state.cov):.0f} m"),
        ("Last update", _age(picture_time, state.time)),
        ("Last AIS", _age(picture_time, state.last_ais_time)),
        ("Last radar", _age(picture_time, state.last_radar_time)),
    ]
    return rows
