"""Vessels ranked by risk, each with "why this vessel"; a click selects and centres it.

Read from the ``risk`` topic (``fusion.schemas.RiskAssessment``; docs/risk.md): each
vessel's latest assessment at picture time, highest score first. The list is sent again only
when the ranking or an explanation changes, so a click never lands on a row just replaced.
"""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.callbacks import clicked_index
from dashboard.config import DashboardConfig
from dashboard.history import Picture
from dashboard.operator_log import digest
from dashboard.picture import PictureFeed
from fusion.schemas import RiskAssessment

RISK_ROWS = 15
"""Vessels listed: a watch's worth of attention; the rest are lower."""


def vessel_name(assessment: RiskAssessment, picture: Picture) -> str:
    if assessment.mmsi is None:
        return f"{assessment.track_id} (no AIS)"
    static = picture.statics.get(assessment.mmsi)
    name = f" {static.name}" if static is not None and static.name else ""
    return f"{assessment.track_id} MMSI {assessment.mmsi}{name}"


def risk_item(rank: int, assessment: RiskAssessment, picture: Picture) -> html.Div:
    """One vessel: rank, score, identity, and its factors with their evidence."""
    why = [
        html.Li(f"{f.name.replace('_', ' ')} ({f.contribution:+.2f}): {f.evidence}", className="risk-factor")
        for f in assessment.factors
    ]
    components = " · ".join(
        f"{name} {value:.2f}"
        for name, value in (
            ("impact", assessment.impact),
            ("probability", assessment.probability),
            ("detectability", assessment.detectability),
        )
        if value is not None
    )
    return html.Div(
        [
            html.Div(
                [
                    html.B(f"{rank}. {assessment.score:.2f} "),
                    vessel_name(assessment, picture),
                    f" · {assessment.risk_type}" if assessment.risk_type else "",
                ]
            ),
            html.Details(
                [
                    html.Summary("why this vessel"),
                    html.Div(components, style={"color": "#555"}),
                    html.Ul(why),
                ],
                className="risk-why",
            ),
        ],
        id={"type": ids.RISK_ITEM, "index": assessment.track_id},
        className="risk-item",
        style={
            "cursor": "pointer",
            "fontSize": "13px",
            "padding": "2px 4px",
            "borderBottom": "1px solid #eee",
        },
    )


def risk_view(ranked: list[RiskAssessment], picture: Picture) -> list:
    if not ranked:
        return [html.Div("no risk assessments yet", style={"color": "#7f8c8d"})]
    return [risk_item(rank, a, picture) for rank, a in enumerate(ranked[:RISK_ROWS], start=1)]


def risk_panel(style: dict) -> html.Div:
    return html.Div(
        [
            html.B("Vessel risk"),
            html.Div(id=ids.RISK_LIST, style={"maxHeight": "320px", "overflowY": "auto"}),
            dcc.Store(id=ids.RISK_SIGNATURE),
        ],
        style=style,
    )


def risk_update(feed: PictureFeed, picture: Picture, shown: str | None) -> tuple:
    """The list's new contents (``no_update`` when the ranking did not change) and their digest."""
    ranked = feed.operator.risk_at(picture.time)[:RISK_ROWS] if picture.time is not None else []
    names = [vessel_name(a, picture) for a in ranked]
    key = digest([(a.track_id, a.score, a.factors, name) for a, name in zip(ranked, names, strict=True)])
    return (no_update if key == shown else risk_view(ranked, picture)), key


def register(app: Dash, feed: PictureFeed, config: DashboardConfig) -> None:
    """A click on a listed vessel selects it and centres the map on it."""

    @app.callback(
        Output(ids.SELECTED, "data", allow_duplicate=True),
        Output(ids.CENTRE, "data", allow_duplicate=True),
        Input({"type": ids.RISK_ITEM, "index": ALL}, "n_clicks"),
        State(ids.CLOCK, "data"),
        prevent_initial_call=True,
    )
    def risk_select_callback(_items, clock):
        track_id = clicked_index(ctx.triggered)
        if track_id is None:
            return no_update, no_update
        picture = feed.picture_at((clock or {}).get("time"))
        view = picture.tracks.get(track_id)
        if view is not None:
            return track_id, {"lon": view.state.lon, "lat": view.state.lat}
        assessment = next(
            (a for a in feed.operator.risk_at(picture.time or 0.0) if a.track_id == track_id), None
        )
        if assessment is None or assessment.lat is None or assessment.lon is None:
            return track_id, no_update
        return track_id, {"lon": assessment.lon, "lat": assessment.lat}
