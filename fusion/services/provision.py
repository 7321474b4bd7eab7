"""The topics a seawatch deployment uses, created on first start if missing.

Raw AIS and radar topics get ``partitions`` partitions (one per tracking area is ideal;
areas hash onto them, see ``fusion.bus_kafka.AreaPartitioner``) and the same count, so
partition *p* of each holds the same areas and one fuse instance owns both. ``ais.static``
is compacted: per MMSI only the latest identity is kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from fusion import topics
from fusion.bus_kafka import KafkaBus, TopicSpec

DEFAULT_PARTITIONS = 4


def ensure_pipeline_topics(bus: KafkaBus, partitions: int = DEFAULT_PARTITIONS) -> None:
    bus.ensure_topics(
        {
            topics.AIS_REPORTS: TopicSpec(partitions),
            topics.RADAR_PLOTS: TopicSpec(partitions),
            topics.AIS_STATIC: TopicSpec(partitions, compacted=True),
            topics.REJECTS: TopicSpec(1),
            topics.TRACKS: TopicSpec(partitions),
            topics.ALERTS: TopicSpec(partitions),
            topics.ALERT_ACKS: TopicSpec(1),
            topics.ALERT_VALIDATIONS: TopicSpec(1),
            topics.SNOOZES: TopicSpec(1),
            topics.VESSEL_NOTES: TopicSpec(1),
            topics.RISK: TopicSpec(partitions, compacted=True),
        }
    )


def ensure_agency_topics(
    bus: KafkaBus, agency_ids: Iterable[str], partitions: int = DEFAULT_PARTITIONS
) -> None:
    """Each agency's alert topic (``alerts.<agency>``): the broker does not create topics itself."""
    bus.ensure_topics({topics.agency_alerts(agency_id): TopicSpec(partitions) for agency_id in agency_ids})
