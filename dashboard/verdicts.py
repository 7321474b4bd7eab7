"""Officers' verdicts and snoozes on the page: the alert actions panel and the alert panel's marks.

A watch officer chooses an alert by clicking it in the alert panel; the actions panel then
confirms it (a real incident: a reporting in the vessel's history), rejects it as a false
alarm with a reason from ``RejectionReason`` and an optional note, snoozes its rule for its
vessel for some minutes with a reason, or ends that snooze. Each action is refused for an
analyst (the controls are not shown, and the server checks the role again), recorded in the
audit log before it takes effect, then published on the bus (``alerts.validations``,
``alerts.snoozes``) at picture time; every open dashboard, this one included, reads it back
from there, so all of them show the same verdicts and snoozes.
"""

from __future__ import annotations

import hashlib

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.audit_trail import record_action
from dashboard.auth import User, current_user
from dashboard.clock import utc
from dashboard.config import DashboardConfig
from dashboard.history import AlertView, Picture
from dashboard.operator_log import OperatorLog
from dashboard.picture import PictureFeed
from dashboard.snoozes import (
    SNOOZE_MINUTES,
    end_snooze,
    hide_snoozed,
    new_snooze,
    snooze_mark,
    snooze_of,
    snooze_text,
)
from fusion import topics
from fusion.audit import Action
from fusion.schemas import AlertValidation, RejectionReason, RuleSnooze, Verdict

REASON_LABELS = {
    RejectionReason.SENSOR_ERROR: "sensor error",
    RejectionReason.KNOWN_VESSEL: "known vessel",
    RejectionReason.WRONG_IDENTITY: "wrong identity",
    RejectionReason.THRESHOLD_TOO_TIGHT: "threshold too tight",
    RejectionReason.DUPLICATE: "duplicate",
    RejectionReason.OTHER: "other (see note)",
}
_OK = {"color": "#1e8449"}
_REFUSED = {"color": "#c0392b"}


# --- rules ---------------------------------------------------------------------------------


def new_validation(
    view: AlertView | None,
    user: User | None,
    time: float | None,
    verdict: Verdict,
    reason: str | None,
    note: str | None,
    given: AlertValidation | None,
) -> AlertValidation | str:
    """The verdict to publish on the chosen alert, or why it is refused.

    A rejection needs a reason from the list; an alert already judged keeps its verdict
    (the officer who gave it is named), so two officers never overwrite each other.
    """
    if user is None or not user.may_acknowledge:
        return "Only a watch officer may confirm or reject alerts."
    if view is None or time is None:
        return "Choose an alert in the panel first."
    if given is not None:
        return f"Already {given.verdict} by {given.officer}."
    rejection = None
    if verdict is Verdict.REJECTED:
        if reason not in RejectionReason.__members__.values():
            return "Choose why it is a false alarm: the reason is counted against the rule."
        rejection = RejectionReason(reason)
    alert = view.alert
    return AlertValidation(
        alert_id=alert.alert_id,
        time=time,
        verdict=verdict,
        officer=user.name,
        kind=alert.kind,
        track_id=alert.track_id,
        mmsi=alert.mmsi,
        reason=rejection,
        username=user.username,
        agency=user.agency,
        note=(note or "").strip() or None,
    )


def verdict_text(validation: AlertValidation) -> str:
    who = validation.officer + (f" ({validation.agency})" if validation.agency else "")
    text = f"{validation.verdict} by {who} at {utc(validation.time, '%H:%M:%S')}"
    if validation.reason is not None:
        text += f": {REASON_LABELS[validation.reason]}"
    return text + (f" · {validation.note}" if validation.note else "")


def verdict_mark(validation: AlertValidation) -> html.Div:
    colour = "#1e8449" if validation.verdict is Verdict.CONFIRMED else "#7f8c8d"
    return html.Div(
        verdict_text(validation), className=f"verdict verdict-{validation.verdict}", style={"color": colour}
    )


# --- the alert panel -----------------------------------------------------------------------


