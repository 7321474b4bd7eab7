"""Dash application factory: ``create_app(feed, config)``; no process-global state.

Any number of apps may live in one process (tests run two against one broker), each with
its own feed, users and session key; ``seawatch demo`` builds one on the in-process bus
and a deployment builds one on Kafka, with the same code.
"""

from __future__ import annotations

import gc

from dash import Dash

from dashboard import callbacks, operator_panels, risk_panel, verdicts, vessel_history
from dashboard.auth import current_user, install_login
from dashboard.config import DashboardConfig
from dashboard.layout import page
from dashboard.picture import PictureFeed


def create_app(feed: PictureFeed, config: DashboardConfig) -> Dash:
    """A Dash app serving ``feed``'s picture to the users of ``config``, behind a login.

    Every page, layout, asset and callback request needs a logged-in session
    (``dashboard.auth.install_login``); the layout is built per request so it carries the
    user's name and role.

    Last, everything alive (the imported libraries, the app) is moved out of the garbage
    collector's scans with ``gc.freeze``: these objects live as long as the process, and
    scanning them made every full collection a 100-250 ms pause inside some refresh. The
    history's records are kept in forms the collector does not track (``dashboard.history``).
    """
    app = Dash(__name__, title="seawatch", update_title=None)
    install_login(app.server, config.users, secret_key=config.secret_key, audit=config.audit)
    app.layout = lambda: page(config, current_user(config.users))
    for module in (callbacks, verdicts, vessel_history, risk_panel, operator_panels):
        module.register(app, feed, config)
    gc.collect()  # nothing already unreachable is frozen
    gc.freeze()
    return app
