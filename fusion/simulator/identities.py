"""Who a simulated vessel says it is over AIS: MMSI, name, call sign, IMO, type, dimensions.

Kept apart from the plans so identities can change (e.g. more realistic names) without
touching how vessels move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class AisIdentity:
    """What the transponder says about the ship (static data, ITU-R M.1371 types 5 and 24)."""

    mmsi: int
    ais_class: str  # "A" or "B"
    name: str
    callsign: str
    imo: int
    ship_type: int
    to_bow_m: int
    to_stern_m: int
    to_port_m: int
    to_starboard_m: int
    draught_m: float
    destination: str
    nav_status: int  # 0 under way using engine, 1 at anchor, 7 engaged in fishing


_SHIP_NAMES = (
    "AL MANSOOR", "INDUS STAR", "GWADAR PRIDE", "SEA PEARL", "KHYBER", "ARABIAN TRADER", "MEHRAN",
    "CLIFTON", "OCEAN GRACE", "SAFINA", "NOOR", "BOLAN", "HAWKES BAY", "LAHORE EXPRESS", "RAVI",
    "CHENAB", "SWAT", "MARGALLA", "THAR", "KIRTHAR", "ZIARAT", "HUNZA", "KARAKORAM", "PASNI",
)  # fmt: skip


# Transponder profiles: (ais_class, ship_type, length range m, beam range m, nav_status); None: no AIS.
_PROFILES: dict[str, tuple[str, int, tuple[float, float], tuple[float, float], int] | None] = {
    "merchant": ("A", 70, (140.0, 300.0), (20.0, 45.0), 0),
    "tanker": ("A", 80, (180.0, 330.0), (30.0, 58.0), 0),
    "anchored": ("A", 70, (120.0, 280.0), (20.0, 45.0), 1),
    "trawler": ("A", 30, (18.0, 40.0), (5.0, 9.0), 7),
    "fishing_b": ("B", 30, (10.0, 18.0), (3.0, 5.0), 7),
    "pleasure": ("B", 37, (8.0, 16.0), (2.5, 5.0), 0),
    "dark": None,
}


def identity(rng: np.random.Generator, profile: str, mmsi: int) -> AisIdentity | None:
    """Static data for a vessel of transponder ``profile`` (a ``_PROFILES`` key); None if it has no AIS.

    The IMO number carries a valid check digit, as a reader validating it would expect.
    """
    spec = _PROFILES[profile]
    if spec is None:
        return None
    ais_class, ship_type, length_range, beam_range, nav_status = spec
    length_m = float(rng.uniform(*length_range))
    beam_m = float(rng.uniform(*beam_range))
    bow_m = round(length_m * float(rng.uniform(0.6, 0.85)))
    port_m = round(beam_m / 2)
    imo_digits = [int(d) for d in str(int(rng.integers(900000, 999999)))]
    check = sum(d * w for d, w in zip(imo_digits, range(7, 1, -1), strict=True)) % 10
    name = f"{_SHIP_NAMES[int(rng.integers(len(_SHIP_NAMES)))]} {int(rng.integers(1, 30))}"
    return AisIdentity(
        mmsi=mmsi,
        ais_class=ais_class,
        name=name,
        callsign=f"AP{int(rng.integers(1000, 9999))}",
        imo=int("".join(map(str, imo_digits))) * 10 + check if ais_class == "A" else 0,
        ship_type=ship_type,
        to_bow_m=bow_m,
        to_stern_m=max(1, round(length_m) - bow_m),
        to_port_m=port_m,
        to_starboard_m=max(1, round(beam_m) - port_m),
        draught_m=round(min(length_m / 20.0, 14.0), 1),
        destination="PKKHI" if ship_type in (70, 80) else "",
        nav_status=nav_status,
    )
