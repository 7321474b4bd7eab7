"""seawatch terms -> CISE 1.5.3 code lists (the XSDs' enumerations), and CISE date formats.

Every value written here is one of the enumeration values of the CISE XML Schemas, spelled
as they spell it (``DetecionOfChangesInAISParameters`` included); the unit tests check each
table against the schemas, so a typo cannot reach a partner.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fusion.schemas import AlertKind, Severity

MESSAGE_NS = "http://www.cise.eu/servicemodel/v1/message/"
"""Namespace of the message envelope (``Push``); its children and all entities are unqualified."""
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
VESSEL_NS = "http://www.cise.eu/datamodel/v1/entity/vessel/"
ANOMALY_NS = "http://www.cise.eu/datamodel/v1/entity/anomaly/"

ANOMALY_TYPE: dict[AlertKind, str] = {
    AlertKind.ZONE_ENTRY: "UnexpectedMovement",
    AlertKind.ZONE_EXIT: "UnexpectedMovement",
    AlertKind.LOITERING: "VesselWithErraticMovements",
    AlertKind.DARK_VESSEL: "WithoutAISTransmission",
    AlertKind.AIS_GAP: "WithoutAISTransmission",
    AlertKind.RENDEZVOUS: "UnexpectedMovement",
    AlertKind.SPOOFING: "PerformingAISSpoofing",
    AlertKind.SPEEDING: "UnexpectedMovement",
    AlertKind.NO_AIS_IN_ZONE: "WithoutAISTransmission",
    AlertKind.VESSEL_OF_INTEREST: "Other",
}
"""CISE ``AnomalyType`` of each alert kind (docs/cise.md says why each was chosen)."""

PRIORITY: dict[Severity, str] = {
    Severity.INFO: "Low",
    Severity.LOW: "Low",
    Severity.MEDIUM: "Medium",
    Severity.HIGH: "High",
    Severity.CRITICAL: "High",
}
"""Message ``Priority`` (Low/Medium/High) of an alert's severity."""


def vessel_type(ais_ship_type: int | None) -> str | None:
    """CISE ``VesselType`` of an AIS ship-and-cargo type code (ITU-R M.1371 table 53).

    Only the first digit carries the category CISE distinguishes; the second is the
    hazardous-cargo category, which CISE's list does not have. None for "not available".
    """
    if ais_ship_type is None or ais_ship_type == 0:
        return None
    first, second = divmod(ais_ship_type, 10)
    if first == 3 and second == 0:
        return "FishingVessel"
    return {
        4: "HighSpeedCraft",
        5: "SpecialPurposeShip",  # pilot, SAR, tug, port tender, anti-pollution, law enforcement, medical
        6: "PassengerShip",
        7: "GeneralCargoShip",
        8: "OilTanker",  # AIS "tanker" of any cargo: CISE has only the oil tanker
    }.get(first, "Other")


def level_of(value: float, bins: tuple[tuple[float, str], ...], below: str) -> str:
    """The label of the first ``(threshold, label)`` bin with ``value >= threshold``, else ``below``."""
    for threshold, label in bins:
        if value >= threshold:
            return label
    return below


RISK_LEVEL_BINS = ((0.7, "High"), (0.4, "Medium"))
"""Score 0..1 -> ``RiskLevel``; below 0.4 is ``Low``."""
RISK_PROBABILITY_BINS = ((0.8, "Frequent"), (0.6, "Probable"), (0.4, "Occasional"), (0.2, "Rare"))
"""Probability 0..1 -> ``RiskProbability``; below 0.2 is ``Improbable``."""
RISK_SEVERITY_BINS = ((0.75, "Catastrophic"), (0.5, "Critical"), (0.25, "Marginal"))
"""Impact 0..1 -> ``RiskSeverity``; below 0.25 is ``Negligible``."""

RISK_TYPE: dict[str, str] = {
    "accident": "Accident",
    "illegal_immigration": "IllegalImmigration",
    "drug_trafficking": "DrugTrafficking",
    "collision": "Collision",
    "human_trafficking": "HumanTrafficking",
    "smuggling": "Smuggling",
    "illegal_fishing": "IllegalFishing",
    "weapons_trafficking": "WeaponsTrafficking",
    "fire": "Fire",
    "pollution": "Pollution",
    "other": "Other",
}
"""seawatch risk type names -> CISE ``RiskType``; an unknown or absent one is ``NonSpecified``."""


def _utc(time: float) -> datetime:
    return datetime.fromtimestamp(time, tz=UTC)


def xs_datetime(time: float) -> str:
    """xs:dateTime of unix seconds, UTC, milliseconds: ``2026-01-15T08:00:00.000Z``."""
    return _utc(time).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def xs_date(time: float) -> str:
    """xs:date with the UTC zone, as CISE periods write it: ``2026-01-15Z``."""
    return _utc(time).date().isoformat() + "Z"


def xs_time(time: float) -> str:
    """xs:time with the UTC zone: ``08:00:00.000Z``."""
    return _utc(time).time().isoformat(timespec="milliseconds") + "Z"
