"""``ingest.ais_static`` reads the same values as pyais' ``from_vector``, field by field.

Checked on every type 5, 19 and 24 payload of the real recordings (../shared/data/real) and
on generated payloads covering part A, part B, an auxiliary craft's part B and the part
numbers ITU-R M.1371 does not define.
"""

from __future__ import annotations

import pytest
from pyais import encode_dict
from pyais.bit_vector import bit_vector
from pyais.messages import MSG_CLASS

from ingest.ais_position import payload_bits
from ingest.ais_static import UnknownPart, read_static, static_layout
from ingest.nmea import NmeaError, parse_vdm
from tests.unit.ingest.real_sentences import real_vdm_sentences

STATIC_FIRST_CHARS = {ord("5"), ord("C"), ord("H")}  # types 5, 19, 24


def _same_as_pyais(payload: bytes, fill_bits: int) -> None:
    msg_type = payload[0] - 48 if payload[0] < 88 else payload[0] - 56
    value, n_bits = payload_bits(payload), 6 * len(payload)
    try:
        expected = MSG_CLASS[msg_type].from_vector(bit_vector(payload, fill_bits))
    except Exception:  # pyais refuses it: so must we (only an undefined type 24 part can be refused)
        with pytest.raises(UnknownPart):
            static_layout(value, n_bits, msg_type)
        return
    layout = static_layout(value, n_bits, msg_type)
    assert layout.message_class is type(expected)
    if n_bits - fill_bits < layout.end:
        return  # truncated: rejected by the decoder, never read
    got = read_static(value, n_bits, layout)
    for name, read in got.items():
        want = getattr(expected, name)
        if name == "ship_type":  # pyais' enum folds reserved codes; we keep the code sent
            offset, width = next((o, w) for n, o, w, *_ in layout.message_class.decoder_plan() if n == name)
            want = bit_vector(payload, fill_bits).get(offset, width)
        if isinstance(read, str):
            read = read.rstrip("@").strip()  # pyais trims the padding; the decoder's _text does too
        assert read == want, (payload, name)


def _static_payloads_of_real_files() -> list[tuple[bytes, int]]:
    """Every type 5, 19 and 24 payload, fragments joined (in order, per file, channel and sequence id)."""
    out, pending = [], {}
    for path, sentence in real_vdm_sentences():
        try:
            vdm = parse_vdm(sentence)
        except NmeaError:
            continue
        key = (path, vdm.channel, vdm.sequence_id)
        parts = [*pending.pop(key, []), vdm.payload] if vdm.fragment_number > 1 else [vdm.payload]
        if vdm.fragment_number < vdm.fragment_count:
            pending[key] = parts
        elif parts[0][:1] and parts[0][0] in STATIC_FIRST_CHARS:
            out.append((b"".join(parts), vdm.fill_bits))
    return out


def test_every_real_static_payload_reads_as_pyais_reads_it() -> None:
    payloads = _static_payloads_of_real_files()
    assert len(payloads) > 1_000
    for payload, fill_bits in payloads:
        _same_as_pyais(payload, fill_bits)


@pytest.mark.parametrize(
    "fields",
    [
        {"msg_type": 24, "mmsi": 211000001, "partno": 0, "shipname": "NORD STAR"},
        {"msg_type": 24, "mmsi": 211000001, "partno": 1, "ship_type": 37, "callsign": "DA1234", "to_bow": 5},
        {"msg_type": 24, "mmsi": 982111234, "partno": 1, "ship_type": 50, "mothership_mmsi": 211000001},
        {
            "msg_type": 5,
            "mmsi": 463000123,
            "imo": 9811000,
            "shipname": "KARACHI TRADER",
            "destination": "PKKHI",
        },
        {"msg_type": 19, "mmsi": 463000124, "speed": 12.3, "lon": 66.95, "lat": 24.8, "shipname": "B SO"},
    ],
)
def test_generated_payloads_read_as_pyais_reads_them(fields: dict[str, object]) -> None:
    sentence = encode_dict(fields)[0].encode()
    vdm = parse_vdm(sentence)
    _same_as_pyais(vdm.payload, vdm.fill_bits)


@pytest.mark.parametrize("part", [2, 3])
def test_undefined_type_24_parts_are_refused(part: int) -> None:
    payload = parse_vdm(encode_dict({"msg_type": 24, "mmsi": 211000001, "partno": 0})[0].encode()).payload
    value = payload_bits(payload) | (part << (6 * len(payload) - 40))
    with pytest.raises(UnknownPart, match=f"part number {part}"):
        static_layout(value, 6 * len(payload), 24)
