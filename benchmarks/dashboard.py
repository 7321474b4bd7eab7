"""Dashboard refresh cost at 2,000 and 10,000 tracks: server callback time, payload, browser frames.

Run: ``.venv/bin/python -m benchmarks.dashboard [--tracks 2000 10000] [--refreshes 30] [--runs 3]
[--browser-seconds 15]`` (the browser part needs /usr/bin/chromium: scripts/install_browser).

A synthetic picture from a fixed seed: ``N`` tracks (a third dark, a third AIS-only) moving
over the Karachi area with 5 minutes of history (one state per track every 5 s, so trails
have work), AIS static data for every MMSI, and 40 alerts. Each refresh publishes one new
state for every track (every track updated every second: the target's worst case) on
the in-process bus, then makes the two requests a page makes per tick, through the real
Dash app (login, JSON encoding, ``Patch``) with Flask's test client:

* the clock callback, which reads the bus (decoding ``N`` records) and moves the clock;
* the render callback: the picture at T, the live map layers as a ``Patch``, status bar,
  alert panel, track table and vessel record.

The page's stores (what it last drew: alert panel digest, trail period) are carried from
one refresh to the next as a browser would, so trails go every 5 s of picture time and the
alert panel only when it changes. Printed: p50/p95 of (clock + render) per refresh, wall
time and this thread's CPU time (the shared machine's load inflates wall time; the test
client runs the server in this thread, so CPU time is the server's own cost), and the
render response size, medians over runs. The
reference line, measured in the same process, is the whole figure the page would otherwise
send every second (``base_figure`` with the same live data, encoded with plotly's
JSON encoder): time and size, and our ratio against it.

Browser: the same app served on 127.0.0.1 while a thread publishes ``N`` updates each second
of wall time; Playwright (Debian chromium, headless) logs in and records every animation
frame's interval for ``--browser-seconds``: p50/p95/max frame time and how many frames took
longer than 50 ms (a frozen-looking page), plus how many map updates were drawn.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
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


def build(n: int) -> tuple:
    """Scene, dashboard feed, config and app. The in-process broker keeps only the last few
    seconds (as if it were Kafka in another process), so the process's heap, and the garbage
    collector's work, are the dashboard's own."""
    broker = MemoryBroker(max_records_per_topic=BROKER_SECONDS * (n + 2))
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


def server_run(n: int, refreshes: int) -> dict[str, float]:
    scene, feed, config, app = build(n)
    client = app.server.test_client()
    client.post("/login", data={"username": "officer", "password": PASSWORD})
    clock = {"mode": "live", "time": None, "playing": False}
    feed.refresh()  # the history a page finds when it opens; not part of a refresh
    page_state: dict[str, object] = {f"{ids.ALERT_SORT}.value": "time", f"{ids.TRACK_FILTERS}.value": []}
    totals, cpu, sizes = [], [], []
    sizes_by: dict[str, list[int]] = {f"{ids.MAP}.figure": [], f"{ids.STATUS}.children": []}
    for k in range(refreshes):
        scene.publish(T0_S + HISTORY_S + k)
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.post(
            "/_dash-update-component",
            json=_request(
                app,
                f"{ids.CLOCK}.data",
                {f"{ids.CLOCK}.data": clock, f"{ids.SPEED}.value": 10},
                f"{ids.REFRESH}.n_intervals",
            ),
        )
        clock = response.get_json()["response"][ids.CLOCK]["data"]
        drawn = {}
        for output in (f"{ids.MAP}.figure", f"{ids.STATUS}.children"):  # the two the new clock fires
            rendered = client.post(
                "/_dash-update-component",
                json=_request(app, output, {**page_state, f"{ids.CLOCK}.data": clock}, f"{ids.CLOCK}.data"),
            )
            assert rendered.status_code == 200, rendered.data[:300]
            sizes_by[output].append(len(rendered.data))
            drawn.update(rendered.get_json()["response"])  # what the page keeps for the next tick
        totals.append((time.perf_counter() - started) * 1000.0)
        cpu.append((time.thread_time() - started_cpu) * 1000.0)
        sizes.append(len(response.data) + sum(v[-1] for v in sizes_by.values()))
        page_state[f"{ids.ALERTS_SIGNATURE}.data"] = drawn[ids.ALERTS_SIGNATURE]["data"]
        page_state[f"{ids.TRAILS_SHOWN}.data"] = drawn[ids.TRAILS_SHOWN]["data"]
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
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p95_ms": float(np.percentile(cpu, 95)),
        "payload_kb": statistics.median(sizes) / 1000.0,
        "reference_ms": reference_ms,
        "reference_kb": len(whole) / 1000.0,
    }


def browser_run(n: int, seconds: float) -> dict[str, float]:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    scene, _feed, _config, app = build(n)
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
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--refreshes", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--browser-seconds", type=float, default=15.0, help="0 skips the browser part")
    args = parser.parse_args()
    for n in args.tracks:
        runs = [server_run(n, args.refreshes) for _ in range(args.runs)]
        med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        print(
            f"dashboard server: {n} tracks, every track updated each 1 s refresh, "
            f"{args.refreshes} refreshes x {args.runs} runs"
        )
        per_run = " ".join(f"{r['p95_ms']:.1f}" for r in runs)
        print(f"  per run p95 ms: {per_run}")
        print(
            f"  refresh (clock + render callbacks): p50 {med['p50_ms']:.1f} ms, p95 {med['p95_ms']:.1f} ms "
            f"(target p95 < 150 ms at 2000 tracks); "
            f"CPU time p50 {med['cpu_p50_ms']:.1f} ms, p95 {med['cpu_p95_ms']:.1f} ms; "
            f"render payload {med['payload_kb']:.0f} kB"
        )
        print(
            f"  reference (whole figure, same data): build+encode {med['reference_ms']:.1f} ms, "
            f"{med['reference_kb']:.0f} kB; payload/reference {med['payload_kb'] / med['reference_kb']:.2f}"
        )
        sys.stdout.flush()
        if args.browser_seconds > 0:
            b = browser_run(n, args.browser_seconds)
            print(
                f"  browser ({args.browser_seconds:.0f} s, headless chromium, live 1 s updates): frame p50 "
                f"{b['frame_p50_ms']:.1f} ms, p95 {b['frame_p95_ms']:.1f} ms, "
                f"max {b['frame_max_ms']:.0f} ms, {b['frames_over_50ms']}/{b['frames']} frames > 50 ms, "
                f"{b['map_draws']} map redraws"
            )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
