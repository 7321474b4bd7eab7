"""``seawatch risk`` on the real broker: alerts in, one assessment per changed vessel out, and a
restart rebuilds the same evidence from the alert topic (equal assessments, none different)."""

from __future__ import annotations

import uuid
from collections import Counter

from fusion.bus_kafka import KafkaBus, TopicSpec
from fusion.schemas import AlertKind, RiskAssessment, from_json, to_json
from tests.factories import T0 as T
from tests.factories import make_alert
from tests.integration.kafka.helpers import read_topic, seawatch, topic_env


def test_risk_service_scores_alerts_and_rebuilds_after_a_restart(kafka_bootstrap: str) -> None:
    suffix = uuid.uuid4().hex[:10]
    env = topic_env(suffix) | {"SEAWATCH_TOPIC_RISK": f"test.risk.{suffix}"}
    alerts = [
        make_alert(AlertKind.DARK_VESSEL, "T2", None, T),
        make_alert(AlertKind.RENDEZVOUS, "T1", 463000001, T + 60, related_track_ids=("T2",)),
        make_alert(AlertKind.AIS_GAP, "T3", 463000003, T + 120),
    ]
    producer = KafkaBus([kafka_bootstrap], "test-producer")
    producer.ensure_topics({env["SEAWATCH_TOPIC_ALERTS"]: TopicSpec(1)})
    for alert in alerts:
        producer.publish(env["SEAWATCH_TOPIC_ALERTS"], alert.alert_id, to_json(alert), alert.time)
    producer.publish(env["SEAWATCH_TOPIC_ALERTS"], "bad", b"{not an alert", T + 130)
    producer.flush()
    producer.close()

    args = ("risk", "--bus", f"kafka://{kafka_bootstrap}", "--exit-when-idle-s", "6")
    seawatch(*args, env=env)
    first = [
        from_json(RiskAssessment, e.value) for e in read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_RISK"])
    ]
    latest = {a.track_id: a for a in first}
    assert set(latest) == {"T1", "T2", "T3"}
    ranked = [a.track_id for a in sorted(latest.values(), key=lambda a: -a.score)]
    assert ranked == ["T2", "T3", "T1"]  # dark and meeting at sea, AIS off in coverage, met a dark vessel
    assert {f.name for f in latest["T1"].factors} == {"rendezvous", "met_dark_vessel"}
    rejects = read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_REJECTS"])
    assert [b"not a valid Alert record" in e.value for e in rejects] == [True]

    seawatch(*args, env=env)  # restart: reads the alert topic from its start again
    second = [
        from_json(RiskAssessment, e.value) for e in read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_RISK"])
    ]
    assert Counter(second) == Counter({assessment: 2 for assessment in first})  # each again, equal
