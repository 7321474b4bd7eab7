"""The selected vessel's past, and officers' notes on it.

The history comes from the vessel history database when the dashboard is given one
(``--history-db``, filled by ``seawatch history`` from the topics; ``fusion.history``), else
from what this dashboard has read from the bus (its retention window). Either way it is cut
at picture time, so a replay shows what was known then: names and call signs seen on the
MMSI, MMSIs seen on the track, alerts with their verdicts, reportings (confirmed alerts)
and notes. A watch officer adds a note; it is audited, then published on ``vessels.notes``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import ids
from dashboard.audit_trail import record_action
from dashboard.auth import User, current_user
from dashboard.clock import utc
from dashboard.config import DashboardConfig
from dashboard.history import Picture
from dashboard.operator_log import OperatorLog, digest
from dashboard.picture import PictureFeed
from fusion import topics
from fusion.audit import Action
from fusion.history.store import HistoryStore
from fusion.schemas import Verdict, VesselNote

NOTE_MAX_CHARS = 2000
"""A note is a few sentences; longer belongs in an incident report."""


@dataclass(frozen=True)
class VesselPast:
    """What is known of one vessel up to a time, whichever source it came from; times in unix s."""

    source: str
    identities: list[tuple[str, float, float]] = field(default_factory=list)
    """(name / call sign / IMO, first seen, last seen)."""
    mmsis: list[tuple[int, str, float, float]] = field(default_factory=list)
    """(MMSI, track id, first seen, last seen)."""
    alerts: list[tuple[float, str, str, str]] = field(default_factory=list)
    """(raised, kind, alert id, verdict or "")."""
    reportings: list[tuple[float, str, str, str]] = field(default_factory=list)
    """(confirmed at, kind, alert id, officer)."""
    notes: list[tuple[float, str, str]] = field(default_factory=list)
    """(time, officer, text)."""


def _identity_label(name: str | None, call_sign: str | None, imo: int | None) -> str:
    parts = [name or "no name", f"call sign {call_sign}" if call_sign else "", f"IMO {imo}" if imo else ""]
    return " · ".join(p for p in parts if p)


def past_from_bus(
    picture: Picture, feed: PictureFeed, operator: OperatorLog, track_id: str, mmsi: int | None
) -> VesselPast:
    """The vessel's past as this dashboard read it, up to picture time."""
    time = picture.time or 0.0
    identities: dict[str, tuple[float, float]] = {}
    statics = feed.history.statics.get(mmsi) if mmsi is not None else None
    for static in statics.items[: statics.upto(time)] if statics else ():
        if static.name or static.call_sign or static.imo:
            label = _identity_label(static.name, static.call_sign, static.imo)
            first, _ = identities.get(label, (static.time, static.time))
            identities[label] = (first, static.time)
    mine = [
        v
        for v in picture.alerts
        if v.alert.track_id == track_id
        or track_id in v.alert.related_track_ids  # the other vessel of a rendezvous
        or (mmsi is not None and v.alert.mmsi == mmsi)
    ]
    alerts, reportings = [], []
    for view in sorted(mine, key=lambda v: (v.raised_time, v.alert.alert_id)):
        verdict = operator.validation_at(view.alert.alert_id, time)
        alerts.append(
            (view.raised_time, view.alert.kind.value, view.alert.alert_id, verdict.verdict if verdict else "")
        )
        if verdict is not None and verdict.verdict is Verdict.CONFIRMED:
            reportings.append((verdict.time, view.alert.kind.value, view.alert.alert_id, verdict.officer))
    return VesselPast(
        source="this dashboard's window of the bus",
        identities=[(label, first, last) for label, (first, last) in identities.items()],
        mmsis=[
            (m, track_id, first, last) for m, (first, last) in feed.history.mmsis_of(track_id, time).items()
        ],
        alerts=alerts,
        reportings=reportings,
        notes=[(n.time, n.officer, n.text) for n in operator.notes_at(time, mmsi=mmsi, track_id=track_id)],
    )


