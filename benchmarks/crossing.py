"""Vessels that cross or run alongside: does each keep its track? GNN alone against JPDA (issue 4).

Run: ``.venv/bin/python -m benchmarks.crossing [--trials N] [--seed S] [--results F] [--chart F]``.

Issue 4 asks for "JPDA or a better method where GNN is ambiguous (crossing and rendezvous
vessels)". The benchmark scenarios hold few such encounters, so their ID-switch counts
(a handful) cannot tell the methods apart. Here each trial is one encounter, in Monte
Carlo: two dark boats (no AIS: only radar says who is who) at 15-35 km from a radar with
Stone Soup-like noise (25 m in range, 0.3° in bearing: 80-180 m across the beam), each
painted on 80 % of 2.5 s scans, with clutter. Geometries:

- ``cross 10°``, ``cross 25°``, ``cross 60°``: straight courses at 8-14 m/s meeting at
  60 s, the closest approach 0-60 m;
- ``alongside``: two boats 60-120 m apart on parallel courses for a minute (a transfer
  under way), then diverging at 20°;
- ``overtake``: one boat overtaking the other 40-100 m abeam at 3-5 m/s more.

A trial scores an identity kept when at 150 s each boat is held by the track that held it
at 30 s (nearest held track within 500 m); swapped when the two tracks ended on each
other's boat; lost otherwise (a boat without a track, or with a new one). Both methods
see the very same plots (one random stream per trial). Printed: per geometry and method,
the share of boats whose identity was kept, swapped or lost, and the RMS position error
of held tracks over the trial; the picture shows the same as bars.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from fusion.schemas import RadarPlot, RadarSite, Sensors, TrackStatus
from tracking.config import TrackerConfig
from tracking.frames import LocalFrame, range_bearing
from tracking.tracker import Tracker

SITE = RadarSite(
    id="R1", lat=24.80, lon=66.97, height_m=30.0, range_sigma_m=25.0, bearing_sigma_deg=0.3,
    max_range_m=40_000.0, scan_period_s=2.5,
)  # fmt: skip
SENSORS = Sensors(radars=(SITE,), ais_receivers=())
FRAME = LocalFrame(SITE.lat, SITE.lon)
T0_S = 1_768_456_800.0
SCAN_S = 2.5
DURATION_S = 150.0
BEFORE_S, AFTER_S = 30.0, 150.0
P_DETECT = 0.8
CLUTTER_PER_SCAN = 1.0
"""False plots per scan in the 6 km x 6 km square around the encounter (~0.03 per km²,
ten times the tracker's assumed density: a rough sea state)."""
MATCH_M = 500.0

METHODS = {"GNN": TrackerConfig(jpda_max_event_probability=0.0), "GNN + JPDA": TrackerConfig()}
"""GNN alone against the tracker as configured (JPDA where GNN guesses and the vessels do not
move alike)."""

Path2 = Callable[[np.ndarray], np.ndarray]
"""Times (s) -> (T, 2) east, north of a boat."""


@dataclass(frozen=True)
class Encounter:
    boats: tuple[Path2, Path2]
    centre_m: np.ndarray


def _straight(start_m: np.ndarray, velocity_mps: np.ndarray) -> Path2:
    return lambda t: start_m[None, :] + t[:, None] * velocity_mps[None, :]


def _turning(start_m: np.ndarray, v1_mps: np.ndarray, turn_s: float, v2_mps: np.ndarray) -> Path2:
    def at(t: np.ndarray) -> np.ndarray:
        before = np.minimum(t, turn_s)[:, None] * v1_mps[None, :]
        after = np.maximum(t - turn_s, 0.0)[:, None] * v2_mps[None, :]
        return start_m[None, :] + before + after

    return at


def _heading(deg: float) -> np.ndarray:
    return np.array([np.sin(np.radians(deg)), np.cos(np.radians(deg))])


def _crossing(rng: np.random.Generator, angle_deg: float) -> Encounter:
    centre = _centre(rng)
    course = rng.uniform(0, 360)
    speeds = rng.uniform(8.0, 14.0, size=2)
    miss = rng.uniform(0.0, 60.0) * _heading(course + 90)
    v1, v2 = speeds[0] * _heading(course), speeds[1] * _heading(course + angle_deg)
    return Encounter((_straight(centre - 60 * v1, v1), _straight(centre + miss - 60 * v2, v2)), centre)


def _alongside(rng: np.random.Generator) -> Encounter:
    centre = _centre(rng)
    course, speed = rng.uniform(0, 360), rng.uniform(6.0, 10.0)
    offset = rng.uniform(60.0, 120.0) * _heading(course + 90)
    v = speed * _heading(course)
    v_a, v_b = speed * _heading(course - 10), speed * _heading(course + 10)
    start = centre - 60 * v
    return Encounter((_turning(start, v, 90.0, v_a), _turning(start + offset, v, 90.0, v_b)), centre)


def _overtake(rng: np.random.Generator) -> Encounter:
    centre = _centre(rng)
    course, speed = rng.uniform(0, 360), rng.uniform(5.0, 8.0)
    faster = speed + rng.uniform(3.0, 5.0)
    offset = rng.uniform(40.0, 100.0) * _heading(course + 90)
    slow, fast = speed * _heading(course), faster * _heading(course)
    return Encounter(
        (_straight(centre - 60 * slow, slow), _straight(centre + offset - 60 * fast, fast)), centre
    )


def _centre(rng: np.random.Generator) -> np.ndarray:
    range_m, bearing = rng.uniform(15_000.0, 35_000.0), rng.uniform(0.0, 360.0)
    return range_m * _heading(bearing)


GEOMETRIES: dict[str, Callable[[np.random.Generator], Encounter]] = {
    "cross 10°": lambda rng: _crossing(rng, 10.0),
    "cross 25°": lambda rng: _crossing(rng, 25.0),
    "cross 60°": lambda rng: _crossing(rng, 60.0),
    "alongside": _alongside,
    "overtake": _overtake,
}


def scans(encounter: Encounter, rng: np.random.Generator) -> list[list[RadarPlot]]:
    """Every scan's plots of the two boats (painted with ``P_DETECT``) and clutter, in the
    radar's own noise; the same list is given to each method."""
    out = []
    for k in range(int(DURATION_S / SCAN_S)):
        t = k * SCAN_S
        where = [boat(np.array([t]))[0] for boat in encounter.boats if rng.random() < P_DETECT]
        clutter = encounter.centre_m + rng.uniform(-3000.0, 3000.0, size=(rng.poisson(CLUTTER_PER_SCAN), 2))
        out.append([_plot(T0_S + t + 0.01 * j, xy, rng, j) for j, xy in enumerate([*where, *clutter])])
    return out


def _plot(time: float, xy_m: np.ndarray, rng: np.random.Generator, plot_id: int) -> RadarPlot:
    lat, lon = FRAME.to_geodetic(float(xy_m[0]), float(xy_m[1]))
    range_m, bearing_deg = range_bearing(SITE.lat, SITE.lon, lat, lon)
    return RadarPlot(
        time=time, sensor_id=SITE.id, plot_id=plot_id,
        range_m=float(range_m + rng.normal() * SITE.range_sigma_m),
        bearing_deg=float(bearing_deg + rng.normal() * SITE.bearing_sigma_deg) % 360.0,
        range_sigma_m=SITE.range_sigma_m, bearing_sigma_deg=SITE.bearing_sigma_deg,
    )  # fmt: skip


def run_trial(
    encounter: Encounter, plots: list[list[RadarPlot]], config: TrackerConfig
) -> tuple[str, str, float]:
    """The outcome for each boat (kept, swapped, lost) and the trial's RMS position error (m)."""
    tracker = Tracker(FRAME, SENSORS, config)
    held: dict[str, np.ndarray] = {}
    holder: dict[float, list[str | None]] = {}
    errors: list[float] = []
    for k, scan in enumerate(plots):
        t = k * SCAN_S
        for state in tracker.update_radar_scan(scan) + tracker.expire(T0_S + t + 1.0):
            if state.status in (TrackStatus.CONFIRMED, TrackStatus.COASTING):
                held[state.track_id] = np.array([state.east_m, state.north_m])
            else:
                held.pop(state.track_id, None)
        truth = np.array([boat(np.array([t]))[0] for boat in encounter.boats])
        nearest = _nearest(held, truth)
        if t >= 10.0:
            errors += [
                float(np.sum((held[i] - truth[b]) ** 2)) for b, i in enumerate(nearest) if i is not None
            ]
        if t in (BEFORE_S, AFTER_S - SCAN_S):
            holder[t] = nearest
    before, after = holder[BEFORE_S], holder[AFTER_S - SCAN_S]
    outcomes = []
    for b in range(2):
        if before[b] is not None and after[b] == before[b]:
            outcomes.append("kept")
        elif before[b] is not None and after[b] == before[1 - b]:
            outcomes.append("swapped")
        else:
            outcomes.append("lost")
    rms = float(np.sqrt(np.mean(errors))) if errors else float("nan")
    return outcomes[0], outcomes[1], rms


def _nearest(held: dict[str, np.ndarray], truth: np.ndarray) -> list[str | None]:
    """Per boat, the id of the nearest held track within ``MATCH_M`` (one track per boat)."""
    ids = list(held)
    if not ids:
        return [None, None]
    xy = np.array([held[i] for i in ids])
    d = np.hypot(*(xy[None, :, :] - truth[:, None, :]).transpose(2, 0, 1))
    out: list[str | None] = [None, None]
    for flat in np.argsort(d, axis=None).tolist():
        b, j = divmod(flat, len(ids))
        if d[b, j] > MATCH_M:
            break
        if out[b] is None and ids[j] not in out:
            out[b] = ids[j]
    return out


@dataclass
class Tally:
    kept: int = 0
    swapped: int = 0
    lost: int = 0
    rms_m: list[float] = dataclasses.field(default_factory=list)

    def add(self, first: str, second: str, rms_m: float) -> None:
        for outcome in (first, second):
            setattr(self, outcome, getattr(self, outcome) + 1)
        self.rms_m.append(rms_m)

    def share(self, outcome: str) -> float:
        total = self.kept + self.swapped + self.lost
        return getattr(self, outcome) / total if total else float("nan")


def run(trials: int, seed: int) -> dict[str, dict[str, Tally]]:
    """Tallies per geometry and method; trial i of a geometry uses seed (seed, geometry, i)."""
    tallies = {g: {m: Tally() for m in METHODS} for g in GEOMETRIES}
    work = [(g, i) for g in GEOMETRIES for i in range(trials)]
    for geometry, i in tqdm(work, desc="trials", file=sys.stderr, disable=not sys.stderr.isatty()):
        rng = np.random.default_rng([seed, list(GEOMETRIES).index(geometry), i])
        encounter = GEOMETRIES[geometry](rng)
        plots = scans(encounter, rng)
        for method, config in METHODS.items():
            tallies[geometry][method].add(*run_trial(encounter, plots, config))
    return tallies


def report(tallies: dict[str, dict[str, Tally]], trials: int, seed: int) -> list[str]:
    """The printed table: per geometry and method, then over all geometries."""
    lines = [
        "Crossing and alongside vessels (issue 4): benchmarks/crossing.py",
        f"{trials} trials per geometry (seed {seed}), two dark boats each, P_D {P_DETECT}, "
        f"{CLUTTER_PER_SCAN:g} clutter plot per scan in 36 km²; "
        f"identity at {AFTER_S:g} s against {BEFORE_S:g} s",
        "",
        f"{'geometry':12s} {'method':12s} {'kept':>7s} {'swapped':>8s} {'lost':>7s} {'rms m':>7s}",
    ]
    for geometry, by_method in tallies.items():
        for method, tally in by_method.items():
            lines.append(
                f"{geometry:12s} {method:12s} {tally.share('kept'):7.1%} {tally.share('swapped'):8.1%} "
                f"{tally.share('lost'):7.1%} {np.nanmedian(tally.rms_m):7.1f}"
            )
    totals = {m: Tally() for m in METHODS}
    for by_method in tallies.values():
        for method, tally in by_method.items():
            totals[method].kept += tally.kept
            totals[method].swapped += tally.swapped
            totals[method].lost += tally.lost
    lines.append("")
    lines.append(
        "all geometries: "
        + "; ".join(
            f"{m} kept {t.share('kept'):.1%}, swapped {t.share('swapped'):.1%}, lost {t.share('lost'):.1%}"
            for m, t in totals.items()
        )
    )
    lines.append(
        "rms m: median over trials of each trial's RMS position error of the boats' nearest held tracks"
    )
    return lines


def chart(tallies: dict[str, dict[str, Tally]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    geometries, methods = list(tallies), list(METHODS)
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / len(methods)
    for m_index, method in enumerate(methods):
        x = np.arange(len(geometries)) + m_index * width
        bottom = np.zeros(len(geometries))
        for outcome, colour in (("kept", "#4c9a5e"), ("swapped", "#d08a2e"), ("lost", "#b94a48")):
            share = np.array([tallies[g][method].share(outcome) for g in geometries]) * 100
            ax.bar(
                x, share, width * 0.95, bottom=bottom, color=colour, label=outcome if m_index == 0 else None
            )
            bottom += share
        for xi in x:
            ax.text(xi, 101, method, rotation=90, ha="center", va="bottom", fontsize=7)
    ax.set_xticks(np.arange(len(geometries)) + width * (len(methods) - 1) / 2, geometries)
    ax.set_ylabel("boats, %")
    ax.set_ylim(0, 135)
    ax.set_title("Identity through an encounter of two dark boats")
    ax.legend(loc="upper right", ncol=3, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200, help="trials per geometry (default 200)")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--results", type=Path, help="also write the table here")
    parser.add_argument("--chart", type=Path, help="write the bar chart (PNG) here")
    args = parser.parse_args(argv)
    tallies = run(args.trials, args.seed)
    lines = report(tallies, args.trials, args.seed)
    print("\n".join(lines))
    if args.results:
        args.results.write_text("\n".join(lines) + "\n")
    if args.chart:
        chart(tallies, args.chart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
