"""Optional online map tiles under the map, for a dashboard that may reach a tile server.

Off by default: the map's own coastline works air-gapped, and with no ``TileLayer``
configured the page makes no request beyond its own server. Given one (a slippy-map URL
template such as ``https://tile.openstreetmap.org/{z}/{x}/{y}.png``, or an internal tile
server), the browser fetches the tiles covering the current view straight from that server
and plotly draws them as layout images below every trace of the same longitude/latitude
map, so tracks, symbols and the browser tests are the same with or without tiles.

Each Web Mercator tile is placed by its exact edges and stretched linearly between them; at
zoom 10 and above (a view narrower than about 1.5 degrees) the error of that inside a tile
is below 15 m at 25 degrees latitude, less than a track symbol.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dash import Patch

MAX_TILES = 48
"""Tiles drawn at most: a wide view uses a coarser zoom rather than hundreds of requests."""
TILES_ACROSS = 4
"""About this many tiles across the view: 256-pixel tiles on a map about 1,000 pixels wide."""
MERCATOR_MAX_LAT = 85.0511


@dataclass(frozen=True)
class TileLayer:
    """A slippy-map tile source.

    Parameters
    ----------
    url_template:
        Tile URL with ``{z}``, ``{x}`` and ``{y}`` (XYZ scheme, y from the north).
    attribution:
        Shown in the map's corner, as tile providers require.
    max_zoom:
        Deepest zoom level the server has.
    opacity:
        0-1; below 1 the sea colour and the coastline show through.
    """

    url_template: str
    attribution: str = ""
    max_zoom: int = 18
    opacity: float = 1.0

    def __post_init__(self) -> None:
        missing = [k for k in ("{z}", "{x}", "{y}") if k not in self.url_template]
        if missing:
            raise ValueError(
                f"tile URL template {self.url_template!r} lacks {', '.join(missing)}: "
                "give one like https://tile.openstreetmap.org/{z}/{x}/{y}.png"
            )


def tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The XYZ tile holding (lon, lat) (degrees) at ``zoom``."""
    n = 2**zoom
    lat = max(-MERCATOR_MAX_LAT, min(MERCATOR_MAX_LAT, lat))
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_edges(x: int, y: int, zoom: int) -> tuple[float, float, float, float]:
    """West, south, east, north (degrees) of tile (x, y) at ``zoom``."""
    n = 2**zoom

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def zoom_for(west: float, east: float, max_zoom: int) -> int:
    """The zoom at which about ``TILES_ACROSS`` tiles span the view's width."""
    width = max(east - west, 1e-6)
    return max(0, min(max_zoom, math.floor(math.log2(360.0 * TILES_ACROSS / width))))


def tile_images(layer: TileLayer, bounds: tuple[float, float, float, float]) -> list[dict]:
    """Plotly layout images covering ``bounds`` (west, south, east, north), below the traces."""
    west, south, east, north = bounds
    zoom = zoom_for(west, east, layer.max_zoom)
    while True:
        x0, y0 = tile_xy(west, north, zoom)
        x1, y1 = tile_xy(east, south, zoom)
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_TILES or zoom == 0:
            break
        zoom -= 1
    images = []
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            w, s, e, n = tile_edges(x, y, zoom)
            images.append(
                {
                    "source": layer.url_template.format(z=zoom, x=x, y=y),
                    "xref": "x",
                    "yref": "y",
                    "x": w,
                    "y": n,
                    "sizex": e - w,
                    "sizey": n - s,
                    "sizing": "stretch",
                    "xanchor": "left",
                    "yanchor": "top",
                    "layer": "below",
                    "opacity": layer.opacity,
                }
            )
    return images


def attribution_annotation(layer: TileLayer) -> dict:
    """The provider's attribution in the map's bottom-right corner."""
    return {
        "text": layer.attribution,
        "xref": "paper",
        "yref": "paper",
        "x": 1.0,
        "y": 0.0,
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 10, "color": "#333"},
        "bgcolor": "rgba(255,255,255,0.7)",
    }


def tile_patch(layer: TileLayer, box: dict, patch: Patch | None = None) -> Patch:
    """The map's tiles for the view ``box`` (``{"west", "south", "east", "north"}``), its
    attribution, and the packaged land drawn as an outline so the tiles' land shows."""
    from dashboard.figures import layer_index

    patch = Patch() if patch is None else patch
    bounds = (box["west"], box["south"], box["east"], box["north"])
    patch["layout"]["images"] = tile_images(layer, bounds)
    patch["layout"]["annotations"] = [attribution_annotation(layer)] if layer.attribution else []
    patch["data"][layer_index("land")]["fill"] = "none"
    return patch
