"""Static and voyage fields (types 5, 19, 24 A and B) read straight from the payload bits.

The same approach as :mod:`ingest.ais_position`: the payload becomes one integer and the
fields seawatch uses are shifted out of it, at the offsets and widths of pyais' own
``decoder_plan()`` (one source of truth for the layout; the conformance tests hold the result
against gpsd and libais). pyais' ``from_vector`` builds every field of these messages, six-bit
text one character at a time, and they cost several times a position report; here text fields
are turned into characters by ``binascii`` and ``bytes.translate`` in C.

Values are pyais' raw values: integers as sent (ship type unconverted, so the codes ITU-R
M.1371 leaves reserved survive), text with its '@' padding, and type 19's position in pyais'
units (degrees, knots) through pyais' own converters.
"""

from __future__ import annotations

from binascii import b2a_base64
from collections.abc import Callable
from typing import Any, NamedTuple

from pyais.messages import (
    MessageType5,
    MessageType19,
    MessageType24PartA,
    MessageType24PartB,
    MessageType24PartBAuxiliaryCraft,
    Payload,
)
from pyais.util import is_auxiliary_craft

from ingest.ais_position import BASE64

_DIMENSIONS = ("to_bow", "to_stern", "to_port", "to_starboard")
#: Fields read per message class. The payload must hold all of them: a short (truncated)
#: payload would otherwise decode as zeros or partial numbers that look like real values.
FIELDS_READ: dict[type[Payload], tuple[str, ...]] = {
    MessageType19: (
        "mmsi",
        "speed",
        "lon",
        "lat",
        "course",
        "heading",
        "shipname",
        "ship_type",
        *_DIMENSIONS,
    ),
    MessageType5: ("mmsi", "imo", "callsign", "shipname", "ship_type", *_DIMENSIONS, "destination"),
    MessageType24PartA: ("mmsi", "partno", "shipname"),
    MessageType24PartB: ("mmsi", "partno", "ship_type", "callsign", *_DIMENSIONS),
    MessageType24PartBAuxiliaryCraft: ("mmsi", "partno", "ship_type", "callsign", "mothership_mmsi"),
}

_KIND_TEXT = 3  # pyais' decoder-plan kind of six-bit text fields
#: Six-bit value v as AIS text: 0-31 are '@'..'_', 32-63 are ' '..'?' (ITU-R M.1371 table 47).
_BASE64_TO_TEXT = bytes.maketrans(BASE64, bytes(v + 64 if v < 32 else v for v in range(64)))


class UnknownPart(ValueError):
    """A type 24 with part number 2 or 3, which ITU-R M.1371 does not define."""


class StaticLayout(NamedTuple):
    """Where the fields read from one message class sit.

    ``end`` is the bit after the last field read: a payload must be at least this long.
    Each field is (name, offset, width, reader); the reader turns the field's bits into
    pyais' value.
    """

    message_class: type[Payload]
    end: int
    fields: tuple[tuple[str, int, int, Callable[[int, int], Any]], ...]


def _text(bits: int, width: int) -> str:
    """Six-bit text of ``width`` bits: base64 of the bits, then translated to the AIS alphabet."""
    pad = -width % 24
    data = (bits << pad).to_bytes((width + pad) // 8, "big")
    return b2a_base64(data, newline=False)[: width // 6].translate(_BASE64_TO_TEXT).decode("ascii")


def _unsigned(bits: int, width: int) -> int:
    return bits


def _converted(convert: Callable[[int], Any], signed: bool) -> Callable[[int, int], Any]:
    def read(bits: int, width: int) -> Any:
        if signed and bits >> (width - 1):  # two's complement
            bits -= 1 << width
        return convert(bits)

    return read


def _layout(message_class: type[Payload]) -> StaticLayout:
    names = FIELDS_READ[message_class]
    fields = []
    for name, offset, width, signed, kind, converter in message_class.decoder_plan():
        if name not in names:
            continue
        if kind == _KIND_TEXT:
            reader = _text
        elif converter is not None and name != "ship_type":  # ship type stays the code sent
            reader = _converted(converter, signed)
        else:
            reader = _unsigned
        fields.append((name, offset, width, reader))
    end = max(offset + width for _, offset, width, _ in fields)
    return StaticLayout(message_class, end, tuple(fields))


_LAYOUTS = {cls: _layout(cls) for cls in FIELDS_READ}


def static_layout(value: int, n_bits: int, msg_type: int) -> StaticLayout:
    """The layout of a type 5, 19 or 24 payload (``value``, ``n_bits`` long), chosen as pyais does.

    Type 24 part A or B by its part number, part B of an auxiliary craft by its MMSI
    (98MIDxxxx). Bits a short payload lacks read as zeros, as in pyais; the caller then finds
    the payload shorter than ``end``.

    Raises
    ------
    UnknownPart
        For type 24 part number 2 or 3.
    """
    if msg_type == 5:
        return _LAYOUTS[MessageType5]
    if msg_type == 19:
        return _LAYOUTS[MessageType19]
    header = (value << 40 >> n_bits) if n_bits < 40 else value >> (n_bits - 40)
    part = header & 3
    if part == 0:
        return _LAYOUTS[MessageType24PartA]
    if part == 1:
        auxiliary = is_auxiliary_craft((header >> 2) & 0x3FFFFFFF)
        return _LAYOUTS[MessageType24PartBAuxiliaryCraft if auxiliary else MessageType24PartB]
    raise UnknownPart(f"type 24 part number {part} is not defined (0 = part A, 1 = part B)")


def read_static(value: int, n_bits: int, layout: StaticLayout) -> dict[str, Any]:
    """The fields of ``layout`` from a payload of ``n_bits >= layout.end`` bits, by name."""
    return {
        name: reader((value >> (n_bits - offset - width)) & ((1 << width) - 1), width)
        for name, offset, width, reader in layout.fields
    }
