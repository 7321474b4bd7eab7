"""End-to-end throughput and latency of the pipeline through a real Kafka broker.

Run: ``.venv/bin/python -m benchmarks.pipeline [--bootstrap HOST:PORT] [--runs R] [--vessels N]
[--ais-vessels M] [--minutes T]``
(without ``--bootstrap`` it starts its own broker with ``scripts/kafka`` in .cache/kafka/bench).

The workload is a deployment of two tracking areas, generated so every run sees the same
input: a **coastal** area (``seawatch simulate --seed 7``, N vessels, two radars and an AIS
station) and an **offshore** area of the national AIS network beyond radar range (``--seed 8``,
M vessels, its AIS only: the folder is derived in a temporary directory, sensors.json without
radars). With the defaults (60 + 600 vessels, 10 min) that is about 5 AIS messages for every
2 radar plots, the mix of the target below; one radar area alone would be plot-heavy (~1:4.5).
Printed:

1. **Embedded (reference):** ``run_replay`` of each area on the in-memory bus at full speed
   (NMEA decoding included): AIS msg/s and plots/s, median of ``R`` runs.
2. **Kafka publish:** ``seawatch replay --bus kafka://`` of both areas at full speed.
3. **Kafka fuse, sustained:** a ``FuseService`` (in this process) with both areas draining the
   published backlog from its consumer group: AIS msg/s and plots/s through the broker, tracker
   and rules, outputs produced to Kafka; median of ``R`` runs, and the ratio to (1).
4. **Latency, live:** both areas replayed paced at about half the sustained rate while
   ``seawatch fuse`` runs as its own process; for each track update, the wall time from
   the publish of the raw record it came from (same event time and source kind) to its
   arrival on ``tracks``. Two figures: *end to end*, which includes the event-time hold
   the pipeline applies by design (records wait until the watermark, newest time less
   10 s of allowed lateness, passes them: 10 s / speed of wall time), and *processing*,
   the end-to-end latency less that hold (from the publish of the record that released it).

Targets (issue 6): >= 5,000 AIS msg/s plus >= 2,000 plots/s sustained, p99 < 1 s.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
KAFKA = REPO_ROOT / "scripts" / "kafka"
ZONES = REPO_ROOT / "zones.geojson"
LATENESS_S = 10.0


def _topic_env(suffix: str) -> dict[str, str]:
    names = ("AIS_REPORTS", "AIS_STATIC", "RADAR_PLOTS", "REJECTS", "TRACKS", "ALERTS", "ALERT_ACKS")
    return {f"SEAWATCH_TOPIC_{n}": f"bench.{n.lower()}.{suffix}" for n in names}


def make_workload(folder: Path, vessels: int, ais_vessels: int, minutes: float) -> dict[str, Path]:
    """The two areas' scenario folders (see the module docstring), by area name."""
    from fusion.simulator.generate import simulate

    coastal, offshore = folder / "coastal", folder / "offshore"
    simulate(seed=7, vessels=vessels, minutes=minutes, out_dir=coastal, zones_path=ZONES, progress=False)
    simulated = folder / "offshore-simulated"
    simulate(
        seed=8, vessels=ais_vessels, minutes=minutes, out_dir=simulated, zones_path=ZONES, progress=False
    )
    offshore.mkdir()
    shutil.copy(simulated / "ais.nmea", offshore / "ais.nmea")
    (offshore / "radar.jsonl").write_bytes(b"")
    sensors = json.loads((simulated / "sensors.json").read_text())
    (offshore / "sensors.json").write_text(json.dumps({**sensors, "radars": []}, indent=2))
    return {"coastal": coastal, "offshore": offshore}


def _counts(areas: dict[str, Path]) -> tuple[int, int]:
    ais = sum(1 for folder in areas.values() for _ in (folder / "ais.nmea").open("rb"))
    plots = sum(1 for folder in areas.values() for _ in (folder / "radar.jsonl").open("rb"))
    return ais, plots


