"""CISE ``Vessel``, ``Anomaly`` and ``Risk`` elements (lxml) from seawatch's records.

Elements follow the XSDs' ``xs:sequence`` order, base type's elements first (Object, then
Vehicle, then Vessel; Event, then Anomaly), because a schema-valid message depends on it;
an element is left out when its value is unknown, never written as a placeholder. All
entity elements are unqualified; a vessel inside another entity is an ``Object`` with
``xsi:type="v:Vessel"``. Identifiers are name-based UUIDs (RFC 4122 version 5) of seawatch's
own ids, so the same vessel, alert or risk gets the same CISE ``UUID`` in every message and
every replay. docs/cise.md lists every field.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from lxml import etree

from fusion.cise.records import SharedAlert, VesselFix
from fusion.cise.vocabulary import (
    ANOMALY_NS,
    ANOMALY_TYPE,
    RISK_LEVEL_BINS,
    RISK_PROBABILITY_BINS,
    RISK_SEVERITY_BINS,
    RISK_TYPE,
    VESSEL_NS,
    XSI_NS,
    level_of,
    vessel_type,
    xs_date,
    xs_time,
)
from fusion.schemas import AlertState, RiskAssessment
from ingest.vessels import VesselRecord

SEAWATCH_UUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://seawatch.example/cise")
"""Root of seawatch's name-based CISE identifiers."""
_XSI_TYPE = f"{{{XSI_NS}}}type"
ACCURACY_BINS_M = ((500.0, "Low"), (50.0, "Medium"))
"""1-sigma position error (m) -> ``LocationQualitativeAccuracy``: >= 500 Low, >= 50 Medium, else High."""


def entity_uuid(kind: str, key: str) -> str:
    """The CISE ``UUID`` of a seawatch thing: ``kind`` is ``vessel``/``anomaly``/``risk``."""
    return str(uuid.uuid5(SEAWATCH_UUID_NS, f"{kind}/{key}"))


def vessel_key(track_id: str, mmsi: int | None) -> str:
    """What names a vessel across messages: its MMSI, else (no AIS) its track id."""
    return f"mmsi/{mmsi}" if mmsi is not None else f"track/{track_id}"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def sub(parent: etree._Element, tag: str, value: object = None) -> etree._Element:
    """Append child ``tag`` (text ``value`` unless None) and return it."""
    child = etree.SubElement(parent, tag)
    if value is not None:
        child.text = _text(value)
    return child


def _opt(parent: etree._Element, tag: str, value: object) -> None:
    if value is not None and value != "":
        sub(parent, tag, value)


def period(parent: etree._Element, tag: str, *, start: float | None = None, end: float | None = None) -> None:
    """A CISE ``Period`` (date and time apart, in the XSD's order: End before Start)."""
    element = sub(parent, tag)
    if end is not None:
        sub(element, "EndDate", xs_date(end))
        sub(element, "EndTime", xs_time(end))
    if start is not None:
        sub(element, "StartDate", xs_date(start))
        sub(element, "StartTime", xs_time(start))


def location(parent: etree._Element, lat: float, lon: float, sigma_m: float | None = None) -> None:
    """A point ``Location``: WGS84 degrees as text (the XSD's Latitude/Longitude are strings)."""
    element = sub(parent, "Location")
    geometry = sub(element, "Geometry")
    sub(geometry, "Latitude", f"{lat:.6f}")
    sub(geometry, "Longitude", f"{lon:.6f}")
    if sigma_m is not None:
        sub(element, "LocationQualitativeAccuracy", level_of(sigma_m, ACCURACY_BINS_M, "High"))


def _metadata(parent: etree._Element, **fields: str | None) -> None:
    """``Metadata`` with the given children, in the XSD's (alphabetical) order."""
    present = {name: value for name, value in fields.items() if value}
    if present:
        element = sub(parent, "Metadata")
        for name in sorted(present):
            sub(element, name, present[name])


def vessel(
    parent: etree._Element | None,
    *,
    track_id: str,
    mmsi: int | None,
    identity: VesselRecord | None,
    fix: VesselFix | None,
    nested: bool = False,
) -> etree._Element:
    """A CISE ``Vessel``: identity from AIS static data, location and motion from ``fix``.

    ``nested`` writes it as ``Object xsi:type="v:Vessel"`` (inside an Anomaly or Risk);
    otherwise it is a top-level payload ``Vessel``. ``mmsi`` is the track's; a known
    identity's MMSI is the same number.
    """
    if nested:
        assert parent is not None, "a nested vessel needs its parent"
        element = etree.SubElement(parent, "Object", nsmap={"v": VESSEL_NS, "xsi": XSI_NS})
        element.set(_XSI_TYPE, "v:Vessel")
    else:
        element = etree.Element("Vessel") if parent is None else etree.SubElement(parent, "Vessel")
    ident = identity or VesselRecord(mmsi=mmsi or 0, kind=None, flag_state=None, time=0.0)
    # Object
    identifier = sub(element, "Identifier")
    sub(identifier, "UUID", entity_uuid("vessel", vessel_key(track_id, mmsi)))
    _metadata(element, Comments=f"seawatch track {track_id}")
    _opt(element, "Name", ident.name)
    if fix is not None:
        rel = sub(element, "LocationRel")
        location(rel, fix.lat, fix.lon, fix.sigma_m)
        _opt(rel, "COG", fix.cog_deg)
        period(rel, "PeriodOfTime", start=fix.time)
        _opt(rel, "SourceType", fix.source)
        _opt(rel, "SensorType", fix.sensor)
        _opt(rel, "SOG", fix.sog_kn)
    # Vehicle
    _opt(element, "Nationality", ident.flag_state)
    # Vessel (alphabetical in the XSD)
    _opt(element, "Beam", ident.beam_m)
    _opt(element, "CallSign", ident.call_sign)
    _opt(element, "IMONumber", ident.imo)
    _opt(element, "LOA", None if ident.length_m is None else float(ident.length_m))
    _opt(element, "MMSI", mmsi)
    _opt(element, "ShipType", vessel_type(ident.ship_type))
    return element


