"""What the page shows besides the map, as pure functions of the picture: status bar and stall
banner, alert panel, track table, vessel record; and the acknowledgement rule."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import shapely
from dash import html
from shapely.geometry import shape

from dashboard import ids
from dashboard.auth import User
from dashboard.clock import mode_label, utc
from dashboard.figures import SEVERITY_COLOURS
from dashboard.history import SEVERITY_RANK, AlertView, Picture, TrackView
from dashboard.vessel import FlagLookup, vessel_rows
from dashboard.wire import element
from fusion.schemas import AisStatic, Alert, AlertAck, TrackState

TABLE_ROWS = 100
"""Rows drawn in the track table; the count says how many more match."""


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


def alerts_signature(picture: Picture, sort: str, user: User | None) -> str:
    """What the alert panel shows, as a digest: the panel is redrawn only when this changes, so
    an officer's click never lands on a button that a once-a-second redraw just replaced."""
    shown = [(a.alert.alert_id, a.alert.state, a.alert.time, a.ack) for a in picture.alerts]
    alerted = {a.alert.mmsi for a in picture.alerts if a.alert.mmsi is not None}
    names = tuple(sorted((m, s.name) for m in alerted if (s := picture.statics.get(m)) is not None))
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
                        + (f" · for {alert.responsible_agency}" if alert.responsible_agency else "")
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
    """The track table, written in Dash's wire form (``dashboard.wire``): it is redrawn every
    second, and component objects for its hundreds of cells cost more than the rest of the panels."""
    header = element("Tr", [element("Th", h) for h in ("track", "MMSI", "name", "kind", "kn", "°")])
    rows = []
    for view in views[:TABLE_ROWS]:
        s = view.state
        static = picture.statics.get(s.mmsi) if s.mmsi is not None else None
        rows.append(
            element(
                "Tr",
                [
                    element("Td", s.track_id),
                    element("Td", s.mmsi or "-"),
                    element("Td", (static.name if static else None) or "-"),
                    element("Td", view.kind),
                    element("Td", f"{s.sog_kn:.1f}"),
                    element("Td", f"{s.cog_deg:.0f}"),
                ],
                id={"type": ids.TRACK_ROW, "index": s.track_id},
                className="track-row",
                style={"cursor": "pointer", "background": "#fdebd0" if s.track_id == selected else None},
            )
        )
    more = len(views) - TABLE_ROWS
    footer = (
        [element("Div", f"{more} more: narrow the search", style={"color": "#7f8c8d"})] if more > 0 else []
    )
    return [
        element("Div", f"{len(views)} tracks"),
        element("Table", [header, *rows], style={"width": "100%"}),
        *footer,
    ]


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
