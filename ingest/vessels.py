"""Vessel identity: static and voyage data (types 5, 19, 24 A+B) merged per MMSI.

A vessel's identity arrives in pieces: a class A ship sends everything in type 5 every six
minutes; a class B ship sends its name in type 24 part A and its call sign, type and size in
part B, in separate slots, sometimes minutes apart; a class B "SO" ship may send type 19 with
name, type and size beside its position. :func:`merge` folds each new :class:`AisStatic` into
the vessel's record so a consumer always sees the latest full identity, not the last fragment.

Pure: records in, record out; the caller keeps the dict of records (one per MMSI).
Rules: a field a message does not carry (or carries as "not available") keeps its old value;
a newer message overwrites the fields it carries; an older message (replayed late) only fills
fields still unknown, so late data never rolls an identity back.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from fusion.schemas import AisStatic, positional_constructor
from ingest.mmsi import InvalidMmsi, MmsiKind, classify

#: AisStatic fields that make up an identity, in record order.
IDENTITY_FIELDS = (
    "name",
    "call_sign",
    "imo",
    "ship_type",
    "to_bow_m",
    "to_stern_m",
    "to_port_m",
    "to_starboard_m",
    "destination",
    "mothership_mmsi",
)


@dataclass(frozen=True, slots=True)
class VesselRecord:
    """What one MMSI has told about itself, merged over its static messages.

    Attributes
    ----------
    mmsi : int
    kind : MmsiKind or None
        From the number (ITU-R M.585); None for numbers that are no valid MMSI.
    flag_state : str or None
        ISO 3166 alpha-2 of the MMSI's MID; None when unallocated or not applicable.
    name, call_sign, destination : str or None
    imo, ship_type : int or None
    to_bow_m, to_stern_m, to_port_m, to_starboard_m : int or None
        Antenna position from bow, stern, port and starboard, metres.
    mothership_mmsi : int or None
        Parent ship of an auxiliary craft (type 24 B).
    time : float
        Unix seconds of the newest message merged.
    msg_types : tuple of int
        Message types merged so far, sorted (tells class A from class B data).
    """

    mmsi: int
    kind: MmsiKind | None
    flag_state: str | None
    time: float
    msg_types: tuple[int, ...] = ()
    name: str | None = None
    call_sign: str | None = None
    imo: int | None = None
    ship_type: int | None = None
    to_bow_m: int | None = None
    to_stern_m: int | None = None
    to_port_m: int | None = None
    to_starboard_m: int | None = None
    destination: str | None = None
    mothership_mmsi: int | None = None

    @property
    def length_m(self) -> int | None:
        """Overall length, bow + stern, metres; None unless both are known."""
        if self.to_bow_m is None or self.to_stern_m is None:
            return None
        return self.to_bow_m + self.to_stern_m

    @property
    def beam_m(self) -> int | None:
        """Beam, port + starboard, metres; None unless both are known."""
        if self.to_port_m is None or self.to_starboard_m is None:
            return None
        return self.to_port_m + self.to_starboard_m


_IDENTITY_OF = operator.attrgetter(*IDENTITY_FIELDS)  # one C call gives the tuple
_new_vessel = positional_constructor(
    VesselRecord, "mmsi", "kind", "flag_state", "time", "msg_types", *IDENTITY_FIELDS
)


def _first_record(static: AisStatic) -> VesselRecord:
    try:
        info = classify(static.mmsi)
    except InvalidMmsi:
        kind, flag = None, None
    else:
        kind, flag = info.kind, (info.flag.alpha2 if info.flag else None)
    return _new_vessel(static.mmsi, kind, flag, static.time, (static.msg_type,), *_IDENTITY_OF(static))


def merge(record: VesselRecord | None, static: AisStatic) -> VesselRecord:
    """The record updated with one static message of the same MMSI.

    Runs for every static message of a feed (a class A ship repeats its type 5 every six
    minutes), so the fields are compared as tuples and the record built positionally.

    Parameters
    ----------
    record : VesselRecord or None
        The vessel's record so far; None for the first message of this MMSI.
    static : AisStatic
        A decoded type 5, 19 or 24 (A or B) message.

    Raises
    ------
    ValueError
        When the message is for another MMSI than the record: a caller bug, not bad data.
    """
    if record is None:
        return _first_record(static)
    if record.mmsi != static.mmsi:
        raise ValueError(f"static data of MMSI {static.mmsi} merged into the record of {record.mmsi}")
    old_identity, new_identity = _IDENTITY_OF(record), _IDENTITY_OF(static)
    msg_types = record.msg_types
    if static.msg_type not in msg_types:
        msg_types = tuple(sorted((*msg_types, static.msg_type)))
    if static.time <= record.time and msg_types is record.msg_types and new_identity == old_identity:
        return record
    newer = static.time >= record.time
    identity = tuple(
        new if new is not None and (newer or old is None) else old
        for new, old in zip(new_identity, old_identity, strict=True)
    )
    time = max(record.time, static.time)
    return _new_vessel(record.mmsi, record.kind, record.flag_state, time, msg_types, *identity)


def merge_all(records: dict[int, VesselRecord], statics: list[AisStatic]) -> dict[int, VesselRecord]:
    """A new per-MMSI dict with every message merged in order (the input dict is not changed)."""
    out = dict(records)
    for static in statics:
        out[static.mmsi] = merge(out.get(static.mmsi), static)
    return out
