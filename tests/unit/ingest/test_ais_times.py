"""AisDecoder time conventions: $PGHP, USCG trailers, tag-block-only lines, groups, far-future stamps,
per-receiver fragment expiry and tag-block line counts."""

from __future__ import annotations

from fusion.schemas import AisReport, AisStatic, Reject, RejectReason, TimeSource
from ingest.ais import AisDecoder
from tests.unit.ingest.test_ais_decoder import STATIC5, T0, TYPE1, _xor, sentence, tag, vdm

TYPE5_A, TYPE5_B = vdm(STATIC5, seq_id=3)
DAY_S = 86_400.0


def _pghp(year: int, month: int, day: int, hh: int, mi: int, ss: int, ms: int) -> str:
    body = f"PGHP,1,{year},{month},{day},{hh},{mi},{ss},{ms},219,24,992190924,1,12"
    return f"${body}*{_xor(body)}"


def test_pghp_line_stamps_every_fragment_of_the_next_message() -> None:
    decoder = AisDecoder("src")
    assert decoder.feed(_pghp(2010, 6, 11, 11, 46, 12, 386), 1) == []
    assert decoder.feed(TYPE5_A, 2) == []
    (static,) = decoder.feed(TYPE5_B, 3)
    assert isinstance(static, AisStatic)
    assert static.time == 1276256772.386
    assert decoder.counts["stamp:pghp"] == 1
    # The stamp was for that message only: the next unstamped line has no time of its own.
    (reject,) = decoder.feed(TYPE1, 4)
    assert isinstance(reject, Reject) and reject.reason is RejectReason.NO_TIME


def test_pghp_with_an_impossible_date_is_rejected() -> None:
    (reject,) = AisDecoder("src").feed(_pghp(2010, 2, 30, 0, 0, 0, 0), 1)
    assert isinstance(reject, Reject) and reject.reason is RejectReason.MALFORMED_SENTENCE


def test_uscg_trailer_gives_time_and_station() -> None:
    decoder = AisDecoder("src")
    (a,) = decoder.feed(TYPE1 + ",b003669976,1272412827", 1)
    (b,) = decoder.feed(TYPE1 + ",d-109,S2105,t050056.00,T56.13,r003669946,1272412830,1272412831", 2)
    (c,) = decoder.feed(TYPE1 + ",1daasd4218,,1272412840", 3)  # garbage field (knapply 20181101.log)
    assert isinstance(a, AisReport) and isinstance(b, AisReport) and isinstance(c, AisReport)
    assert (a.time, a.receiver_id, a.time_source) == (1272412827.0, "b003669976", TimeSource.TAG_BLOCK)
    assert (b.time, b.receiver_id) == (1272412830.0, "r003669946")
    assert (c.time, c.receiver_id) == (1272412840.0, "src")


def test_tag_block_on_its_own_line_stamps_the_next_sentence() -> None:
    decoder = AisDecoder("src")
    assert decoder.feed(tag(f"s:KHI,c:{T0}"), 1) == []
    (report,) = decoder.feed(TYPE1, 2)
    assert isinstance(report, AisReport)
    assert (report.time, report.receiver_id) == (float(T0), "KHI")


def test_nmea40_group_spelling_joins_a_type5() -> None:
    decoder = AisDecoder("src")
    assert decoder.feed(tag(f"1G2:0125,c:{T0}") + TYPE5_A, 1) == []
    (static,) = decoder.feed(tag("2G2:0125") + TYPE5_B, 2)
    assert isinstance(static, AisStatic) and static.time == float(T0)


def test_group_left_out_of_the_tag_checksum_is_accepted_and_counted() -> None:
    """Ais1000Lines.nm4: ``\\g:1-2-9999,c:...*hh\\`` with hh the checksum of ``c:...`` alone."""
    decoder = AisDecoder("src")
    body_c = f"c:{T0}"
    assert decoder.feed(f"\\g:1-2-77,{body_c}*{_xor(body_c)}\\{TYPE5_A}", 1) == []
    (static,) = decoder.feed(f"\\g:2-2-77,{body_c}*{_xor(body_c)}\\{TYPE5_B}", 2)
    assert isinstance(static, AisStatic)
    assert decoder.counts["flag:tag_checksum_without_group"] == 2
    # Any other wrong checksum is still wrong.
    (reject,) = decoder.feed(f"\\g:1-2-78,{body_c}*00\\{TYPE1}", 3)
    assert isinstance(reject, Reject) and reject.reason is RejectReason.BAD_CHECKSUM


def test_far_future_stamp_is_rejected_and_does_not_move_the_reference() -> None:
    decoder = AisDecoder("src")
    first = decoder.feed(tag(f"c:{T0}") + TYPE1, 1)
    future = decoder.feed(tag(f"c:{T0 + 400 * DAY_S:.0f}") + TYPE1, 2)
    later = decoder.feed(tag(f"c:{T0 + 60}") + TYPE1, 3)
    assert isinstance(first[0], AisReport) and isinstance(later[0], AisReport)
    assert isinstance(future[0], Reject) and future[0].reason is RejectReason.OUT_OF_RANGE
    assert "ahead of the newest plausible time" in future[0].detail


