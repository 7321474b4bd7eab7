"""A real Kafka broker for the tests of the Kafka path.

``make test`` starts one with ``scripts/kafka start`` and exports its address as
``SEAWATCH_KAFKA_BOOTSTRAP``. Outside ``make test`` these tests skip, saying how to run
them; under CI (``CI=true``) or ``SEAWATCH_REQUIRE_KAFKA=1`` a missing broker fails them,
so the Kafka path can never be skipped silently where it is supposed to be proven.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.kafka.helpers import stop_leftover_services

BOOTSTRAP_ENV = "SEAWATCH_KAFKA_BOOTSTRAP"
REPO_ROOT = Path(__file__).resolve().parents[3]


def kafka_required() -> bool:
    return (
        os.environ.get("CI", "").lower() in ("1", "true") or os.environ.get("SEAWATCH_REQUIRE_KAFKA") == "1"
    )


def _reachable(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """HOST:PORT of the test broker, or skip (fail under CI) with the reason."""
    address = os.environ.get(BOOTSTRAP_ENV)
    problem = None
    if not address:
        problem = (
            f"{BOOTSTRAP_ENV} is not set: run `make test`, or `export {BOOTSTRAP_ENV}=$(scripts/kafka start)`"
        )
    elif not _reachable(address):
        problem = f"no Kafka broker answers at {BOOTSTRAP_ENV}={address}; `scripts/kafka status` says why"
    if problem is not None:
        if kafka_required():
            pytest.fail(f"Kafka is required here (CI / SEAWATCH_REQUIRE_KAFKA=1): {problem}")
        pytest.skip(problem)
    return address


@pytest.fixture
def kafka_url(kafka_bootstrap: str) -> str:
    return f"kafka://{kafka_bootstrap}"


@pytest.fixture
def new_topics(kafka_bootstrap: str) -> Iterator[Callable[..., list[str]]]:
    """Create uuid-named topics for one test and delete them afterwards."""
    from fusion.bus_kafka import KafkaBus, TopicSpec

    admin = KafkaBus([kafka_bootstrap], "admin")
    created: list[str] = []

    def make(*stems: str, partitions: int = 1) -> list[str]:
        names = [f"test.{stem}.{uuid.uuid4().hex[:12]}" for stem in stems]
        admin.ensure_topics({name: TopicSpec(partitions) for name in names})
        created.extend(names)
        return names

    yield make
    if created:
        admin.delete_topics(created)


@pytest.fixture(scope="session")
def small_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short simulated scenario (20 vessels, 8 min: ~5,000 records, a handful of alerts)."""
    from fusion.simulator.generate import simulate

    out = tmp_path_factory.mktemp("scenario") / "small"
    simulate(
        seed=3, vessels=20, minutes=8, out_dir=out, zones_path=REPO_ROOT / "zones.geojson", progress=False
    )
    return out


@pytest.fixture(scope="session")
def small_reference(small_scenario: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded replay of ``small_scenario``: tracks.jsonl and alerts.jsonl to compare against."""
    from fusion.replay import run_replay
    from ingest.scenario import open_scenario

    out = tmp_path_factory.mktemp("reference")
    run_replay(
        open_scenario(small_scenario, REPO_ROOT / "zones.geojson"),
        tracks_out=out / "tracks.jsonl",
        alerts_out=out / "alerts.jsonl",
    )
    return out


@pytest.fixture
def topic_suffix(kafka_bootstrap: str) -> Iterator[str]:
    """A private suffix for a test's topics (SEAWATCH_TOPIC_*), deleted afterwards."""
    from fusion.bus_kafka import KafkaBus

    suffix = uuid.uuid4().hex[:10]
    yield suffix
    admin = KafkaBus([kafka_bootstrap], "admin")
    admin.delete_topics([t for t in admin.list_topics() if t.endswith(suffix)])


@pytest.fixture(autouse=True)
def _no_service_outlives_its_test() -> Iterator[None]:
    yield
    stop_leftover_services()
