"""ingest.vessels: static messages merged into one identity per MMSI."""

from __future__ import annotations

import pytest

from fusion.schemas import AisStatic
from ingest.ais import AisDecoder
from ingest.mmsi import MmsiKind
from ingest.vessels import VesselRecord, merge, merge_all
from tests.unit.ingest.test_ais_decoder import T0, vdm

MMSI = 257000001


def _static(time: float, msg_type: int, **fields: object) -> AisStatic:
    return AisStatic(time=time, mmsi=MMSI, msg_type=msg_type, **fields)  # type: ignore[arg-type]


def test_class_b_parts_a_and_b_make_one_identity() -> None:
    a = _static(T0, 24, name="SMALL ONE")
    b = _static(
        T0 + 30, 24, call_sign="LA1234", ship_type=37, to_bow_m=6, to_stern_m=4, to_port_m=2, to_starboard_m=1
    )
    record = merge(merge(None, a), b)
    assert (record.name, record.call_sign, record.ship_type) == ("SMALL ONE", "LA1234", 37)
    assert (record.length_m, record.beam_m) == (10, 3)
    assert (record.kind, record.flag_state, record.time, record.msg_types) == (
        MmsiKind.SHIP,
        "NO",
        T0 + 30,
        (24,),
    )


def test_newer_message_overwrites_only_what_it_carries() -> None:
    first = merge(None, _static(T0, 5, name="OLD NAME", imo=9811000, destination="OSLO"))
    second = merge(first, _static(T0 + 360, 5, name="NEW NAME", destination=None))
    assert (second.name, second.imo, second.destination) == ("NEW NAME", 9811000, "OSLO")


def test_late_older_message_only_fills_unknown_fields() -> None:
    record = merge(None, _static(T0 + 600, 5, name="CURRENT", destination="BERGEN"))
    record = merge(record, _static(T0, 5, name="STALE", destination="OSLO", imo=9811000))
    assert (record.name, record.destination, record.imo, record.time) == (
        "CURRENT",
        "BERGEN",
        9811000,
        T0 + 600,
    )


def test_same_message_twice_returns_the_same_record() -> None:
    record = merge(None, _static(T0, 19, name="X", ship_type=30))
    assert merge(record, _static(T0, 19, name="X", ship_type=30)) is record


def test_other_mmsi_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="merged into the record"):
        merge(merge(None, _static(T0, 5)), AisStatic(time=T0, mmsi=MMSI + 1, msg_type=5))


def test_invalid_mmsi_gets_a_record_without_kind() -> None:
    record = merge(None, AisStatic(time=T0, mmsi=123456789, msg_type=5, name="FAKE"))
    assert (record.kind, record.flag_state, record.name) == (None, None, "FAKE")


def test_decoded_types_5_and_24_merge_per_mmsi() -> None:
    """From NMEA to identity: a class A type 5 and a class B pair, interleaved."""
    lines = [
        *vdm({"type": 24, "partno": 0, "mmsi": 257000002, "shipname": "SKIFF"}),
        *vdm(
            {
                "type": 5,
                "mmsi": MMSI,
                "shipname": "BIG ONE",
                "callsign": "LAXX",
                "imo": 9811000,
                "to_bow": 90,
                "to_stern": 10,
            },
            seq_id=1,
        ),
        *vdm(
            {
                "type": 24,
                "partno": 1,
                "mmsi": 257000002,
                "callsign": "LB99",
                "ship_type": 37,
                "to_bow": 5,
                "to_stern": 3,
            }
        ),
    ]
    decoder = AisDecoder("src")
    statics = [
        o for i, line in enumerate(lines) for o in decoder.feed(line, i, T0 + i) if isinstance(o, AisStatic)
    ]
    records = merge_all({}, statics)
    assert records[MMSI].name == "BIG ONE" and records[MMSI].length_m == 100
    skiff = records[257000002]
    assert isinstance(skiff, VesselRecord)
    assert (skiff.name, skiff.call_sign, skiff.ship_type, skiff.length_m) == ("SKIFF", "LB99", 37, 8)
