"""Pure figure builders: the map's layers and styles, the page's base figure (no I/O, no app state).

The map is drawn in plain longitude/latitude axes with equal scale at the area's latitude
over a real coastline committed with the package (scripts/make_coastline.py), so it works
air-gapped with no tile server. One trace per layer, in a fixed order: the static layers
(land, zones by kind, radar coverage, radar sites) are sent once with the page; the live
layers (trails, tracks by kind, alerts, selection) are filled every second by
``dashboard.live``, which sends only their arrays, never the whole figure.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from dash import Patch
from pyproj import Geod
from shapely.geometry import shape

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