InvolvedVessel = tuple[str, int | None, VesselRecord | None, VesselFix | None]
"""(track id, MMSI, identity, fix) of a vessel an anomaly or risk is about."""


def _involved(parent: etree._Element, vessels: Iterable[InvolvedVessel], role: str | None) -> None:
    for track_id, mmsi, identity, fix in vessels:
        rel = sub(parent, "InvolvedObjectRel")
        vessel(rel, track_id=track_id, mmsi=mmsi, identity=identity, fix=fix, nested=True)
        _opt(rel, "ObjectRole", role)


def _alert_comments(alert: SharedAlert) -> str:
    parts = [f"kind={alert.kind.value}", f"state={alert.state.value}"]
    if alert.severity is not None:
        parts.append(f"severity={alert.severity.value}")
    if alert.zone_id:
        parts.append(f"zone={alert.zone_id}")
    if alert.responsible_agency:
        parts.append(f"responsible_agency={alert.responsible_agency}")
    parts.extend(f"{name}={value}" for name, value in sorted(alert.evidence.items()))
    return "; ".join(parts)


def anomaly(
    parent: etree._Element | None, alert: SharedAlert, vessels: Iterable[InvolvedVessel]
) -> etree._Element:
    """A CISE ``Anomaly`` for one alert event; ``vessels`` are the vessels it is about.

    Its ``UUID`` comes from ``alert_id``, so raised, updated and cleared are one anomaly to
    the partner; ``OccurrencePeriod`` starts when raised and ends when cleared. A field the
    partner may not see (None in ``alert``) is not written.
    """
    element = etree.Element("Anomaly") if parent is None else etree.SubElement(parent, "Anomaly")
    identifier = sub(element, "Identifier")
    sub(identifier, "UUID", entity_uuid("anomaly", alert.alert_id))
    _metadata(
        element,
        Comments=_alert_comments(alert),
        Description=alert.message,
        Designation=f"seawatch alert {alert.alert_id}",
    )
    sub(element, "NatureType", "Observed")
    if alert.state is AlertState.RAISED:
        period(element, "OccurrencePeriod", start=alert.time)
    elif alert.state is AlertState.CLEARED:
        period(element, "OccurrencePeriod", end=alert.time)
    if alert.lat is not None and alert.lon is not None:
        rel = sub(element, "LocationRel")
        location(rel, alert.lat, alert.lon)
        period(rel, "DateTime", start=alert.time)
    _involved(element, vessels, "Participant")
    sub(element, "AnomalyType", ANOMALY_TYPE[alert.kind])
    return element


def _risk_description(risk: RiskAssessment) -> str:
    lines = [f"risk score {risk.score:.2f}"]
    lines.extend(
        f"{factor.name} {factor.contribution:+.2f}" + (f": {factor.evidence}" if factor.evidence else "")
        for factor in risk.factors
    )
    return "; ".join(lines)


def risk(
    parent: etree._Element | None, assessment: RiskAssessment, identity: VesselRecord | None
) -> etree._Element:
    """A CISE ``Risk`` for one vessel's assessment: level, probability and severity from the
    score and its components, the vessel, where it was, and the alerts that contributed."""
    element = etree.Element("Risk") if parent is None else etree.SubElement(parent, "Risk")
    identifier = sub(element, "Identifier")
    sub(identifier, "UUID", entity_uuid("risk", vessel_key(assessment.track_id, assessment.mmsi)))
    _metadata(element, Description=_risk_description(assessment), Designation="seawatch vessel risk")
    period(element, "OccurrencePeriod", start=assessment.time)
    sub(element, "RiskLevel", level_of(assessment.score, RISK_LEVEL_BINS, "Low"))
    if assessment.probability is not None:
        sub(element, "RiskProbability", level_of(assessment.probability, RISK_PROBABILITY_BINS, "Improbable"))
    if assessment.impact is not None:
        sub(element, "RiskSeverity", level_of(assessment.impact, RISK_SEVERITY_BINS, "Negligible"))
    sub(element, "RiskType", RISK_TYPE.get(assessment.risk_type or "", "NonSpecified"))
    fix = None
    if assessment.lat is not None and assessment.lon is not None:
        fix = VesselFix(time=assessment.time, lat=assessment.lat, lon=assessment.lon)
    rel = sub(element, "InvolvedObjectRel")
    vessel(rel, track_id=assessment.track_id, mmsi=assessment.mmsi, identity=identity, fix=fix, nested=True)
    if fix is not None:
        location(sub(element, "LocationRel"), fix.lat, fix.lon)
    for alert_id in assessment.alert_ids:
        event = etree.SubElement(
            sub(element, "ImpliedEventRel"), "Event", nsmap={"a": ANOMALY_NS, "xsi": XSI_NS}
        )
        event.set(_XSI_TYPE, "a:Anomaly")
        sub(sub(event, "Identifier"), "UUID", entity_uuid("anomaly", alert_id))
    return element
