"""Typed records that flow between the stages, and their JSON form.

Every stage speaks these records and nothing else, so the in-memory bus, Kafka and the
files of a replay all carry the same bytes. Field names carry units and frames
(``range_m``, ``sog_kn``, ``cog_deg``: degrees from true north, clockwise); ``time`` is
always event time in unix seconds (UTC), never the wall clock; ``lat``/``lon`` are WGS84
degrees. "Not available" is ``None``, never a sentinel number such as AIS's 511 or 360.

This module imports only the standard library and orjson (records' JSON is on every hop of
the pipeline, and orjson encodes it ~10x faster) so that ``tracking/`` can depend on it
without pulling in anything else (see docs/architecture.md, import layers).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import orjson

SCHEMA_VERSION = 1
"""Layout version of every record type not listed in ``SCHEMA_VERSIONS``."""


class TimeSource(StrEnum):
    """Where a record's ``time`` came from: the receiver's tag block, or our own clock at receipt."""

    TAG_BLOCK = "tag_block"
    RECEIPT = "receipt"
    SCENARIO = "scenario"  # radar plot times written by the sensor/recorder


class RejectReason(StrEnum):
    """Why an input line was not accepted. Counted per reason and kept with the raw text."""

    BAD_CHECKSUM = "bad_checksum"
    MALFORMED_SENTENCE = "malformed_sentence"
    MALFORMED_TAG_BLOCK = "malformed_tag_block"
    UNKNOWN_SENTENCE = "unknown_sentence"
    ORPHAN_FRAGMENT = "orphan_fragment"
    UNDECODABLE_PAYLOAD = "undecodable_payload"
    NO_TIME = "no_time"
    NO_POSITION = "no_position"
    INVALID_MMSI = "invalid_mmsi"
    OUT_OF_RANGE = "out_of_range"
    MALFORMED_RECORD = "malformed_record"
    UNKNOWN_SENSOR = "unknown_sensor"
    TOO_LATE = "too_late"


class TrackStatus(StrEnum):
    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    COASTING = "coasting"
    LOST = "lost"


class AlertKind(StrEnum):
    ZONE_ENTRY = "zone_entry"
    ZONE_EXIT = "zone_exit"
    LOITERING = "loitering"
    DARK_VESSEL = "dark_vessel"
    AIS_GAP = "ais_gap"
    RENDEZVOUS = "rendezvous"
    SPOOFING = "spoofing"  # AIS identity anomalies: one MMSI in two places, impossible jumps, bad MMSI
    SPEEDING = "speeding"
    NO_AIS_IN_ZONE = "no_ais_in_zone"
    VESSEL_OF_INTEREST = "vessel_of_interest"


class AlertState(StrEnum):
    RAISED = "raised"
    UPDATED = "updated"
    CLEARED = "cleared"


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class MmsiKind(StrEnum):
    """The kind of station an MMSI's digits say it is (ITU-R M.585-9, ``ingest.mmsi.classify``)."""

    SHIP = "ship"
    GROUP = "group"
    COAST_STATION = "coast_station"
    SAR_AIRCRAFT = "sar_aircraft"
    HANDHELD = "handheld"
    AUXILIARY_CRAFT = "auxiliary_craft"
    ATON = "aton"
    SART = "sart"
    MOB = "mob"
    EPIRB = "epirb"


_RECORD = dict(frozen=True, slots=True, kw_only=True)


@dataclass(**_RECORD)
class AisReport:
    """One decoded AIS position report (types 1-3, 18, 19, 27).

    The last three fields are ingest's reading of the MMSI (schema version 2), carried so
    that later stages (the identity rules) need no MID table of their own: ``mmsi_kind``
    from its digits (None when the number is no valid MMSI), ``mmsi_problem`` why it is
    not one (None when it is), ``flag_state`` the ISO 3166 alpha-2 of its MID (None when
    the ITU has not allocated the MID, or the kind has none). A version 1 record has all
    three None: not classified.
    """

    time: float
    time_source: TimeSource
    mmsi: int
    msg_type: int
    lat: float
    lon: float
    sog_kn: float | None
    cog_deg: float | None
    heading_deg: int | None
    nav_status: int | None
    receiver_id: str
    raw: str
    mmsi_kind: MmsiKind | None = None
    mmsi_problem: str | None = None
    flag_state: str | None = None


