"""What the page does: pure functions (tested as plain functions) and their Dash wiring.

Each ``*_view``/``next_clock``/... function takes plain values and returns plain values or
components; ``register`` binds them to component ids for one app, with the feed and
config passed in (no module-level state). The replay clock lives in the browser (a
``dcc.Store``), so every open page has its own picture time and the server stays
stateless apart from the shared, time-indexed history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping

import shapely
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from shapely.geometry import shape

from dashboard import ids
from dashboard.acks import AlertAck
from dashboard.auth import User, current_user
from dashboard.config import DashboardConfig
from dashboard.export import Area, select, to_csv, to_geojson
from dashboard.figures import SEVERITY_COLOURS, TRAIL_REFRESH_S, centre_patch, live_layers, live_patch
from dashboard.history import SEVERITY_RANK, AlertView, Picture, TrackView
from dashboard.picture import PictureFeed
from dashboard.vessel import FlagLookup, vessel_rows
from fusion.schemas import AisStatic, Alert, TrackState

TABLE_ROWS = 100
"""Rows drawn in the track table; the count says how many more match."""
CENTRE_HALF_WIDTH_DEG = 0.06
"""About 6 km either side of an alert: the vessel and its neighbours, at a glance."""


def utc(time: float | None, fmt: str = "%Y-%m-%d %H:%M:%S UTC") -> str:
    if time is None:
        return "waiting for data"
    return dt.datetime.fromtimestamp(time, tz=dt.UTC).strftime(fmt)


# --- replay clock --------------------------------------------------------------------------


BUTTONS = (ids.STEP_BACK, ids.STEP_FORWARD, ids.PLAY, ids.PAUSE, ids.LIVE)
"""Replay buttons, in the order presses are applied when several arrive in one call."""


def next_clock(
    clock: dict,
    *,
    tick: bool,
    presses: Mapping[str, int | None],
    seek: dict | None,
    live_time: float | None,
    speed: float,
    interval_s: float,
    step_s: float,
) -> dict:
    """The page's picture time after a tick, button presses or a seek.

    ``presses`` are the buttons' click counters and ``seek`` the latest slider seek
    (``{"time", "seq"}``); the clock remembers which presses and seek it has applied, so a
    press is applied exactly once even if a response of an earlier tick, computed before
    the press, overwrites the clock in the browser: the next tick applies it again.
    Live follows the newest data. A seek, step, play or pause switches to replay; playing
    advances ``speed * interval_s`` per tick and stops at the newest data. The picture
    drawn is ``picture_at(time)`` whatever route led to ``time``.
    """
    seen = dict(clock.get("seen") or {})
    seek_seq = int(clock.get("seek_seq") or 0)
    mode, time, playing = clock.get("mode", "live"), clock.get("time"), bool(clock.get("playing"))
    if live_time is None:
        return {**clock, "time": None}
    time = live_time if time is None else time
    if seek and int(seek.get("seq", 0)) > seek_seq:
        mode, time, seek_seq = "replay", float(seek["time"]), int(seek["seq"])
    for button in BUTTONS:
        count = presses.get(button) or 0
        if count <= seen.get(button, 0):
            continue
        seen[button] = count
        if button == ids.LIVE:
            mode, playing = "live", False
            continue
        mode = "replay"
        if button == ids.STEP_BACK:
            time, playing = time - step_s, False
        elif button == ids.STEP_FORWARD:
            time, playing = time + step_s, False
        else:
            playing = button == ids.PLAY
    if mode == "live":
        time = live_time
    elif tick and playing:
        time += speed * interval_s
    time = min(time, live_time)
    if time >= live_time:
        playing = False
    return {"mode": mode, "time": time, "playing": playing, "seen": seen, "seek_seq": seek_seq}


def seek_from_slider(value: float | None, clock: dict, previous: dict | None) -> dict | None:
    """A new seek when the analyst moved the slider, None when the clock itself moved it."""
    time = (clock or {}).get("time")
    if value is None or time is None or round(time) == round(value):
        return None
    return {"time": float(value), "seq": int((previous or {}).get("seq", 0)) + 1}


def slider_marks(start: float, end: float, every_s: float = 300.0) -> dict[int, str]:
    """Clock-time labels every ``every_s`` of event time along the replay slider."""
    first = math.ceil(start / every_s) * every_s
    return {int(t): utc(t, "%H:%M") for t in range(int(first), int(end) + 1, int(every_s))}


def mode_label(clock: dict) -> str:
    if clock.get("mode") == "live":
        return "LIVE"
    return f"REPLAY {'playing' if clock.get('playing') else 'paused'}"


# --- status bar ----------------------------------------------------------------------------


def status_view(picture: Picture, rejects: Mapping[str, int], clock: dict) -> tuple[list, list]:
    """Status bar (picture time, counts, feed health per source, rejects) and stall banner."""
    dark = sum(1 for v in picture.tracks.values() if v.kind == "dark")
    parts: list = [
        html.B(utc(picture.time), id=ids.PICTURE_TIME),
        f" · {mode_label(clock)} · {len(picture.tracks)} tracks ({dark} dark) · "
        f"{len(picture.open_alerts)} open alerts · ",
    ]
    for feed in picture.feeds:
        colour = "#c0392b" if feed.stalled else "#1e8449"
        age = "-" if feed.age_s is None else f"{feed.age_s:.0f} s"
        parts.append(
            html.Span(
                f"{feed.kind} {feed.source}: {feed.messages_per_s:.1f} msg/s, last {age} ago, "
                f"{feed.rejects} rejects",
                className="feed" + (" stalled" if feed.stalled else ""),
                style={"color": colour, "marginRight": "12px"},
            )
        )
    if rejects:
        parts.append(
            html.Span(
                "rejected: " + ", ".join(f"{source.rsplit('/', 1)[-1]} {n}" for source, n in rejects.items()),
                title="counted dead letters on ingest.rejects, by source",
            )
        )
    stalled = [f for f in picture.feeds if f.stalled]
    banner = []
    if stalled:
        text = "FEED STALLED: " + "; ".join(
            f"{f.kind} {f.source} silent for {f.age_s:.0f} s of picture time"
            if f.age_s is not None
            else f"{f.kind} {f.source} never heard"
            for f in stalled
        )
        banner = [
            html.Div(
                text,
                style={"background": "#c0392b", "color": "#fff", "padding": "6px 12px", "fontWeight": "bold"},
            )
        ]
    return parts, banner


# --- alerts --------------------------------------------------------------------------------


def sorted_alerts(alerts: list[AlertView], sort: str) -> list[AlertView]:
    """Newest first, or by severity (most severe first, newest first within a severity)."""
    by_time = sorted(alerts, key=lambda a: (a.alert.time, a.alert.alert_id), reverse=True)
    if sort == "severity":
        return sorted(by_time, key=lambda a: -SEVERITY_RANK[a.alert.severity])
    return by_time


def vessel_label(alert: Alert, statics: Mapping[int, AisStatic]) -> str:
    if alert.mmsi is None:
        return f"{alert.track_id} (no AIS)"
    static = statics.get(alert.mmsi)
    name = f" {static.name}" if static and static.name else ""
    return f"{alert.track_id} MMSI {alert.mmsi}{name}"


def trail_bucket(time: float | None) -> int | None:
    """Which trail refresh period picture time falls in; trails are resent when it changes
    (every ``TRAIL_REFRESH_S`` live, and at once on any seek or step)."""
    return None if time is None else math.floor(time / TRAIL_REFRESH_S)


def alerts_signature(picture: Picture, sort: str, user: User | None) -> str:
    """What the alert panel shows, as a digest: the panel is redrawn only when this changes, so
    an officer's click never lands on a button that a once-a-second redraw just replaced."""
    shown = [(a.alert.alert_id, a.alert.state, a.alert.time, a.ack) for a in picture.alerts]
    names = tuple(
        sorted(
            (m, s.name) for m, s in picture.statics.items() if any(a.alert.mmsi == m for a in picture.alerts)
        )
    )
    key = repr((shown, names, sort, user.username if user else None, user.role if user else None))
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def alerts_view(picture: Picture, sort: str, user: User | None) -> list:
    items = []
    for view in sorted_alerts(picture.alerts, sort):
        alert = view.alert
        if view.ack is not None:
            ack = html.Span(
                f"acknowledged by {view.ack.officer} at {utc(view.ack.time, '%H:%M:%S')}",
                className="acked",
                style={"color": "#1e8449"},
            )
        elif alert.state == "cleared":
            ack = html.Span("cleared", style={"color": "#7f8c8d"})
        elif user is not None and user.may_acknowledge:
            ack = html.Button("Acknowledge", id={"type": ids.ACK_BUTTON, "index": alert.alert_id})
        else:
            ack = html.Span("not acknowledged", style={"color": "#c0392b"})
        items.append(
            html.Div(
                [
                    html.Div(
                        [
                            html.Span(
                                alert.severity.upper(),
                                style={
                                    "background": SEVERITY_COLOURS[alert.severity],
                                    "color": "#fff",
                                    "padding": "0 4px",
                                    "borderRadius": "3px",
                                    "marginRight": "6px",
                                },
                            ),
                            html.B(alert.kind.replace("_", " ")),
                            f" · {alert.state} · {utc(alert.time, '%H:%M:%S')}",
                        ]
                    ),
                    html.Div(
                        f"{'zone ' + alert.zone_id if alert.zone_id else 'no zone'} · "
                        f"{vessel_label(alert, picture.statics)}"
                    ),
                    html.Div(alert.message, style={"color": "#555"}),
                    ack,
                ],
                id={"type": ids.ALERT_ITEM, "index": alert.alert_id},
                className=f"alert alert-{alert.state}",
                style={
                    "borderLeft": f"4px solid {SEVERITY_COLOURS[alert.severity]}",
                    "padding": "3px 6px",
                    "margin": "4px 0",
                    "cursor": "pointer",
                    "fontSize": "13px",
                    "opacity": 0.6 if alert.state == "cleared" else 1,
                },
            )
        )
    return items or [html.Div("no alerts yet", style={"color": "#7f8c8d"})]


