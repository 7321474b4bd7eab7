"""The routing stage: which agency acts on an alert, which are informed, and what each receives.

A pure function of the alert (its position, kind and zone) and the agencies file, applied
after the rules: the same alert routes the same way in a replay, and ``alert_id`` is never
touched. Rules of responsibility (docs/agencies.md):

- the places of an alert are the belt it lies in, the zones and areas containing it, and the
  zone it is about (a ``zone_exit`` lies just outside its zone);
- the **responsible** agency is the first agency, in file order, whose jurisdiction holds one
  of those places and whose ``responsible_for`` holds the alert's kind; when none does, the
  file's ``default_responsible`` (no alert falls between agencies);
- the **informed** agencies are every other agency whose jurisdiction holds a place and whose
  ``responsible_for`` or ``informed_of`` holds the kind, in file order.

An incident keeps its agencies (:meth:`AlertRouter.follow`, what the fusion stage calls): its
``updated`` and ``cleared`` events go to the agencies its earlier events went to, with the same
responsible agency, plus any the vessel's new position adds. A customs officer who saw a
rendezvous raised in the anchorage sees it cleared after the pair drifted out, and a partner
sees the end of what it was told the start of. ``route`` alone is the pure, per-event rule.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from fusion import topics
from fusion.agencies.config import AgenciesConfig, Agency, load_agencies
from fusion.agencies.sharing import shared_json
from fusion.rules.zones import Zones, load_zones
from fusion.schemas import Alert, AlertKind, AlertState


class AlertRouter:
    """Routes alerts by the agencies file; see the module docstring for the rules.

    Parameters
    ----------
    config
        The validated agencies file (:func:`fusion.agencies.config.load_agencies`).
    zones
        The zones the file was validated against (lon/lat geometries).
    """

    def __init__(self, config: AgenciesConfig, zones: Zones) -> None:
        self.config = config
        self._places: list[tuple[tuple[str, ...], BaseGeometry]] = [
            ((f"zone:{zone.id}", f"kind:{zone.kind.value}"), zone.geometry) for zone in zones.zones
        ]
        self._places += [((f"area:{area.id}",), area.geometry) for area in config.areas]
        for _, geometry in self._places:
            shapely.prepare(geometry)
        self._zone_terms = {zone.id: (f"zone:{zone.id}", f"kind:{zone.kind.value}") for zone in zones.zones}
        self._topics = {agency.id: topics.agency_alerts(agency.id) for agency in config.agencies}
        self.incidents: dict[str, tuple[str | None, tuple[str, ...]]] = {}
        """Open incidents' (responsible, informed) agencies by alert id: routing state that a
        crash-recovery snapshot of the fusion stage carries (``FusionService.state``)."""

    def places(self, alert: Alert) -> frozenset[str]:
        """Jurisdiction terms (``belt:``, ``zone:``, ``kind:``, ``area:``) that hold the alert."""
        point = shapely.Point(alert.lon, alert.lat)
        found = {term for terms, geometry in self._places if geometry.covers(point) for term in terms}
        belt = self.config.belts.belt_at(alert.lon, alert.lat)
        if belt is not None:
            found.add(f"belt:{belt}")
        if alert.zone_id is not None:
            found.update(self._zone_terms.get(alert.zone_id, ()))
        return frozenset(found)

    def route(self, alert: Alert) -> Alert:
        """``alert`` with ``responsible_agency`` and ``informed_agencies`` set (same id)."""
        places = self.places(alert)
        covering = [agency for agency in self.config.agencies if places.intersection(agency.jurisdiction)]
        responsible = next(
            (agency.id for agency in covering if alert.kind in agency.responsible_for),
            self.config.default_responsible,
        )
        informed = tuple(
            agency.id
            for agency in covering
            if agency.id != responsible and alert.kind in agency.responsible_for | agency.informed_of
        )
        return dataclasses.replace(alert, responsible_agency=responsible, informed_agencies=informed)

    def follow(self, alert: Alert) -> Alert:
        """Route one event of an incident, keeping the agencies of its earlier events.

        The responsible agency of the ``raised`` event stays responsible; agencies informed
        earlier stay informed (and are told of the clearance); agencies the new position adds
        are informed too. Memory is kept only while the incident is open (a ``zone_exit`` is a
        lone ``raised``: nothing follows it).
        """
        routed = self.route(alert)
        earlier = self.incidents.get(alert.alert_id)
        if earlier is not None:
            responsible, informed = earlier
            new = (routed.responsible_agency, *routed.informed_agencies)
            informed += tuple(a for a in new if a != responsible and a not in informed)
            routed = dataclasses.replace(routed, responsible_agency=responsible, informed_agencies=informed)
        if alert.state is AlertState.CLEARED or alert.kind is AlertKind.ZONE_EXIT:
            self.incidents.pop(alert.alert_id, None)
        else:
            self.incidents[alert.alert_id] = (routed.responsible_agency, routed.informed_agencies)
        return routed

    def recipients(self, alert: Alert) -> list[Agency]:
        """The agencies a routed alert goes to: the responsible one, then the informed ones."""
        ids = ((alert.responsible_agency,) if alert.responsible_agency else ()) + alert.informed_agencies
        return [self.config.agency(agency_id) for agency_id in ids]

    def deliveries(self, alert: Alert) -> list[tuple[str, bytes]]:
        """(topic, value) per recipient of a routed alert, each cut to that recipient's policy."""
        return [
            (self._topics[agency.id], shared_json(alert, agency.sharing)) for agency in self.recipients(alert)
        ]


def load_router(agencies_path: Path, zones_path: Path) -> AlertRouter:
    """The router of an agencies file, checked against the zones the rules use.

    Raises
    ------
    fusion.agencies.config.AgenciesFileError, fusion.rules.zones.ZonesFileError
        Naming the file, the entry and the fix.
    """
    zones = load_zones(zones_path)
    return AlertRouter(load_agencies(agencies_path, zones), zones)
