"""Where the map's pixels come from, and how smooth it stays: air-gapped by default, online
tiles only when configured, and the browser's frame times recorded (never asserted).

The tile server here is a local one serving a generated PNG, standing in for an online
provider: the test checks the browser fetched exactly the tiles covering the view, from
the configured address, and deeper ones after a zoom.
"""

from __future__ import annotations

import json
import re
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.auth import Role, User, hash_password
from dashboard.config import DashboardConfig
from dashboard.figures import layer_index
from dashboard.picture import PictureFeed
from dashboard.tiles import TileLayer, tile_images
from fusion.bus import MemoryBus
from ingest.scenario import open_scenario
from tests.integration.browser.conftest import ARTIFACTS, PASSWORDS, login

REPO_ROOT = Path(__file__).resolve().parents[3]
GRAPH = "document.querySelector('#map .js-plotly-plot')"
TILES_DRAWN = "document.querySelectorAll('#map .layer-subplot .imagelayer image').length"
"""Layout images plotly drew in the map's subplot image layer, under its traces."""
_TILE_PATH = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")


def _png(rgb: tuple[int, int, int], size: int = 8) -> bytes:
    """A small solid-colour PNG (RFC 2083: signature, IHDR, one zlib IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\x00" + bytes(rgb) * size) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class TileServer:
    """Serves a pale-green PNG for any ``/{z}/{x}/{y}.png`` and records which tiles were asked for."""

    def __init__(self) -> None:
        self.requested: set[tuple[int, int, int]] = set()
        tile, requested = _png((200, 230, 200)), self.requested

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                match = _TILE_PATH.match(self.path)
                if match is None:
                    self.send_error(404)
                    return
                requested.add(tuple(int(v) for v in match.groups()))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, *args) -> None:  # one line per tile is noise in the test log
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        self.thread = threading.Thread(target=self.http.serve_forever, name="tile-server", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.http.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def tiled(replayed_broker) -> Iterator[tuple[str, TileServer, DashboardConfig]]:
    """A second dashboard of the same topics, configured with tiles from a local tile server."""
    from werkzeug.serving import make_server

    tiles = TileServer()
    scenario = open_scenario(REPO_ROOT / "replay_data" / "karachi", REPO_ROOT / "zones.geojson")
    config = DashboardConfig(
        zones_geojson=json.loads(scenario.zones_path.read_text()),
        radars=tuple(scenario.sensors.radars),
        centre_lat=scenario.area_lat,
        users={"analyst": User("analyst", "Test Analyst", Role.ANALYST, hash_password(PASSWORDS["analyst"]))},
        tiles=TileLayer(tiles.url + "/{z}/{x}/{y}.png", attribution="test tiles", max_zoom=16),
    )
    app = create_app(PictureFeed(MemoryBus(replayed_broker, "dashboard-with-tiles")), config)
    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="dashboard-with-tiles", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", tiles, config
    http.shutdown()
    thread.join(timeout=10)
    tiles.close()


def _open(browser, url: str, user: str, requests: list[str] | None = None):
    context = browser.new_context(viewport={"width": 1500, "height": 950})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    if requests is not None:
        page.on("request", lambda r: requests.append(r.url))
    page.goto(url + "/")
    login(page, user)
    return page, errors


def _wait_until(page, condition, timeout_s: float = 30.0) -> None:
    """Wait for a condition outside the page (a request reaching the tile server)."""
    for _ in range(int(timeout_s * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout_s} s: {condition}")


def test_dash010_the_default_map_fetches_nothing_but_its_own_server(browser, server):
    requests: list[str] = []
    page, errors = _open(browser, server.url, "analyst", requests)
    try:
        page.wait_for_function(f"({GRAPH}?.data?.[{layer_index('fused')}]?.x?.length ?? 0) > 10")
        assert page.evaluate(TILES_DRAWN) == 0
        assert requests and all(url.startswith(server.url + "/") for url in requests), [
            u for u in requests if not u.startswith(server.url)
        ]
        assert not errors
    finally:
        page.context.close()


def test_dash011_online_tiles_come_from_the_configured_server(browser, tiled):
    url, tiles, config = tiled
    page, errors = _open(browser, url, "analyst")
    try:
        expected = {
            tuple(int(v) for v in _TILE_PATH.match(i["source"].removeprefix(tiles.url)).groups())
            for i in tile_images(config.tiles, config.bounds)
        }
        page.wait_for_function(f"({GRAPH}?.layout?.images?.length ?? 0) == {len(expected)}")
        page.wait_for_function(f"{TILES_DRAWN} == {len(expected)}")
        page.wait_for_function(f"({GRAPH}?.data?.[{layer_index('fused')}]?.x?.length ?? 0) > 10")
        _wait_until(page, lambda: expected <= tiles.requested)  # the browser fetched every one
        assert {z for z, _, _ in tiles.requested} == {10}
        assert "test tiles" in page.inner_text("#map")  # the provider's attribution
        page.screenshot(path=str(ARTIFACTS / "dash011_online_tiles.png"))
        box = page.locator("#map .nsewdrag").first.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()  # a box zoom to a quarter of the width: the view box changes, deeper tiles
        page.mouse.move(x + box["width"] / 8, y + box["height"] / 8, steps=5)
        page.mouse.move(x + box["width"] / 4, y + box["height"] / 4, steps=5)
        page.mouse.up()
        page.wait_for_function(f"{GRAPH}.layout.images.some(i => !i.source.includes('/10/'))")
        page.wait_for_function(f"{GRAPH}.layout.images.every(i => i.source.startsWith('{tiles.url}/'))")
        _wait_until(page, lambda: max(z for z, _, _ in tiles.requested) > 10)
        assert not errors
    finally:
        page.context.close()


def test_dash012_frame_times_during_live_refreshes_are_recorded(browser, server):
    """requestAnimationFrame intervals over at least 5 s and 3 map redraws of the live picture,
    saved to test-artifacts/dash012_frame_times.json; timings are recorded, never asserted
    (benchmarks/dashboard.py measures them at 2,000 and 10,000 tracks)."""
    page, errors = _open(browser, server.url, "analyst")
    try:
        page.wait_for_function(f"({GRAPH}?.data?.[{layer_index('fused')}]?.x?.length ?? 0) > 10")
        result = page.evaluate(
            """([graph, seconds, draws_wanted]) => new Promise(resolve => {
                const gd = eval(graph), frames = [];
                let draws = 0, last = performance.now();
                const start = last;
                gd.on('plotly_afterplot', () => draws++);
                function tick(now) {
                    frames.push(now - last); last = now;
                    const elapsed = now - start;
                    const done = (elapsed > seconds * 1000 && draws >= draws_wanted) || elapsed > 60000;
                    if (done) resolve({frames, draws, seconds: (now - start) / 1000});
                    else requestAnimationFrame(tick);
                }
                requestAnimationFrame(tick);
            })""",
            [GRAPH, 5, 3],
        )
        frames = sorted(result["frames"][1:])
        summary = {
            "seconds": round(result["seconds"], 1),
            "tracks": page.evaluate(
                f"[{', '.join(str(layer_index(k)) for k in ('fused', 'ais', 'dark'))}]"
                f".reduce((n, i) => n + {GRAPH}.data[i].x.length, 0)"
            ),
            "map_redraws": result["draws"],
            "frames": len(frames),
            "frame_p50_ms": frames[len(frames) // 2],
            "frame_p95_ms": frames[int(len(frames) * 0.95)],
            "frame_max_ms": frames[-1],
            "frames_over_50_ms": sum(f > 50 for f in frames),
        }
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "dash012_frame_times.json").write_text(json.dumps(summary, indent=2) + "\n")
        assert summary["frames"] > 0 and summary["map_redraws"] >= 3  # refreshes were drawn meanwhile
        assert not errors
    finally:
        page.context.close()