def acknowledge(
    alert_id: str, user: User | None, picture_time: float | None, picture: Picture
) -> AlertAck | str:
    """The acknowledgement to publish, or why it is refused (role, unknown or already acknowledged)."""
    if user is None or not user.may_acknowledge:
        return "Only a watch officer may acknowledge alerts."
    view = next((a for a in picture.alerts if a.alert.alert_id == alert_id), None)
    if view is None or picture_time is None:
        return f"Alert {alert_id} is not in the picture."
    if view.ack is not None:
        return f"Already acknowledged by {view.ack.officer}."
    return AlertAck(alert_id=alert_id, officer=user.name, username=user.username, time=picture_time)


# --- track table ---------------------------------------------------------------------------


class ZoneIndex:
    """Which positions are inside any zone, for the "in a zone" filter (vectorised shapely)."""

    def __init__(self, zones_geojson: dict) -> None:
        geometries = [shape(f["geometry"]) for f in zones_geojson.get("features", [])]
        self.union = shapely.union_all(geometries) if geometries else None
        if self.union is not None:
            shapely.prepare(self.union)

    def inside(self, states: list[TrackState]) -> list[bool]:
        if self.union is None or not states:
            return [False] * len(states)
        return list(shapely.contains_xy(self.union, [s.lon for s in states], [s.lat for s in states]))


