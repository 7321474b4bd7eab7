"""Dashboard refresh cost at 2,000 and 10,000 tracks: server callback time, payload, browser frames.

Run: ``.venv/bin/python -m benchmarks.dashboard [--tracks 2000 10000] [--refreshes 30] [--runs 3]
[--browser-seconds 15] [--memory-seconds 60]`` (the browser part needs /usr/bin/chromium:
scripts/install_browser).

A synthetic picture from a fixed seed: ``N`` tracks (a third dark, a third AIS-only) moving
over the Karachi area with 5 minutes of history (one state per track every 5 s, so trails
have work), AIS static data for every MMSI, and 40 alerts. The dashboard app is created
first and reads that history as it is published, as a dashboard started on a live bus
would; the in-process broker keeps only the last few seconds (standing in for Kafka in
another process), so the heap is the dashboard's own. Each refresh publishes one new state
for every track (every track updated every second: the target's worst case), then makes
the three requests a page makes per tick, through the real Dash app (login, JSON encoding,
patches) with Flask's test client:

* clock: reads the bus (decoding ``N`` records) and moves the page's clock;
* map: the live layers at the new picture time as a patch (``dashboard.live``);
* panels: status bar, alert panel, track table and vessel record.

The page's stores (what it last drew: alert panel digest, trail period) are carried from
one refresh to the next as a browser would, so trails go every 5 s of picture time and the
alert panel only when it changes. A browser sends map and panels in parallel; here they run
one after the other, so a refresh's time is their sum. Printed, medians over runs: p50/p95
of a refresh in wall time and in this thread's CPU time (the test client runs the server in
this thread, so CPU time is the server's own cost, and wall time on a shared machine is
inflated by the load average printed at start and end), p95 per callback, the payload per
refresh (map with and without trails, panels), how many objects the garbage collector
tracks and what a full collection costs. The reference line, measured in the same process,
is the whole figure the page would otherwise get every second (``base_figure`` with the
same live data, encoded with plotly's JSON encoder): time, size, and our payload's ratio.

Memory: bytes the history holds per track state (tracemalloc over ``--memory-seconds`` of
updates), and what an hour of ``HistoryConfig.retention_s`` costs at 2,000 tracks.

Browser: the same app served on 127.0.0.1 while a thread publishes ``N`` updates each second
of wall time; Playwright (Debian chromium, headless) logs in and records every animation
frame's interval for ``--browser-seconds``: p50/p95/max frame time and how many frames took
longer than 50 ms (a frozen-looking page), plus how many map updates were drawn. Then, in
the page, the redraw itself: every track moved and ``Plotly.react`` run until painted, seven
times (independent of how fast the server answers on a loaded machine).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from plotly.io.json import to_json_plotly

from dashboard import ids
from dashboard.app import create_app
from dashboard.auth import Role, User, hash_password
from dashboard.config import DashboardConfig
from dashboard.figures import base_figure, layer_index
from dashboard.live import live_layers
from dashboard.picture import PictureFeed
from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.schemas import (
    AisStatic,
    Alert,
    AlertKind,
    AlertState,
    RadarSite,
    Severity,
    TrackState,
    TrackStatus,
    to_json,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
T0_S = 1_768_464_000.0
HISTORY_S = 300
HISTORY_STEP_S = 5
CENTRE = (24.7, 66.9)
PASSWORD = "bench-password"
RADAR = RadarSite(
    id="MANORA",
    lat=24.7958,
    lon=66.9736,
    height_m=30.0,
    range_sigma_m=25.0,
    bearing_sigma_deg=0.3,
    max_range_m=40_000.0,
    scan_period_s=2.5,
)
BROKER_SECONDS = 5
"""Seconds of updates the in-process broker holds: the dashboard reads every second."""
COV = (100.0, 0, 0, 0, 0, 0.1, 0, 0, 0, 0, 100.0, 0, 0, 0, 0, 0.1)


class Scene:
    """N tracks in straight lines; ``publish(t)`` puts every track's state at time t on the bus."""

    def __init__(self, n: int, bus: MemoryBus, seed: int = 11) -> None:
        rng = np.random.default_rng(seed)
        self.n, self.bus = n, bus
        self.lat0 = CENTRE[0] + rng.uniform(-0.25, 0.25, n)
        self.lon0 = CENTRE[1] + rng.uniform(-0.35, 0.35, n)
        self.sog_kn = rng.uniform(0.0, 25.0, n)
        self.cog_deg = rng.uniform(0.0, 360.0, n)
        kind = rng.integers(0, 3, n)
        self.mmsi = [None if k == 0 else 463_000_000 + i for i, k in enumerate(kind)]
        self.radar = [k != 2 for k in kind]
        speed_deg_s = self.sog_kn * 0.5144 / 111_000.0
        self.dlat = speed_deg_s * np.cos(np.radians(self.cog_deg))
        self.dlon = speed_deg_s * np.sin(np.radians(self.cog_deg)) / math.cos(math.radians(CENTRE[0]))

    def publish(self, t: float) -> None:
        dt = t - T0_S
        lat, lon = self.lat0 + self.dlat * dt, self.lon0 + self.dlon * dt
        for i in range(self.n):
            state = TrackState(
                time=t,
                track_id=f"T{i:06d}",
                status=TrackStatus.CONFIRMED,
                lat=float(lat[i]),
                lon=float(lon[i]),
                east_m=0.0,
                north_m=0.0,
                ve_mps=0.0,
                vn_mps=0.0,
                sog_kn=float(self.sog_kn[i]),
                cog_deg=float(self.cog_deg[i]),
                cov=COV,
                mmsi=self.mmsi[i],
                last_ais_time=t if self.mmsi[i] else None,
                last_radar_time=t if self.radar[i] else None,
                radar_ids=("MANORA",) if self.radar[i] else (),
            )
            self.bus.publish(topics.TRACKS, state.track_id, to_json(state), t)
        self.bus.publish(topics.RADAR_PLOTS, "MANORA", b"{}", t)
        self.bus.publish(topics.AIS_REPORTS, "KHI-AIS", b"{}", t)

    def publish_setup(self, consume: Callable[[], object]) -> None:
        """Five minutes of history, ``consume`` (the dashboard's read) after every second of it."""
        for mmsi in self.mmsi:
            if mmsi:
                static = AisStatic(
                    time=T0_S, mmsi=mmsi, msg_type=5, name=f"VESSEL {mmsi % 10000}", ship_type=70
                )
                self.bus.publish(topics.AIS_STATIC, str(mmsi), to_json(static), T0_S)
        for k in range(40):
            i = k * (self.n // 40)
            alert = Alert(
                alert_id=f"A{k:03d}",
                time=T0_S + k,
                kind=AlertKind.DARK_VESSEL,
                state=AlertState.RAISED,
                severity=Severity.HIGH,
                track_id=f"T{i:06d}",
                mmsi=None,
                zone_id=None,
                lat=float(self.lat0[i]),
                lon=float(self.lon0[i]),
                message=f"synthetic alert {k}",
            )
            self.bus.publish(topics.ALERTS, alert.alert_id, to_json(alert), alert.time)
        for t in range(0, HISTORY_S, HISTORY_STEP_S):
            self.publish(T0_S + t)
            consume()


def build(n: int, broker_seconds: int = BROKER_SECONDS) -> tuple:
    """Scene, dashboard feed, config and app. The in-process broker keeps only the last few
    seconds (as if it were Kafka in another process), so the process's heap, and the garbage
    collector's work, are the dashboard's own."""
    broker = MemoryBroker(max_records_per_topic=broker_seconds * (n + 2))
    scene = Scene(n, MemoryBus(broker, "bench-source"))
    feed = PictureFeed(MemoryBus(broker, "bench-dashboard"))
    users = {"officer": User("officer", "Bench Officer", Role.WATCH_OFFICER, hash_password(PASSWORD))}
    zones = json.loads((REPO_ROOT / "zones.geojson").read_text())
    config = DashboardConfig(zones_geojson=zones, radars=(RADAR,), centre_lat=CENTRE[0], users=users)
    app = create_app(feed, config)  # before the history arrives, as a dashboard started on a live bus
    scene.publish_setup(feed.refresh)
    return scene, feed, config, app


def _request(app, output: str, values: dict[str, object], changed: str) -> dict:
    """The JSON body the page posts for the callback writing ``output``, with input/state values."""
    spec = next(v for k, v in app.callback_map.items() if k.startswith(output) or f"..{output}." in k)
    key = next(k for k, v in app.callback_map.items() if v is spec)

    def dep(d):
        name = f"{d['id']}.{d['property']}"
        return {"id": d["id"], "property": d["property"], "value": values.get(name)}

    outputs = [{"id": o.split(".")[0], "property": o.split(".", 1)[1]} for o in key.strip(".").split("...")]
    return {
        "output": key,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [dep(d) for d in spec["inputs"]],
        "state": [dep(d) for d in spec["state"]],
        "changedPropIds": [changed],
    }


CALLBACKS = {"clock": f"{ids.CLOCK}.data", "map": f"{ids.MAP}.figure", "panels": f"{ids.STATUS}.children"}
"""The three requests of one refresh: the timer moves the clock, the new clock fires the other two."""


def server_run(n: int, refreshes: int) -> dict[str, float]:
    scene, feed, config, app = build(n)
    client = app.server.test_client()
    client.post("/login", data={"username": "officer", "password": PASSWORD})
    clock = {"mode": "live", "time": None, "playing": False}
    page_state: dict[str, object] = {
        f"{ids.ALERT_SORT}.value": "time",
        f"{ids.TRACK_FILTERS}.value": [],
        f"{ids.SPEED}.value": 10,
    }
    wall: dict[str, list[float]] = {name: [] for name in CALLBACKS}
    cpu: dict[str, list[float]] = {name: [] for name in CALLBACKS}
    size: dict[str, list[int]] = {name: [] for name in CALLBACKS}
    trail_ticks: list[bool] = []
    for k in range(refreshes):
        scene.publish(T0_S + HISTORY_S + k)
        drawn: dict = {}
        for name, output in CALLBACKS.items():
            trigger = f"{ids.REFRESH}.n_intervals" if name == "clock" else f"{ids.CLOCK}.data"
            body = _request(app, output, {**page_state, f"{ids.CLOCK}.data": clock}, trigger)
            started, started_cpu = time.perf_counter(), time.thread_time()
            response = client.post("/_dash-update-component", json=body)
            wall[name].append((time.perf_counter() - started) * 1000.0)
            cpu[name].append((time.thread_time() - started_cpu) * 1000.0)
            assert response.status_code == 200, response.data[:300]
            size[name].append(len(response.data))
            drawn.update(response.get_json()["response"])
            if name == "clock":
                clock = drawn[ids.CLOCK]["data"]
        operations = drawn[ids.MAP]["figure"]["operations"]
        trail_ticks.append(any(op["location"][:2] == ["data", layer_index("trails")] for op in operations))
        page_state[f"{ids.ALERTS_SIGNATURE}.data"] = drawn[ids.ALERTS_SIGNATURE]["data"]  # what the page
        page_state[f"{ids.TRAILS_SHOWN}.data"] = drawn[ids.TRAILS_SHOWN]["data"]  # keeps for the next tick
    totals = [sum(v) for v in zip(*wall.values(), strict=True)]
    cpu_totals = [sum(v) for v in zip(*cpu.values(), strict=True)]
    sizes = [sum(v) for v in zip(*size.values(), strict=True)]
    map_sizes = size["map"]
    with_trails = [s for s, t in zip(map_sizes, trail_ticks, strict=True) if t] or [math.nan]
    without = [s for s, t in zip(map_sizes, trail_ticks, strict=True) if not t] or [math.nan]
    gc.collect()
    started = time.thread_time()
    gc.collect()  # what one full collection costs now: the dashboard's own heap (library frozen)
    full_gc_ms = (time.thread_time() - started) * 1000.0
    picture = feed.picture_at(clock["time"])
    assert len(picture.tracks) == n, f"expected {n} tracks in the picture, got {len(picture.tracks)}"
    # reference: the whole figure with the same live data, as the page would get without Patch
    started = time.perf_counter()
    figure = base_figure(config.coastline_geojson, config.zones_geojson, [RADAR], CENTRE[0], config.bounds)
    for name, values in live_layers(picture, None).items():
        trace = figure.data[layer_index(name)]
        for key, value in values.items():
            if key.startswith("marker."):
                trace.marker[key.removeprefix("marker.")] = value
            else:
                trace[key] = value
    whole = to_json_plotly(figure.to_plotly_json())
    reference_ms = (time.perf_counter() - started) * 1000.0
    return {
        "p50_ms": statistics.median(totals),
        "p95_ms": float(np.percentile(totals, 95)),
        "cpu_p50_ms": statistics.median(cpu_totals),
        "cpu_p95_ms": float(np.percentile(cpu_totals, 95)),
        **{f"{name}_cpu_p95_ms": float(np.percentile(values, 95)) for name, values in cpu.items()},
        **{f"{name}_wall_p95_ms": float(np.percentile(values, 95)) for name, values in wall.items()},
        "payload_kb": statistics.median(sizes) / 1000.0,
        "payload_max_kb": max(sizes) / 1000.0,
        "map_kb": statistics.median(without) / 1000.0,
        "map_trails_kb": statistics.median(with_trails) / 1000.0,
        "panels_kb": statistics.median(size["panels"]) / 1000.0,
        "full_gc_ms": full_gc_ms,
        "gc_tracked": len(gc.get_objects()),
        "reference_ms": reference_ms,
        "reference_kb": len(whole) / 1000.0,
    }


REDRAW_JS = """async ([graph, layers, repeats]) => {
    const gd = eval(graph), times = [];
    for (let r = 0; r < repeats; r++) {
        for (const i of layers) gd.data[i].x = Array.from(gd.data[i].x, v => v + 1e-4);  // all move
        const started = performance.now();
        await Plotly.react(gd, gd.data, gd.layout);
        await new Promise(requestAnimationFrame);  // and painted
        times.push(performance.now() - started);
    }
    return times;
}"""
"""The browser's own cost of one map update with every track moved, independent of the server."""


def browser_run(n: int, seconds: float) -> dict[str, float]:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    scene, _feed, _config, app = build(n, broker_seconds=120)  # a page may fall behind the publisher
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise here
    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    stop = threading.Event()

    def publisher() -> None:  # one second of event time per second of wall time, like a live feed
        k = 0
        while not stop.wait(1.0):
            scene.publish(T0_S + HISTORY_S + k)
            k += 1

    threading.Thread(target=publisher, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
            )
            page = browser.new_page(viewport={"width": 1500, "height": 950})
            page.goto(f"http://127.0.0.1:{http.server_port}/")
            page.fill("#username", "officer")
            page.fill("#password", PASSWORD)
            page.click("#login-button")
            graph = "document.querySelector('#map .js-plotly-plot')"
            page.wait_for_function(
                f"{graph} && {graph}.data[{layer_index('fused')}].x.length > 0", timeout=120_000
            )
            result = page.evaluate(
                """([seconds, graph]) => new Promise(resolve => {
                    const frames = []; let last = performance.now(); const end = last + seconds * 1000;
                    let draws = 0; const gd = eval(graph); gd.on('plotly_afterplot', () => draws++);
                    function tick(now) { frames.push(now - last); last = now;
                        if (now < end) requestAnimationFrame(tick); else resolve({frames, draws}); }
                    requestAnimationFrame(tick);
                })""",
                [seconds, graph],
            )
            redraws = page.evaluate(REDRAW_JS, [graph, [layer_index(k) for k in ("fused", "ais", "dark")], 7])
            browser.close()
    finally:
        stop.set()
        http.shutdown()
    frames = result["frames"][1:]
    return {
        "frame_p50_ms": statistics.median(frames),
        "frame_p95_ms": float(np.percentile(frames, 95)),
        "frame_max_ms": max(frames),
        "frames_over_50ms": sum(f > 50 for f in frames),
        "frames": len(frames),
        "map_draws": result["draws"],
        "redraw_p50_ms": statistics.median(redraws),
        "redraw_max_ms": max(redraws),
    }


def memory_per_state(n: int, seconds: int = 60) -> float:
    """Bytes the history holds per track state read (tracemalloc), after the broker is full."""
    import tracemalloc

    broker = MemoryBroker(max_records_per_topic=BROKER_SECONDS * (n + 2))
    scene = Scene(n, MemoryBus(broker, "bench-source"))
    feed = PictureFeed(MemoryBus(broker, "bench-dashboard"))
    tracemalloc.start()
    for t in range(2 * BROKER_SECONDS):  # the broker's bounded log fills first
        scene.publish(T0_S + t)
        feed.refresh()
    before = tracemalloc.get_traced_memory()[0]
    for t in range(2 * BROKER_SECONDS, 2 * BROKER_SECONDS + seconds):
        scene.publish(T0_S + t)
        feed.refresh()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return grown / (n * seconds)


def _print_server(n: int, runs: list[dict[str, float]], refreshes: int) -> None:
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(
        f"dashboard server: {n} tracks, every track updated each 1 s refresh, "
        f"{refreshes} refreshes x {len(runs)} runs"
    )
    per_run = " ".join(f"{r['p95_ms']:.1f}" for r in runs)
    print(f"  per run p95 ms (wall): {per_run}")
    print(
        f"  refresh (clock + map + panels requests): wall p50 {med['p50_ms']:.1f} ms, "
        f"p95 {med['p95_ms']:.1f} ms; CPU p50 {med['cpu_p50_ms']:.1f} ms, p95 {med['cpu_p95_ms']:.1f} ms "
        "(target p95 < 150 ms at 2000 tracks)"
    )
    print(
        "  per callback p95 CPU / wall ms: "
        + ", ".join(f"{k} {med[f'{k}_cpu_p95_ms']:.1f} / {med[f'{k}_wall_p95_ms']:.1f}" for k in CALLBACKS)
        + f" (clock decodes the {n} new track states)"
    )
    print(
        f"  payload per refresh: median {med['payload_kb']:.0f} kB, max {med['payload_max_kb']:.0f} kB "
        f"(map {med['map_kb']:.0f} kB, {med['map_trails_kb']:.0f} kB on the 1-in-5 ticks with trails; "
        f"panels {med['panels_kb']:.0f} kB)"
    )
    print(
        f"  reference (whole figure, same data): build+encode {med['reference_ms']:.1f} ms, "
        f"{med['reference_kb']:.0f} kB; payload/reference {med['payload_kb'] / med['reference_kb']:.2f}"
    )
    print(
        f"  heap: {med['gc_tracked']:.0f} objects tracked by the GC, "
        f"a full collection {med['full_gc_ms']:.1f} ms CPU"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--refreshes", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--browser-seconds", type=float, default=15.0, help="0 skips the browser part")
    parser.add_argument("--memory-seconds", type=int, default=60, help="0 skips the memory measurement")
    args = parser.parse_args()
    print(f"# load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for n in args.tracks:
        _print_server(n, [server_run(n, args.refreshes) for _ in range(args.runs)], args.refreshes)
        sys.stdout.flush()
        if args.browser_seconds > 0:
            b = browser_run(n, args.browser_seconds)
            print(
                f"  browser ({args.browser_seconds:.0f} s, headless chromium, live 1 s updates): frame p50 "
                f"{b['frame_p50_ms']:.1f} ms, p95 {b['frame_p95_ms']:.1f} ms, "
                f"max {b['frame_max_ms']:.0f} ms, {b['frames_over_50ms']}/{b['frames']} frames > 50 ms, "
                f"{b['map_draws']} map redraws from the server; one redraw of all {n} tracks "
                f"(Plotly.react until painted): median {b['redraw_p50_ms']:.0f} ms, "
                f"max {b['redraw_max_ms']:.0f} ms"
            )
        sys.stdout.flush()
    if args.memory_seconds > 0:
        n = args.tracks[0]
        per_state = memory_per_state(n, args.memory_seconds)
        hour = per_state * n * 3600 / 2.5 / 1e9
        print(
            f"history memory: {per_state:.0f} bytes per track state kept "
            f"({n} tracks x {args.memory_seconds} s); "
            f"{n} tracks updated every 2.5 s radar scan: {hour:.1f} GB per hour of retention_s"
        )
    print(f"# load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