def test_stamp_far_ahead_of_the_receipt_clock_is_rejected() -> None:
    (reject,) = AisDecoder("src").feed(tag(f"c:{T0}") + TYPE1, 1, receipt_time=T0 - 2 * DAY_S)
    assert isinstance(reject, Reject) and reject.reason is RejectReason.OUT_OF_RANGE


def test_reference_follows_the_data_when_the_first_stamp_was_the_outlier() -> None:
    decoder = AisDecoder("src", max_future_s=DAY_S)
    decoder.feed(tag(f"c:{T0 + 1000 * DAY_S:.0f}") + TYPE1, 1)  # nothing to compare with: accepted
    outs = [decoder.feed(tag(f"c:{T0 + i}") + TYPE1, i)[0] for i in range(2, 6)]
    assert all(isinstance(item, AisReport) for item in outs)
    # After three agreeing lines the reference is back with the data, so the bad time is now caught.
    (reject,) = decoder.feed(tag(f"c:{T0 + 1000 * DAY_S:.0f}") + TYPE1, 9)
    assert isinstance(reject, Reject) and reject.reason is RejectReason.OUT_OF_RANGE


def test_one_receivers_clock_does_not_expire_another_receivers_fragments() -> None:
    decoder = AisDecoder("src", fragment_timeout_s=60.0)
    assert decoder.feed(tag(f"s:A,c:{T0}") + TYPE5_A, 1) == []
    # Receiver B is an hour ahead (within the future limit): A's fragment must survive it.
    assert isinstance(decoder.feed(tag(f"s:B,c:{T0 + 3600}") + TYPE1, 2)[0], AisReport)
    (static,) = decoder.feed(tag(f"s:A,c:{T0 + 1}") + TYPE5_B, 3)
    assert isinstance(static, AisStatic)
    # On A's own clock the timeout applies.
    assert decoder.feed(tag(f"s:A,c:{T0 + 10}") + TYPE5_A, 4) == []
    (orphan, report) = decoder.feed(tag(f"s:A,c:{T0 + 100}") + TYPE1, 5)
    assert isinstance(orphan, Reject) and orphan.reason is RejectReason.ORPHAN_FRAGMENT
    assert isinstance(report, AisReport)


def test_gaps_in_tag_block_line_counts_are_counted() -> None:
    decoder = AisDecoder("src")
    for line_no, n in enumerate((10, 11, 15), 1):
        decoder.feed(tag(f"c:{T0},n:{n}") + TYPE1, line_no)
    assert decoder.counts["flag:lines_lost"] == 3


def test_navico_extra_field_before_the_fill_bits() -> None:
    body = TYPE1[1 : TYPE1.index("*")]  # AIVDM,1,1,,A,<payload>,0
    (report,) = AisDecoder("src").feed(sentence(body.replace(",A,", ",,", 1) + ",0"), 1, receipt_time=T0)
    assert isinstance(report, AisReport)


def test_static_records_carry_the_flag_state_and_unallocated_mids_are_flagged() -> None:
    decoder = AisDecoder("src")
    *_, static = [
        o for line in vdm({**STATIC5, "mmsi": 217000001}, seq_id=1) for o in decoder.feed(line, 1, T0)
    ]
    assert isinstance(static, AisStatic) and static.flag_state is None
    assert decoder.counts["flag:unallocated_mid"] == 1
    *_, static = [
        o for line in vdm({**STATIC5, "mmsi": 257000001}, seq_id=1) for o in decoder.feed(line, 2, T0)
    ]
    assert isinstance(static, AisStatic) and static.flag_state == "NO"


def test_type24b_of_an_auxiliary_craft_carries_its_mothership() -> None:
    line = vdm({"type": 24, "partno": 1, "mmsi": 982570001, "ship_type": 50, "mothership_mmsi": 257000001})[0]
    (static,) = AisDecoder("src").feed(line, 1, T0)
    assert isinstance(static, AisStatic)
    assert static.mothership_mmsi == 257000001 and static.to_bow_m is None


def _with_bits(payload: str, offset: int, width: int, value: int) -> str:
    """The six-bit payload with bits [offset, offset + width) replaced by ``value``."""
    bits = "".join(f"{c - 48 - 8 if c - 48 > 40 else c - 48:06b}" for c in payload.encode())
    bits = bits[:offset] + f"{value:0{width}b}" + bits[offset + width :]
    sixes = (int(bits[i : i + 6], 2) for i in range(0, len(bits), 6))
    return "".join(chr(v + 48 if v < 40 else v + 56) for v in sixes)


def test_reserved_ship_type_codes_are_kept_as_sent() -> None:
    """pyais' ShipType enum (and its encoder) maps reserved codes to 0 or a neighbour (38 -> 0,
    66 -> 65); gpsd reports the code sent, and so do we (gpsd's ais-nmea-type6-fid55.log)."""
    first, second = vdm({**STATIC5, "ship_type": 37}, seq_id=3)
    body = first[1 : first.index("*")].split(",")
    for code in (9, 38, 66):
        body[5] = _with_bits(body[5], 232, 8, code)
        decoder = AisDecoder("src")
        assert decoder.feed(sentence(",".join(body)), 1, T0) == []
        (static,) = decoder.feed(second, 2, T0)
        assert isinstance(static, AisStatic) and static.ship_type == code
