"""A small scenario (20 vessels x 5 min) generated once and shared by the simulator tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fusion.simulator import simulate


@pytest.fixture(scope="session")
def zones_path() -> Path:
    return Path(__file__).resolve().parents[3] / "zones.geojson"


@pytest.fixture(scope="session")
def small_args() -> dict[str, Any]:
    """Arguments of the shared scenario: big enough for every special kind, small enough to be quick."""
    return dict(seed=11, vessels=20, minutes=5.0)


@pytest.fixture(scope="session")
def scenario(
    tmp_path_factory: pytest.TempPathFactory, small_args: dict[str, Any], zones_path: Path
) -> tuple[Path, dict[str, int | float]]:
    out_dir = tmp_path_factory.mktemp("scenario") / "small"
    summary = simulate(**small_args, out_dir=out_dir, zones_path=zones_path)
    return out_dir, summary
