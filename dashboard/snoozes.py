"""Snoozes: one rule silenced for one vessel for a while, and what the alert panel does with them.

A snooze silences the alerts of one kind on one vessel (its MMSI, or its track without AIS)
for the officer's agency: they are still raised, recorded and routed, but the panels of that
agency's users hide them, count them, and show them on request marked "snoozed by ... until
... : reason". Another agency's officers still see them, with the same mark, since a coast
guard's snooze is no reason for customs to look away. A user or snooze without an agency
applies to everyone. Pure functions; the callbacks publish and audit (``dashboard.verdicts``).
"""

from __future__ import annotations

import dataclasses
import uuid

from dash import dcc, html

from dashboard import ids
from dashboard.auth import User
from dashboard.clock import utc
from dashboard.history import AlertView, Picture
from dashboard.operator_log import snooze_covers
from fusion.schemas import RuleSnooze

SNOOZE_MINUTES = (15, 30, 60, 120, 240)
"""The durations offered: a quarter of an hour up to half a watch."""
MAX_SNOOZE_MIN = 24 * 60
"""A longer silence is a rule change, not a snooze."""


def applies_to(snooze: RuleSnooze, user: User | None) -> bool:
    """Whether ``user``'s panel hides what ``snooze`` silences (same agency, or no agency on either side)."""
    agency = user.agency if user is not None else None
    return snooze.agency is None or agency is None or snooze.agency == agency


def snooze_of(view: AlertView, snoozes: list[RuleSnooze]) -> RuleSnooze | None:
    """The latest-started snooze in force that covers the alert, if any."""
    covering = [s for s in snoozes if snooze_covers(s, view)]
    return covering[-1] if covering else None


def hide_snoozed(
    picture: Picture, snoozes: list[RuleSnooze], user: User | None, show: bool
) -> tuple[Picture, dict[str, RuleSnooze], int]:
    """The picture the alert panel shows, each shown alert's snooze, and how many are hidden.

    Only open alerts are hidden: a cleared alert no longer asks for attention anyway.
    """
    marked: dict[str, RuleSnooze] = {}
    kept: list[AlertView] = []
    hidden = 0
    for view in picture.alerts:
        snooze = snooze_of(view, snoozes) if view.alert.state != "cleared" else None
        if snooze is not None and applies_to(snooze, user) and not show:
            hidden += 1
            continue
        if snooze is not None:
            marked[view.alert.alert_id] = snooze
        kept.append(view)
    return dataclasses.replace(picture, alerts=kept), marked, hidden


def snooze_text(snooze: RuleSnooze) -> str:
    who = snooze.officer + (f" ({snooze.agency})" if snooze.agency else "")
    return f"snoozed by {who} until {utc(snooze.until_time, '%H:%M:%S')}: {snooze.reason}"


def snooze_mark(snooze: RuleSnooze) -> html.Div:
    return html.Div(snooze_text(snooze), className="snoozed", style={"color": "#8e44ad"})


def new_snooze(
    view: AlertView | None, user: User | None, time: float | None, minutes: float | None, reason: str | None
) -> RuleSnooze | str:
    """The snooze to publish for the alert's rule and vessel, or why it is refused."""
    if user is None or not user.may_acknowledge:
        return "Only a watch officer may snooze a rule."
    if view is None or time is None:
        return "Choose an alert in the panel first: its rule and vessel are snoozed."
    if not minutes or not 0 < float(minutes) <= MAX_SNOOZE_MIN:
        return f"Give the snooze a duration of 1 to {MAX_SNOOZE_MIN} minutes."
    if not (reason or "").strip():
        return "Give a reason for the snooze: it is shown to everyone and audited."
    alert = view.alert
    return RuleSnooze(
        snooze_id=f"snz-{uuid.uuid4().hex[:16]}",
        time=time,
        until_time=time + float(minutes) * 60.0,
        kind=alert.kind,
        track_id=alert.track_id,
        mmsi=alert.mmsi,
        officer=user.name,
        username=user.username,
        agency=user.agency,
        reason=reason.strip(),
    )


def end_snooze(snooze: RuleSnooze | None, user: User | None, time: float | None) -> RuleSnooze | str:
    """The same snooze again ending at ``time`` (picture time), or why it is refused."""
    if user is None or not user.may_acknowledge:
        return "Only a watch officer may end a snooze."
    if snooze is None or time is None:
        return "The chosen alert's rule is not snoozed for this vessel."
    if not applies_to(snooze, user):
        return f"Snoozed by {snooze.agency}: only its officers may end the snooze."
    return dataclasses.replace(snooze, until_time=time)


def show_snoozed_control() -> dcc.Checklist:
    """The alert panel's switch to list snoozed alerts too, marked."""
    return dcc.Checklist(
        id=ids.SHOW_SNOOZED,
        options=[{"label": "show snoozed", "value": "show"}],
        value=[],
        inline=True,
        style={"display": "inline-block", "fontSize": "13px", "marginLeft": "6px"},
    )