def past_from_database(store: HistoryStore, time: float, track_id: str, mmsi: int | None) -> VesselPast:
    """The vessel's past from the history database, cut at picture time ``time``."""
    rows = store.vessel_history(mmsi=mmsi) if mmsi is not None else store.vessel_history(track_id=track_id)
    verdicts = {r["alert_id"]: "rejected" for r in rows["rejections"] if r["time"] <= time}
    verdicts |= {r["alert_id"]: "confirmed" for r in rows["reportings"] if r["validated_time"] <= time}
    return VesselPast(
        source="the vessel history database",
        identities=[
            (_identity_label(r["name"], r["call_sign"], r["imo"]), r["first_time"], r["last_time"])
            for r in rows["identities"]
            if r["first_time"] <= time
        ],
        mmsis=[
            (r["mmsi"], r["track_id"], r["first_time"], r["last_time"])
            for r in rows["mmsis"]
            if r["first_time"] <= time
        ],
        alerts=[
            (r["raised_time"], r["kind"], r["alert_id"], verdicts.get(r["alert_id"], ""))
            for r in rows["alerts"]
            if r["raised_time"] <= time
        ],
        reportings=[
            (r["validated_time"], r["kind"], r["alert_id"], r["officer"])
            for r in rows["reportings"]
            if r["validated_time"] <= time
        ],
        notes=[(r["time"], r["officer"], r["text"]) for r in rows["notes"] if r["time"] <= time],
    )


def _section(title: str, lines: list[str], class_name: str) -> html.Div:
    body = [html.Li(line, className=class_name) for line in lines] or [
        html.Li("none", style={"color": "#7f8c8d"})
    ]
    return html.Div(
        [html.Div(title, style={"fontWeight": "bold"}), html.Ul(body, style={"margin": "0 0 4px 0"})]
    )


def past_view(past: VesselPast) -> list:
    """The vessel history panel's contents."""
    clock = "%d %b %H:%M:%S"
    return [
        html.Div(f"from {past.source}", style={"color": "#7f8c8d", "fontSize": "12px"}),
        _section(
            "Names seen",
            [
                f"{label} ({utc(first, clock)} to {utc(last, clock)})"
                for label, first, last in past.identities
            ],
            "past-identity",
        ),
        _section(
            "MMSIs seen",
            [f"{m} on {t} ({utc(first, clock)} to {utc(last, clock)})" for m, t, first, last in past.mmsis],
            "past-mmsi",
        ),
        _section(
            "Reportings (confirmed alerts)",
            [
                f"{utc(at, clock)} {kind.replace('_', ' ')} {a} confirmed by {who}"
                for at, kind, a, who in past.reportings
            ],
            "reporting",
        ),
        _section(
            "Alerts",
            [
                f"{utc(at, clock)} {kind.replace('_', ' ')} {a}{' · ' + v if v else ''}"
                for at, kind, a, v in past.alerts
            ],
            "past-alert",
        ),
        _section("Notes", [f"{utc(at, clock)} {who}: {text}" for at, who, text in past.notes], "vessel-note"),
    ]


def selected_vessel(
    feed: PictureFeed, picture: Picture, selected: str | None
) -> tuple[str, int | None] | None:
    """The selected track and its MMSI at picture time, also once the track is lost (an alert's
    vessel often is by the time it is judged); None if the track was not seen by then."""
    if not selected or picture.time is None:
        return None
    view = picture.tracks.get(selected)
    if view is not None:
        return selected, view.state.mmsi
    log = feed.history.tracks.get(selected)
    n = log.upto(picture.time) if log is not None else 0
    return (selected, log.state(n - 1).mmsi) if n else None


