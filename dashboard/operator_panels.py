"""One refresh callback for the panels that follow picture time besides the alert panel: vessel
risk, false alarms per rule and the selected vessel's history.

One request a second per page for the three, not three: each panel is sent again only when
its digest changes, so most responses are three ``no_update``. The history database, when
the dashboard has one, is opened once here for both panels that read it.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State

from dashboard import ids
from dashboard.config import DashboardConfig
from dashboard.picture import PictureFeed
from dashboard.risk_panel import risk_update
from dashboard.rule_stats import stats_update
from dashboard.vessel_history import history_update
from fusion.history.store import HistoryStore


def register(app: Dash, feed: PictureFeed, config: DashboardConfig) -> None:
    store = HistoryStore(config.history_db) if config.history_db else None

    @app.callback(
        Output(ids.RISK_LIST, "children"),
        Output(ids.RISK_SIGNATURE, "data"),
        Output(ids.RULE_STATS, "children"),
        Output(ids.RULE_STATS_SIGNATURE, "data"),
        Output(ids.VESSEL_HISTORY, "children"),
        Output(ids.HISTORY_SIGNATURE, "data"),
        Input(ids.CLOCK, "data"),
        Input(ids.SELECTED, "data"),
        State(ids.RISK_SIGNATURE, "data"),
        State(ids.RULE_STATS_SIGNATURE, "data"),
        State(ids.HISTORY_SIGNATURE, "data"),
    )
    def operator_panels_callback(clock, selected, risk_shown, stats_shown, history_shown):
        picture = feed.picture_at((clock or {}).get("time"))
        return (
            *risk_update(feed, picture, risk_shown),
            *stats_update(feed, store, picture, stats_shown),
            *history_update(feed, store, picture, selected, history_shown),
        )
