"""Pure parts of the Kafka path: bus URLs, area partitioning, the partition merge, schema versions."""

from __future__ import annotations

import pickle
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from fusion.bus import Envelope
from fusion.bus_factory import BusUrlError, open_bus, parse_kafka_url
from fusion.bus_kafka import area_partition
from fusion.pipeline import FusionService
from fusion.schemas import RadarPlot, from_dict, from_json, to_dict, to_json
from fusion.services.aligner import PartitionAligner
from tests.conftest import REPO_ROOT


def test_memory_url_gives_one_broker_per_process() -> None:
    topic = f"test-{uuid.uuid4().hex}"
    one, two = open_bus("memory", "a"), open_bus("memory", "b")
    one.publish(topic, "k", b"v", 1.0)
    assert [e.value for e in two.poll([topic])] == [b"v"]


def test_kafka_url_with_several_brokers_and_tls_sasl_options() -> None:
    servers, settings = parse_kafka_url(
        "kafka://svc@b1:9093,b2:9093?security_protocol=sasl_ssl&sasl_mechanism=scram-sha-512&ssl_cafile=/ca.pem",
        {"SEAWATCH_KAFKA_SASL_PASSWORD": "s3cret", "SEAWATCH_KAFKA_CLIENT_ID": "khi"},
    )
    assert servers == ["b1:9093", "b2:9093"]
    assert settings == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "svc",
        "sasl_plain_password": "s3cret",
        "ssl_cafile": "/ca.pem",
        "client_id": "khi",
    }


def test_query_wins_over_environment_and_hostname_check_is_a_flag() -> None:
    _, settings = parse_kafka_url(
        "kafka://b1:9093?security_protocol=SSL&ssl_check_hostname=false",
        {"SEAWATCH_KAFKA_SECURITY_PROTOCOL": "PLAINTEXT"},
    )
    assert settings == {"security_protocol": "SSL", "ssl_check_hostname": False}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("kafka:/nohost", "expected 'memory' or kafka://"),
        ("redis://h:1", "expected 'memory' or kafka://"),
        ("kafka://h", "is not HOST:PORT"),
        ("kafka://h:1?colour=red", "unknown option 'colour'"),
        ("kafka://h:1?security_protocol=TLS", "security_protocol must be one of"),
        ("kafka://h:1?security_protocol=SASL_SSL", "needs sasl_mechanism"),
        ("kafka://h:1?security_protocol=SASL_SSL&sasl_mechanism=PLAIN", "needs a user and password"),
    ],
)
def test_bad_bus_urls_say_what_to_fix(url: str, message: str) -> None:
    with pytest.raises(BusUrlError, match=message):
        parse_kafka_url(url, {})


def test_area_partition_hashes_only_the_area() -> None:
    assert (
        area_partition(b"north/KHI-AIS", 8)
        == area_partition(b"north/MANORA", 8)
        == area_partition(b"north", 8)
    )
    assert len({area_partition(f"area{i}".encode(), 4) for i in range(40)}) == 4  # spread over partitions
    assert area_partition(b"T000042", 4) in range(4)  # keys without an area are hashed whole


def _env(topic: str, offset: int, time: float) -> Envelope:
    return Envelope(topic, 0, offset, "a/s", b"", time)


def test_aligner_merges_partitions_by_event_time_whatever_the_fetch_order() -> None:
    ais = [_env("ais", i, t) for i, t in enumerate([1.0, 3.0, 2.5, 7.0])]  # arrival order, one late line
    radar = [_env("radar", i, t) for i, t in enumerate([0.5, 2.0, 4.0, 6.0])]
    merged_orders = []
    for first, second in ((ais, radar), (radar, ais)):
        aligner = PartitionAligner(["ais", "radar"])
        released = []
        for envelope in first:  # one topic fetched entirely before the other
            aligner.add(envelope)
            released += aligner.pop_ready()
        assert released == []  # nothing can be released while the other partition is silent
        for envelope in second:
            aligner.add(envelope)
            released += aligner.pop_ready()
        merged_orders.append([(e.topic, e.offset) for e in released + aligner.drain()])
    assert merged_orders[0] == merged_orders[1]
    assert [t for t, _ in merged_orders[0]] == [
        "radar",
        "ais",
        "radar",
        "ais",
        "ais",
        "radar",
        "radar",
        "ais",
    ]


def test_an_idle_partition_stops_holding_the_merge_back() -> None:
    aligner = PartitionAligner(["ais", "radar"])
    aligner.add(_env("ais", 0, 1.0))
    assert aligner.pop_ready() == []
    assert [e.offset for e in aligner.pop_ready(idle={"radar"})] == [0]


def test_json_values_carry_the_schema_version_and_old_values_still_read() -> None:
    plot = RadarPlot(
        time=1.0,
        sensor_id="R",
        plot_id=1,
        range_m=10.0,
        bearing_deg=5.0,
        range_sigma_m=1.0,
        bearing_sigma_deg=0.1,
    )
    assert to_json(plot).startswith(b'{"schema_version":1,')
    assert from_json(RadarPlot, to_json(plot)) == plot
    legacy = {k: v for k, v in to_dict(plot).items() if k != "schema_version"}
    assert from_dict(RadarPlot, legacy) == plot
    with pytest.raises(ValueError, match="schema_version 2 is not supported"):
        from_dict(RadarPlot, {**to_dict(plot), "schema_version": 2})


def test_published_json_schemas_are_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "kafka_schemas.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_the_fusion_stage_state_pickles_for_crash_recovery_snapshots(tmp_path: Path) -> None:
    """``seawatch fuse`` snapshots ``FusionService.state()`` with pickle: every object the
    tracker and the rules keep must be picklable (no lambdas, generators or dict views)."""
    from fusion.replay import run_replay
    from fusion.simulator.generate import simulate
    from ingest.scenario import open_scenario

    zones = REPO_ROOT / "zones.geojson"
    simulate(seed=3, vessels=12, minutes=4, out_dir=tmp_path / "s", zones_path=zones, progress=False)
    states = []
    original = FusionService.finish

    def finish(self: FusionService) -> None:
        original(self)
        states.append(self.state())

    FusionService.finish = finish  # type: ignore[method-assign]
    try:
        run_replay(open_scenario(tmp_path / "s", zones), tracks_out=tmp_path / "t", alerts_out=tmp_path / "a")
    finally:
        FusionService.finish = original  # type: ignore[method-assign]
    (state,) = states
    for name, value in state.items():
        try:
            restored = pickle.loads(pickle.dumps(value))
        except (TypeError, AttributeError, pickle.PicklingError) as error:
            pytest.fail(f"FusionService.state()[{name!r}] cannot be pickled: {error}")
        assert type(restored) is type(value)