def bench_memory(areas: dict[str, Path], runs: int) -> float:
    """Median seconds of embedded full-speed replays of every area, one after the other."""
    from fusion.replay import run_replay
    from ingest.scenario import open_scenario

    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            for name, folder in areas.items():
                run_replay(
                    open_scenario(folder, ZONES),
                    tracks_out=Path(out) / f"{name}.t",
                    alerts_out=Path(out) / f"{name}.a",
                )
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_publish(areas: dict[str, Path], bootstrap: str, speed: float | None = None) -> tuple[float, dict]:
    """Seconds to publish every area (side by side, full speed unless ``speed``); returns
    (seconds, publish log)."""
    from fusion.bus_kafka import KafkaBus
    from fusion.services.provision import ensure_pipeline_topics
    from fusion.services.publish import publish_scenario
    from ingest.scenario import open_scenario

    bus = KafkaBus([bootstrap], "bench-publish")
    ensure_pipeline_topics(bus, 1)
    published: dict[tuple[str, float], float] = {}

    original = bus.publish

    def publish(topic: str, key: str, value: bytes, t: float) -> None:
        original(topic, key, value, t)
        published.setdefault((topic, t), time.perf_counter())

    bus.publish = publish  # type: ignore[method-assign]
    start = time.perf_counter()
    publishers = [
        threading.Thread(
            target=publish_scenario,
            args=(open_scenario(folder, ZONES), bus),
            kwargs={"area": name, "speed": speed},
        )
        for name, folder in areas.items()
    ]
    for publisher in publishers:
        publisher.start()
    for publisher in publishers:
        publisher.join()
    elapsed = time.perf_counter() - start
    bus.close()
    return elapsed, published


def bench_fuse_backlog(areas: dict[str, Path], bootstrap: str, total_inputs: int) -> float:
    """Seconds for a fresh fuse group to consume the whole published backlog."""
    from fusion.bus_kafka import KafkaBus
    from fusion.services.areas import load_area
    from fusion.services.fuse import FuseService

    bus = KafkaBus([bootstrap], f"bench-fuse-{uuid.uuid4().hex[:8]}")
    service = FuseService(
        bus, [load_area(f"{name}={folder}", ZONES) for name, folder in areas.items()], store=None
    )
    started: list[float] = []
    poll = bus.poll

    def timed_poll(*args: Any, **kwargs: Any) -> list:
        """The clock starts when the first records arrive: after the group join (the broker's
        3 s initial rebalance delay), before any of them is processed."""
        envelopes = poll(*args, **kwargs)
        if envelopes and not started:
            started.append(time.perf_counter())
        return envelopes

    bus.poll = timed_poll  # type: ignore[method-assign]

    def done() -> bool:
        return sum(service.counts[f"fed:{name}"] for name in areas) >= total_inputs

    service.run(should_stop=done)
    service.finish()
    bus.flush()
    elapsed = time.perf_counter() - started[0]
    bus.close()
    return elapsed


