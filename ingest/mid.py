"""Maritime Identification Digits (MID) -> flag state, from the ITU MID list.

The table is data, ``ingest/data/mid.csv``, rebuilt by ``scripts/mid_table.py`` (which says where
it comes from). It is read once at import: 292 rows, looked up per static message and vessel.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

_TABLE_PATH = Path(__file__).resolve().parent / "data" / "mid.csv"


class FlagState(NamedTuple):
    """The administration a MID is allocated to.

    Attributes
    ----------
    alpha2 : str
        ISO 3166-1 alpha-2 code (``NO``, ``PK``; territories have their own, e.g. ``FO``).
    name : str
        The ITU's name of the administration or geographical area.
    """

    alpha2: str
    name: str


def _load(path: Path) -> dict[int, FlagState]:
    with path.open(encoding="utf-8", newline="") as rows:
        reader = csv.DictReader(row for row in rows if not row.startswith("#"))
        return {int(row["mid"]): FlagState(row["alpha2"], row["name"]) for row in reader}


MID_TABLE: dict[int, FlagState] = _load(_TABLE_PATH)


def flag_state(mid: int) -> FlagState | None:
    """The flag state of a three-digit MID, None when the ITU has not allocated it."""
    return MID_TABLE.get(mid)
