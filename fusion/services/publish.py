"""``seawatch replay DIR --bus kafka://...``: publish a recording to the raw topics, paced.

The same reader as the embedded replay (``ingest.scenario.read_records``) and the same
pacing (``fusion.replay.Pacer``): the wall clock decides only *when* a record is sent.
Raw AIS and radar records are keyed ``AREA/SOURCE`` so the area picks the partition;
``ais.static`` is keyed by MMSI; input lines ingest rejected go to the dead-letter topic.
The producer batches; ``flush`` runs once at the end (and Kafka's idempotent producer
makes retries safe), so a publish never waits for a round trip.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from fusion import topics
from fusion.bus import Bus
from fusion.replay import Pacer
from fusion.schemas import Reject, to_json
from ingest.scenario import Scenario, read_records

RAW_TOPICS = (topics.AIS_REPORTS, topics.RADAR_PLOTS)


def publish_scenario(
    scenario: Scenario,
    bus: Bus,
    *,
    area: str,
    speed: float | None,
    on_record: Callable[[], None] | None = None,
) -> Counter[str]:
    """Publish every record of ``scenario``; returns ingest counts plus ``published:<topic>``."""
    counts: Counter[str] = Counter()
    pacer = Pacer(speed)
    for record in read_records(scenario, counts):
        topic, key = topics.topic_and_key(record)
        if topic in RAW_TOPICS:
            key = topics.area_key(area, key)
        event_time = record.time if record.time is not None else 0.0
        if not isinstance(record, Reject):
            pacer.wait_for(event_time)
        bus.publish(topic, key, to_json(record), event_time)
        counts[f"published:{topic}"] += 1
        if on_record is not None:
            on_record()
    bus.flush()
    return counts
