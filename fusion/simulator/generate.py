"""Entry point of the scenario simulator: ``simulate(...)`` writes one scenario folder.

Stages, each in its own module: plan the traffic (``behaviours``), move it (``motion``),
decide who transmits what (``ais_transmitter``) and what the receivers record
(``ais_link``), paint radar plots (``radar_sensor``), read the ground-truth events off the
true tracks (``events``), and write the folder (``writer``). All randomness comes from
named sub-streams of the one seed, so the output is byte-for-byte reproducible.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from tqdm import tqdm

from fusion.manifest import write_manifest
from fusion.rules.zones import load_zones
from fusion.simulator import ais_link, ais_transmitter, writer
from fusion.simulator.behaviours import Kind, SwitchOff, plan_vessels
from fusion.simulator.events import Coverage, ground_truth_events
from fusion.simulator.layout import AIS_COVERAGE, RADAR_COVERAGE
from fusion.simulator.motion import simulate_motion
from fusion.simulator.radar_sensor import radar_plots
from fusion.simulator.random_streams import stream

EVENT_KINDS = (
    "zone_entry",
    "zone_exit",
    "ais_off",
    "ais_on",
    "dark_vessel",
    "rendezvous_start",
    "rendezvous_end",
    "invalid_mmsi",
    "ais_spoofed",
)


DEFAULT_START_TIME = 1768464000.0
"""2026-01-15 08:00 UTC (13:00 in Karachi): a weekday morning."""


SCENARIO_FILES = (
    "ais.nmea",
    "radar.jsonl",
    "sensors.json",
    "truth.jsonl",
    "events.jsonl",
    "zones.geojson",
    "README.md",
)
"""What ``simulate`` writes, all listed in the folder's manifest.json (fusion/manifest.py)."""

REPOSITORY_ZONES = Path(__file__).resolve().parents[2] / "zones.geojson"
"""The repository's zones.geojson, the CLI's default ``--zones``."""


def _command(
    seed: int,
    vessels: int,
    minutes: float,
    out_dir: Path,
    zones_path: Path,
    start_time: float,
    spoofers: int = 0,
) -> str:
    """The ``seawatch simulate`` command line that regenerates this folder.

    Defaults are left out, and ``--zones`` is relative to the working directory: the README
    is committed with the scenario, and an absolute path would name one machine's checkout
    and make the folder's bytes depend on where it was generated.
    """
    args = [
        "seawatch", "simulate",
        "--seed", str(seed),
        "--vessels", str(vessels),
        "--minutes", f"{minutes:g}",
        "--out", out_dir.as_posix(),
    ]  # fmt: skip
    zones = zones_path.resolve()
    if zones != REPOSITORY_ZONES:
        args += ["--zones", Path(os.path.relpath(zones, Path.cwd().resolve())).as_posix()]
    if start_time != DEFAULT_START_TIME:
        args += ["--start-time", f"{start_time:.0f}"]
    if spoofers:
        args += ["--spoofers", str(spoofers)]
    return shlex.join(args)


def simulate(
    *,
    seed: int,
    vessels: int,
    minutes: float,
    out_dir: Path,
    zones_path: Path,
    start_time: float = DEFAULT_START_TIME,
    progress: bool = False,
    spoofers: int = 0,
) -> dict[str, int | float]:
    """Simulate ``vessels`` vessels for ``minutes`` and write the scenario folder ``out_dir``.

    Parameters
    ----------
    seed
        Seed of every random stream; equal arguments give byte-identical folders.
    vessels
        Number of vessels; from 20 up every special kind (dark, switch-off, rendezvous,
        zone crosser, a small craft with an invalid MMSI) is present.
    minutes
        Run length in minutes (truth at 1 s resolution).
    out_dir
        Folder to write (created if missing; files in it are overwritten).
    zones_path
        The zones.geojson the events are computed against; copied into ``out_dir``.
    start_time
        Unix time (whole seconds) of the first truth sample.
    progress
        Show tqdm progress on stderr.
    spoofers
        Ships (taken from the merchants) whose AIS reports false positions for 6-10 min:
        ``ais_spoofed`` events. Opt-in: their false-position tracks count against GOSPA.

    Returns
    -------
    dict
        Counts: vessels by kind, AIS lines (late, corrupt by kind), radar plots (clutter),
        events by kind, truth rows.
    """
    if start_time != int(start_time):
        raise ValueError("start_time must be whole unix seconds")
    if vessels < 1 or minutes <= 0:
        raise ValueError("need at least one vessel and a positive duration")
    duration_s = round(minutes * 60)
    bar = tqdm(total=6, desc="simulate", unit="stage", disable=not progress, file=sys.stderr, leave=False)

    def done(stage: str) -> None:
        bar.set_postfix_str(stage)
        bar.update()

    zones = load_zones(zones_path)
    fleet = plan_vessels(seed, vessels, duration_s, zones, spoofers)
    wander = np.stack(
        [stream(seed, "wander", v.truth_id).standard_normal((duration_s, 2)) for v in fleet], axis=1
    )
    done("planned")
    traj = simulate_motion([v.motion for v in fleet], wander, duration_s)
    done("moved")
    coverage = Coverage(
        ais=AIS_COVERAGE.covers(traj.east_m, traj.north_m),
        radar=RADAR_COVERAGE.covers(traj.east_m, traj.north_m),
    )
    switch_off_places = {SwitchOff.COVERED: coverage.ais & coverage.radar, SwitchOff.UNCOVERED: ~coverage.ais}
    ais_on = ais_transmitter.ais_on_matrix(fleet, traj, switch_off_places, seed)
    sent = ais_transmitter.transmissions(fleet, traj, ais_on, seed, start_time)
    ais = ais_link.link(sent, traj, seed, start_time)
    done("AIS")
    plots = radar_plots(fleet, traj, seed, start_time)
    done("radar")
    events = ground_truth_events(fleet, traj, ais_on, zones, coverage, start_time)
    done("events")

    kinds = Counter(v.kind for v in fleet)
    event_kinds = Counter(e.kind for e in events)
    summary: dict[str, int | float] = {"vessels": len(fleet), "duration_s": duration_s}
    summary |= {f"vessels_{kind.value}": kinds[kind] for kind in Kind}
    summary |= {
        "ais_messages": len(sent),
        "ais_receptions": ais.receptions,
        "ais_lines": len(ais.lines),
        "ais_late_lines": ais.late_lines,
        "ais_corrupt_lines": sum(ais.corrupt.values()),
    }
    summary |= {f"ais_corrupt_{kind.value}": count for kind, count in ais.corrupt.items()}
    summary |= {"radar_plots": len(plots.time), "radar_clutter_plots": plots.clutter}
    summary |= {f"events_{kind}": event_kinds[kind] for kind in EVENT_KINDS}
    summary["truth_rows"] = int(traj.alive.sum())

    out_dir.mkdir(parents=True, exist_ok=True)
    writer.write_ais(out_dir / "ais.nmea", ais.lines)
    writer.write_radar(out_dir / "radar.jsonl", plots)
    writer.write_sensors(out_dir / "sensors.json")
    writer.write_truth(out_dir / "truth.jsonl", fleet, traj, ais_on, start_time)
    writer.write_events(out_dir / "events.jsonl", events)
    writer.copy_zones(zones_path, out_dir / "zones.geojson")
    command = _command(seed, vessels, minutes, out_dir, zones_path, start_time, spoofers)
    writer.write_readme(out_dir / "README.md", command, seed, summary)
    write_manifest(out_dir, SCENARIO_FILES, made_by=command, counts=summary)
    done("written")
    bar.close()
    return summary