@dataclass(**_RECORD)
class AisStatic:
    """Static and voyage data (types 5, 19, 24): who the vessel says it is.

    ``flag_state``, ``mmsi_kind`` and ``mmsi_problem`` are ingest's reading of the MMSI, as
    in :class:`AisReport` (the last two since schema version 2).
    """

    time: float
    mmsi: int
    msg_type: int
    name: str | None = None
    call_sign: str | None = None
    imo: int | None = None
    ship_type: int | None = None
    to_bow_m: int | None = None
    to_stern_m: int | None = None
    to_port_m: int | None = None
    to_starboard_m: int | None = None
    destination: str | None = None
    receiver_id: str = ""
    raw: str = ""
    mothership_mmsi: int | None = None  # type 24 B of an auxiliary craft (98MIDxxxx): its parent ship
    flag_state: str | None = None  # ISO 3166 alpha-2 of the MMSI's MID (ITU MID table); None if unallocated
    mmsi_kind: MmsiKind | None = None
    mmsi_problem: str | None = None


@dataclass(**_RECORD)
class RadarPlot:
    """One radar detection in the site's polar frame; sigmas come from sensors.json."""

    time: float
    sensor_id: str
    plot_id: int
    range_m: float
    bearing_deg: float
    range_sigma_m: float
    bearing_sigma_deg: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(**_RECORD)
class Reject:
    """An input we did not accept: data on the dead-letter stream, not a log line."""

    time: float | None
    source: str
    line_no: int | None
    reason: RejectReason
    detail: str
    raw: str


@dataclass(**_RECORD)
class TrackState:
    """What leaves the tracker: one track at one instant, in WGS84 and local ENU metres.

    ``cov`` is the 4x4 state covariance, row-major, state order [east, ve, north, vn], SI units.
    """

    time: float
    track_id: str
    status: TrackStatus
    lat: float
    lon: float
    east_m: float
    north_m: float
    ve_mps: float
    vn_mps: float
    sog_kn: float
    cog_deg: float
    cov: tuple[float, ...]
    mmsi: int | None
    last_ais_time: float | None
    last_radar_time: float | None
    radar_ids: tuple[str, ...] = ()


@dataclass(**_RECORD)
class Alert:
    """A rule's finding about one incident; ``alert_id`` is stable across states and replays."""

    alert_id: str
    time: float
    kind: AlertKind
    state: AlertState
    severity: Severity
    track_id: str
    mmsi: int | None
    zone_id: str | None
    lat: float
    lon: float
    message: str
    related_track_ids: tuple[str, ...] = ()
    evidence: dict[str, float | str] = field(default_factory=dict)
    responsible_agency: str | None = None
    """Id of the agency that acts on this alert (``config/agencies.toml``; docs/agencies.md),
    set by the routing stage from the alert's position and kind; None when no routing ran."""
    informed_agencies: tuple[str, ...] = ()
    """Ids of the agencies kept informed (partners included), in the agencies file's order."""


@dataclass(**_RECORD)
class AlertAck:
    """A watch officer's acknowledgement of one alert ("seen, acting on it"), an event of its own.

    ``time`` is the event (picture) time the officer acknowledged at, never the wall clock, so
    a replay places it where it happened; ``username`` is the login, for the audit trail.
    """

    alert_id: str
    time: float
    officer: str
    username: str | None = None
    agency: str | None = None
    note: str | None = None


