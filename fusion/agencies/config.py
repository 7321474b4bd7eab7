"""The agencies file (``config/agencies.toml``): who shares the picture, where, and what they see.

Read and checked once at start-up; every problem is an :class:`AgenciesFileError` naming the
file, the entry and the fix, so a wrong file never starts a service that routes alerts
wrongly. The format is documented in docs/agencies.md and in the demo file itself.

Jurisdiction terms (``jurisdiction = [...]``):

- ``belt:<name>``: a maritime belt (``territorial_sea``, ``contiguous_zone``, ``eez``) of the
  belts file named by ``belts``;
- ``zone:<id>`` / ``kind:<kind>``: a zone of zones.geojson, or every zone of a kind;
- ``area:<id>``: an area of the agencies file's own ``[[areas]]`` (e.g. a border area
  shared with a partner state, which is no geofence of the rules).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from shapely.errors import ShapelyError
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from fusion import topics
from fusion.agencies.belts import BELTS, Belts, BeltsFileError, load_belts
from fusion.rules.zones import ZoneKind, Zones
from fusion.schemas import Alert, AlertKind

AGENCY_ID = re.compile(r"[a-z][a-z0-9_-]{0,31}")
"""Agency ids name Kafka topics (``alerts.<id>``): lower case letters, digits, ``_`` and ``-``."""

CORE_FIELDS = ("alert_id", "time", "kind", "state")
"""Fields every recipient gets: without them an incident cannot be followed or de-duplicated."""

ALERT_FIELDS = tuple(f.name for f in fields(Alert))

ALL = "*"
"""In a kinds or fields list: every kind / every field."""


class AgenciesFileError(ValueError):
    """The agencies file cannot be used; the message names the file, the entry and the fix."""


class AgencyType(StrEnum):
    DOMESTIC = "domestic"
    """An agency of the state running seawatch: sees every field unless its policy says otherwise."""
    PARTNER = "partner"
    """A foreign partner: must have an explicit sharing policy."""


@dataclass(frozen=True, slots=True)
class SharingPolicy:
    """What one recipient may see of an alert.

    Attributes
    ----------
    fields
        Alert fields sent (``CORE_FIELDS`` always among them); every other field is withheld,
        its key absent from the value, not nulled.
    evidence_keys
        When ``evidence`` is sent: the evidence keys sent, None for all of them.
    """

    fields: tuple[str, ...] = ALERT_FIELDS
    evidence_keys: tuple[str, ...] | None = None

    @property
    def is_full(self) -> bool:
        return set(self.fields) == set(ALERT_FIELDS) and self.evidence_keys is None


@dataclass(frozen=True, slots=True)
class Agency:
    """One agency of the file, its jurisdiction resolved to terms (``belt:...``, ``zone:...``)."""

    id: str
    name: str
    type: AgencyType
    jurisdiction: tuple[str, ...]
    responsible_for: frozenset[AlertKind]
    informed_of: frozenset[AlertKind]
    sharing: SharingPolicy


@dataclass(frozen=True, slots=True)
class Area:
    """A named polygon of the agencies file (lon/lat), e.g. a shared border area."""

    id: str
    name: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class AgenciesConfig:
    """The validated agencies file, agencies in file order (the order of responsibility)."""

    path: Path
    agencies: tuple[Agency, ...]
    default_responsible: str
    belts: Belts
    areas: tuple[Area, ...]

    def check_members(self, members: Mapping[str, str | None], where: str) -> None:
        """Check that every member (e.g. a dashboard user) belongs to an agency of this file.

        Raises
        ------
        AgenciesFileError
            Naming the member, its unknown agency and the known ones.
        """
        for member, agency_id in members.items():
            if agency_id is not None and agency_id not in self.ids:
                raise AgenciesFileError(
                    f"{where}: {member}'s agency {agency_id!r} is not in {self.path}; fix: use one of "
                    f"{', '.join(self.ids)}"
                )

    def agency(self, agency_id: str) -> Agency:
        return next(a for a in self.agencies if a.id == agency_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.agencies)


def load_agencies(path: Path, zones: Zones) -> AgenciesConfig:
    """Read and check an agencies file against the zones it refers to.

    Parameters
    ----------
    path
        The TOML file (config/agencies.toml); ``belts`` inside is relative to it.
    zones
        The zones of the deployment (zones.geojson): ``zone:`` and ``kind:`` terms must name them.

    Raises
    ------
    AgenciesFileError
        On the first problem, naming the file, the entry and the fix.
    """
    path = Path(path)
    _check_topic_template(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AgenciesFileError(f"{path}: agencies file not found; copy config/agencies.toml") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AgenciesFileError(f"{path}: not valid TOML ({exc}); fix the syntax at that line") from None
    _only_keys(path, "top level", data, {"belts", "default_responsible", "areas", "agencies"})
    belts = _belts(path, data)
    areas = _areas(path, data.get("areas", []))
    entries = data.get("agencies")
    if not isinstance(entries, dict) or not entries:
        raise AgenciesFileError(
            f"{path}: no [agencies.<id>] tables; fix: add one per agency (docs/agencies.md)"
        )
    terms = _known_terms(zones, areas)
    agencies = tuple(_agency(path, agency_id, entry, terms) for agency_id, entry in entries.items())
    default = data.get("default_responsible")
    domestic = [a.id for a in agencies if a.type is AgencyType.DOMESTIC]
    if default not in domestic:
        raise AgenciesFileError(
            f"{path}: default_responsible = {default!r} is not a domestic agency of this file; "
            f"fix: set it to one of {', '.join(domestic) or '(none: add a domestic agency)'} "
            "(it takes the alerts no other agency is responsible for)"
        )
    return AgenciesConfig(path, agencies, default, belts, areas)


def _check_topic_template(path: Path) -> None:
    """Each agency needs a topic of its own: a template without ``{agency}`` would send a
    domestic agency's full alerts to the partner's topic too."""
    try:
        distinct = topics.agency_alerts("a") != topics.agency_alerts("b")
    except (KeyError, IndexError, ValueError):
        distinct = False
    if not distinct:
        raise AgenciesFileError(
            f"{path}: the agency topic template SEAWATCH_TOPIC_AGENCY_ALERTS={topics.AGENCY_ALERTS!r} does "
            "not give each agency its own topic; fix: include {agency} once and no other braces"
        )


def _only_keys(path: Path, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise AgenciesFileError(
            f"{path}: {where}: unknown key(s) {', '.join(unknown)}; "
            f"fix: use only {', '.join(sorted(allowed))}"
        )


def _belts(path: Path, data: Mapping[str, Any]) -> Belts:
    name = data.get("belts")
    if not isinstance(name, str):
        raise AgenciesFileError(
            f'{path}: belts = "<file>" missing; fix: name the belts GeoJSON (scripts/make_belts.py), '
            "relative to this file"
        )
    try:
        return load_belts(path.parent / name)
    except BeltsFileError as exc:
        raise AgenciesFileError(f"{path}: belts = {name!r}: {exc}") from None


def _areas(path: Path, entries: Any) -> tuple[Area, ...]:
    if not isinstance(entries, list):
        raise AgenciesFileError(f"{path}: areas must be [[areas]] tables with id, name and polygon")
    out: list[Area] = []
    for index, entry in enumerate(entries):
        where = f"[[areas]] #{index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise AgenciesFileError(
                f'{path}: {where}: needs id = "...", name and polygon = [[lon, lat], ...]'
            )
        where = f"[[areas]] {entry['id']!r}"
        _only_keys(path, where, entry, {"id", "name", "polygon"})
        if any(area.id == entry["id"] for area in out):
            raise AgenciesFileError(f"{path}: {where}: duplicate id; fix: make area ids unique")
        try:
            polygon = Polygon([(float(lon), float(lat)) for lon, lat in entry.get("polygon", [])])
            valid = polygon.is_valid and not polygon.is_empty
        except (TypeError, ValueError, ShapelyError):
            valid = False
        if not valid or not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in polygon.exterior.coords):
            raise AgenciesFileError(
                f"{path}: {where}: polygon must be at least 3 [lon, lat] points in degrees forming a "
                "simple (non self-intersecting) ring; fix the coordinates"
            )
        out.append(Area(entry["id"], str(entry.get("name", entry["id"])), polygon))
    return tuple(out)


def _known_terms(zones: Zones, areas: tuple[Area, ...]) -> set[str]:
    return (
        {f"belt:{name}" for name in BELTS}
        | {f"zone:{zone.id}" for zone in zones.zones}
        | {f"kind:{kind.value}" for kind in ZoneKind}
        | {f"area:{area.id}" for area in areas}
    )


def _agency(path: Path, agency_id: str, entry: Any, terms: set[str]) -> Agency:
    where = f"[agencies.{agency_id}]"
    if not AGENCY_ID.fullmatch(agency_id):
        raise AgenciesFileError(
            f"{path}: {where}: id must be 1-32 lower-case letters, digits, '_' or '-', starting with a "
            f"letter (it names the Kafka topic {topics.agency_alerts(agency_id)!r}); fix: rename the table"
        )
    if topics.agency_alerts(agency_id) in _other_topics():
        raise AgenciesFileError(
            f"{path}: {where}: its topic {topics.agency_alerts(agency_id)!r} is already another topic; "
            "fix: rename the agency"
        )
    if not isinstance(entry, dict):
        raise AgenciesFileError(f"{path}: {where} must be a table (docs/agencies.md)")
    _only_keys(
        path,
        where,
        entry,
        {"name", "type", "jurisdiction", "responsible_for", "informed_of", "sharing"},
    )
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise AgenciesFileError(f'{path}: {where}: name = "..." missing; fix: give the agency\'s full name')
    try:
        agency_type = AgencyType(entry.get("type", AgencyType.DOMESTIC.value))
    except ValueError:
        raise AgenciesFileError(
            f'{path}: {where}: type = {entry.get("type")!r} unknown; fix: use "domestic" or "partner"'
        ) from None
    jurisdiction = _strings(path, where, "jurisdiction", entry.get("jurisdiction"))
    for term in jurisdiction:
        if term not in terms:
            raise AgenciesFileError(
                f"{path}: {where}: jurisdiction term {term!r} names nothing known; fix: use one of "
                f"{', '.join(sorted(terms))}"
            )
    if not jurisdiction:
        raise AgenciesFileError(
            f"{path}: {where}: jurisdiction is empty; fix: list its belts, zones or areas"
        )
    responsible = _kinds(path, where, "responsible_for", entry.get("responsible_for", []))
    if responsible and agency_type is AgencyType.PARTNER:
        raise AgenciesFileError(
            f"{path}: {where}: a partner cannot be responsible for alerts; fix: move the kinds to informed_of"
        )
    informed = _kinds(path, where, "informed_of", entry.get("informed_of", []))
    if not responsible and not informed:
        raise AgenciesFileError(
            f"{path}: {where}: neither responsible_for nor informed_of lists a kind, so it would receive "
            'nothing; fix: list alert kinds (or "*")'
        )
    sharing = _sharing(path, agency_id, entry.get("sharing"), agency_type)
    return Agency(
        agency_id, entry["name"], agency_type, jurisdiction, responsible, informed - responsible, sharing
    )


def _other_topics() -> set[str]:
    """Every topic name ``fusion.topics`` defines: an agency's topic must not be one of them."""
    return {value for name, value in vars(topics).items() if name.isupper() and isinstance(value, str)}


