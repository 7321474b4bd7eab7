"""Whose alerts the alert panel shows: the user's agency's by default, the common picture on request.

Alerts carry ``responsible_agency`` and ``informed_agencies`` (set by the routing stage,
docs/agencies.md); an agency's alerts are those naming it in either. Tracks are not
scoped: every agency sees the same picture. A user without an agency, or a picture of
alerts that were never routed, sees every alert.
"""

from __future__ import annotations

import dataclasses

from dash import dcc

from dashboard import ids
from dashboard.auth import User
from dashboard.history import Picture

MINE = "agency"
"""Scope value: the alerts routed to the user's agency."""
COMMON = "common"
"""Scope value: every alert of the common picture."""


def default_scope(user: User | None) -> str:
    return MINE if user is not None and user.agency else COMMON


def scope_control(user: User | None) -> dcc.RadioItems:
    """The panel's switch; a user without an agency has only the common picture."""
    options = [{"label": "common picture", "value": COMMON}]
    if user is not None and user.agency:
        options.insert(0, {"label": f"{user.agency} alerts", "value": MINE})
    return dcc.RadioItems(
        id=ids.ALERT_SCOPE,
        options=options,
        value=default_scope(user),
        inline=True,
        style={"display": "inline-block", "fontSize": "13px", "marginLeft": "6px"},
    )


def scoped_picture(picture: Picture, user: User | None, scope: str | None) -> Picture:
    """``picture`` with only the alerts ``scope`` shows to ``user`` (tracks untouched)."""
    agency = user.agency if user is not None else None
    if (scope or default_scope(user)) != MINE or not agency:
        return picture
    alerts = [
        view
        for view in picture.alerts
        if agency == view.alert.responsible_agency or agency in view.alert.informed_agencies
    ]
    return dataclasses.replace(picture, alerts=alerts)
