"""Benchmark scenarios: generate them once (cached by their arguments) and cut time windows.

A window is a scenario folder of its own holding the first ``minutes`` of another, truth
and events included, so both trackers and ``seawatch evaluate`` see exactly the same
span: comparing a tracker run on 10 minutes with truth over 30 would score the other
20 minutes as missed vessels.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from fusion.simulator.generate import REPOSITORY_ZONES, simulate

_TAG_TIME = re.compile(rb"[\\,]c:(\d+(?:\.\d+)?)")
_LEADING_TIME = re.compile(rb'^\{"time": (-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)[,}]')
"""The simulator writes ``time`` first on every line; reading just it keeps cutting a
1,000-vessel run (1.7 million truth lines) to seconds. Other lines are parsed whole."""


def generated(root: Path, *, seed: int, vessels: int, minutes: float, progress: bool = False) -> Path:
    """The folder of ``seawatch simulate --seed S --vessels V --minutes M``, made if missing.

    The simulator is deterministic, so a folder that exists is reused as it is; ``progress``
    shows the simulator's stages on stderr.
    """
    folder = root / f"seed{seed}-v{vessels}-m{minutes:g}"
    if not (folder / "README.md").is_file():
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        simulate(
            seed=seed, vessels=vessels, minutes=minutes, out_dir=partial, zones_path=REPOSITORY_ZONES,
            progress=progress,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)  # whole or absent: an interrupted run leaves no half folder to reuse
    return folder


def window(source: Path, target: Path, minutes: float) -> Path:
    """Write the first ``minutes`` of scenario ``source`` (from its first truth time) to ``target``.

    Radar plots, truth and events are cut by ``time``; AIS lines by their tag block's
    receive time ``c:`` (a line without one, i.e. corrupt, goes with the lines around it).
    """
    if (target / "README.md").is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    with (source / "truth.jsonl").open() as truth:
        start_s = json.loads(truth.readline())["time"]
    end_s = start_s + minutes * 60.0
    for name in ("sensors.json", "zones.geojson"):
        if (source / name).is_file():
            shutil.copyfile(source / name, target / name)
    for name in ("truth.jsonl", "events.jsonl", "radar.jsonl"):
        _cut_jsonl(source / name, target / name, end_s)
    _cut_nmea(source / "ais.nmea", target / "ais.nmea", end_s)
    (target / "README.md").write_text(
        f"# Window of a simulated scenario\n\nThe first {minutes:g} minutes of `{source.name}` "
        "(truth, events, radar plots and AIS lines before that time), cut by benchmarks/scenarios.py.\n"
    )
    return target


def _cut_jsonl(source: Path, target: Path, end_s: float) -> None:
    with source.open("rb") as lines, target.open("wb") as out:
        for line in lines:
            if not line.strip():
                continue
            leading = _LEADING_TIME.match(line)
            time_s = float(leading.group(1)) if leading else json.loads(line)["time"]
            if time_s < end_s:
                out.write(line)


def _cut_nmea(source: Path, target: Path, end_s: float) -> None:
    keep = True
    with source.open("rb") as lines, target.open("wb") as out:
        for line in lines:
            found = _TAG_TIME.search(line)
            if found is not None:
                keep = float(found.group(1)) < end_s
            if keep:
                out.write(line)