def filter_tracks(
    picture: Picture, search: str | None, filters: list[str], zones: ZoneIndex
) -> list[TrackView]:
    """Tracks matching the search (MMSI digits or name, case-insensitive) and every filter."""
    views = sorted(picture.tracks.values(), key=lambda v: v.state.track_id)
    needle = (search or "").strip().lower()
    if needle:

        def matches(v: TrackView) -> bool:
            static = picture.statics.get(v.state.mmsi) if v.state.mmsi is not None else None
            name = (static.name or "") if static else ""
            return (
                needle in str(v.state.mmsi or "")
                or needle in name.lower()
                or needle in v.state.track_id.lower()
            )

        views = [v for v in views if matches(v)]
    if "dark" in filters:
        views = [v for v in views if v.kind == "dark"]
    if "alerts" in filters:
        alerted = {a.alert.track_id for a in picture.open_alerts} | {
            t for a in picture.open_alerts for t in a.alert.related_track_ids
        }
        views = [v for v in views if v.state.track_id in alerted]
    if "zone" in filters:
        views = [v for v, inside in zip(views, zones.inside([v.state for v in views]), strict=True) if inside]
    return views


def table_view(picture: Picture, views: list[TrackView], selected: str | None) -> list:
    header = html.Tr([html.Th(h) for h in ("track", "MMSI", "name", "kind", "kn", "°")])
    rows = []
    for view in views[:TABLE_ROWS]:
        s = view.state
        static = picture.statics.get(s.mmsi) if s.mmsi is not None else None
        rows.append(
            html.Tr(
                [
                    html.Td(s.track_id),
                    html.Td(s.mmsi or "-"),
                    html.Td((static.name if static else None) or "-"),
                    html.Td(view.kind),
                    html.Td(f"{s.sog_kn:.1f}"),
                    html.Td(f"{s.cog_deg:.0f}"),
                ],
                id={"type": ids.TRACK_ROW, "index": s.track_id},
                className="track-row",
                style={"cursor": "pointer", "background": "#fdebd0" if s.track_id == selected else None},
            )
        )
    more = len(views) - TABLE_ROWS
    footer = [html.Div(f"{more} more: narrow the search", style={"color": "#7f8c8d"})] if more > 0 else []
    return [html.Div(f"{len(views)} tracks"), html.Table([header, *rows], style={"width": "100%"}), *footer]