class Verdict(StrEnum):
    """An officer's judgement of an alert."""

    CONFIRMED = "confirmed"  # a real incident: becomes a reporting in the vessel's history
    REJECTED = "rejected"  # a false alarm: counted against the rule that raised it


class RejectionReason(StrEnum):
    """Why an alert was a false alarm: a fixed list, so the rates per rule can be compared."""

    SENSOR_ERROR = "sensor_error"  # clutter, a ghost plot, a receiver fault
    KNOWN_VESSEL = "known_vessel"  # the vessel is known and authorised (patrol boat, pilot)
    WRONG_IDENTITY = "wrong_identity"  # the track was bound to the wrong vessel
    THRESHOLD_TOO_TIGHT = "threshold_too_tight"  # behaviour normal here, the rule is too sensitive
    DUPLICATE = "duplicate"  # another alert already covers the incident
    OTHER = "other"  # see the note


@dataclass(**_RECORD)
class AlertValidation:
    """An officer's verdict on an alert, an event of its own (topic ``alerts.validations``).

    ``time`` is picture (event) time, as for acknowledgements; ``reason`` is required for a
    rejection and absent for a confirmation; ``kind``, ``track_id`` and ``mmsi`` repeat the
    alert's so the verdict can be counted per rule and filed per vessel without the alert.
    """

    alert_id: str
    time: float
    verdict: Verdict
    officer: str
    kind: AlertKind
    track_id: str
    mmsi: int | None = None
    reason: RejectionReason | None = None
    username: str | None = None
    agency: str | None = None
    note: str | None = None


@dataclass(**_RECORD)
class RuleSnooze:
    """Silence one rule (alert kind) for one vessel until ``until_time``, with a reason.

    The alerts are still raised and recorded; a snoozed alert is not pushed to the officer
    (shown on request, marked snoozed). Keyed by ``snooze_id``; a snooze ended early is the
    same record again with ``until_time`` = the time it was ended.
    """

    snooze_id: str
    time: float
    until_time: float
    kind: AlertKind
    track_id: str
    officer: str
    reason: str
    mmsi: int | None = None
    username: str | None = None
    agency: str | None = None


@dataclass(**_RECORD)
class VesselNote:
    """An officer's note on a vessel (by MMSI, or by track id for a vessel without AIS)."""

    note_id: str
    time: float
    officer: str
    text: str
    mmsi: int | None = None
    track_id: str | None = None
    username: str | None = None
    agency: str | None = None


@dataclass(**_RECORD)
class RiskFactor:
    """One contribution to a vessel's risk: what was seen, its share of the score, the evidence."""

    name: str
    contribution: float
    evidence: str = ""


@dataclass(**_RECORD)
class RiskAssessment:
    """A vessel's risk at one event time, with "why this vessel" (``fusion.risk``; docs/risk.md).

    ``score`` = impact^a x probability^b x detectability^c, each component 0..1; ``factors``
    are the indicators behind it, largest first; ``alert_ids`` the alerts that were evidence.
    A dark vessel (no AIS) has ``mmsi`` None and is known by its ``track_id``.
    """

    time: float
    track_id: str
    mmsi: int | None
    score: float
    impact: float | None = None
    probability: float | None = None
    detectability: float | None = None
    risk_type: str | None = None
    lat: float | None = None
    lon: float | None = None
    factors: tuple[RiskFactor, ...] = ()
    alert_ids: tuple[str, ...] = ()


@dataclass(**_RECORD)
class RadarSite:
    id: str
    lat: float
    lon: float
    height_m: float
    range_sigma_m: float
    bearing_sigma_deg: float
    max_range_m: float
    scan_period_s: float


@dataclass(**_RECORD)
class AisReceiverSite:
    id: str
    lat: float
    lon: float
    range_m: float


