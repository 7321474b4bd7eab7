"""AisDecoder: NMEA lines in, expected AisReport / AisStatic / Reject out, as a table.

Payloads are made with pyais' encoder (a second, independent code path from the decoder we
test) and checksums with the XOR below, so each case states its input fields in plain numbers.
"""

from __future__ import annotations

import operator
from functools import reduce

import pytest
from pyais import encode_dict

from fusion.schemas import AisReport, AisStatic, MmsiKind, Reject, RejectReason, TimeSource
from ingest.ais import AisDecoder

MMSI = 265547250
T0 = 1768456800


def _xor(text: str) -> str:
    return f"{reduce(operator.xor, text.encode(), 0):02X}"


def tag(body: str) -> str:
    """A tag block with a correct checksum."""
    return f"\\{body}*{_xor(body)}\\"


def sentence(body: str) -> str:
    """``!body*hh`` with a correct checksum; body starts with the address, e.g. ``AIVDM,1,1,...``."""
    return f"!{body}*{_xor(body)}"


def vdm(fields: dict[str, object], seq_id: int | None = None, channel: str = "A") -> list[str]:
    return encode_dict(fields, talker_id="AI", sentence_type="VDM", radio_channel=channel, seq_id=seq_id)


POS = {"type": 1, "mmsi": MMSI, "lat": 57.66, "lon": 11.83, "speed": 13.9, "course": 40.4, "heading": 41}
TYPE1 = vdm(POS)[0]
TYPE1_VDO = encode_dict(POS, sentence_type="VDO")[0]
TYPE1_SENTINELS = vdm({**POS, "speed": 102.3, "course": 360, "heading": 511, "status": 15})[0]
TYPE1_NO_LAT = vdm({**POS, "lat": 91})[0]
TYPE1_NO_LON = vdm({**POS, "lon": 181})[0]
TYPE1_BAD_MMSI = vdm({**POS, "mmsi": 12345})[0]
TYPE18 = vdm(
    {"type": 18, "mmsi": MMSI, "lat": -33.9, "lon": 18.4, "speed": 6.2, "course": 359.9, "heading": 511}
)[0]
TYPE27 = vdm({"type": 27, "mmsi": MMSI, "lat": 24.5, "lon": 66.9, "speed": 12, "course": 211, "status": 3})[0]
TYPE27_SENTINELS = vdm({"type": 27, "mmsi": MMSI, "lat": 24.5, "lon": 66.9, "speed": 63, "course": 511})[0]
STATIC5 = {
    "type": 5,
    "mmsi": MMSI,
    "imo": 9811000,
    "callsign": "H3RC",
    "shipname": "EVER GIVEN",
    "ship_type": 70,
    "to_bow": 200,
    "to_stern": 199,
    "to_port": 30,
    "to_starboard": 29,
    "destination": "ROTTERDAM",
}
TYPE5_A, TYPE5_B = vdm(STATIC5, seq_id=3)
TYPE5_EMPTY_A, TYPE5_EMPTY_B = vdm({"type": 5, "mmsi": MMSI}, seq_id=4)
TYPE19 = vdm(
    {"type": 19, "mmsi": MMSI, "lat": 24.8, "lon": 66.97, "speed": 3.1, "course": 90, "heading": 88}
    | {"shipname": "DHOW 7", "ship_type": 30, "to_bow": 10, "to_stern": 5, "to_port": 2, "to_starboard": 2}
)[0]
TYPE24A = vdm({"type": 24, "mmsi": MMSI, "partno": 0, "shipname": "SMALL ONE"})[0]
TYPE24B = vdm({"type": 24, "mmsi": MMSI, "partno": 1, "callsign": "AB12", "ship_type": 37, "to_bow": 5})[0]
TYPE4 = vdm({"type": 4, "mmsi": 2734500})[0]


def at(line: str, time_s: float = T0, station: str | None = None) -> str:
    return tag(f"s:{station},c:{time_s}" if station else f"c:{time_s}") + line


