"""Dash application factory: ``create_app(feed, zones)``; no process-global state.

A first live page (map, counts, newest alerts) for ``make demo``; the full watch-officer
dashboard (login, acknowledgement, replay controls) is its own issue.
"""

from __future__ import annotations

import datetime as dt

from dash import Dash, Input, Output, dcc, html

from dashboard.figures import picture_figure
from dashboard.picture import PictureFeed

REFRESH_MS = 1000


def _utc(time: float | None) -> str:
    if time is None:
        return "waiting for data"
    return dt.datetime.fromtimestamp(time, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def create_app(feed: PictureFeed, zones_geojson: dict, centre_lat: float) -> Dash:
    app = Dash(__name__, title="seawatch")
    app.layout = html.Div(
        [
            html.H3("seawatch: common maritime picture"),
            html.Div(id="status-bar"),
            html.Div(
                [
                    dcc.Graph(id="map", style={"flex": "3"}),
                    html.Ul(id="alert-list", style={"flex": "1", "maxHeight": "650px", "overflowY": "auto"}),
                ],
                style={"display": "flex"},
            ),
            dcc.Interval(id="refresh", interval=REFRESH_MS),
        ],
        style={"fontFamily": "sans-serif"},
    )

    @app.callback(
        Output("map", "figure"),
        Output("status-bar", "children"),
        Output("alert-list", "children"),
        Input("refresh", "n_intervals"),
    )
    def refresh(_: int | None):
        picture = feed.refresh()
        dark = sum(1 for t in picture.tracks.values() if t.mmsi is None and t.status != "tentative")
        status = (
            f"picture time {_utc(picture.time)} | {len(picture.tracks)} tracks ({dark} dark) | "
            f"{len(picture.open_alerts)} open alerts"
        )
        alerts = [
            html.Li(f"{_utc(a.time)[11:19]} {a.severity.upper()} {a.kind} ({a.state}): {a.message}")
            for a in list(picture.alerts)[:50]
        ]
        return picture_figure(picture, zones_geojson, centre_lat), status, alerts

    return app
