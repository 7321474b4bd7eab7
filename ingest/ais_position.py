"""Position-report fields read straight from the payload bits, at the offsets of pyais' decoder plans.

Position reports (types 1, 2, 3, 18, 27) are most of any AIS feed. pyais' ``from_vector`` builds
all 16 fields of such a message, with enum conversions for the ones seawatch never reads; here
the payload becomes one integer (pyais' own trick: the six-bit armour translated to base64 and
decoded in C) and the seven fields seawatch uses are shifted out of it. Where each field sits,
its width, sign and unit conversion all come from pyais' ``decoder_plan()``, so the layout has
one source of truth; the conformance tests hold the result against gpsd and libais.
"""

from __future__ import annotations

from binascii import a2b_base64
from collections.abc import Callable
from typing import NamedTuple

from pyais.messages import MSG_CLASS

#: Fields read, in :class:`RawPosition` order.
FIELDS = ("mmsi", "status", "speed", "lon", "lat", "course", "heading")
TYPES = (1, 2, 3, 18, 27)

_ARMOUR = bytes(range(48, 88)) + bytes(range(96, 120))
BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
"""The base64 alphabet: six-bit value v is ``BASE64[v]``, as it is ``armour[v]`` in a payload."""
_TO_BASE64 = bytes.maketrans(_ARMOUR, BASE64)


class RawPosition(NamedTuple):
    """Decoded fields in pyais' units (degrees, knots); absent fields (type 18 status,
    type 27 heading) are None."""

    mmsi: int
    status: int | None
    speed: float
    lon: float
    lat: float
    course: float
    heading: int | None


class _Layout(NamedTuple):
    """Where the fields of one message type sit, as right shifts of the payload integer cut
    after the last field read (-1: the type has no such field), and their unit conversions."""

    end: int
    mmsi: int
    status: int
    speed: int
    speed_mask: int
    lon: int
    lon_bits: int
    lat: int
    lat_bits: int
    course: int
    course_mask: int
    heading: int
    to_degrees: Callable[[int], float]
    speed_scale: float
    course_scale: float


def _layout(msg_type: int) -> _Layout:
    plan = {
        name: (offset, width, convert)
        for name, offset, width, _, _, convert in MSG_CLASS[msg_type].decoder_plan()
    }
    end = max(offset + width for name, (offset, width, _) in plan.items() if name in FIELDS)

    def shift(name: str) -> int:
        return end - plan[name][0] - plan[name][1] if name in plan else -1

    def scale(name: str) -> float:  # pyais' to_speed / to_10th divide by ten; type 27 is whole units
        return 10.0 if plan[name][2] is not None else 1.0

    return _Layout(
        end,
        shift("mmsi"),
        shift("status"),
        shift("speed"),
        (1 << plan["speed"][1]) - 1,
        shift("lon"),
        plan["lon"][1],
        shift("lat"),
        plan["lat"][1],
        shift("course"),
        (1 << plan["course"][1]) - 1,
        shift("heading"),
        plan["lat"][2],  # pyais' to_lat_lon / to_lat_lon_600: its rounding, bit for bit
        scale("speed"),
        scale("course"),
    )


_LAYOUTS = {msg_type: _layout(msg_type) for msg_type in TYPES}
#: Bits a payload must hold for every field read (the end of the last one).
REQUIRED_BITS = {msg_type: layout.end for msg_type, layout in _LAYOUTS.items()}


#: Base64 "A"s (zero bits) that bring an armoured payload of n characters to a multiple of 4.
_PADDING = {remainder: b"A" * (-remainder % 4) for remainder in range(4)}


def payload_bits(payload: bytes) -> int:
    """All ``6 * len(payload)`` bits of an armoured payload (alphabet already checked) as one integer:
    the armour translated to base64 and decoded in C, pyais' own trick."""
    padding = _PADDING[len(payload) & 3]
    return int.from_bytes(a2b_base64(payload.translate(_TO_BASE64) + padding), "big") >> (6 * len(padding))


def read_position(payload: bytes, msg_type: int) -> RawPosition:
    """The position fields of a type 1, 2, 3, 18 or 27 payload of at least ``REQUIRED_BITS`` bits.

    Cached by payload (``msg_type`` is the payload's own, its first character): a network of
    receivers hears each report at several stations, so a third of the reports of a
    two-station feed are repeats.
    """
    position = _POSITIONS.get(payload)
    if position is None:
        if len(_POSITIONS) >= _MAX_POSITIONS:
            _POSITIONS.clear()
        position = _POSITIONS[payload] = _read_position(payload, msg_type)
    return position


_MAX_POSITIONS = 4096
_POSITIONS: dict[bytes, RawPosition] = {}


def _read_position(payload: bytes, msg_type: int) -> RawPosition:
    """``read_position`` uncached: written out field by field with the layout in locals rather
    than as a loop over the plan, as it runs for most lines of every feed."""
    (
        end,
        mmsi,
        status,
        speed,
        speed_mask,
        lon,
        lon_bits,
        lat,
        lat_bits,
        course,
        course_mask,
        heading,
        to_deg,
        speed_scale,
        course_scale,
    ) = _LAYOUTS[msg_type]
    value = payload_bits(payload) >> (6 * len(payload) - end)  # cut after the last field read
    lon_raw = (value >> lon) & ((1 << lon_bits) - 1)
    if lon_raw >> (lon_bits - 1):  # two's complement
        lon_raw -= 1 << lon_bits
    lat_raw = (value >> lat) & ((1 << lat_bits) - 1)
    if lat_raw >> (lat_bits - 1):
        lat_raw -= 1 << lat_bits
    return _NEW_POSITION(
        RawPosition,
        (
            (value >> mmsi) & 0x3FFFFFFF,
            (value >> status) & 15 if status >= 0 else None,
            ((value >> speed) & speed_mask) / speed_scale,
            to_deg(lon_raw),
            to_deg(lat_raw),
            ((value >> course) & course_mask) / course_scale,
            (value >> heading) & 511 if heading >= 0 else None,
        ),
    )


_NEW_POSITION = tuple.__new__  # RawPosition's fields in order, without its Python-level __new__
