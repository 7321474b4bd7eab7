"""The page's Dash wiring: component ids bound to the pure functions of ``clock``, ``views``
and ``figures`` for one app, with its feed and config passed in (no module-level state).

The server stays stateless apart from the shared, time-indexed history; each page keeps
its clock, selection and what it last drew in ``dcc.Store`` components.
"""

from __future__ import annotations

import hashlib
import json
import math

from dash import ALL, Dash, Input, Output, State, ctx, dcc, no_update

from dashboard import ids
from dashboard.agency_scope import scoped_picture
from dashboard.audit_trail import record_action
from dashboard.auth import current_user
from dashboard.clock import BUTTONS, mode_label, next_clock, seek_from_slider, slider_marks, trail_bucket, utc
from dashboard.config import DashboardConfig
from dashboard.export import Area, select, to_csv, to_geojson
from dashboard.figures import centre_patch
from dashboard.live import live_layers, live_patch, patch_payload
from dashboard.picture import PictureFeed
from dashboard.tiles import tile_patch
from dashboard.verdicts import annotated_alerts, decorate
from dashboard.views import (
    ZoneIndex,
    acknowledge,
    alerts_signature,
    alerts_view,
    filter_tracks,
    status_view,
    table_view,
    vessel_view,
)
from dashboard.wire import wire
from fusion.audit import Action, AuditLog
from fusion.schemas import Alert, TrackState

CENTRE_HALF_WIDTH_DEG = 0.06
"""About 6 km either side of an alert: the vessel and its neighbours, at a glance."""


# --- map view and export -------------------------------------------------------------------


def view_box(relayout: dict | None, previous: dict | None, bounds: tuple[float, float, float, float]) -> dict:
    """The map's visible lon/lat box after a zoom or pan (``relayoutData``), for export."""
    box = dict(previous or dict(zip(("west", "south", "east", "north"), bounds, strict=True)))
    if not relayout:
        return box
    if relayout.get("xaxis.autorange") or relayout.get("autosize"):
        return dict(zip(("west", "south", "east", "north"), bounds, strict=True))
    for axis, low, high in (("xaxis", "west", "east"), ("yaxis", "south", "north")):
        if f"{axis}.range[0]" in relayout:
            box[low], box[high] = relayout[f"{axis}.range[0]"], relayout[f"{axis}.range[1]"]
        elif f"{axis}.range" in relayout:
            box[low], box[high] = relayout[f"{axis}.range"]
    return box


def export_files(
    feed: PictureFeed,
    end: float,
    window_min: float,
    box: dict,
    kind: str,
    *,
    audit: AuditLog,
    actor: str | None,
) -> dict[str, dict] | str:
    """The download(s) of one export: ``{"geojson": ...}`` or ``{"tracks": ..., "alerts": ...}``.

    Recorded in the audit log (window, area, counts and each file's SHA-256, so a file
    handed to another agency can be matched to its entry) before it is handed over; the
    refusal message instead if the entry cannot be stored.
    """
    start = end - window_min * 60.0
    area = Area(box["west"], box["south"], box["east"], box["north"])
    tracks, alerts = select(feed.history, start, end, area)
    stem = f"seawatch_{utc(start, '%Y%m%dT%H%M%S')}_{utc(end, '%Y%m%dT%H%M%S')}"
    if kind == "geojson":
        files = {"geojson": dcc.send_string(to_geojson(tracks, alerts, start, end, area), f"{stem}.geojson")}
    else:
        files = {
            "tracks": dcc.send_string(to_csv(tracks, TrackState), f"{stem}_tracks.csv"),
            "alerts": dcc.send_string(to_csv(alerts, Alert), f"{stem}_alerts.csv"),
        }
    details = {
        "format": kind,
        "start_time": start,
        "end_time": end,
        "bbox": [area.west, area.south, area.east, area.north],
        "tracks": len(tracks),
        "alerts": len(alerts),
        "files": {f["filename"]: hashlib.sha256(f["content"].encode()).hexdigest() for f in files.values()},
    }
    refused = record_action(audit, Action.EXPORT, actor, subject=stem, picture_time=end, details=details)
    return refused or files


def clicked_index(triggered: list[dict]) -> str | None:
    """The pattern-matching ``index`` of a real click among a callback's triggers, or None.

    Several triggers may arrive in one call (a click together with the redraw of a list),
    and a redrawn component fires with no clicks; so every trigger is looked at, and only
    one carrying a click count counts.
    """
    for trigger in triggered:
        prop_id, value = trigger.get("prop_id", ""), trigger.get("value")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0 and prop_id.startswith("{"):
            return json.loads(prop_id.rsplit(".", 1)[0]).get("index")
    return None