def annotated_alerts(
    picture: Picture, operator: OperatorLog, user: User | None, show_snoozed: bool
) -> tuple[Picture, dict[str, list], list, str]:
    """What the alert panel lists, with each alert's verdict and snooze marks.

    Returns the picture to list (snoozed alerts of the user's agency left out unless
    ``show_snoozed``), the marks per alert id, lines to put above the list (how many are
    hidden), and a digest of the marks to add to the panel's signature (it is redrawn when a
    verdict or snooze arrives).
    """
    time = picture.time
    if time is None:
        return picture, {}, [], ""
    shown, snoozed, hidden = hide_snoozed(picture, operator.snoozes_at(time), user, show_snoozed)
    marks: dict[str, list] = {}
    key = [hidden]
    for view in shown.alerts:
        alert_id = view.alert.alert_id
        validation = operator.validation_at(alert_id, time)
        parts = [verdict_mark(validation)] if validation is not None else []
        if alert_id in snoozed:
            parts.append(snooze_mark(snoozed[alert_id]))
        if parts:
            marks[alert_id] = parts
            key.append((alert_id, validation, snoozed.get(alert_id)))
    header = []
    if hidden:
        header = [
            html.Div(
                f"{hidden} snoozed alert{'s' if hidden > 1 else ''} hidden: tick 'show snoozed' to list them",
                id=ids.SNOOZED_COUNT,
                style={"color": "#8e44ad", "fontSize": "13px"},
            )
        ]
    return shown, marks, header, hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()


def decorate(items: list, marks: dict[str, list]) -> list:
    """Append each alert's marks to its item in the panel (``dashboard.views.alerts_view``)."""
    for item in items:
        item_id = getattr(item, "id", None)
        if isinstance(item_id, dict) and item_id.get("index") in marks:
            item.children = [*item.children, *marks[item_id["index"]]]
    return items


# --- the actions panel ---------------------------------------------------------------------


def actions_panel(user: User | None, style: dict) -> html.Div:
    """The panel under the alert list; its controls are hidden from anyone who may not act."""
    may_act = user is not None and user.may_acknowledge
    row = {"margin": "4px 0", "display": "block" if may_act else "none"}
    small = {"display": "inline-block", "fontSize": "12px"}
    return html.Div(
        [
            html.B("Alert actions "),
            html.Span("(click an alert to choose it)", style={"color": "#7f8c8d", "fontSize": "12px"}),
            html.Div(id=ids.ACTION_TARGET, style={"fontSize": "13px"}),
            html.Div(
                [
                    html.Button(
                        "Confirm", id=ids.CONFIRM, title="a real incident: a reporting on the vessel"
                    ),
                    html.Span(" or false alarm: ", style={"fontSize": "13px"}),
                    dcc.RadioItems(
                        id=ids.REJECT_REASON,
                        options=[{"label": label, "value": r.value} for r, label in REASON_LABELS.items()],
                        value=None,
                        inline=True,
                        style=small,
                    ),
                    dcc.Input(id=ids.VERDICT_NOTE, placeholder="note (optional)", style={"width": "160px"}),
                    html.Button("Reject", id=ids.REJECT, style={"marginLeft": "4px"}),
                ],
                style=row,
            ),
            html.Div(
                [
                    html.Span("snooze this rule for this vessel ", style={"fontSize": "13px"}),
                    dcc.RadioItems(
                        id=ids.SNOOZE_MINUTES,
                        options=[{"label": f"{m} min", "value": m} for m in SNOOZE_MINUTES],
                        value=60,
                        inline=True,
                        style=small,
                    ),
                    dcc.Input(id=ids.SNOOZE_REASON, placeholder="reason", style={"width": "160px"}),
                    html.Button("Snooze", id=ids.SNOOZE, style={"marginLeft": "4px"}),
                    html.Button("End snooze", id=ids.SNOOZE_END, style={"marginLeft": "4px"}),
                ],
                style=row,
            ),
            html.Div(id=ids.ACTION_NOTICE, style={"fontSize": "13px"}),
            dcc.Store(id=ids.ACTION_ALERT),
        ],
        style=style,
    )


def target_text(view: AlertView | None, operator: OperatorLog, time: float | None) -> list:
    """The chosen alert in one line, with its verdict and snooze if any."""
    if view is None or time is None:
        return [html.Span("no alert chosen", style={"color": "#7f8c8d"})]
    alert = view.alert
    lines: list = [
        html.Div(
            f"{alert.alert_id} · {alert.kind.replace('_', ' ')} · "
            f"{alert.track_id}{f' MMSI {alert.mmsi}' if alert.mmsi is not None else ' (no AIS)'}"
        )
    ]
    validation = operator.validation_at(alert.alert_id, time)
    lines.append(html.Div(verdict_text(validation) if validation else "no verdict yet"))
    snooze = snooze_of(view, operator.snoozes_at(time))
    if snooze is not None:
        lines.append(html.Div(snooze_text(snooze)))
    return lines


def _alert_view(picture: Picture, alert_id: str | None) -> AlertView | None:
    return next((a for a in picture.alerts if a.alert.alert_id == alert_id), None)


