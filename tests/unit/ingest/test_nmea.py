"""ingest.nmea: checksums, tag-block fields and VDM field validation in isolation."""

from __future__ import annotations

import pytest

from fusion.schemas import RejectReason
from ingest.nmea import (
    MS_EPOCH_THRESHOLD,
    NmeaError,
    TagBlock,
    nmea_checksum,
    parse_uscg_trailer,
    parse_vdm,
    split_tag_block,
)


@pytest.mark.parametrize(
    ("text", "checksum"),
    [
        # Lines published by others: AISHub (pyais examples/sample.ais), a Norwegian coastal
        # administration tag block (pyais messages.py), and docs/formats.md.
        (b"AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0", 0x23),
        (b"s:2573535,c:1671533231", 0x08),
        (b"s:KHI-AIS,c:1768456800", 0x07),
    ],
)
def test_checksum_matches_published_examples(text: bytes, checksum: int) -> None:
    assert nmea_checksum(text) == checksum


@pytest.mark.parametrize(
    ("c_value", "seconds"),
    [
        ("1768456800", 1768456800.0),
        ("1768456800.25", 1768456800.25),
        ("1768456800250", 1768456800.25),  # milliseconds
        (str(int(MS_EPOCH_THRESHOLD)), MS_EPOCH_THRESHOLD),  # the threshold itself is still seconds
    ],
)
def test_c_field_seconds_or_milliseconds(c_value: str, seconds: float) -> None:
    body = f"c:{c_value}"
    tag, rest = split_tag_block(f"\\{body}*{nmea_checksum(body.encode()):02X}\\!rest".encode())
    assert tag == TagBlock(time_s=seconds, station=None, group=None)
    assert rest == b"!rest"


def test_tag_block_fields_and_unknown_keys() -> None:
    body = b"g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01,q:u"
    tag, _ = split_tag_block(b"\\" + body + b"*%02X\\!x" % nmea_checksum(body))
    assert tag == TagBlock(time_s=1418169601.0, station="rORBCOMM008", group=(1, 2, "1604"), quality="u")


def test_no_tag_block_passes_the_line_through() -> None:
    assert split_tag_block(b"!AIVDM,1") == (None, b"!AIVDM,1")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("c:-5", RejectReason.MALFORMED_TAG_BLOCK),
        ("c:inf", RejectReason.MALFORMED_TAG_BLOCK),
        ("g:1-2", RejectReason.MALFORMED_TAG_BLOCK),
        ("g:a-2-7", RejectReason.MALFORMED_TAG_BLOCK),
    ],
)
def test_bad_tag_block_values(body: str, reason: RejectReason) -> None:
    with pytest.raises(NmeaError) as info:
        split_tag_block(f"\\{body}*{nmea_checksum(body.encode()):02X}\\!x".encode())
    assert info.value.reason is reason


def test_vdm_fields() -> None:
    body = b"BSVDM,2,1,7,B,53n4Bg`00000hMA80004l:05E=@EHthh`Dq@400r18>444rdR50C@UC0CPiH,0"
    vdm = parse_vdm(b"!" + body + b"*%02X" % nmea_checksum(body))
    assert (vdm.talker, vdm.fragment_count, vdm.fragment_number, vdm.sequence_id, vdm.channel) == (
        "BS",
        2,
        1,
        "7",
        "B",
    )
    assert (vdm.payload[:4], vdm.fill_bits) == (b"53n4", 0)


def test_a_repeated_sentence_parses_alike_and_a_repeated_bad_one_still_raises() -> None:
    """Parsed sentences are cached (stations repeat each other's); bad ones never are."""
    body = b"AIVDM,1,1,,B,15MgK45P3@G?fl0E`JbR0OwT0@MS,0"
    good = b"!" + body + b"*%02X" % nmea_checksum(body)
    assert parse_vdm(bytes(good)) == parse_vdm(bytes(good))
    bad = good[:-2] + b"%02X" % (nmea_checksum(body) ^ 1)
    for _ in range(2):
        with pytest.raises(NmeaError) as info:
            parse_vdm(bad)
        assert info.value.reason is RejectReason.BAD_CHECKSUM


def test_lower_case_hex_checksum_is_accepted() -> None:
    body = b"AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0"
    assert parse_vdm(b"!" + body + b"*%02x" % nmea_checksum(body)).payload == b"13u?etPv2;0n:dDPwUM1U1Cb069D"


def test_extra_field_before_fill_bits_is_tolerated() -> None:
    """Navico GoFree writes ``payload,0,0*hh`` (SignalK gofree-merrimac.log)."""
    body = b"AIVDM,1,1,1,,102EFW3P000Hk`JNK`E`?Ovf0000,0,0"
    assert parse_vdm(b"!" + body + b"*%02X" % nmea_checksum(body)).fill_bits == 0


@pytest.mark.parametrize(
    ("trailer", "time_s"),
    [
        (b",b003669976,1272412827", 1272412827.0),  # USCG: seconds
        (b",1272412827123", 1272412827.123),  # milliseconds, as Australian networks write them
        (b",d-109,S2105,123", None),  # small numbers are levels and slots, not times
    ],
)
def test_trailing_receive_time_in_seconds_or_milliseconds(trailer: bytes, time_s: float | None) -> None:
    assert parse_uscg_trailer(trailer)[0] == time_s