# --- wiring --------------------------------------------------------------------------------


def register(app: Dash, feed: PictureFeed, config: DashboardConfig) -> None:
    """Bind the callbacks of one app to its feed and config."""
    zones = ZoneIndex(config.zones_geojson)
    bounds = config.bounds
    interval_s = config.refresh_ms / 1000.0

    @app.callback(
        Output(ids.CLOCK, "data"),
        Output(ids.SLIDER, "value"),
        Output(ids.SLIDER, "min"),
        Output(ids.SLIDER, "max"),
        Output(ids.SLIDER, "marks"),
        Output(ids.MODE, "children"),
        Input(ids.REFRESH, "n_intervals"),
        Input(ids.SEEK, "data"),
        *(Input(button, "n_clicks") for button in BUTTONS),
        State(ids.CLOCK, "data"),
        State(ids.SPEED, "value"),
        running=[(Output(ids.REFRESH, "disabled"), True, False)],  # no tick overtakes another
    )
    def clock_callback(_tick, seek, *args):
        *counts, clock, speed = args
        history = feed.refresh()
        clock = next_clock(
            clock or {},
            tick=f"{ids.REFRESH}.n_intervals" in ctx.triggered_prop_ids,
            presses=dict(zip(BUTTONS, counts, strict=True)),
            seek=seek,
            live_time=feed.live_time(),
            speed=float(speed or 1),
            interval_s=interval_s,
            step_s=config.step_s,
            earliest=history.start,
        )
        start = math.ceil(history.start) if history.start is not None else 0  # inside the window
        end = math.ceil(history.end) if history.end is not None else 1
        time = clock["time"]
        value = round(time) if time is not None else end
        return clock, value, start, end, slider_marks(start, end), mode_label(clock)

    @app.callback(
        Output(ids.SEEK, "data"),
        Input(ids.SLIDER, "value"),
        State(ids.CLOCK, "data"),
        State(ids.SEEK, "data"),
        prevent_initial_call=True,
    )
    def seek_callback(value, clock, previous):
        return seek_from_slider(value, clock, previous) or no_update

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.TRAILS_SHOWN, "data"),
        Input(ids.CLOCK, "data"),
        Input(ids.SELECTED, "data"),
        Input(ids.CENTRE, "data"),
        State(ids.TRAILS_SHOWN, "data"),
    )
    def map_callback(clock, selected, centre, shown_trails):
        """The live layers as a patch: its own request, so its numpy arrays go through orjson
        directly, never through the component encoding of the panels."""
        picture = feed.picture_at((clock or {}).get("time"))
        trails = trail_bucket(picture.time)
        patch = live_patch(live_layers(picture, selected, trails=trails != shown_trails))
        if f"{ids.CENTRE}.data" in ctx.triggered_prop_ids and centre:  # may arrive with the selection
            centre_patch(centre["lon"], centre["lat"], CENTRE_HALF_WIDTH_DEG, config.centre_lat, patch)
        return patch_payload(patch), trails

    @app.callback(
        Output(ids.STATUS, "children"),
        Output(ids.BANNER, "children"),
        Output(ids.ALERTS, "children"),
        Output(ids.TRACK_TABLE, "children"),
        Output(ids.VESSEL, "children"),
        Output(ids.ALERTS_SIGNATURE, "data"),
        Input(ids.CLOCK, "data"),
        Input(ids.SELECTED, "data"),
        Input(ids.TRACK_SEARCH, "value"),
        Input(ids.TRACK_FILTERS, "value"),
        Input(ids.ALERT_SORT, "value"),
        Input(ids.ALERT_SCOPE, "value"),
        Input(ids.SHOW_SNOOZED, "value"),
        State(ids.ALERTS_SIGNATURE, "data"),
    )
    def panels_callback(clock, selected, search, filters, sort, scope, show_snoozed, shown_alerts):
        clock = clock or {}
        picture = feed.picture_at(clock.get("time"))
        status, banner = status_view(picture, feed.history.rejects_at(picture.time or 0.0), clock)
        user = current_user(config.users)
        mine = scoped_picture(picture, user, scope)  # the alert panel's scope; tracks are everyone's
        mine, marks, above, marked = annotated_alerts(mine, feed.operator, user, bool(show_snoozed))
        signature = alerts_signature(mine, sort or "time", user) + marked  # verdicts and snoozes too
        alerts = (
            no_update
            if signature == shown_alerts
            else wire(above + decorate(alerts_view(mine, sort or "time", user), marks))
        )
        return (  # plain data (dashboard.wire): orjson encodes the response in one call
            wire(status),
            wire(banner),
            alerts,
            table_view(picture, filter_tracks(picture, search, filters or [], zones), selected),
            wire(vessel_view(picture, selected, config.flag_of)),
            signature,
        )

    @app.callback(
        Output(ids.SELECTED, "data"),
        Input(ids.MAP, "clickData"),
        Input({"type": ids.TRACK_ROW, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def select_callback(click_data, _rows):
        if f"{ids.MAP}.clickData" in ctx.triggered_prop_ids:
            points = (click_data or {}).get("points") or []
            track_id = points[0].get("customdata") if points else None
            if isinstance(track_id, str):
                return track_id
        return clicked_index(ctx.triggered) or no_update

    @app.callback(
        Output(ids.CENTRE, "data"),
        Output(ids.SELECTED, "data", allow_duplicate=True),
        Input({"type": ids.ALERT_ITEM, "index": ALL}, "n_clicks"),
        State(ids.CLOCK, "data"),
        prevent_initial_call=True,
    )
    def centre_callback(_items, clock):
        alert_id = clicked_index(ctx.triggered)
        if alert_id is None:
            return no_update, no_update
        picture = feed.picture_at((clock or {}).get("time"))
        view = next((a for a in picture.alerts if a.alert.alert_id == alert_id), None)
        if view is None:
            return no_update, no_update
        alert = view.alert
        return {"lon": alert.lon, "lat": alert.lat, "alert_id": alert.alert_id}, alert.track_id

    @app.callback(
        Output(ids.ACK_NOTICE, "children"),
        Input({"type": ids.ACK_BUTTON, "index": ALL}, "n_clicks"),
        State(ids.CLOCK, "data"),
        prevent_initial_call=True,
    )
    def ack_callback(_buttons, clock):
        alert_id = clicked_index(ctx.triggered)
        if alert_id is None:
            return no_update
        time = (clock or {}).get("time")
        feed.refresh()  # decide on everything read so far, including another officer's acknowledgement
        result = acknowledge(alert_id, current_user(config.users), time, feed.picture_at(time))
        if isinstance(result, str):
            return result
        refused = record_action(
            config.audit, Action.ACKNOWLEDGE, result.username, subject=alert_id, picture_time=time
        )
        if refused:
            return refused
        feed.acknowledge(result)
        return ""

    @app.callback(
        Output(ids.VIEW_BOX, "data"),
        Input(ids.MAP, "relayoutData"),
        State(ids.VIEW_BOX, "data"),
    )
    def view_box_callback(relayout, previous):
        return view_box(relayout, previous, bounds)

    if config.tiles is not None:
        layer = config.tiles

        @app.callback(
            Output(ids.MAP, "figure", allow_duplicate=True),
            Input(ids.VIEW_BOX, "data"),
            prevent_initial_call=True,  # the view box is set once the map is drawn, then on every zoom
        )
        def tiles_callback(box):
            return tile_patch(layer, box) if box else no_update

    @app.callback(
        Output(ids.DOWNLOAD_GEOJSON, "data"),
        Output(ids.DOWNLOAD_TRACKS_CSV, "data"),
        Output(ids.DOWNLOAD_ALERTS_CSV, "data"),
        Output(ids.ACK_NOTICE, "children", allow_duplicate=True),
        Input(ids.EXPORT_GEOJSON, "n_clicks"),
        Input(ids.EXPORT_CSV, "n_clicks"),
        State(ids.CLOCK, "data"),
        State(ids.EXPORT_WINDOW, "value"),
        State(ids.VIEW_BOX, "data"),
        prevent_initial_call=True,
    )
    def export_callback(_geojson, _csv, clock, window_min, box):
        end = (clock or {}).get("time")
        if end is None:
            return no_update, no_update, no_update, no_update
        box = box or dict(zip(("west", "south", "east", "north"), bounds, strict=True))
        kind = "geojson" if ctx.triggered_id == ids.EXPORT_GEOJSON else "csv"
        user = current_user(config.users)
        files = export_files(
            feed, end, window_min, box, kind, audit=config.audit, actor=user.username if user else None
        )
        if isinstance(files, str):
            return no_update, no_update, no_update, files
        if kind == "geojson":
            return files["geojson"], no_update, no_update, no_update
        return no_update, files["tracks"], files["alerts"], no_update
