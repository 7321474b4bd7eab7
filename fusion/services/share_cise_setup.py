"""``seawatch share cise``'s options: checked, then turned into a running ``ShareCiseService``.

What may leave for a partner is checked here once, at start-up. Alerts come cut to the
partner's sharing policy (``alerts.<partner>``); the whole picture (``Vessel`` per track) and
risk assessments carry identities and evidence no alert field governs, so they go to a
partner only when the agencies file says its policy withholds nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from fusion import topics
from fusion.cise.delivery import Backoff, DirectorySink, HttpSink, RejectedStore, Sink
from fusion.cise.messages import Envelope as CiseEnvelope
from fusion.cise.validate import CiseSchemaError, CiseValidator
from fusion.services.share_cise import ShareCiseService, ShareSettings


class ShareConfigError(ValueError):
    """A ``share cise`` setting that cannot work; the message names it and the fix."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ShareOptions:
    """``seawatch share cise``'s settings (see ``seawatch share cise --help``)."""

    bus_url: str
    group: str | None = None
    out_dir: Path | None = None
    url: str | None = None
    partner: str | None = None
    agencies_path: Path | None = None
    zones_path: Path | None = None
    sender_id: str = "seawatch"
    recipient_id: str | None = None
    sea_basin: str = "NonSpecified"
    purpose: str = "BorderMonitoring"
    vessel_every_s: float | None = None
    share_risk: bool = False
    validate_dir: Path | None = None
    rejected_dir: Path | None = None
    retry_max_s: float = 30.0
    http_timeout_s: float = 10.0


def open_share_service(options: ShareOptions) -> ShareCiseService:
    """Check the options, open the buses and the sink, and build the service.

    With ``partner`` the service reads ``alerts.<partner>`` (cut to the partner's sharing
    policy by the routing stage); with ``agencies_path`` too, the partner must be in that
    file. The whole picture (``vessel_every_s``) and risk (``share_risk``) go to a partner only
    if ``agencies_path`` shows its policy withholds no alert field.
    """
    from fusion.bus_factory import open_bus

    if (options.out_dir is None) == (options.url is None):
        raise ShareConfigError("give exactly one of --out DIR and --url HTTP_ENDPOINT")
    if options.vessel_every_s is not None and options.vessel_every_s < 0:
        raise ShareConfigError("--vessels-every-s must be 0 or more event seconds")
    wide = options.vessel_every_s is not None or options.share_risk
    if options.partner is not None and wide and options.agencies_path is None:
        raise ShareConfigError(
            "--vessels-every-s and --risk share more than alerts: with --partner give --agencies, "
            "so the partner's sharing policy can be checked"
        )
    if options.partner is not None and options.agencies_path is not None:
        _check_partner(options)
    try:
        envelope = CiseEnvelope(
            sender_id=options.sender_id,
            recipient_id=options.recipient_id or options.partner,
            sea_basin=options.sea_basin,
            purpose=options.purpose,
        )
        sink: Sink = (
            DirectorySink(options.out_dir)
            if options.out_dir is not None
            else HttpSink(options.url or "", timeout_s=options.http_timeout_s)
        )
    except ValueError as error:
        raise ShareConfigError(str(error)) from None
    validator = None
    if options.validate_dir is not None:
        try:
            validator = CiseValidator(options.validate_dir)
        except CiseSchemaError as error:
            raise ShareConfigError(f"--validate-with: {error}") from None
    who = options.partner or "all"
    rejected_dir = options.rejected_dir
    if rejected_dir is None:
        base = options.out_dir.parent if options.out_dir is not None else Path("seawatch-state")
        rejected_dir = base / f"cise-rejected-{who}"
    alert_topic = topics.ALERTS if options.partner is None else topics.agency_alerts(options.partner)
    settings = ShareSettings(
        envelope=envelope,
        alert_topic=alert_topic,
        vessel_every_s=options.vessel_every_s,
        share_risk=options.share_risk,
    )
    group = options.group or f"seawatch-share-cise-{who}"
    bus = open_bus(options.bus_url, group)
    identities = open_bus(options.bus_url, f"{group}-identities-{uuid.uuid4().hex[:12]}")
    return ShareCiseService(
        bus,
        identities,
        sink,
        settings,
        rejected=RejectedStore(rejected_dir),
        validator=validator,
        backoff=Backoff(max_s=options.retry_max_s),
    )


def _check_partner(options: ShareOptions) -> None:
    from fusion.agencies.config import AgenciesFileError, load_agencies
    from fusion.rules.zones import ZonesFileError, load_zones

    assert options.agencies_path is not None and options.partner is not None
    if options.zones_path is None:
        raise ShareConfigError("--agencies needs --zones (the zones its jurisdictions name)")
    try:
        config = load_agencies(options.agencies_path, load_zones(options.zones_path))
    except (AgenciesFileError, ZonesFileError) as error:
        raise ShareConfigError(str(error)) from None
    if options.partner not in config.ids:
        raise ShareConfigError(
            f"--partner {options.partner!r} is not in {options.agencies_path}; known: {', '.join(config.ids)}"
        )
    policy = config.agency(options.partner).sharing
    if (options.vessel_every_s is not None or options.share_risk) and not policy.is_full:
        raise ShareConfigError(
            f"--vessels-every-s/--risk would share vessels and risk with {options.partner!r}, whose sharing "
            f"policy in {options.agencies_path} withholds alert fields; share alerts only or widen the policy"
        )
