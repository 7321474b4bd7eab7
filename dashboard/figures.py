"""Pure figure builders: map layers in, plotly figures and patches out (no I/O, no app state).

The map is drawn in plain longitude/latitude axes with equal scale at the area's latitude
over a real coastline committed with the package (scripts/make_coastline.py), so it works
air-gapped with no tile server. One trace per layer, in a fixed order: the static layers
(land, zones by kind, radar coverage, radar sites) are sent once with the page; the live
layers (trails, tracks by kind, alerts, selection) are updated every second with a
``dash.Patch`` that carries only their arrays, never the whole figure.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from dash import Patch
from pyproj import Geod
from shapely.geometry import shape

from dashboard.history import SEVERITY_RANK, Picture
from fusion.schemas import RadarSite

SEA = "#dbe9f4"
LAND = "#efe6cf"
ZONE_COLOURS = {
    "restricted": "#d62728",
    "mpa": "#2ca02c",
    "anchorage": "#9467bd",
    "port": "#7f7f7f",
    "tss": "#1f77b4",
    "other": "#333333",
}
TRACK_STYLES = {
    # kind: (legend name, colour, symbol): fused is the reassuring blue, dark the alarming red
    "fused": ("AIS + radar", "#1f4e9c", "arrow"),
    "ais": ("AIS only", "#17a589", "arrow"),
    "dark": ("radar only (dark)", "#c0392b", "arrow-wide"),
}
SEVERITY_COLOURS = {
    "info": "#7f8c8d",
    "low": "#f1c40f",
    "medium": "#e67e22",
    "high": "#e74c3c",
    "critical": "#8e44ad",
}
STATIONARY_KN = 0.5
"""Below this speed a course means nothing, so the symbol is a circle, not an arrow."""
COORD_DECIMALS = 5
"""About 1 m: finer digits only make the per-second payload bigger."""
TRAIL_DECIMALS = 4
"""About 10 m: a trail shows where a vessel went, and is most of the per-second payload."""
TRAIL_REFRESH_S = 5.0
"""Picture time between trail updates on a live page: a 15 kn vessel moves 40 m meanwhile."""

STATIC_LAYERS = ("land", *(f"zones:{kind}" for kind in ZONE_COLOURS), "coverage", "radars")
LIVE_LAYERS = ("trails", "fused", "ais", "dark", "alerts", "selected")
LAYERS = STATIC_LAYERS + LIVE_LAYERS


def layer_index(name: str) -> int:
    return LAYERS.index(name)


def _rings(geojson: dict) -> tuple[list[float | None], list[float | None]]:
    """Exterior rings of every polygon, joined by None gaps into one trace's x/y."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for feature in geojson.get("features", []):
        geometry = shape(feature["geometry"])
        for polygon in getattr(geometry, "geoms", [geometry]):
            lon, lat = polygon.exterior.xy
            xs += [*lon, None]
            ys += [*lat, None]
    return xs, ys


def land_trace(coastline_geojson: dict) -> go.Scatter:
    x, y = _rings(coastline_geojson)
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        fill="toself",
        fillcolor=LAND,
        line={"color": "#9c8f6a", "width": 1},
        name="land",
        hoverinfo="skip",
        showlegend=False,
    )


def zone_traces(zones_geojson: dict) -> list[go.Scatter]:
    """One outline trace per zone kind (one per layer, not per zone), coloured by kind."""
    traces = []
    for kind, colour in ZONE_COLOURS.items():
        features = [
            f
            for f in zones_geojson.get("features", [])
            if f.get("properties", {}).get("kind", "other") == kind
            or (kind == "other" and f.get("properties", {}).get("kind") not in ZONE_COLOURS)
        ]
        x, y, text = [], [], []
        for feature in features:
            fx, fy = _rings({"features": [feature]})
            props = feature.get("properties", {})
            x += fx
            y += fy
            text += [f"{props.get('name', props.get('id'))} ({kind})"] * len(fx)
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                fill="toself",
                opacity=0.6,
                name=f"zone: {kind}",
                line={
                    "color": colour,
                    "width": 2,
                    "dash": "dash" if kind in ("restricted", "mpa") else "solid",
                },
                hovertext=text,
                hoverinfo="text",
                hoveron="points",  # a click inside a zone must reach the vessel there, not the fill
                showlegend=bool(features),
                legendgroup="zones",
            )
        )
    return traces


