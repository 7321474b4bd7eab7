"""The page: header, stall banner, status bar, map with replay controls, vessel record,
alert panel and track table. Built per request so it carries the logged-in user."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.agency_scope import scope_control
from dashboard.auth import User
from dashboard.config import DashboardConfig
from dashboard.figures import base_figure
from dashboard.risk_panel import risk_panel
from dashboard.rule_stats import stats_panel
from dashboard.snoozes import show_snoozed_control
from dashboard.verdicts import actions_panel
from dashboard.vessel_history import history_panel

SPEEDS = (1, 2, 5, 10, 30, 60)
EXPORT_WINDOWS_MIN = (5, 15, 30, 60)
PANEL = {
    "border": "1px solid #ccd",
    "borderRadius": "4px",
    "padding": "6px 8px",
    "marginBottom": "8px",
    "background": "#fff",
}


def _header(user: User | None) -> html.Div:
    who = ""
    if user is not None:
        who = f"{user.name} ({user.role.value.replace('_', ' ')}{', ' + user.agency if user.agency else ''})"
    return html.Div(
        [
            html.Span("seawatch", style={"fontWeight": "bold", "fontSize": "20px", "marginRight": "12px"}),
            html.Span("common maritime picture", style={"opacity": 0.8}),
            html.Span(
                [
                    html.Span(who, id=ids.USER),
                    " · ",
                    html.A("log out", href="/logout", style={"color": "#fff"}),
                ],
                style={"float": "right"},
            ),
        ],
        style={"background": "#17324d", "color": "#fff", "padding": "8px 12px"},
    )


def _replay_bar(config: DashboardConfig) -> html.Div:
    button = {"marginRight": "4px"}
    return html.Div(
        [
            html.Div(
                [
                    html.Button("● Live", id=ids.LIVE, style=button),
                    html.Button("▶ Play", id=ids.PLAY, style=button),
                    html.Button("❚❚ Pause", id=ids.PAUSE, style=button),
                    html.Button(f"◀ {config.step_s:.0f} s", id=ids.STEP_BACK, style=button),
                    html.Button(f"{config.step_s:.0f} s ▶", id=ids.STEP_FORWARD, style=button),
                    html.Label("speed", style={"margin": "0 4px 0 8px"}),
                    dcc.Dropdown(
                        id=ids.SPEED,
                        options=[{"label": f"{s}x", "value": s} for s in SPEEDS],
                        value=10,
                        clearable=False,
                        style={"width": "80px", "display": "inline-block", "verticalAlign": "middle"},
                    ),
                    html.Span(id=ids.MODE, style={"marginLeft": "12px", "fontWeight": "bold"}),
                    html.Span(
                        [
                            html.Label("export", style={"margin": "0 4px"}),
                            dcc.Dropdown(
                                id=ids.EXPORT_WINDOW,
                                options=[{"label": f"last {m} min", "value": m} for m in EXPORT_WINDOWS_MIN],
                                value=15,
                                clearable=False,
                                style={
                                    "width": "120px",
                                    "display": "inline-block",
                                    "verticalAlign": "middle",
                                },
                            ),
                            html.Button("GeoJSON", id=ids.EXPORT_GEOJSON, style={"marginLeft": "4px"}),
                            html.Button("CSV", id=ids.EXPORT_CSV, style={"marginLeft": "4px"}),
                        ],
                        style={"float": "right"},
                        title="tracks and alerts of the window up to picture time, in the map's current view",
                    ),
                ]
            ),
            dcc.Slider(
                id=ids.SLIDER,
                min=0,
                max=1,
                step=1,
                value=1,
                marks=None,
                updatemode="mouseup",
                allow_direct_input=False,
            ),
            dcc.Download(id=ids.DOWNLOAD_GEOJSON),
            dcc.Download(id=ids.DOWNLOAD_TRACKS_CSV),
            dcc.Download(id=ids.DOWNLOAD_ALERTS_CSV),
        ],
        style=PANEL,
    )


def _track_table() -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.B("Tracks "),
                    dcc.Input(
                        id=ids.TRACK_SEARCH,
                        type="search",
                        placeholder="MMSI or name",
                        debounce=False,
                        style={"width": "140px"},
                    ),
                    dcc.Checklist(
                        id=ids.TRACK_FILTERS,
                        options=[
                            {"label": "dark only", "value": "dark"},
                            {"label": "in a zone", "value": "zone"},
                            {"label": "with alerts", "value": "alerts"},
                        ],
                        value=[],
                        inline=True,
                        style={"display": "inline-block", "marginLeft": "6px", "fontSize": "13px"},
                    ),
                ]
            ),
            html.Div(
                id=ids.TRACK_TABLE, style={"maxHeight": "260px", "overflowY": "auto", "fontSize": "13px"}
            ),
        ],
        style=PANEL,
    )


def page(config: DashboardConfig, user: User | None) -> html.Div:
    """The whole page for ``user`` (None only while Dash validates the layout at start-up)."""
    left = html.Div(
        [
            dcc.Graph(
                id=ids.MAP,
                figure=base_figure(
                    config.coastline_geojson,
                    config.zones_geojson,
                    list(config.radars),
                    config.centre_lat,
                    config.bounds,
                ),
                style={"height": "640px"},
                config={"displaylogo": False, "scrollZoom": True},
            ),
            _replay_bar(config),
            html.Div([risk_panel(PANEL), stats_panel(PANEL)], className="operator-row"),
        ],
        style={"flex": "3", "minWidth": "0"},
    )
    right = html.Div(
        [
            html.Div([html.B("Vessel record"), html.Div(id=ids.VESSEL)], style=PANEL),
            history_panel(user, PANEL),
            html.Div(
                [
                    html.B("Alerts "),
                    dcc.RadioItems(
                        id=ids.ALERT_SORT,
                        options=[
                            {"label": "newest first", "value": "time"},
                            {"label": "by severity", "value": "severity"},
                        ],
                        value="time",
                        inline=True,
                        style={"display": "inline-block", "fontSize": "13px"},
                    ),
                    scope_control(user),
                    show_snoozed_control(),
                    html.Div(id=ids.ACK_NOTICE, style={"color": "#c0392b", "fontSize": "13px"}),
                    html.Div(id=ids.ALERTS, style={"maxHeight": "300px", "overflowY": "auto"}),
                ],
                style=PANEL,
            ),
            actions_panel(user, PANEL),
            _track_table(),
        ],
        style={"flex": "2", "minWidth": "0", "marginLeft": "8px"},
    )
    return html.Div(
        [
            _header(user),
            html.Div(id=ids.BANNER),
            html.Div(
                id=ids.STATUS, style={"padding": "4px 10px", "fontSize": "13px", "background": "#eef2f6"}
            ),
            html.Div([left, right], style={"display": "flex", "padding": "8px"}),
            dcc.Interval(id=ids.REFRESH, interval=config.refresh_ms),
            dcc.Store(id=ids.CLOCK, data={"mode": "live", "time": None, "playing": False}),
            dcc.Store(id=ids.SELECTED),
            dcc.Store(id=ids.VIEW_BOX),
            dcc.Store(id=ids.CENTRE),
            dcc.Store(id=ids.SEEK),
            dcc.Store(id=ids.ALERTS_SIGNATURE),
            dcc.Store(id=ids.TRAILS_SHOWN),
        ],
        style={"fontFamily": "sans-serif", "background": "#f4f6f8", "minHeight": "100vh"},
    )
