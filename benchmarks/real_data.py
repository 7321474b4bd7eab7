"""Tracking measured on real recordings (issue 10): there is no ground truth, so measure what there is.

Run from the repository root (needs the ``bench`` extra and ../shared/data/real)::

    .venv/bin/python -m benchmarks.real_data             # k = 5, both trackers, the ARPA log
    .venv/bin/python -m benchmarks.real_data --k 3 --import-runs 5

1. **Held-out AIS prediction error** on the Solent recording (MANIFEST.md section 2, imported
   with ``seawatch import``): every k-th position report of each vessel is withheld from the
   tracker; each withheld report is compared with the state of the track following that MMSI
   (of the tracks carrying it, the one its reports updated last) at the report's time, i.e.
   its newest output before the report moved forward at its own velocity (what the tracker
   would have said then, before the next update). Median and 95th
   percentile error in metres, by the vessel's reported speed, for our tracker
   (``tracking.tracker.Tracker``) and the Stone Soup reference (``benchmarks.stonesoup_tracker``,
   configured as in ``benchmarks/tracking.py``), on the same data, in one process, through the
   same driver (``benchmarks.track_driver``). CPU time of each run (decode + track + write; CPU,
   not wall, because the machine is shared) and their ratio: issue 10's targets are median
   error <= 0.8x Stone Soup's at >= 20x its speed.
2. **Radar-only on the real ARPA log** (``RadarLogs.txt``, MANIFEST.md section 3): its target
   reports are the only input; each report is matched to the nearest confirmed track of ours
   updated in the same scan (within ``MATCH_M``), and per ARPA target we report how many of its
   reports a track of ours follows, how many of our tracks it took (fragmentation), the median
   distance, and the median speed and course difference from the radar's own ARPA estimate.
   Confirmed tracks of ours that never match an ARPA target are counted as extra.
3. **Identity**: the Solent recording through the whole pipeline (``fusion.replay``): tracks that
   ever carried two MMSIs, and the ``spoofing`` alerts raised (its one glitch report, MMSI
   245188000 at lon 54.8, must be flagged, not merged).
4. **Import throughput** of both files (median of ``--import-runs``).

Figures print to stdout and are written to ``benchmarks/results/real_data.txt`` with the
machine's load average (the machine is shared: compare the ratios, not the seconds).
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.stonesoup_tracker import StoneSoupConfig, StoneSoupTracker
from benchmarks.track_driver import drive
from fusion.replay import run_replay
from fusion.schemas import AisReport, RadarPlot, Sensors, TrackState, TrackStatus
from ingest.importers.build import import_sources
from ingest.importers.model import ImportOptions
from ingest.scenario import Scenario, open_scenario
from tracking.frames import LocalFrame
from tracking.steps import TrackEngine
from tracking.tracker import Tracker

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL = REPO_ROOT.parent / "shared" / "data" / "real"
SOLENT = REAL / "dstl-Stone-Soup/docs/demos/SolentAIS_20160112_130211.csv"
RADAR_LOG = REAL / "ShahrulAfiqRafi-NMEA-data-stream/RadarLogs.txt"
RESULTS = REPO_ROOT / "benchmarks" / "results" / "real_data.txt"
ZONES = REPO_ROOT / "zones.geojson"

#: Speed classes (knots, by the withheld report's own SOG): moored/anchored, harbour, transit, fast craft.
SPEED_CLASSES = (
    (0.0, 1.0, "<1 kn"),
    (1.0, 10.0, "1-10 kn"),
    (10.0, 20.0, "10-20 kn"),
    (20.0, math.inf, ">=20 kn"),
)
#: An ARPA report and a track of ours are the same target within this distance: ARPA reports
#: positions to 0.01 NM (18.5 m) and 0.1 degree (2.5 m at 1.4 km), so 100 m is several resolutions.
MATCH_M = 100.0


def speed_class(sog_kn: float | None) -> str:
    if sog_kn is None:
        return "unknown"
    return next(label for low, high, label in SPEED_CLASSES if low <= sog_kn < high)


@dataclass
class HeldOut:
    """Errors of one tracker on the withheld reports, by speed class."""

    errors_m: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    gaps_s: list[float] = field(default_factory=list)
    no_track: int = 0
    withheld: int = 0


class HoldOutEngine:
    """Passes measurements to a tracker, withholding every k-th AIS position report of each MMSI.

    Each withheld report is scored against the newest state the tracker published for a track
    carrying that MMSI, moved forward at that state's velocity to the report's time.
    """

    def __init__(self, engine: TrackEngine, frame: LocalFrame, k: int) -> None:
        self.engine = engine
        self.frame = frame
        self.k = k
        self.seen: collections.Counter[int] = collections.Counter()
        self.latest: dict[int, dict[str, TrackState]] = {}
        self.result = HeldOut()

    def update_radar_scan(self, plots: list[RadarPlot]) -> list[TrackState]:
        return self._note(self.engine.update_radar_scan(plots))

    def update_ais_batch(self, reports: list[AisReport]) -> list[TrackState]:
        states: list[TrackState] = []
        passed: list[AisReport] = []
        for report in reports:
            self.seen[report.mmsi] += 1
            if self.seen[report.mmsi] % self.k:
                passed.append(report)
                continue
            if any(r.mmsi == report.mmsi for r in passed):  # score after its vessel's last fix
                states += self._note(self.engine.update_ais_batch(passed))
                passed = []
            self._score(report)
        return states + self._note(self.engine.update_ais_batch(passed))

    def expire(self, now: float) -> list[TrackState]:
        return self._note(self.engine.expire(now))

    def _note(self, states: list[TrackState]) -> list[TrackState]:
        for state in states:
            if state.mmsi is None:
                continue
            tracks = self.latest.setdefault(state.mmsi, {})
            if state.status is TrackStatus.LOST:
                tracks.pop(state.track_id, None)
            else:
                tracks[state.track_id] = state
        return states

    def following(self, mmsi: int) -> TrackState | None:
        """The newest state of the track that took this MMSI's reports most recently.

        A tracker may hold several tracks with one MMSI (Stone Soup keeps a stale one coasting
        beside a new one); the one following the vessel is the one its reports last updated, not
        whichever published last (a coasting track publishes predictions too).
        """
        tracks = self.latest.get(mmsi)
        if not tracks:
            return None
        return max(tracks.values(), key=lambda s: (s.last_ais_time or -math.inf, s.time))

    def _score(self, report: AisReport) -> None:
        self.result.withheld += 1
        state = self.following(report.mmsi)
        if state is None:
            self.result.no_track += 1
            return
        gap_s = report.time - state.time
        east, north = self.frame.to_enu(report.lat, report.lon)
        predicted_east = state.east_m + state.ve_mps * gap_s
        predicted_north = state.north_m + state.vn_mps * gap_s
        error_m = math.hypot(float(east) - predicted_east, float(north) - predicted_north)
        self.result.errors_m[speed_class(report.sog_kn)].append(error_m)
        self.result.gaps_s.append(gap_s)


def held_out(
    scenario: Scenario, make: Callable[[LocalFrame], TrackEngine], k: int, work: Path
) -> tuple[HeldOut, float]:
    """Run one tracker over ``scenario`` with every k-th report withheld; (errors, CPU seconds)."""
    frame = LocalFrame(scenario.area_lat, scenario.area_lon)
    engine = HoldOutEngine(make(frame), frame, k)
    summary = drive(scenario, engine, work / "tracks.jsonl", progress=False)
    return engine.result, summary.cpu_s


def percentiles(values: list[float]) -> tuple[float, float]:
    if not values:
        return math.nan, math.nan
    array = np.asarray(values)
    return float(np.median(array)), float(np.percentile(array, 95))


# -- radar-only on the ARPA log ----------------------------------------------------------------


@dataclass
class ArpaTarget:
    reports: int = 0
    followed: int = 0
    tracks: set[str] = field(default_factory=set)
    distances_m: list[float] = field(default_factory=list)
    speed_diff_kn: list[float] = field(default_factory=list)
    course_diff_deg: list[float] = field(default_factory=list)


class ArpaComparison:
    """Passes radar scans to a tracker and matches each ARPA report to a confirmed track of the scan."""

    def __init__(self, engine: TrackEngine, frame: LocalFrame) -> None:
        self.engine = engine
        self.frame = frame
        self.targets: dict[int, ArpaTarget] = collections.defaultdict(ArpaTarget)
        self.confirmed: set[str] = set()
        self.matched: set[str] = set()

    def update_radar_scan(self, plots: list[RadarPlot]) -> list[TrackState]:
        states = self._note(self.engine.update_radar_scan(plots))
        live = [s for s in states if s.status is TrackStatus.CONFIRMED]
        for plot in plots:
            target = self.targets[int(plot.extra["target"])]
            target.reports += 1
            if not live:
                continue
            east, north = self.frame.to_enu(plot.extra["lat"], plot.extra["lon"])
            distances = [math.hypot(s.east_m - float(east), s.north_m - float(north)) for s in live]
            best = int(np.argmin(distances))
            if distances[best] > MATCH_M:
                continue
            state = live[best]
            target.followed += 1
            target.tracks.add(state.track_id)
            self.matched.add(state.track_id)
            target.distances_m.append(distances[best])
            arpa_sog, arpa_cog = plot.extra.get("sog_kn"), plot.extra.get("cog_deg")
            if arpa_sog is not None:
                target.speed_diff_kn.append(abs(state.sog_kn - arpa_sog))
                if arpa_sog >= 2.0 and arpa_cog is not None:  # a course means little when drifting
                    target.course_diff_deg.append(abs((state.cog_deg - arpa_cog + 180.0) % 360.0 - 180.0))
        return states

    def update_ais_batch(self, reports: list[AisReport]) -> list[TrackState]:
        return self._note(self.engine.update_ais_batch(reports))

    def expire(self, now: float) -> list[TrackState]:
        return self._note(self.engine.expire(now))

    def _note(self, states: list[TrackState]) -> list[TrackState]:
        self.confirmed.update(s.track_id for s in states if s.status is TrackStatus.CONFIRMED)
        return states


def radar_only(
    scenario: Scenario, make: Callable[[LocalFrame], TrackEngine], work: Path
) -> tuple[ArpaComparison, float]:
    frame = LocalFrame(scenario.area_lat, scenario.area_lon)
    comparison = ArpaComparison(make(frame), frame)
    summary = drive(scenario, comparison, work / "tracks.jsonl", progress=False)
    return comparison, summary.cpu_s


# -- identity --------------------------------------------------------------------------------


def identity(scenario: Scenario, work: Path) -> list[str]:
    """The whole pipeline on the recording: tracks that carried two MMSIs, identity alerts raised."""
    tracks_out, alerts_out = work / "tracks.jsonl", work / "alerts.jsonl"
    run_replay(scenario, tracks_out=tracks_out, alerts_out=alerts_out)
    mmsis: dict[str, set[int]] = collections.defaultdict(set)
    with tracks_out.open(encoding="utf-8") as lines:
        for line in lines:
            state = json.loads(line)
            if state["mmsi"] is not None:
                mmsis[state["track_id"]].add(state["mmsi"])
    shared = [track for track, seen in mmsis.items() if len(seen) > 1]
    out = [f"tracks with an MMSI: {len(mmsis)}; tracks that ever carried two MMSIs: {len(shared)}"]
    with alerts_out.open(encoding="utf-8") as lines:
        for line in lines:
            alert = json.loads(line)
            if alert["kind"] == "spoofing" and alert["state"] == "raised":
                out.append(f"spoofing raised for MMSI {alert['mmsi']}: {alert['message']}")
    return out


# -- the run -------------------------------------------------------------------------------------


def import_timed(path: Path, out: Path, runs: int) -> tuple[Scenario, float, int]:
    """Import ``path`` ``runs`` times; the scenario, median rows/s and rows."""
    rates: list[float] = []
    rows = 0
    for _ in range(runs):
        started = time.perf_counter()
        summary = import_sources([path], out, ImportOptions(), command=f"benchmarks.real_data {path.name}")
        rates.append(summary.rows / (time.perf_counter() - started))
        rows = summary.rows
    return open_scenario(out, ZONES), statistics.median(rates), rows


def engines(sensors: Sensors, stonesoup: bool) -> dict[str, Callable[[LocalFrame], TrackEngine]]:
    """Our tracker and (optionally) Stone Soup configured as in benchmarks/tracking.py."""
    out: dict[str, Callable[[LocalFrame], TrackEngine]] = {"ours": lambda frame: Tracker(frame, sensors)}
    if stonesoup:
        out["stonesoup"] = lambda frame: StoneSoupTracker(frame, sensors, StoneSoupConfig(association="gnn"))
    return out


def held_out_table(results: dict[str, tuple[HeldOut, float]], say: Callable[[str], None]) -> None:
    classes = [label for *_, label in SPEED_CLASSES] + ["unknown", "all"]
    say("| tracker | speed class | withheld, scored | median m | p95 m |")
    say("| --- | --- | --- | --- | --- |")
    for name, (result, _) in results.items():
        for label in classes:
            everything = [e for values in result.errors_m.values() for e in values]
            values = everything if label == "all" else result.errors_m.get(label, [])
            if values:
                median, p95 = percentiles(values)
                say(f"| {name} | {label} | {len(values)} | {median:.1f} | {p95:.1f} |")
    say("")
    for name, (result, cpu_s) in results.items():
        gap_s = statistics.median(result.gaps_s)
        say(
            f"{name}: {result.withheld} withheld, {result.no_track} with no track carrying the MMSI, "
            f"median time since the track's last state {gap_s:.1f} s, CPU {cpu_s:.2f} s"
        )
    if "stonesoup" in results:
        (ours, our_cpu_s), (theirs, their_cpu_s) = results["ours"], results["stonesoup"]
        ratio = percentiles(_all(ours))[0] / percentiles(_all(theirs))[0]
        say(
            f"median error ours / Stone Soup = {ratio:.2f} (target <= 0.8); "
            f"speed ours / Stone Soup = {their_cpu_s / our_cpu_s:.1f}x in CPU time (target >= 20x)"
        )


def arpa_table(name: str, comparison: ArpaComparison, cpu_s: float, say: Callable[[str], None]) -> None:
    for number, target in sorted(comparison.targets.items()):
        share = target.followed / target.reports if target.reports else 0.0
        say(
            f"| {name} | {number:02d} | {target.reports} | {target.followed} ({share:.0%}) | "
            f"{len(target.tracks)} | {_median(target.distances_m):.1f} | "
            f"{_median(target.speed_diff_kn):.1f} | {_median(target.course_diff_deg):.1f} |"
        )
    extra = comparison.confirmed - comparison.matched
    say(
        f"| {name} | no ARPA target: {len(extra)} of {len(comparison.confirmed)} confirmed "
        f"| CPU {cpu_s:.2f} s |||||"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=5, help="withhold every k-th report of each vessel (5)")
    parser.add_argument("--import-runs", type=int, default=3, help="imports timed per file (median)")
    parser.add_argument("--no-stonesoup", action="store_true", help="our tracker only")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results text file")
    args = parser.parse_args(argv)
    missing = [str(p) for p in (SOLENT, RADAR_LOG) if not p.is_file()]
    if missing:
        print(
            f"real_data: missing {', '.join(missing)} (../shared/data/real beside the clone)", file=sys.stderr
        )
        return 2
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory(prefix="seawatch-real-") as tmp:
        work = Path(tmp)
        solent, solent_rate, solent_rows = import_timed(SOLENT, work / "solent", args.import_runs)
        radar, radar_rate, radar_rows = import_timed(RADAR_LOG, work / "radar", args.import_runs)
        say(f"# Real data (issue 10): k = {args.k}, load average {os.getloadavg()[0]:.1f} at start\n")
        say(
            f"import (median of {args.import_runs}): Solent CSV {solent_rows} rows at "
            f"{solent_rate:,.0f} rows/s; "
            f"ARPA log {radar_rows} lines at {radar_rate:,.0f} lines/s\n"
        )
        say(f"## Held-out AIS prediction error, Solent (every {args.k}th report of each vessel withheld)\n")
        held: dict[str, tuple[HeldOut, float]] = {}
        for name, make in engines(solent.sensors, not args.no_stonesoup).items():
            (work / name).mkdir()
            held[name] = held_out(solent, make, args.k, work / name)
        held_out_table(held, say)
        say("\n## Identity on the Solent recording (whole pipeline, our tracker and rules)\n")
        (work / "identity").mkdir()
        for line in identity(solent, work / "identity"):
            say(f"- {line}")
        say("\n## Radar-only tracking of the real ARPA log against the radar's own ARPA tracks\n")
        say(
            "| tracker | ARPA target | reports | followed | our tracks | median dist m "
            "| med. dSOG kn | med. dCOG deg |"
        )
        say("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, make in engines(radar.sensors, not args.no_stonesoup).items():
            (work / f"{name}-radar").mkdir()
            comparison, cpu_s = radar_only(radar, make, work / f"{name}-radar")
            arpa_table(name, comparison, cpu_s, say)
        say(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


def _all(result: HeldOut) -> list[float]:
    return [e for values in result.errors_m.values() for e in values]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


if __name__ == "__main__":
    sys.exit(main())