def bench_latency(
    areas: dict[str, Path], bootstrap: str, speed: float, env: dict[str, str], chart: Path | None = None
) -> dict[str, float]:
    """Paced replay with ``seawatch fuse`` in its own process; latency percentiles in seconds
    (and, with ``chart``, a PNG of every track update's latency against its arrival time)."""
    import importlib

    import fusion.services.publish
    from fusion import topics
    from fusion.bus_kafka import KafkaBus

    # fresh topics for the live run (the backlog runs left theirs at the end of the scenario):
    # re-read the names in this process too, and the publisher's copy of them
    os.environ.update(env)
    importlib.reload(topics)
    importlib.reload(fusion.services.publish)
    with tempfile.TemporaryDirectory() as state:
        fuse = subprocess.Popen(
            [sys.executable, "-m", "fusion.cli", "fuse", "--bus", f"kafka://{bootstrap}",
             *(arg for name, folder in areas.items() for arg in ("--area", f"{name}={folder}")),
             "--partitions", "1", "--no-snapshots", "--group", "bench-live", "--state-dir", state],
            cwd=REPO_ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        reader = KafkaBus([bootstrap], f"bench-reader-{uuid.uuid4().hex[:8]}")
        arrivals: list[tuple[float, float]] = []  # (event time, wall time of arrival)
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set():
                for envelope in reader.poll([topics.TRACKS], max_records=5000, timeout_s=0.1):
                    arrivals.append((envelope.time, time.perf_counter()))

        thread = threading.Thread(target=read)
        thread.start()
        time.sleep(5.0)  # both consumers in their groups before the first record
        _, published = bench_publish(areas, bootstrap, speed=speed)
        time.sleep(LATENESS_S / speed + 5.0)
        stop.set()
        thread.join()
        reader.close()
        fuse.terminate()
        fuse.wait()

    by_time = {}
    for (topic, t), wall in published.items():
        if topic in (topics.AIS_REPORTS, topics.RADAR_PLOTS):
            by_time[t] = min(wall, by_time.get(t, wall))
    times = sorted(by_time)
    walls = [by_time[t] for t in times]
    release_wall = []  # wall time the watermark passed t: first publish of a record at t + lateness or later
    for t in times:
        i = bisect.bisect_left(times, t + LATENESS_S)
        release_wall.append(min(walls[i:]) if i < len(times) else float("nan"))
    release = dict(zip(times, release_wall, strict=True))
    end_to_end, processing, samples = [], [], []
    for event_time, arrived in arrivals:
        if event_time in by_time:
            end_to_end.append(arrived - by_time[event_time])
            if release[event_time] == release[event_time]:  # not NaN: released before the end of stream
                processing.append(arrived - max(release[event_time], by_time[event_time]))
                samples.append((arrived - walls[0], end_to_end[-1], processing[-1]))
    if chart is not None:
        _latency_chart(samples, LATENESS_S / speed, chart)
    q = statistics.quantiles
    if len(end_to_end) < 100 or len(processing) < 100:
        raise RuntimeError(
            f"only {len(end_to_end)} track updates matched their input; is the broker healthy?"
        )
    return {
        "tracks_matched": len(end_to_end),
        "end_to_end_p50_s": statistics.median(end_to_end),
        "end_to_end_p99_s": q(end_to_end, n=100)[98],
        "processing_p50_s": statistics.median(processing),
        "processing_p99_s": q(processing, n=100)[98],
        "designed_hold_s": LATENESS_S / speed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="HOST:PORT of a broker (default: start one with scripts/kafka)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--vessels", type=int, default=60, help="vessels of the coastal (radar) area")
    parser.add_argument(
        "--ais-vessels", type=int, default=600, help="vessels of the offshore (AIS only) area"
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--chart", type=Path, help="PNG of the live run's latencies over time")
    args = parser.parse_args()

    own_broker = args.bootstrap is None
    broker_env = {**os.environ, "SEAWATCH_KAFKA_DIR": str(REPO_ROOT / ".cache" / "kafka" / "bench")}
    bootstrap = (
        args.bootstrap
        or subprocess.run(
            [KAFKA, "start"], env=broker_env, check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    suffix = uuid.uuid4().hex[:8]
    env = _topic_env(suffix)
    os.environ.update(env)  # before fusion.topics is imported: this process uses the bench topics
    try:
        from fusion.bus_kafka import KafkaBus

        with tempfile.TemporaryDirectory() as tmp:
            areas = make_workload(Path(tmp), args.vessels, args.ais_vessels, args.minutes)
            ais, plots = _counts(areas)
            print(
                f"workload: coastal area {args.vessels} vessels (radar + AIS), offshore area "
                f"{args.ais_vessels} vessels (AIS only), {args.minutes:g} min: {ais} AIS lines, {plots} plots"
            )

            memory_s = bench_memory(areas, args.runs)
            print(
                f"embedded replay (reference): {ais / memory_s:,.0f} AIS msg/s + {plots / memory_s:,.0f} "
                f"plots/s ({memory_s:.2f} s, median of {args.runs})"
            )
            publish_s, _ = bench_publish(areas, bootstrap)
            print(f"kafka publish (replay --bus): {(ais + plots) / publish_s:,.0f} rec/s ({publish_s:.2f} s)")

            # every fresh group reads the one published backlog; the fuse outputs go to the bench topics
            inputs = _fed_inputs(areas)
            fuse_s = statistics.median(bench_fuse_backlog(areas, bootstrap, inputs) for _ in range(args.runs))
            print(
                f"kafka fuse, sustained: {ais / fuse_s:,.0f} AIS msg/s + {plots / fuse_s:,.0f} plots/s "
                f"({fuse_s:.2f} s, median of {args.runs}); {memory_s / fuse_s:.2f}x the embedded rate"
            )

            live_rate = 0.5 * (ais + plots) / fuse_s
            speed = live_rate / ((ais + plots) / (args.minutes * 60))
            lat = bench_latency(areas, bootstrap, speed, _topic_env(suffix + "live"), chart=args.chart)
            print(
                f"latency at {live_rate:,.0f} records/s (speed {speed:.0f}x, {lat['tracks_matched']} track "
                f"updates): end to end p50 {lat['end_to_end_p50_s']:.3f} s, "
                f"p99 {lat['end_to_end_p99_s']:.3f} s "
                f"(includes the designed event-time hold of {lat['designed_hold_s']:.3f} s); "
                f"processing p50 {lat['processing_p50_s']:.3f} s, p99 {lat['processing_p99_s']:.3f} s"
            )
            print("targets: >= 5,000 AIS msg/s + >= 2,000 plots/s sustained, p99 < 1 s")
            figures = {
                "ais_msgs": ais,
                "plots": plots,
                "memory_s": memory_s,
                "publish_s": publish_s,
                "fuse_s": fuse_s,
            }
            print(json.dumps({**figures, **lat}, sort_keys=True))
        admin = KafkaBus([bootstrap], "bench-admin")
        admin.delete_topics([t for t in admin.list_topics() if suffix in t])
    finally:
        if own_broker:
            subprocess.run([KAFKA, "stop"], env=broker_env, check=False)
    return 0


def _latency_chart(samples: list[tuple[float, float, float]], hold_s: float, path: Path) -> None:
    """Latency of each track update over the live run: where the tail comes from, at a glance."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    arrival, end_to_end, processing = (np.array(column) for column in zip(*samples, strict=True))
    figure, axis = plt.subplots(figsize=(10, 4))
    axis.plot(arrival, end_to_end, ",", color="tab:blue", label="end to end")
    axis.plot(arrival, processing, ",", color="tab:orange", label="processing (end to end less the hold)")
    axis.axhline(hold_s, color="grey", linestyle=":", label=f"designed event-time hold {hold_s:.2f} s")
    axis.axhline(1.0, color="red", linestyle="--", label="target p99 1 s")
    # the stream's last 10 s of event time wait for the end of stream: off the scale, as they should be
    axis.set_ylim(0.0, max(1.5, 2.0 * float(np.percentile(end_to_end, 99))))
    axis.set_xlabel("wall time since the first publish (s)")
    axis.set_ylabel("latency (s)")
    axis.set_title("benchmarks/pipeline.py: publish of a raw record to its track update on Kafka")
    axis.legend(loc="upper right", markerscale=20)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _fed_inputs(areas: dict[str, Path]) -> int:
    """Accepted AIS reports + plots the fuse stage will be fed (what ingest accepts)."""
    from collections import Counter

    from fusion import topics
    from ingest.scenario import open_scenario, read_records

    counts: Counter[str] = Counter()
    return sum(
        1 for folder in areas.values() for r in read_records(open_scenario(folder, ZONES), counts)
        if topics.topic_and_key(r)[0] in (topics.AIS_REPORTS, topics.RADAR_PLOTS)
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