def vessel_view(picture: Picture, selected: str | None, flag_of: FlagLookup | None) -> list:
    if not selected:
        return [html.Div("click a track on the map or in the table", style={"color": "#7f8c8d"})]
    view = picture.tracks.get(selected)
    if view is None or picture.time is None:
        return [html.Div(f"{selected}: not in the picture at this time", style={"color": "#7f8c8d"})]
    static = picture.statics.get(view.state.mmsi) if view.state.mmsi is not None else None
    rows = vessel_rows(view, static, picture.time, flag_of)
    return [
        html.Table(
            [
                html.Tr([html.Th(k, style={"textAlign": "left", "paddingRight": "8px"}), html.Td(v)])
                for k, v in rows
            ],
            style={"fontSize": "13px"},
        )
    ]


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


def export_files(feed: PictureFeed, end: float, window_min: float, box: dict, kind: str) -> dict[str, dict]:
    """The download(s) of one export: ``{"geojson": ...}`` or ``{"tracks": ..., "alerts": ...}``."""
    start = end - window_min * 60.0
    area = Area(box["west"], box["south"], box["east"], box["north"])
    tracks, alerts = select(feed.history, start, end, area)
    stem = f"seawatch_{utc(start, '%Y%m%dT%H%M%S')}_{utc(end, '%Y%m%dT%H%M%S')}"
    if kind == "geojson":
        return {"geojson": dcc.send_string(to_geojson(tracks, alerts, start, end, area), f"{stem}.geojson")}
    return {
        "tracks": dcc.send_string(to_csv(tracks, TrackState), f"{stem}_tracks.csv"),
        "alerts": dcc.send_string(to_csv(alerts, Alert), f"{stem}_alerts.csv"),
    }


