"""Geodetic <-> local tangent plane, and compass <-> vector conventions, on whole arrays.

The tracker works in one East-North-Up plane per tracking area (metres, origin at the
area centre, sea level). Every conversion lives here so that a compass bearing (from true
north, clockwise) is never confused with a maths angle (from east, anticlockwise): that
mix-up silently rotates every radar plot (Stone Soup's CartesianToBearingRange uses the
maths convention).

The geodesy itself is pymap3d's (WGS84 ellipsoid), not a flat-earth shortcut: a radar
plot is placed along the ellipsoid from its own site, then expressed in the area plane.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymap3d
import pymap3d.vincenty

KNOT_MPS = 1852.0 / 3600.0
"""One knot in metres per second (1 nautical mile = 1852 m, exactly)."""

ArrayLike = float | np.ndarray


def velocity_from_course(sog_kn: ArrayLike, cog_deg: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """East and north velocity in m/s from speed in knots and course from true north, clockwise."""
    speed_mps = np.asarray(sog_kn, dtype=float) * KNOT_MPS
    course_rad = np.radians(cog_deg)
    return speed_mps * np.sin(course_rad), speed_mps * np.cos(course_rad)


def course_from_velocity(ve_mps: ArrayLike, vn_mps: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Speed in knots and course in [0, 360) degrees from true north, clockwise."""
    ve = np.asarray(ve_mps, dtype=float)
    vn = np.asarray(vn_mps, dtype=float)
    sog_kn = np.hypot(ve, vn) / KNOT_MPS
    cog_deg = np.mod(np.degrees(np.arctan2(ve, vn)), 360.0)
    return sog_kn, cog_deg


@dataclass(frozen=True, slots=True)
class LocalFrame:
    """An East-North-Up tangent plane at sea level around (``lat0``, ``lon0``)."""

    lat0: float
    lon0: float

    def to_enu(self, lat: ArrayLike, lon: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Geodetic degrees to (east_m, north_m) in this plane."""
        east, north, _ = pymap3d.geodetic2enu(lat, lon, 0.0, self.lat0, self.lon0, 0.0)
        return np.asarray(east), np.asarray(north)

    def to_geodetic(self, east_m: ArrayLike, north_m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(east_m, north_m) in this plane back to geodetic degrees (height dropped)."""
        lat, lon, _ = pymap3d.enu2geodetic(east_m, north_m, 0.0, self.lat0, self.lon0, 0.0)
        return np.asarray(lat), np.asarray(lon)

    def polar_to_enu(
        self,
        site_lat: float,
        site_lon: float,
        range_m: ArrayLike,
        bearing_deg: ArrayLike,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Place plots given by range and true bearing from a site into this plane.

        The plot is put on the ellipsoid along the bearing from the site (ground range),
        then expressed in the area plane, so sites far from the area origin stay exact.
        """
        lat, lon = geodesic_destination(site_lat, site_lon, range_m, bearing_deg)
        return self.to_enu(lat, lon)


def geodesic_destination(
    lat: ArrayLike, lon: ArrayLike, distance_m: ArrayLike, bearing_deg: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Point reached from (lat, lon) after ``distance_m`` along the WGS84 geodesic at ``bearing_deg``."""
    lat2, lon2 = pymap3d.vincenty.vreckon(lat, lon, distance_m, bearing_deg)
    shape = _broadcast_shape(lat, lon, distance_m, bearing_deg)
    return _shaped(lat2, shape), _shaped(lon2, shape)


def geodesic_distance_m(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> np.ndarray:
    """WGS84 geodesic distance in metres (the range of :func:`range_bearing`)."""
    distance_m, _ = range_bearing(lat1, lon1, lat2, lon2)
    return distance_m


def range_bearing(
    site_lat: ArrayLike, site_lon: ArrayLike, lat: ArrayLike, lon: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic range (m) and true bearing (deg, clockwise from north) from a site to points."""
    distance_m, azimuth_deg = pymap3d.vincenty.vdist(site_lat, site_lon, lat, lon)
    shape = _broadcast_shape(site_lat, site_lon, lat, lon)
    return _shaped(distance_m, shape), np.mod(_shaped(azimuth_deg, shape), 360.0)


def _broadcast_shape(*inputs: ArrayLike) -> tuple[int, ...]:
    return np.broadcast_shapes(*(np.shape(x) for x in inputs))


def _shaped(values: ArrayLike, shape: tuple[int, ...]) -> np.ndarray:
    """A pymap3d vincenty result in the inputs' broadcast shape.

    vincenty squeezes what it returns ((n, 1) in gives (n,) out, one point gives a scalar),
    which would misalign masks and stacks built from it with the arrays that went in.
    """
    return np.asarray(values, dtype=float).reshape(shape)
