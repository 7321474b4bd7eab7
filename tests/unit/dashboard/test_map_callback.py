"""The map's once-a-second update through the real Dash app: a patch of the live layers only,
encoded by orjson in one call (plotly's per-value fallback encoder is never needed)."""

from __future__ import annotations

import plotly.io._json as plotly_json
import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.figures import LIVE_LAYERS, layer_index
from dashboard.picture import PictureFeed
from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.schemas import to_json
from tests.unit.dashboard.records import T0, track


def _map_request(app, clock: dict) -> dict:
    key = next(k for k in app.callback_map if k.startswith(f"..{ids.MAP}.figure...{ids.TRAILS_SHOWN}"))
    spec = app.callback_map[key]
    values = {f"{ids.CLOCK}.data": clock}

    def dep(d: dict) -> dict:
        return {"id": d["id"], "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}

    return {
        "output": key,
        "outputs": [{"id": ids.MAP, "property": "figure"}, {"id": ids.TRAILS_SHOWN, "property": "data"}],
        "inputs": [dep(d) for d in spec["inputs"]],
        "state": [dep(d) for d in spec["state"]],
        "changedPropIds": [f"{ids.CLOCK}.data"],
    }


def test_the_map_update_is_a_patch_of_the_live_layers_encoded_without_fallback(config, monkeypatch):
    broker = MemoryBroker()
    source = MemoryBus(broker, "pipeline")
    for i in range(3):
        source.publish(topics.TRACKS, "T1", to_json(track("T1", T0 + 5 * i, lon=66.9 + i * 1e-3)), T0 + 5 * i)
    feed = PictureFeed(MemoryBus(broker, "dashboard"))
    feed.refresh()
    app = create_app(feed, config)
    client = app.server.test_client()
    client.post("/login", data={"username": "analyst", "password": "sea-analyst"})

    def no_fallback(*args, **kwargs):
        raise AssertionError("plotly walked the response value by value")

    monkeypatch.setattr(plotly_json, "clean_to_json_compatible", no_fallback)
    response = client.post(
        "/_dash-update-component", json=_map_request(app, {"mode": "live", "time": T0 + 10, "playing": False})
    )
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