def coverage_ring(site: RadarSite, points: int = 90) -> tuple[list[float], list[float]]:
    """The radar's instrumented range as a geodesic circle (WGS84), lon/lat closed ring."""
    azimuths = np.linspace(0.0, 360.0, points + 1)
    n = azimuths.shape
    lon, lat, _ = Geod(ellps="WGS84").fwd(
        np.full(n, site.lon), np.full(n, site.lat), azimuths, np.full(n, site.max_range_m)
    )
    return list(np.round(lon, 4)), list(np.round(lat, 4))


def radar_traces(radars: list[RadarSite]) -> list[go.Scatter]:
    x: list[float | None] = []
    y: list[float | None] = []
    for site in radars:
        rx, ry = coverage_ring(site)
        x += [*rx, None]
        y += [*ry, None]
    coverage = go.Scatter(
        x=x,
        y=y,
        mode="lines",
        line={"color": "#34495e", "width": 1, "dash": "dot"},
        name="radar coverage",
        hoverinfo="skip",
    )
    sites = go.Scatter(
        x=[r.lon for r in radars],
        y=[r.lat for r in radars],
        mode="markers+text",
        marker={"symbol": "square", "size": 10, "color": "#34495e"},
        text=[r.id for r in radars],
        textposition="top right",
        name="radar sites",
        hovertext=[f"radar {r.id}: {r.max_range_m / 1000:.0f} km" for r in radars],
        hoverinfo="text",
    )
    return [coverage, sites]