def report(raw: str, **fields: object) -> AisReport:
    """The AisReport POS decodes to, with ``fields`` changed."""
    base = dict(
        time=float(T0),
        time_source=TimeSource.TAG_BLOCK,
        mmsi=MMSI,
        msg_type=1,
        lat=57.66,
        lon=11.83,
        sog_kn=13.9,
        cog_deg=40.4,
        heading_deg=41,
        nav_status=None,
        receiver_id="src",
        raw=raw,
        mmsi_kind=MmsiKind.SHIP,
        flag_state="SE",
    )
    return AisReport(**(base | fields))


def rejected(reason: RejectReason, line_no: int | None = 1) -> tuple[str, RejectReason, int | None]:
    return ("reject", reason, line_no)


def _summary(item: AisReport | AisStatic | Reject) -> object:
    return rejected(item.reason, item.line_no) if isinstance(item, Reject) else item


CASES = [
    pytest.param([at(TYPE1)], [report(at(TYPE1))], id="type1-tag-block-seconds"),
    pytest.param(
        [at(TYPE1, 1768456800123)], [report(at(TYPE1, 1768456800123), time=1768456800.123)], id="c-millis"
    ),
    pytest.param(
        [at(TYPE1, station="KHI-AIS")],
        [report(at(TYPE1, station="KHI-AIS"), receiver_id="KHI-AIS")],
        id="s-receiver",
    ),
    pytest.param(
        [at(TYPE1_SENTINELS)],
        [report(at(TYPE1_SENTINELS), sog_kn=None, cog_deg=None, heading_deg=None, nav_status=None)],
        id="type1-sentinels-to-none",
    ),
    pytest.param([at(TYPE1_NO_LAT)], [rejected(RejectReason.NO_POSITION)], id="lat-91"),
    pytest.param([at(TYPE1_NO_LON)], [rejected(RejectReason.NO_POSITION)], id="lon-181"),
    pytest.param(
        [at(TYPE1_BAD_MMSI)],
        [
            report(
                at(TYPE1_BAD_MMSI),
                mmsi=12345,
                mmsi_kind=None,
                flag_state=None,
                mmsi_problem="MMSI 000012345 (coast_station) has MID 001; MIDs start with 2-7",
            )
        ],
        id="invalid-mmsi-kept-with-its-problem",
    ),
    pytest.param(
        [at(TYPE18)],
        [report(at(TYPE18), msg_type=18, lat=-33.9, lon=18.4, sog_kn=6.2, cog_deg=359.9, heading_deg=None)],
        id="type18-class-b-no-status",
    ),
    pytest.param(
        [at(TYPE27)],
        [
            report(
                at(TYPE27),
                msg_type=27,
                lat=24.5,
                lon=66.9,
                sog_kn=12.0,
                cog_deg=211.0,
                heading_deg=None,
                nav_status=3,
            )
        ],
        id="type27",
    ),
    pytest.param(
        [at(TYPE27_SENTINELS)],
        [
            report(
                at(TYPE27_SENTINELS),
                msg_type=27,
                lat=24.5,
                lon=66.9,
                sog_kn=None,
                cog_deg=None,
                heading_deg=None,
            )
        ],
        id="type27-own-sentinels",
    ),
    pytest.param(
        [at(TYPE5_A, T0), at(TYPE5_B, T0 + 1)],
        [
            AisStatic(
                time=T0 + 1.0,
                mmsi=MMSI,
                msg_type=5,
                name="EVER GIVEN",
                call_sign="H3RC",
                imo=9811000,
                ship_type=70,
                to_bow_m=200,
                to_stern_m=199,
                to_port_m=30,
                to_starboard_m=29,
                destination="ROTTERDAM",
                receiver_id="src",
                raw=at(TYPE5_A, T0) + "\n" + at(TYPE5_B, T0 + 1),
                flag_state="SE",
                mmsi_kind=MmsiKind.SHIP,
            )
        ],
        id="type5-two-parts-in-order",
    ),
    pytest.param(
        [at(TYPE5_EMPTY_A), at(TYPE5_EMPTY_B)],
        [
            AisStatic(
                time=float(T0),
                mmsi=MMSI,
                msg_type=5,
                receiver_id="src",
                raw=at(TYPE5_EMPTY_A) + "\n" + at(TYPE5_EMPTY_B),
                flag_state="SE",
                mmsi_kind=MmsiKind.SHIP,
            )
        ],
        id="type5-empty-text-and-zeros-to-none",
    ),
    pytest.param(
        [at(TYPE5_B), at(TYPE5_A)],
        [rejected(RejectReason.ORPHAN_FRAGMENT, 1), rejected(RejectReason.ORPHAN_FRAGMENT, 2)],
        id="type5-out-of-order",
    ),
    pytest.param(
        [at(TYPE5_A), at(TYPE5_A), at(TYPE5_B)],
        [rejected(RejectReason.ORPHAN_FRAGMENT, 1), AisStatic],
        id="repeated-first-fragment-orphans-the-older",
    ),
    pytest.param(
        [at(TYPE5_A, station="R1"), at(TYPE5_B, station="R2")],
        [rejected(RejectReason.ORPHAN_FRAGMENT, 2), rejected(RejectReason.ORPHAN_FRAGMENT, 1)],
        id="fragments-from-two-receivers-do-not-join",
    ),
    pytest.param(
        [at(TYPE5_A, T0), at(TYPE1, T0 + 61), at(TYPE5_B, T0 + 61)],
        [
            rejected(RejectReason.ORPHAN_FRAGMENT, 1),
            report(at(TYPE1, T0 + 61), time=T0 + 61.0),
            rejected(RejectReason.ORPHAN_FRAGMENT, 3),
        ],
        id="fragment-timeout-by-event-time",
    ),
    pytest.param([at(TYPE5_A, T0), at(TYPE5_B, T0 + 59)], [AisStatic], id="fragment-within-timeout"),
    pytest.param(
        [tag("g:1-2-77,s:R9,c:1768456800") + TYPE5_A, tag("g:2-2-77") + TYPE5_B],
        [AisStatic],
        id="tag-block-group-inherits-s-and-c",
    ),
    pytest.param(
        [at(TYPE19)],
        [
            report(at(TYPE19), msg_type=19, lat=24.8, lon=66.97, sog_kn=3.1, cog_deg=90.0, heading_deg=88),
            AisStatic(
                time=float(T0),
                mmsi=MMSI,
                msg_type=19,
                name="DHOW 7",
                ship_type=30,
                to_bow_m=10,
                to_stern_m=5,
                to_port_m=2,
                to_starboard_m=2,
                receiver_id="src",
                raw=at(TYPE19),
                flag_state="SE",
                mmsi_kind=MmsiKind.SHIP,
            ),
        ],
        id="type19-position-and-static",
    ),
    pytest.param(
        [at(TYPE24A)],
        [
            AisStatic(
                time=float(T0),
                mmsi=MMSI,
                msg_type=24,
                name="SMALL ONE",
                receiver_id="src",
                raw=at(TYPE24A),
                flag_state="SE",
                mmsi_kind=MmsiKind.SHIP,
            )
        ],
        id="type24-part-a",
    ),
    pytest.param(
        [at(TYPE24B)],
        [
            AisStatic(
                time=float(T0),
                mmsi=MMSI,
                msg_type=24,
                call_sign="AB12",
                ship_type=37,
                to_bow_m=5,
                receiver_id="src",
                raw=at(TYPE24B),
                flag_state="SE",
                mmsi_kind=MmsiKind.SHIP,
            )
        ],
        id="type24-part-b",
    ),
    pytest.param([at(TYPE4)], [], id="type4-unused"),
    pytest.param([at(TYPE1_VDO)], [report(at(TYPE1_VDO))], id="vdo-own-ship"),
    pytest.param([at(sentence("--VDM" + TYPE1[6:-3]))], [AisReport], id="talker-dashes"),
    pytest.param([at(TYPE1 + ",r003669935,1272416372")], [AisReport], id="uscg-trailer-after-checksum"),
    pytest.param([at(TYPE1[:-2] + "00")], [rejected(RejectReason.BAD_CHECKSUM)], id="bad-sentence-checksum"),
    pytest.param(
        ["\\c:1768456800*00\\" + TYPE1], [rejected(RejectReason.BAD_CHECKSUM)], id="bad-tag-block-checksum"
    ),
    pytest.param(
        ["\\c:1768456800*5\\" + TYPE1], [rejected(RejectReason.MALFORMED_TAG_BLOCK)], id="one-digit-tag-sum"
    ),
    pytest.param(
        ["\\c:1768456800" + TYPE1], [rejected(RejectReason.MALFORMED_TAG_BLOCK)], id="unclosed-tag-block"
    ),
    pytest.param([tag("c:soon") + TYPE1], [rejected(RejectReason.MALFORMED_TAG_BLOCK)], id="non-numeric-c"),
    pytest.param(
        [tag("c1768456800") + TYPE1], [rejected(RejectReason.MALFORMED_TAG_BLOCK)], id="tag-field-no-colon"
    ),
    pytest.param([at(TYPE1[:30])], [rejected(RejectReason.MALFORMED_SENTENCE)], id="truncated-no-checksum"),
    pytest.param([at(TYPE1[:-2])], [rejected(RejectReason.MALFORMED_SENTENCE)], id="truncated-in-checksum"),
    pytest.param(
        [at(sentence("AIVDM,1,1,,A,13u?etPv2;0n:dDP,0"))],
        [rejected(RejectReason.UNDECODABLE_PAYLOAD)],
        id="short-payload-valid-checksum",
    ),
    pytest.param(
        [at("!AIVDM,1,1,,B,,0*25")], [rejected(RejectReason.UNDECODABLE_PAYLOAD)], id="empty-payload"
    ),
    pytest.param(
        [at(sentence("AIVDM,0,1,,B,16UK7Fi0?w4tQF0l4Q@>401v1PS;,0"))],
        [rejected(RejectReason.MALFORMED_SENTENCE)],
        id="fragment-count-0",
    ),
    pytest.param(
        [at(sentence("AIVDM,1,2,,B,16UK7Fi0?w4tQF0l4Q@>401v1PS;,0"))],
        [rejected(RejectReason.MALFORMED_SENTENCE)],
        id="fragment-number-above-count",
    ),
    pytest.param(
        [at(sentence("AIVDM,1,1,,B,16UK7Fi0?w4tQF0l4Q@>401v1PS;,7"))],
        [rejected(RejectReason.MALFORMED_SENTENCE)],
        id="fill-bits-7",
    ),
    pytest.param(
        [at(sentence("AIVDM,1,1,,B,16UK7Fi0?w4t{F0l4Q@>401v1PS;,0"))],
        [rejected(RejectReason.MALFORMED_SENTENCE)],
        id="payload-outside-six-bit-alphabet",
    ),
    pytest.param(
        [at(sentence("AIVDM,1,1,,B,H3KLehdt00000000?6ekkjm000000,0"))],
        [rejected(RejectReason.UNDECODABLE_PAYLOAD)],
        id="type24-part-3-pyais-error",
    ),
    pytest.param(
        [at(sentence("AIVDM,1,1,,B,w3KLehdt00000000?6ekkjm000000,0"))],
        [rejected(RejectReason.UNDECODABLE_PAYLOAD)],
        id="type-63-not-defined",
    ),
    pytest.param(["IamNotAnAisMessage1111"], [rejected(RejectReason.UNKNOWN_SENTENCE)], id="free-text"),
    pytest.param(
        ["$GPRMC,203522.00,A,5109.0262,N,11401.8407,W,0.004,133.4,130522,0.0,E,D*2B"],
        [rejected(RejectReason.UNKNOWN_SENTENCE)],
        id="gps-sentence",
    ),
    pytest.param(["$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17"], [], id="pghp-alone-is-a-stamp"),
    pytest.param(["\x00\xff garbage ☃"], [rejected(RejectReason.UNKNOWN_SENTENCE)], id="binary-garbage"),
    pytest.param(
        [at(TYPE1.replace("13", "1é", 1))], [rejected(RejectReason.BAD_CHECKSUM)], id="non-ascii-in-vdm"
    ),
    pytest.param(["", "   ", "# a comment", "\r\n"], [], id="blank-and-comments"),
]


