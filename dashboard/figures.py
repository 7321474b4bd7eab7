"""Pure figure builders: a picture in, a plotly figure out (no I/O, no app state).

The map is drawn in plain longitude/latitude axes with equal scale at the area's
latitude, so it works air-gapped with no tile server. The real coastline, symbols and
trails come with the dashboard issue.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from shapely.geometry import shape

from dashboard.picture import Picture

ZONE_COLOURS = {
    "restricted": "#d62728",
    "mpa": "#2ca02c",
    "anchorage": "#9467bd",
    "port": "#7f7f7f",
    "tss": "#1f77b4",
}


def zone_traces(zones_geojson: dict) -> list[go.Scatter]:
    """One outline trace per zone, coloured by kind."""
    traces = []
    for feature in zones_geojson.get("features", []):
        props = feature.get("properties", {})
        geometry = shape(feature["geometry"])
        polygons = getattr(geometry, "geoms", [geometry])
        for polygon in polygons:
            lon, lat = polygon.exterior.xy
            traces.append(
                go.Scatter(
                    x=list(lon),
                    y=list(lat),
                    mode="lines",
                    line={"color": ZONE_COLOURS.get(props.get("kind"), "#333")},
                    name=f"{props.get('id')} ({props.get('kind')})",
                    hoverinfo="name",
                    showlegend=False,
                )
            )
    return traces


def picture_figure(picture: Picture, zones_geojson: dict, centre_lat: float) -> go.Figure:
    """Tracks (AIS-identified blue, radar-only dark red) over the zones."""
    identified = [t for t in picture.tracks.values() if t.mmsi is not None]
    dark = [t for t in picture.tracks.values() if t.mmsi is None and t.status != "tentative"]
    figure = go.Figure(zone_traces(zones_geojson))
    for label, tracks, colour in (("AIS", identified, "#1f77b4"), ("radar only (dark)", dark, "#8b0000")):
        figure.add_trace(
            go.Scatter(
                x=[t.lon for t in tracks],
                y=[t.lat for t in tracks],
                mode="markers",
                name=label,
                marker={"size": 8, "color": colour},
                text=[f"{t.track_id} MMSI {t.mmsi} {t.sog_kn:.1f} kn {t.cog_deg:.0f}°" for t in tracks],
                hoverinfo="text",
            )
        )
    figure.update_layout(
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        height=650,
        uirevision="map",
        legend={"orientation": "h"},
        xaxis_title="longitude (°E)",
        yaxis_title="latitude (°N)",
    )
    figure.update_yaxes(scaleanchor="x", scaleratio=1 / math.cos(math.radians(centre_lat)))
    return figure