def live_traces() -> list[go.Scatter]:
    """Empty live layers, in ``LIVE_LAYERS`` order; ``live_patch`` fills them."""
    traces = [
        go.Scatter(
            x=[],
            y=[],
            mode="lines",
            line={"color": "#2c3e50", "width": 1.5},
            opacity=0.7,
            name="trails",
            hoverinfo="skip",
        )
    ]
    for name, colour, symbol in TRACK_STYLES.values():
        traces.append(
            go.Scatter(
                x=[],
                y=[],
                mode="markers",
                name=name,
                marker={
                    "symbol": symbol,
                    "size": 13,
                    "color": colour,
                    "line": {"width": 1, "color": "white"},
                },
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    traces.append(
        go.Scatter(
            x=[],
            y=[],
            mode="markers",
            name="open alerts",
            marker={"symbol": "circle-open", "size": 26, "line": {"width": 3}},
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    traces.append(
        go.Scatter(
            x=[],
            y=[],
            mode="lines+markers",
            name="selected",
            showlegend=False,
            line={"color": "#f39c12", "width": 3},
            marker={"size": 4, "color": "#f39c12", "line": {"width": 3, "color": "#f39c12"}},
            hoverinfo="skip",
        )
    )
    return traces


def base_figure(
    coastline_geojson: dict,
    zones_geojson: dict,
    radars: list[RadarSite],
    centre_lat: float,
    bounds: tuple[float, float, float, float],
) -> go.Figure:
    """The whole map with empty live layers: sent once with the page.

    ``bounds`` is the initial view (west, south, east, north) in degrees.
    """
    figure = go.Figure([land_trace(coastline_geojson), *zone_traces(zones_geojson), *radar_traces(radars)])
    figure.add_traces(live_traces())
    assert len(figure.data) == len(LAYERS), "layer order out of step with LAYERS"
    west, south, east, north = bounds
    figure.update_layout(
        margin={"l": 50, "r": 10, "t": 10, "b": 40},
        plot_bgcolor=SEA,
        uirevision="map",
        clickmode="event",
        hovermode="closest",
        legend={"x": 0.005, "y": 0.995, "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 11}},
        xaxis={"title": "longitude (°E)", "range": [west, east], "showgrid": False},
        yaxis={
            "title": "latitude (°N)",
            "range": [south, north],
            "showgrid": False,
            "scaleanchor": "x",
            "scaleratio": 1 / math.cos(math.radians(centre_lat)),
        },
    )
    return figure


def _round(values: list[float], decimals: int = COORD_DECIMALS) -> list[float | None]:
    """Rounded in one numpy call (per-value ``round`` costs ~40 ms at 10,000 tracks); NaN -> None gap."""
    rounded = np.round(np.asarray(values, dtype=float), decimals).tolist()
    return [None if v != v else v for v in rounded] if any(v != v for v in rounded) else rounded


def _joined(parts: list[tuple[float, ...]]) -> list[float]:
    """Trail coordinates of every track in one line trace, NaN between tracks (drawn as gaps)."""
    out: list[float] = []
    for part in parts:
        out += part
        out.append(math.nan)
    return out


def live_layers(picture: Picture, selected_track: str | None, *, trails: bool = True) -> dict[str, dict]:
    """Arrays of each live layer at picture time: plain data, so a test can read it.

    ``trails=False`` leaves the trails layer out: trails are most of the payload and move
    slowly, so a live page refreshes them every ``TRAIL_REFRESH_S`` rather than every second.
    """
    by_kind: dict[str, list] = {kind: [] for kind in TRACK_STYLES}
    for view in picture.tracks.values():
        by_kind[view.kind].append(view)
    layers: dict[str, dict] = {}
    if trails:
        with_trail = [v for v in picture.tracks.values() if len(v.trail_lon) > 1]
        layers["trails"] = {
            "x": _round(_joined([v.trail_lon for v in with_trail]), TRAIL_DECIMALS),
            "y": _round(_joined([v.trail_lat for v in with_trail]), TRAIL_DECIMALS),
        }
    for kind, views in by_kind.items():
        states = [v.state for v in views]
        layers[kind] = {
            "x": _round([s.lon for s in states]),
            "y": _round([s.lat for s in states]),
            "customdata": [s.track_id for s in states],
            "hovertext": [f"{s.track_id} {s.mmsi or 'dark'} {s.sog_kn:.0f} kn" for s in states],
            "marker.angle": [round(s.cog_deg) for s in states],
            "marker.symbol": [
                TRACK_STYLES[kind][2] if s.sog_kn >= STATIONARY_KN else "circle" for s in states
            ],
        }
    alerts = sorted(picture.open_alerts, key=lambda a: SEVERITY_RANK[a.alert.severity])
    layers["alerts"] = {
        "x": _round([a.alert.lon for a in alerts]),
        "y": _round([a.alert.lat for a in alerts]),
        "customdata": [a.alert.track_id for a in alerts],
        "hovertext": [f"{a.alert.severity.upper()} {a.alert.kind}: {a.alert.message}" for a in alerts],
        "marker.color": [SEVERITY_COLOURS[a.alert.severity] for a in alerts],
    }
    selected = picture.tracks.get(selected_track) if selected_track else None
    points = len(selected.trail_lon) if selected else 0
    layers["selected"] = {  # its trail, and a ring round where it is now
        "x": _round(list(selected.trail_lon)) if selected else [],
        "y": _round(list(selected.trail_lat)) if selected else [],
        "marker.size": [4] * (points - 1) + [24] if points else [],
        "marker.symbol": ["circle"] * (points - 1) + ["circle-open"] if points else [],
    }
    return layers


def live_patch(layers: dict[str, dict]) -> Patch:
    """A Patch replacing only the live layers' arrays in the page's figure."""
    patch = Patch()
    for name, values in layers.items():
        trace = patch["data"][layer_index(name)]
        for key, value in values.items():
            if key.startswith("marker."):
                trace["marker"][key.removeprefix("marker.")] = value
            else:
                trace[key] = value
    return patch


def centre_patch(
    lon: float, lat: float, half_width_deg: float, centre_lat: float, patch: Patch | None = None
) -> Patch:
    """Move the map view to centre on (lon, lat), keeping the equal-scale aspect (adds to ``patch``)."""
    patch = Patch() if patch is None else patch
    half_height = half_width_deg * math.cos(math.radians(centre_lat))
    patch["layout"]["xaxis"]["range"] = [lon - half_width_deg, lon + half_width_deg]
    patch["layout"]["yaxis"]["range"] = [lat - half_height, lat + half_height]
    # A new uirevision tells plotly to take these ranges over the view the user last set;
    # it then stays constant, so the next zoom or pan is kept across live updates again.
    patch["layout"]["uirevision"] = f"centre {lon:.5f} {lat:.5f}"
    return patch