@pytest.mark.parametrize(("lines", "expected"), CASES)
def test_lines_decode_to_expected_records(lines: list[str], expected: list[object]) -> None:
    decoder = AisDecoder("src")
    got = [item for no, line in enumerate(lines, 1) for item in decoder.feed(line, no)]
    got += decoder.flush()
    assert len(got) == len(expected), got
    for item, want in zip(got, expected, strict=True):
        if isinstance(want, type):  # only the kind of record matters for this case
            assert isinstance(item, want), item
        else:
            assert _summary(item) == want


def test_receipt_time_is_used_without_c() -> None:
    item = AisDecoder("src").feed(TYPE1, 7, receipt_time=1000.5)[0]
    assert isinstance(item, AisReport)
    assert (item.time, item.time_source, item.receiver_id) == (1000.5, TimeSource.RECEIPT, "src")


def test_no_time_at_all_is_rejected() -> None:
    item = AisDecoder("src").feed(TYPE1, 7)[0]
    assert isinstance(item, Reject)
    assert (item.reason, item.line_no, item.raw, item.time) == (RejectReason.NO_TIME, 7, TYPE1, None)


def test_tag_block_time_wins_over_receipt_time() -> None:
    item = AisDecoder("src").feed(at(TYPE1), 1, receipt_time=T0 - 5.0)[0]
    assert isinstance(item, AisReport)
    assert (item.time, item.time_source) == (float(T0), TimeSource.TAG_BLOCK)


