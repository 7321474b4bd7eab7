"""Replay a scenario folder through the whole system on an embedded bus.

The stages are the ones a deployment runs as separate services (ingest publisher ->
fusion -> subscribers), here wired to one in-process ``MemoryBroker`` and driven in
lock-step: publish a slice of input, let the fusion stage consume it, let the file sink
consume the output. Each stage only talks to the bus, so swapping in Kafka changes the
wiring, not the stages.

Pacing (``speed``) is the only use of the wall clock: it decides when a record is
published, never what the pipeline computes, so ``--speed max`` and ``--speed 10`` give
byte-identical outputs.
"""

from __future__ import annotations

import dataclasses
import time as wall_clock
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fusion import topics
from fusion.agencies.routing import AlertRouter
from fusion.bus import MemoryBroker, MemoryBus
from fusion.pipeline import FusionService
from fusion.risk.model import RiskConfig, load_risk_config
from fusion.risk_pipeline import open_risk_service
from fusion.rules.config import DEFAULT_CONFIG, RulesConfig
from fusion.rules.engine import RuleEngine
from fusion.rules.zones import load_zones
from fusion.schemas import Reject, to_json
from fusion.sinks import JsonlSink
from ingest.scenario import Scenario, read_records
from tracking.frames import LocalFrame
from tracking.tracker import Tracker

PUBLISH_SLICE = 500
"""Records published between two turns of the fusion stage: small enough that the stage
sees data promptly, large enough that polling overhead stays negligible."""


@dataclass
class ReplaySummary:
    """What a replay did, for the end-of-run report."""

    records_in: int = 0
    ingest: Counter[str] = field(default_factory=Counter)
    fusion: Counter[str] = field(default_factory=Counter)
    written: Counter[str] = field(default_factory=Counter)
    radar_bias: dict[str, dict[str, float]] = field(default_factory=dict)
    """Each radar's estimated (range_m, bearing_deg) bias, learnt from AIS (registration)."""

    @property
    def rejects_by_reason(self) -> dict[str, int]:
        merged: Counter[str] = Counter()
        for counts in (self.ingest, self.fusion):
            for key, value in counts.items():
                if "reject:" in key:
                    merged[key.split("reject:", 1)[1]] += value
        return dict(sorted(merged.items()))


class Pacer:
    """Sleeps so that event time advances ``speed`` times faster than the wall clock."""

    def __init__(self, speed: float | None, sleep: Callable[[float], None] = wall_clock.sleep) -> None:
        self.speed = speed
        self._sleep = sleep
        self._origin: tuple[float, float] | None = None

    def wait_for(self, event_time: float) -> None:
        if self.speed is None:
            return
        now = wall_clock.monotonic()
        if self._origin is None:
            self._origin = (event_time, now)
            return
        due = self._origin[1] + (event_time - self._origin[0]) / self.speed
        if due > now:
            self._sleep(due - now)


def run_replay(
    scenario: Scenario,
    *,
    tracks_out: Path,
    alerts_out: Path,
    speed: float | None = None,
    on_record: Callable[[], None] | None = None,
    broker: MemoryBroker | None = None,
    rules_config: RulesConfig = DEFAULT_CONFIG,
    router: AlertRouter | None = None,
    risk_out: Path | None = None,
    risk_config: RiskConfig | None = None,
) -> ReplaySummary:
    """Replay ``scenario`` end to end; ``speed`` None means as fast as possible.

    Pass a ``broker`` to let other consumers (a live dashboard) read the same topics, a
    ``router`` (``fusion.agencies.routing.load_router``) to route alerts to agencies, and
    ``risk_out`` to run the vessel risk stage (``risk_config``, default config/risk.toml) and
    write its assessments there.
    """
    broker = broker or MemoryBroker()
    source_bus = MemoryBus(broker, group_id="replay-source")
    frame = LocalFrame(scenario.area_lat, scenario.area_lon)
    fusion = FusionService(
        MemoryBus(broker, group_id="fuse"),
        Tracker(frame, scenario.sensors),
        RuleEngine(load_zones(scenario.zones_path), scenario.sensors, frame, rules_config),
        router=router,
    )
    outputs = {topics.TRACKS: tracks_out, topics.ALERTS: alerts_out}
    risk = None
    if risk_out is not None:
        outputs[topics.RISK] = risk_out
        risk = open_risk_service(
            MemoryBus(broker, group_id="risk"), risk_config or load_risk_config(), scenario.zones_path
        )
    sink = JsonlSink(MemoryBus(broker, group_id="replay-writer"), outputs)
    summary = ReplaySummary(ingest=Counter(), fusion=fusion.counts, written=sink.counts)

    def downstream() -> None:
        if risk is not None:
            risk.drain()
        sink.drain()

    pacer = Pacer(speed)
    try:
        for record in read_records(scenario, summary.ingest):
            topic, key = topics.topic_and_key(record)
            event_time = record.time if record.time is not None else 0.0
            if not isinstance(record, Reject):
                pacer.wait_for(event_time)
            source_bus.publish(topic, key, to_json(record), event_time)
            summary.records_in += 1
            if on_record is not None:
                on_record()
            if summary.records_in % PUBLISH_SLICE == 0 or speed is not None:
                fusion.poll_once()
                downstream()
        while fusion.poll_once():
            downstream()
        fusion.finish()
        downstream()
    finally:
        sink.close()
    summary.radar_bias = {
        radar_id: dataclasses.asdict(bias) for radar_id, bias in fusion.tracker.registration.biases().items()
    }
    return summary
