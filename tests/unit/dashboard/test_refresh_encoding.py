"""The once-a-second updates through the real Dash app: the map's patch of the live layers
only, and the panels, each encoded by orjson in one call (plotly's per-value fallback
encoder is never needed)."""

from __future__ import annotations

import json

import plotly.io._json as plotly_json
import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.figures import LIVE_LAYERS, layer_index
from dashboard.picture import PictureFeed
from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.schemas import to_json
from tests.unit.dashboard.records import T0, alert, track


def _clock_request(app, first_output: str) -> dict:
    """The request a page makes when its clock moves, for the callback whose outputs start so."""
    key = next(k for k in app.callback_map if k.startswith(f"..{first_output}..."))
    spec = app.callback_map[key]
    clock = {"mode": "live", "time": T0 + 10, "playing": False}

    def dep(d: dict) -> dict:
        return {"id": d["id"], "property": d["property"], "value": clock if d["id"] == ids.CLOCK else None}

    outputs = [
        dict(zip(("id", "property"), o.split(".", 1), strict=True)) for o in key.strip(".").split("...")
    ]
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [dep(d) for d in spec["inputs"]],
        "state": [dep(d) for d in spec["state"]],
        "changedPropIds": [f"{ids.CLOCK}.data"],
    }


@pytest.fixture
def client(config, monkeypatch):
    """A logged-in client of an app with one track; plotly's fallback encoder fails the test."""
    broker = MemoryBroker()
    source = MemoryBus(broker, "pipeline")
    for i in range(3):
        source.publish(topics.TRACKS, "T1", to_json(track("T1", T0 + 5 * i, lon=66.9 + i * 1e-3)), T0 + 5 * i)
    source.publish(topics.ALERTS, "A1", to_json(alert("A1", T0)), T0)
    feed = PictureFeed(MemoryBus(broker, "dashboard"))
    feed.refresh()
    app = create_app(feed, config)
    client = app.server.test_client()
    client.post("/login", data={"username": "officer", "password": "sea-officer"})

    def no_fallback(*args, **kwargs):
        raise AssertionError("plotly walked the response value by value")

    monkeypatch.setattr(plotly_json, "clean_to_json_compatible", no_fallback)
    return app, client


def test_the_map_update_is_a_patch_of_the_live_layers_encoded_without_fallback(client):
    app, client = client
    response = client.post("/_dash-update-component", json=_clock_request(app, f"{ids.MAP}.figure"))
    assert response.status_code == 200, response.data[:500]
    figure = response.get_json()["response"][ids.MAP]["figure"]
    assert figure["__dash_patch_update"] == "__dash_patch_update"
    touched = {op["location"][1] for op in figure["operations"]}
    assert touched == {layer_index(name) for name in LIVE_LAYERS}  # never the coastline or zones
    fused = {
        op["location"][2]: op["params"]["value"]
        for op in figure["operations"]
        if op["location"][1] == layer_index("fused") and len(op["location"]) == 3
    }
    assert fused["x"] == [pytest.approx(66.902)] and fused["customdata"] == ["T1"]


def test_the_panels_are_plain_data_encoded_without_fallback(client):
    app, client = client
    response = client.post("/_dash-update-component", json=_clock_request(app, f"{ids.STATUS}.children"))
    assert response.status_code == 200, response.data[:500]
    panels = response.get_json()["response"]
    assert "1 tracks" in json.dumps(panels[ids.TRACK_TABLE]) and "T1" in json.dumps(panels[ids.TRACK_TABLE])
    assert ids.ACK_BUTTON in json.dumps(panels[ids.ALERTS])  # the officer may acknowledge A1
    assert "picture-time" in json.dumps(panels[ids.STATUS])