def test_orphan_reject_keeps_all_fragment_lines_and_first_line_number() -> None:
    decoder = AisDecoder("src")
    assert decoder.feed(at(TYPE5_A), 11) == []
    (orphan,) = decoder.flush()
    assert (orphan.reason, orphan.line_no, orphan.raw) == (RejectReason.ORPHAN_FRAGMENT, 11, at(TYPE5_A))
    assert decoder.flush() == []


def test_counts_messages_rejects_and_skips() -> None:
    decoder = AisDecoder("src")
    for no, line in enumerate(
        ["# c", "", at(TYPE1), at(TYPE5_A), at(TYPE5_B), at(TYPE4), at(TYPE19), "junk", at(TYPE1_NO_LAT)], 1
    ):
        decoder.feed(line, no)
    assert decoder.counts == {
        "skipped:comment": 1,
        "skipped:blank": 1,
        "accepted:type1": 1,
        "accepted:type5": 1,
        "unused:type4": 1,
        "accepted:type19": 1,
        "reject:unknown_sentence": 1,
        "reject:no_position": 1,
    }


def test_decoder_never_raises_on_mangled_variants_of_valid_lines() -> None:
    """Every prefix and every single-character deletion of real lines gives records or rejects."""
    decoder = AisDecoder("src")
    for line in (at(TYPE1, station="KHI-AIS"), at(TYPE5_A), at(TYPE5_B), at(TYPE27)):
        variants = [line[:i] for i in range(len(line))] + [line[:i] + line[i + 1 :] for i in range(len(line))]
        for variant in variants:
            for item in decoder.feed(variant, 1, receipt_time=0.0):
                assert isinstance(item, AisReport | AisStatic | Reject)
    assert all(isinstance(item, Reject) for item in decoder.flush())