@dataclass(**_RECORD)
class Sensors:
    """The sensor layout of a scenario (sensors.json)."""

    radars: tuple[RadarSite, ...]
    ais_receivers: tuple[AisReceiverSite, ...]

    def radar(self, sensor_id: str) -> RadarSite | None:
        # a loop, not next() over a generator: asked once per radar plot, and thrice as quick
        for radar in self.radars:
            if radar.id == sensor_id:
                return radar
        return None


Record = (
    AisReport
    | AisStatic
    | RadarPlot
    | Reject
    | TrackState
    | Alert
    | AlertAck
    | AlertValidation
    | RuleSnooze
    | VesselNote
    | RiskAssessment
)
R = TypeVar(
    "R",
    AisReport,
    AisStatic,
    RadarPlot,
    Reject,
    TrackState,
    Alert,
    AlertAck,
    AlertValidation,
    RuleSnooze,
    VesselNote,
    RiskAssessment,
)
_T = TypeVar("_T")

SCHEMA_VERSIONS: dict[type, int] = {Alert: 2, AisReport: 2, AisStatic: 2}
"""Record types whose layout changed since version 1. A newer version only adds fields with
defaults, so this code still reads every older version (an alert of version 1 has no routing;
an AIS report or static record of version 1 has no reading of its MMSI: ``mmsi_kind``,
``mmsi_problem`` and, on reports, ``flag_state`` are None)."""


def schema_version(cls: type) -> int:
    """The layout version ``to_dict`` writes for records of ``cls``."""
    return SCHEMA_VERSIONS.get(cls, SCHEMA_VERSION)


_ENUM_FIELDS: dict[type, dict[str, type[StrEnum]]] = {
    AisReport: {"time_source": TimeSource, "mmsi_kind": MmsiKind},
    AisStatic: {"mmsi_kind": MmsiKind},
    Reject: {"reason": RejectReason},
    TrackState: {"status": TrackStatus},
    Alert: {"kind": AlertKind, "state": AlertState, "severity": Severity},
    AlertValidation: {"verdict": Verdict, "kind": AlertKind, "reason": RejectionReason},
    RuleSnooze: {"kind": AlertKind},
}
_TUPLE_FIELDS: dict[type, tuple[str, ...]] = {
    TrackState: ("cov", "radar_ids"),
    Alert: ("related_track_ids", "informed_agencies"),
    RiskAssessment: ("factors", "alert_ids"),
}
_NESTED_FIELDS: dict[type, dict[str, type]] = {RiskAssessment: {"factors": RiskFactor}}
"""Fields holding a tuple of records (JSON objects in an array)."""


def positional_constructor(cls: type[_T], *names: str) -> Callable[..., _T]:
    """A constructor taking the fields ``names`` of ``cls`` in order, for the hot paths.

    A frozen dataclass's ``__init__`` assigns each field through ``object.__setattr__`` (its
    guard against mutation), about 0.1 us a field: for the ~12-field reports a feed decodes by
    the thousand per second that is a tenth of the whole decode. This one builds the record as
    an unfrozen twin of ``cls`` (a class with the same slots, so the same memory layout), sets
    each field by a plain attribute store, which the interpreter specialises, and then makes it
    a ``cls`` by assigning ``__class__`` (Python allows that between classes of one layout):
    the same frozen object ``__init__`` gives, at a third of the cost of the slot descriptors'
    ``__set__`` called per field, for track states built by the hundred thousand. The function
    is written out, one store per field, and compiled once per record type (as
    ``dataclasses`` makes ``__init__``).

    ``names`` must be the leading fields of ``cls`` in declaration order (checked here, once,
    so a field added or moved later fails at import instead of filling the wrong slot); the
    fields after them take their plain defaults. No validation runs, as in ``__init__``.
    """
    fields = dataclasses.fields(cls)
    declared = tuple(f.name for f in fields)
    rest = fields[len(names) :]
    if declared[: len(names)] != names or any(f.default is dataclasses.MISSING for f in rest):
        why = f"{names} are not its leading fields {declared} (the rest need defaults)"
        raise TypeError(f"{cls.__name__}: {why}")
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": cls.__slots__})  # type: ignore[attr-defined]
    object.__new__(twin).__class__ = cls  # a layout that differs (a base's slots) fails here, at import
    scope: dict[str, Any] = {"new": object.__new__, "twin": twin, "cls": cls}
    scope.update((f"default_{k}", f.default) for k, f in enumerate(fields) if k >= len(names))
    values = [f"value_{k}" if k < len(names) else f"default_{k}" for k in range(len(declared))]
    body = "".join(f"    record.{name} = {value}\n" for name, value in zip(declared, values, strict=True))
    head = f"def construct({', '.join(values[: len(names)])}):\n    record = new(twin)\n"
    exec(head + body + "    record.__class__ = cls\n    return record\n", scope)
    return scope["construct"]


