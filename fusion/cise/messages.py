"""CISE Push messages: the service-model envelope around one payload entity.

A message's ``MessageID`` is a name-based UUID of (recipient, what it carries), so building
the same message twice (a redelivery after a restart, a replay) gives the same id and a
receiver de-duplicates on it. ``CreationDateTime`` is the event time of the record the
message carries, never the wall clock, for the same reason (docs/cise.md, "Envelope").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lxml import etree

from fusion.cise.entities import SEAWATCH_UUID_NS, sub
from fusion.cise.vocabulary import MESSAGE_NS, XSI_NS, xs_datetime

SEA_BASINS = frozenset(
    {
        "BlackSea",
        "OutermostRegions",
        "NonSpecified",
        "Atlantic",
        "Mediterranean",
        "NorthSea",
        "ArcticOcean",
        "BalticSea",
    }
)
PURPOSES = frozenset(
    {
        "DefenceMonitoring", "CSDPTask", "BorderMonitoring", "CounterTerrorism", "EnvironmentWarning",
        "EnvironmentMonitoring", "EnvironmentResponse", "CustomsMonitoring", "LawEnforcementMonitoring",
        "FisheriesOperation", "BorderOperation", "Safety", "Security", "SAR", "FisheriesWarning",
        "FisheriesMonitoring", "VTM", "Operation", "LawEnforcementOperation", "CustomsOperation",
        "NonSpecified",
    }
)  # fmt: skip
SECURITY_LEVELS = frozenset(
    {"NonSpecified", "EUTopSecret", "EURestricted", "NonClassified", "EUSecret", "EUConfidential"}
)
SENSITIVITIES = frozenset({"White", "Red", "Green", "Amber", "NonSpecified"})

SERVICE_TYPE = {"Vessel": "VesselService", "Anomaly": "AnomalyService", "Risk": "RiskService"}
"""CISE ``ServiceType`` of a Push carrying each entity."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    """What every message to one partner carries besides its entity.

    ``sender_id``/``recipient_id`` are CISE ``ServiceID``s without the entity part, e.g.
    ``pk.seawatch-node01`` and ``om.partner-node01``: the service name
    (``<id>.anomaly.push.provider``) is appended per entity, as the CISE simulator names
    services. ``recipient_id`` None sends without a ``Recipient`` (a broadcast to subscribers).
    Values are checked against the CISE code lists here, so a bad setting is one clear error
    at start-up rather than a partner's rejection later.
    """

    sender_id: str
    recipient_id: str | None = None
    sea_basin: str = "NonSpecified"
    purpose: str = "BorderMonitoring"
    security_level: str = "NonClassified"
    sensitivity: str = "Green"
    is_personal_data: bool = False

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("sea_basin", self.sea_basin, SEA_BASINS),
            ("purpose", self.purpose, PURPOSES),
            ("security_level", self.security_level, SECURITY_LEVELS),
            ("sensitivity", self.sensitivity, SENSITIVITIES),
        ):
            if value not in allowed:
                raise ValueError(f"CISE {name} {value!r} is not one of {', '.join(sorted(allowed))}")
        if not self.sender_id:
            raise ValueError("CISE sender_id must not be empty")


@dataclass(frozen=True, slots=True)
class CiseMessage:
    """One serialized Push: its id (also its file name) and its UTF-8 XML bytes."""

    message_id: str
    xml: bytes
    entity: str


def message_id(envelope: Envelope, entity: str, key: str) -> str:
    """Name-based id of the message carrying ``entity`` named ``key`` (e.g. alert id and state)."""
    return str(uuid.uuid5(SEAWATCH_UUID_NS, f"message/{envelope.recipient_id or '*'}/{entity}/{key}"))


def _service(
    parent: etree._Element, tag: str, envelope: Envelope, service_id: str, entity: str, role: str
) -> None:
    service = sub(parent, tag)
    sub(service, "SeaBasin", envelope.sea_basin)
    sub(service, "ServiceID", f"{service_id}.{entity.lower()}.push.{role.lower()}")
    sub(service, "ServiceOperation", "Push")
    sub(service, "ServiceRole", role)
    sub(service, "ServiceStatus", "Online")
    sub(service, "ServiceType", SERVICE_TYPE[entity])


def push(
    envelope: Envelope,
    entity: etree._Element,
    *,
    key: str,
    time: float,
    priority: str = "Low",
    correlation: str | None = None,
) -> CiseMessage:
    """The Push message carrying ``entity`` (a ``Vessel``, ``Anomaly`` or ``Risk`` element).

    ``key`` names this message's content among all of its entity kind (the alert id and
    its state and time, say); ``correlation`` groups messages about one subject into one
    CISE ``CorrelationID`` (all states of one alert); ``time`` (unix seconds, event time)
    becomes ``CreationDateTime``.
    """
    kind = entity.tag
    if kind not in SERVICE_TYPE:
        raise ValueError(f"no CISE Push service for a {kind} entity")
    ident = message_id(envelope, kind, key)
    root = etree.Element(f"{{{MESSAGE_NS}}}Push", nsmap={"msg": MESSAGE_NS, "xsi": XSI_NS})
    if correlation is not None:
        sub(root, "CorrelationID", str(uuid.uuid5(SEAWATCH_UUID_NS, f"correlation/{correlation}")))
    sub(root, "CreationDateTime", xs_datetime(time))
    sub(root, "MessageID", ident)
    sub(root, "Priority", priority)
    sub(root, "RequiresAck", False)
    _service(root, "Sender", envelope, envelope.sender_id, kind, "Provider")
    if envelope.recipient_id is not None:
        _service(root, "Recipient", envelope, envelope.recipient_id, kind, "Consumer")
    payload = sub(root, "Payload")
    payload.set(f"{{{XSI_NS}}}type", "msg:XmlEntityPayload")
    sub(payload, "InformationSecurityLevel", envelope.security_level)
    sub(payload, "InformationSensitivity", envelope.sensitivity)
    sub(payload, "IsPersonalData", envelope.is_personal_data)
    sub(payload, "Purpose", envelope.purpose)
    sub(payload, "EnsureEncryption", False)
    payload.append(entity)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return CiseMessage(ident, xml, kind)