def new_note(
    vessel: tuple[str, int | None] | None, time: float | None, user: User | None, text: str | None
) -> VesselNote | str:
    """The note to publish on the selected vessel (track id, MMSI), or why it is refused."""
    if user is None or not user.may_acknowledge:
        return "Only a watch officer may add notes."
    if vessel is None or time is None:
        return "Select a vessel in the picture first."
    text = (text or "").strip()
    if not text:
        return "Write the note first."
    if len(text) > NOTE_MAX_CHARS:
        return f"A note holds at most {NOTE_MAX_CHARS} characters ({len(text)} given)."
    track_id, mmsi = vessel
    return VesselNote(
        note_id=f"note-{uuid.uuid4().hex[:16]}",
        time=time,
        officer=user.name,
        text=text,
        mmsi=mmsi,
        track_id=track_id,
        username=user.username,
        agency=user.agency,
    )


def history_panel(user: User | None, style: dict) -> html.Div:
    """The panel under the vessel record; the note form is hidden from anyone who may not write."""
    may_write = user is not None and user.may_acknowledge
    return html.Div(
        [
            html.B("Vessel history"),
            html.Div(
                id=ids.VESSEL_HISTORY, style={"fontSize": "13px", "maxHeight": "220px", "overflowY": "auto"}
            ),
            html.Div(
                [
                    dcc.Input(id=ids.NOTE_TEXT, placeholder="note on this vessel", style={"width": "70%"}),
                    html.Button("Add note", id=ids.NOTE_ADD, style={"marginLeft": "4px"}),
                ],
                style={"display": "block" if may_write else "none"},
            ),
            html.Div(id=ids.NOTE_NOTICE, style={"fontSize": "13px"}),
            dcc.Store(id=ids.HISTORY_SIGNATURE),
        ],
        style=style,
    )


def history_update(
    feed: PictureFeed, store: HistoryStore | None, picture: Picture, selected: str | None, shown: str | None
) -> tuple:
    """The panel's new contents (``no_update`` when nothing changed) and their digest."""
    vessel = selected_vessel(feed, picture, selected)
    if vessel is None or picture.time is None:
        key = digest(selected)
        hint = [html.Div("select a vessel", style={"color": "#7f8c8d"})]
        return (no_update if key == shown else hint), key
    track_id, mmsi = vessel
    if store is not None:
        past = past_from_database(store, picture.time, track_id, mmsi)
    else:
        past = past_from_bus(picture, feed, feed.operator, track_id, mmsi)
    key = digest((vessel, past))
    return (no_update if key == shown else past_view(past)), key


def register(app: Dash, feed: PictureFeed, config: DashboardConfig) -> None:
    """A watch officer's note on the selected vessel: audited, then published."""

    @app.callback(
        Output(ids.NOTE_NOTICE, "children"),
        Output(ids.NOTE_TEXT, "value"),
        Input(ids.NOTE_ADD, "n_clicks"),
        State(ids.NOTE_TEXT, "value"),
        State(ids.SELECTED, "data"),
        State(ids.CLOCK, "data"),
        prevent_initial_call=True,
    )
    def note_callback(_clicks, text, selected, clock):
        time = (clock or {}).get("time")
        user = current_user(config.users)
        picture = feed.picture_at(time)
        note = new_note(selected_vessel(feed, picture, selected), picture.time, user, text)
        if isinstance(note, str):
            return html.Span(note, style={"color": "#c0392b"}), no_update
        details = {"mmsi": note.mmsi, "track_id": note.track_id, "text": note.text}
        refused = record_action(
            config.audit,
            Action.NOTE,
            note.username,
            agency=note.agency,
            subject=note.note_id,
            picture_time=note.time,
            details=details,
        )
        if refused:
            return html.Span(refused, style={"color": "#c0392b"}), no_update
        feed.publish(topics.VESSEL_NOTES, note.note_id, note, note.time)
        return html.Span(f"Note added to {note.track_id}.", style={"color": "#1e8449"}), ""