def _clicked(trigger_value: object) -> bool:
    """A pattern-matching input fired by a real click, not by its component being (re)drawn."""
    return isinstance(trigger_value, int) and trigger_value > 0


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
            tick=ctx.triggered_id == ids.REFRESH,
            presses=dict(zip(BUTTONS, counts, strict=True)),
            seek=seek,
            live_time=feed.live_time(),
            speed=float(speed or 1),
            interval_s=interval_s,
            step_s=config.step_s,
        )
        start = math.floor(history.start) if history.start is not None else 0
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
        Output(ids.STATUS, "children"),
        Output(ids.BANNER, "children"),
        Output(ids.ALERTS, "children"),
        Output(ids.TRACK_TABLE, "children"),
        Output(ids.VESSEL, "children"),
        Output(ids.ALERTS_SIGNATURE, "data"),
        Output(ids.TRAILS_SHOWN, "data"),
        Input(ids.CLOCK, "data"),
        Input(ids.SELECTED, "data"),
        Input(ids.TRACK_SEARCH, "value"),
        Input(ids.TRACK_FILTERS, "value"),
        Input(ids.ALERT_SORT, "value"),
        Input(ids.CENTRE, "data"),
        State(ids.ALERTS_SIGNATURE, "data"),
        State(ids.TRAILS_SHOWN, "data"),
    )
    def render_callback(clock, selected, search, filters, sort, centre, shown_alerts, shown_trails):
        clock = clock or {}
        picture = feed.picture_at(clock.get("time"))
        status, banner = status_view(picture, feed.history.rejects_at(picture.time or 0.0), clock)
        trails = trail_bucket(picture.time)
        patch = live_patch(live_layers(picture, selected, trails=trails != shown_trails))
        if f"{ids.CENTRE}.data" in ctx.triggered_prop_ids and centre:  # may arrive with the selection
            centre_patch(centre["lon"], centre["lat"], CENTRE_HALF_WIDTH_DEG, config.centre_lat, patch)
        user = current_user(config.users)
        signature = alerts_signature(picture, sort or "time", user)
        return (
            patch,
            status,
            banner,
            no_update if signature == shown_alerts else alerts_view(picture, sort or "time", user),
            table_view(picture, filter_tracks(picture, search, filters or [], zones), selected),
            vessel_view(picture, selected, config.flag_of),
            signature,
            trails,
        )

    @app.callback(
        Output(ids.SELECTED, "data"),
        Input(ids.MAP, "clickData"),
        Input({"type": ids.TRACK_ROW, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def select_callback(click_data, _rows):
        if ctx.triggered_id == ids.MAP:
            points = (click_data or {}).get("points") or []
            track_id = points[0].get("customdata") if points else None
            return track_id if isinstance(track_id, str) else no_update
        if isinstance(ctx.triggered_id, Mapping) and _clicked(ctx.triggered[0]["value"]):
            return ctx.triggered_id["index"]
        return no_update

    @app.callback(
        Output(ids.CENTRE, "data"),
        Output(ids.SELECTED, "data", allow_duplicate=True),
        Input({"type": ids.ALERT_ITEM, "index": ALL}, "n_clicks"),
        State(ids.CLOCK, "data"),
        prevent_initial_call=True,
    )
    def centre_callback(_items, clock):
        if not isinstance(ctx.triggered_id, Mapping) or not _clicked(ctx.triggered[0]["value"]):
            return no_update, no_update
        picture = feed.picture_at((clock or {}).get("time"))
        view = next((a for a in picture.alerts if a.alert.alert_id == ctx.triggered_id["index"]), None)
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
        if not isinstance(ctx.triggered_id, Mapping) or not _clicked(ctx.triggered[0]["value"]):
            return no_update
        time = (clock or {}).get("time")
        feed.refresh()  # decide on everything read so far, including another officer's acknowledgement
        result = acknowledge(
            ctx.triggered_id["index"], current_user(config.users), time, feed.picture_at(time)
        )
        if isinstance(result, str):
            return result
        feed.acknowledge(result)
        return ""

    @app.callback(
        Output(ids.VIEW_BOX, "data"),
        Input(ids.MAP, "relayoutData"),
        State(ids.VIEW_BOX, "data"),
    )
    def view_box_callback(relayout, previous):
        return view_box(relayout, previous, bounds)

    @app.callback(
        Output(ids.DOWNLOAD_GEOJSON, "data"),
        Output(ids.DOWNLOAD_TRACKS_CSV, "data"),
        Output(ids.DOWNLOAD_ALERTS_CSV, "data"),
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
            return no_update, no_update, no_update
        box = box or dict(zip(("west", "south", "east", "north"), bounds, strict=True))
        if ctx.triggered_id == ids.EXPORT_GEOJSON:
            return export_files(feed, end, window_min, box, "geojson")["geojson"], no_update, no_update
        files = export_files(feed, end, window_min, box, "csv")
        return no_update, files["tracks"], files["alerts"]