def register(app: Dash, feed: PictureFeed, config: DashboardConfig) -> None:
    """The actions panel's callbacks for one app."""
    from dashboard.callbacks import clicked_index  # callbacks imports this module for the alert panel

    @app.callback(
        Output(ids.ACTION_ALERT, "data"),
        Input({"type": ids.ALERT_ITEM, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def choose_callback(_items):
        """The clicked alert, straight from the click (beside centring the map, not after it)."""
        return clicked_index(ctx.triggered) or no_update

    @app.callback(
        Output(ids.ACTION_TARGET, "children"),
        Input(ids.ACTION_ALERT, "data"),
        Input(ids.ALERTS_SIGNATURE, "data"),  # changes when a verdict or snooze reaches the panel
        Input(ids.ACTION_NOTICE, "children"),
        State(ids.CLOCK, "data"),
    )
    def target_callback(alert_id, _signature, _notice, clock):
        time = (clock or {}).get("time")
        picture = feed.picture_at(time)
        return target_text(_alert_view(picture, alert_id), feed.operator, time)

    @app.callback(
        Output(ids.ACTION_NOTICE, "children"),
        Output(ids.VERDICT_NOTE, "value"),
        Output(ids.SNOOZE_REASON, "value"),
        Input(ids.CONFIRM, "n_clicks"),
        Input(ids.REJECT, "n_clicks"),
        Input(ids.SNOOZE, "n_clicks"),
        Input(ids.SNOOZE_END, "n_clicks"),
        State(ids.ACTION_ALERT, "data"),
        State(ids.CLOCK, "data"),
        State(ids.REJECT_REASON, "value"),
        State(ids.VERDICT_NOTE, "value"),
        State(ids.SNOOZE_MINUTES, "value"),
        State(ids.SNOOZE_REASON, "value"),
        prevent_initial_call=True,
    )
    def action_callback(_confirm, _reject, _snooze, _end, alert_id, clock, reason, note, minutes, why):
        time = (clock or {}).get("time")
        feed.refresh()  # decide on everything read so far, including another officer's verdict
        view = _alert_view(feed.picture_at(time), alert_id)
        user = current_user(config.users)
        button = ctx.triggered_id
        if button in (ids.CONFIRM, ids.REJECT):
            verdict = Verdict.CONFIRMED if button == ids.CONFIRM else Verdict.REJECTED
            given = feed.operator.validation_at(alert_id, time) if alert_id and time is not None else None
            result = new_validation(view, user, time, verdict, reason, note, given)
        elif button == ids.SNOOZE:
            result = new_snooze(view, user, time, minutes, why)
        else:
            active = snooze_of(view, feed.operator.snoozes_at(time)) if view and time is not None else None
            result = end_snooze(active, user, time)
        if isinstance(result, str):
            return html.Span(result, style=_REFUSED), no_update, no_update
        done = publish(feed, config, user, result, time, ended=button == ids.SNOOZE_END)
        if not done.startswith("Done"):  # not recorded, so not done: the officer's text stays
            return html.Span(done, style=_REFUSED), no_update, no_update
        verdict = isinstance(result, AlertValidation)  # the note was this verdict's, the reason this snooze's
        return html.Span(done, style=_OK), "" if verdict else no_update, no_update if verdict else ""


def publish(
    feed: PictureFeed,
    config: DashboardConfig,
    user: User,
    record: AlertValidation | RuleSnooze,
    time: float,
    *,
    ended: bool = False,
) -> str:
    """Audit, then publish, a verdict or snooze; "Done: ..." or the refusal to show the officer."""
    if isinstance(record, AlertValidation):
        action = Action.VALIDATE if record.verdict is Verdict.CONFIRMED else Action.REJECT
        subject, topic, done = (
            record.alert_id,
            topics.ALERT_VALIDATIONS,
            f"{record.verdict} {record.alert_id}",
        )
        details = {
            "verdict": record.verdict.value,
            "reason": record.reason.value if record.reason else None,
            "note": record.note,
        }
    else:
        action, subject, topic = Action.SNOOZE, record.snooze_id, topics.SNOOZES
        done = f"{'ended snooze' if ended else 'snoozed'} {record.kind} for {record.track_id}"
        details = {"until_time": record.until_time, "reason": record.reason, "ended": ended}
    details |= {"kind": record.kind.value, "track_id": record.track_id, "mmsi": record.mmsi}
    refused = record_action(
        config.audit,
        action,
        user.username,
        agency=user.agency,
        subject=subject,
        picture_time=time,
        details=details,
    )
    if refused:
        return refused
    feed.publish(topic, subject, record, time)
    return f"Done: {done}."
