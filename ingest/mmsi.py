"""What an MMSI says about its station: kind, MID and flag state (ITU-R M.585-9).

An MMSI is nine decimal digits; the leading digits give the kind of station and, for most
kinds, the Maritime Identification Digits (MID) of the administration that issued it:

==============  ===============  ==========================================================
pattern         kind             notes
==============  ===============  ==========================================================
``MIDxxxxxx``   ship             MID starts 2-7
``0MIDxxxxx``   group            a group call number (fleet, ships of one flag)
``00MIDxxxx``   coast station    coast and AIS base stations
``111MIDxxx``   SAR aircraft     fixed-wing and helicopter search and rescue
``8MIDxxxxx``   handheld VHF     individual handheld (diver's) radios
``98MIDxxxx``   auxiliary craft  boats of a parent ship (tenders, lifeboats)
``99MIDxxxx``   AtoN             physical and virtual aids to navigation
``970xxyyyy``   SART             AIS search and rescue transmitter; xx maker, yyyy serial
``972xxyyyy``   MOB              man-overboard device
``974xxyyyy``   EPIRB            EPIRB with AIS locating signal
==============  ===============  ==========================================================

SART, MOB and EPIRB-AIS numbers carry no MID. They send the same number live and when tested:
ITU-R M.1371 tells the two apart in the messages (type 14 text ``SART ACTIVE``/``SART TEST``;
navigational status 14 = active), not in the number.

Policy (docs/ingest.md): a number that fits none of the patterns, or has a MID that cannot
exist (first digit outside 2-7), is invalid: ``classify`` raises, and the decoder keeps the
report with ``mmsi_problem`` saying why (the identity rules raise an anomaly on it). A
well-formed number whose MID the ITU has not allocated has ``flag`` None. Transponders set
up with a made-up number are exactly what a watch officer needs to see, not lose.
"""

from __future__ import annotations

from typing import NamedTuple

from fusion.schemas import MmsiKind  # the records carry it (AisReport.mmsi_kind), so it lives there
from ingest.mid import FlagState, flag_state

#: Kinds whose number carries no MID (maker and serial instead).
DISTRESS_BEACONS = frozenset({MmsiKind.SART, MmsiKind.MOB, MmsiKind.EPIRB})
_BEACON_PREFIX = {"970": MmsiKind.SART, "972": MmsiKind.MOB, "974": MmsiKind.EPIRB}


class MmsiInfo(NamedTuple):
    """The reading of one MMSI.

    Attributes
    ----------
    kind : MmsiKind
    mid : int or None
        Maritime Identification Digits, None for SART/MOB/EPIRB numbers.
    flag : FlagState or None
        Administration the MID is allocated to; None when the MID is unallocated or absent.
    """

    kind: MmsiKind
    mid: int | None
    flag: FlagState | None


class InvalidMmsi(ValueError):
    """A number that is no MMSI; the message says why."""


def _with_mid(kind: MmsiKind, digits: str, start: int) -> MmsiInfo:
    mid_text = digits[start : start + 3]
    if mid_text[0] not in "234567":
        raise InvalidMmsi(f"MMSI {digits} ({kind}) has MID {mid_text}; MIDs start with 2-7")
    mid = int(mid_text)
    return MmsiInfo(kind, mid, flag_state(mid))


def classify(mmsi: int) -> MmsiInfo:
    """Kind, MID and flag state of an MMSI.

    Raises
    ------
    InvalidMmsi
        For numbers outside 1-999999999 or matching no ITU-R M.585 pattern.
    """
    if not 0 < mmsi <= 999_999_999:
        raise InvalidMmsi(f"MMSI {mmsi} is not a nine-digit number other than 000000000")
    digits = f"{mmsi:09d}"
    first = digits[0]
    if first in "234567":
        return _with_mid(MmsiKind.SHIP, digits, 0)
    if first == "0":
        if digits[1] == "0":
            return _with_mid(MmsiKind.COAST_STATION, digits, 2)
        return _with_mid(MmsiKind.GROUP, digits, 1)
    if first == "8":
        return _with_mid(MmsiKind.HANDHELD, digits, 1)
    if digits.startswith("111"):
        return _with_mid(MmsiKind.SAR_AIRCRAFT, digits, 3)
    if digits.startswith("98"):
        return _with_mid(MmsiKind.AUXILIARY_CRAFT, digits, 2)
    if digits.startswith("99"):
        return _with_mid(MmsiKind.ATON, digits, 2)
    beacon = _BEACON_PREFIX.get(digits[:3])
    if beacon is not None:
        return MmsiInfo(beacon, None, None)
    raise InvalidMmsi(f"MMSI {digits} fits no ITU-R M.585 pattern (ship, coast, group, SAR, AtoN, ...)")


def flag_alpha2(info: MmsiInfo) -> str | None:
    """ISO alpha-2 flag of a classified MMSI, None when unknown."""
    return info.flag.alpha2 if info.flag is not None else None