def _strings(path: Path, where: str, key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AgenciesFileError(f'{path}: {where}: {key} must be a list of strings, e.g. {key} = ["..."]')
    return tuple(value)


def _kinds(path: Path, where: str, key: str, value: Any) -> frozenset[AlertKind]:
    names = _strings(path, where, key, value)
    if ALL in names:
        return frozenset(AlertKind)
    known = {kind.value for kind in AlertKind}
    for name in names:
        if name not in known:
            raise AgenciesFileError(
                f'{path}: {where}: {key} has unknown alert kind {name!r}; fix: use "*" or some of '
                f"{', '.join(sorted(known))}"
            )
    return frozenset(AlertKind(name) for name in names)


def _sharing(path: Path, agency_id: str, table: Any, agency_type: AgencyType) -> SharingPolicy:
    where = f"[agencies.{agency_id}.sharing]"
    if table is None:
        if agency_type is AgencyType.PARTNER:
            raise AgenciesFileError(
                f"{path}: {where} missing: a partner needs an explicit policy; fix: add that table with "
                "fields = [...] listing what it may see (docs/agencies.md)"
            )
        return SharingPolicy()
    if not isinstance(table, dict):
        raise AgenciesFileError(f"{path}: {where} must be a table with fields (and evidence_keys)")
    _only_keys(path, where, table, {"fields", "evidence_keys"})
    names = _strings(path, where, "fields", table.get("fields"))
    unknown = [name for name in names if name not in (*ALERT_FIELDS, ALL)]
    if unknown:
        raise AgenciesFileError(
            f'{path}: {where}: unknown field(s) {", ".join(unknown)}; fix: use "*" or some of '
            f"{', '.join(ALERT_FIELDS)}"
        )
    if ALL in names:
        names = ALERT_FIELDS
    missing = [name for name in CORE_FIELDS if name not in names]
    if missing:
        raise AgenciesFileError(
            f"{path}: {where}: fields must include {', '.join(missing)} (a recipient cannot follow an "
            "incident without them); fix: add them"
        )
    evidence_keys = table.get("evidence_keys")
    if evidence_keys is not None:
        if "evidence" not in names:
            raise AgenciesFileError(
                f"{path}: {where}: evidence_keys given but evidence is not among fields; fix: add "
                '"evidence" to fields or remove evidence_keys'
            )
        evidence_keys = _strings(path, where, "evidence_keys", evidence_keys)
    return SharingPolicy(tuple(name for name in ALERT_FIELDS if name in names), evidence_keys)