def to_dict(record: Record) -> dict[str, Any]:
    """Plain-JSON dict of a record (enums as their string values), without deep copies.

    The first key is ``schema_version`` (``schema_version(type)``): subscribers of the Kafka
    topics validate values against docs/schemas/ and can tell a future layout apart.
    """
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSIONS.get(type(record), SCHEMA_VERSION)}
    out.update((f.name, getattr(record, f.name)) for f in dataclasses.fields(record))
    for name in _TUPLE_FIELDS.get(type(record), ()):
        out[name] = list(out[name])
    for name in _NESTED_FIELDS.get(type(record), ()):
        out[name] = [dataclasses.asdict(item) for item in out[name]]
    return out


def to_json(record: Record) -> bytes:
    """Compact UTF-8 JSON; key order is the field order, so equal records give equal bytes.

    The same bytes as ``orjson.dumps(to_dict(record))``, but orjson serialises the dataclass
    itself in C (enums as values, tuples as arrays) and the ``schema_version`` key is spliced
    in front: every record on every hop is encoded, and the dict built on the way cost more
    than the encoding.
    """
    cls = type(record)
    prefix = _JSON_PREFIX.get(cls)
    if prefix is None:
        prefix = _JSON_PREFIX[cls] = b'{"schema_version":%d,' % schema_version(cls)
    body = orjson.dumps(record)
    return prefix + body[1:] if len(body) > 2 else prefix[:-1] + b"}"


_JSON_PREFIX: dict[type, bytes] = {}


def from_dict(cls: type[R], data: dict[str, Any]) -> R:
    """Rebuild a record, converting enum strings and lists back; unknown keys are an error.

    ``schema_version`` may be absent (files written before it existed) or older than the
    current one (later versions only add fields with defaults) but must not be a version this
    code does not know.
    """
    kwargs = dict(data)
    version = kwargs.pop("schema_version", SCHEMA_VERSION)
    newest = schema_version(cls)
    if not isinstance(version, int) or not SCHEMA_VERSION <= version <= newest:
        raise ValueError(f"schema_version {version!r} is not supported (this code reads up to {newest})")
    for name, enum_cls in _ENUM_FIELDS.get(cls, {}).items():
        value = kwargs.get(name)
        if value is not None:  # the value map first: a dict hit, where calling the enum is ~3 us
            member = enum_cls._value2member_map_.get(value)
            kwargs[name] = member if member is not None else enum_cls(value)
    for name in _TUPLE_FIELDS.get(cls, ()):
        if name in kwargs:
            kwargs[name] = tuple(kwargs[name])
    for name, item_cls in _NESTED_FIELDS.get(cls, {}).items():
        if name in kwargs:
            items = kwargs[name]
            kwargs[name] = tuple(item if isinstance(item, item_cls) else item_cls(**item) for item in items)
    return cls(**kwargs)


def from_json(cls: type[R], payload: bytes | str) -> R:
    """Parse and rebuild a record; malformed JSON raises ``ValueError`` (orjson's decode error)."""
    return from_dict(cls, orjson.loads(payload))
