"""The live layers of the map at picture time, as columnar arrays, and the update that carries them.

Every second a page gets the tracks, alerts, trails and selection at its picture time. At
2,000 tracks this is the dashboard's hot path, so each layer is built from numpy columns
of the whole picture (one pass over the tracks, then vectorised rounding, masks and symbol
choice), one trace per style rather than per track, and sent as a ``dash.Patch`` that
replaces only these arrays in the figure the page already holds (the coastline, zones and
coverage were sent once with the page).

``patch_payload`` hands Dash the patch in its wire form with numpy arrays inside, so the
response is encoded by orjson in one C call: a ``Patch`` object, or a Python list, would
make plotly's encoder fall back to walking every value in Python (most of a refresh at
2,000 tracks before this module existed).
"""

from __future__ import annotations

import itertools

import numpy as np
from dash import Patch

from dashboard.figures import SEVERITY_COLOURS, TRACK_STYLES, layer_index
from dashboard.history import SEVERITY_RANK, Picture, TrackView

STATIONARY_KN = 0.5
"""Below this speed a course means nothing, so the symbol is a circle, not an arrow."""
COORD_DECIMALS = 5
"""About 1 m: finer digits only make the per-second payload bigger."""
TRAIL_DECIMALS = 4
"""About 10 m: a trail shows where a vessel went, and is most of the payload when it is sent."""
TRAIL_REFRESH_S = 5.0
"""Picture time between trail updates on a live page: a 15 kn vessel moves 40 m meanwhile."""
SYMBOL_CODES = {"circle": 0, "circle-open": 100, "arrow": 53, "arrow-wide": 54}
"""Plotly's numeric marker symbols: one digit or two per track in the JSON instead of a quoted name."""
_KINDS = tuple(TRACK_STYLES)


def _rounded(values: np.ndarray, decimals: int = COORD_DECIMALS) -> np.ndarray:
    """Coordinates rounded for the wire; NaN (a gap between trails) is encoded as null."""
    return np.round(values, decimals)


def track_layers(views: list[TrackView]) -> dict[str, dict]:
    """The three track layers (fused, AIS only, dark): position, heading, symbol, id and hover text.

    Columns of every track are built in one pass, then split by kind with boolean masks;
    ``customdata`` is the track id the page's click selects.
    """
    n = len(views)
    states = [v.state for v in views]
    lon = np.fromiter((s.lon for s in states), float, n)
    lat = np.fromiter((s.lat for s in states), float, n)
    sog = np.fromiter((s.sog_kn for s in states), float, n)
    cog = np.fromiter((s.cog_deg for s in states), float, n)
    kind = np.fromiter((_KINDS.index(v.kind) for v in views), np.int8, n)
    angle = np.rint(cog).astype(np.int16)
    moving = sog >= STATIONARY_KN
    layers: dict[str, dict] = {}
    for code, (name, (_legend, _colour, symbol)) in enumerate(TRACK_STYLES.items()):
        rows = np.flatnonzero(kind == code)
        picked = [states[i] for i in rows.tolist()]
        layers[name] = {
            "x": _rounded(lon[rows]),
            "y": _rounded(lat[rows]),
            "customdata": [s.track_id for s in picked],
            "hovertext": [f"{s.track_id} {s.mmsi or 'dark'} {s.sog_kn:.0f} kn" for s in picked],
            "marker.angle": angle[rows],
            "marker.symbol": np.where(moving[rows], SYMBOL_CODES[symbol], SYMBOL_CODES["circle"]).astype(
                np.int8
            ),
        }
    return layers


def trail_layer(views: list[TrackView]) -> dict[str, np.ndarray]:
    """Every track's trail in one line trace, a NaN gap (null on the wire) after each track."""
    with_trail = [v for v in views if len(v.trail_lon) > 1]
    ends = np.cumsum(np.fromiter((len(v.trail_lon) for v in with_trail), np.intp, len(with_trail)))
    total = int(ends[-1]) if len(ends) else 0
    columns = {}
    for axis, attribute in (("x", "trail_lon"), ("y", "trail_lat")):
        flat = np.fromiter(
            itertools.chain.from_iterable(getattr(v, attribute) for v in with_trail), float, total
        )
        columns[axis] = _rounded(np.insert(flat, ends, np.nan), TRAIL_DECIMALS)
    return columns


def alert_layer(picture: Picture) -> dict[str, list]:
    """Rings round the open alerts, most severe drawn last (on top), coloured by severity."""
    alerts = sorted(picture.open_alerts, key=lambda a: SEVERITY_RANK[a.alert.severity])
    return {
        "x": _rounded(np.array([a.alert.lon for a in alerts], dtype=float)),
        "y": _rounded(np.array([a.alert.lat for a in alerts], dtype=float)),
        "customdata": [a.alert.track_id for a in alerts],
        "hovertext": [f"{a.alert.severity.upper()} {a.alert.kind}: {a.alert.message}" for a in alerts],
        "marker.color": [SEVERITY_COLOURS[a.alert.severity] for a in alerts],
    }


def selected_layer(view: TrackView | None) -> dict[str, object]:
    """The selected track's trail, and a ring round where it is now."""
    points = len(view.trail_lon) if view else 0
    sizes = np.full(points, 4, np.int8)
    symbols = np.full(points, SYMBOL_CODES["circle"], np.int16)
    if points:
        sizes[-1], symbols[-1] = 24, SYMBOL_CODES["circle-open"]
    return {
        "x": _rounded(np.array(view.trail_lon if view else (), dtype=float)),
        "y": _rounded(np.array(view.trail_lat if view else (), dtype=float)),
        "marker.size": sizes,
        "marker.symbol": symbols,
    }


def live_layers(picture: Picture, selected_track: str | None, *, trails: bool = True) -> dict[str, dict]:
    """Arrays of each live layer at picture time: plain data, so a test can read it.

    ``trails=False`` leaves the trails layer out: trails are most of the payload and move
    slowly, so a live page refreshes them every ``TRAIL_REFRESH_S`` rather than every second.
    """
    views = list(picture.tracks.values())
    layers = {"trails": trail_layer(views)} if trails else {}
    layers.update(track_layers(views))
    layers["alerts"] = alert_layer(picture)
    layers["selected"] = selected_layer(picture.tracks.get(selected_track) if selected_track else None)
    return layers


def live_patch(layers: dict[str, dict], patch: Patch | None = None) -> Patch:
    """A Patch replacing only the live layers' arrays in the page's figure (adds to ``patch``)."""
    patch = Patch() if patch is None else patch
    for name, values in layers.items():
        trace = patch["data"][layer_index(name)]
        for key, value in values.items():
            if key.startswith("marker."):
                trace["marker"][key.removeprefix("marker.")] = value
            else:
                trace[key] = value
    return patch


def patch_payload(patch: Patch) -> dict:
    """``patch`` as the value Dash sends for it (``Patch.to_plotly_json``), numpy arrays kept.

    Dash would convert a ``Patch`` itself, but only through plotly's slow fallback encoder
    (orjson cannot call ``to_plotly_json``); given this plain dict orjson encodes the whole
    response, numpy arrays included, directly.
    """
    return patch.to_plotly_json()
