"""ingest.mmsi and ingest.mid: MMSI kinds (ITU-R M.585-9), MID -> flag state."""

from __future__ import annotations

import pytest

from ingest.mid import MID_TABLE, flag_state
from ingest.mmsi import InvalidMmsi, MmsiKind, classify


@pytest.mark.parametrize(
    ("mmsi", "kind", "mid", "flag"),
    [
        (257123456, MmsiKind.SHIP, 257, "NO"),
        (463000001, MmsiKind.SHIP, 463, "PK"),
        (366999999, MmsiKind.SHIP, 366, "US"),
        (217000001, MmsiKind.SHIP, 217, None),  # well formed, MID not allocated: accepted, no flag
        (2573345, MmsiKind.COAST_STATION, 257, "NO"),  # 002573345, the Norwegian base stations
        (3669708, MmsiKind.COAST_STATION, 366, "US"),
        (23100000, MmsiKind.GROUP, 231, "FO"),  # 023100000
        (111232001, MmsiKind.SAR_AIRCRAFT, 232, "GB"),
        (822012345, MmsiKind.HANDHELD, 220, "DK"),
        (982570001, MmsiKind.AUXILIARY_CRAFT, 257, "NO"),
        (992576001, MmsiKind.ATON, 257, "NO"),
        (970010001, MmsiKind.SART, None, None),
        (972011234, MmsiKind.MOB, None, None),
        (974019999, MmsiKind.EPIRB, None, None),
    ],
)
def test_kinds(mmsi: int, kind: MmsiKind, mid: int | None, flag: str | None) -> None:
    info = classify(mmsi)
    assert (info.kind, info.mid, info.flag.alpha2 if info.flag else None) == (kind, mid, flag)


@pytest.mark.parametrize(
    "mmsi",
    [
        0,  # the unset default
        1_000_000_000,  # ten digits: a 30-bit field can hold it, an MMSI cannot
        -1,
        123456789,  # 1 but not 111: the classic made-up number
        112345678,
        887211405,  # 8 + MID 872: no MID starts with 8 (real, Ais1000Lines.nm4)
        12345,  # 000012345: coast station with MID 012
        1234567,  # 001234567: coast station with MID 123
        976000001,  # 976: no kind
        911111111,
    ],
)
def test_invalid_numbers(mmsi: int) -> None:
    with pytest.raises(InvalidMmsi):
        classify(mmsi)


def test_mid_table_covers_the_itu_blocks() -> None:
    """ITU MIDs run 201-775; every row has a two-letter flag; well-known allocations hold."""
    assert len(MID_TABLE) > 280
    assert all(201 <= mid <= 775 and len(f.alpha2) == 2 for mid, f in MID_TABLE.items())
    assert flag_state(232).alpha2 == flag_state(235).alpha2 == "GB"
    assert flag_state(538).alpha2 == "MH"
    assert flag_state(200) is None
