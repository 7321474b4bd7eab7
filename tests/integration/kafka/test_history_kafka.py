"""``seawatch history`` from the real broker into SQLite and PostgreSQL: a lost database is
rebuilt from the topics, an existing one resumes where it left off, bad records are dead-lettered."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from fusion.bus_kafka import KafkaBus, TopicSpec
from fusion.history.store import HistoryStore
from fusion.schemas import AisStatic, Alert, AlertValidation, RuleSnooze, VesselNote, to_json
from tests.factories import T0 as T
from tests.factories import make_alert
from tests.integration.kafka.helpers import read_topic, seawatch, topic_env
from tests.unit.history.test_history_store import EVENTS

TOPIC_OF = {
    Alert: "ALERTS",
    AlertValidation: "ALERT_VALIDATIONS",
    RuleSnooze: "SNOOZES",
    VesselNote: "VESSEL_NOTES",
    AisStatic: "AIS_STATIC",
}


def _env() -> dict[str, str]:
    suffix = uuid.uuid4().hex[:10]
    env = topic_env(suffix)
    for constant in ("ALERT_VALIDATIONS", "SNOOZES", "VESSEL_NOTES"):
        env[f"SEAWATCH_TOPIC_{constant}"] = f"test.{constant.lower()}.{suffix}"
    return env


def _publish(bootstrap: str, env: dict[str, str], records: list, extra: list[tuple[str, bytes]] = ()) -> None:
    bus = KafkaBus([bootstrap], "test-producer")
    bus.ensure_topics({env[f"SEAWATCH_TOPIC_{c}"]: TopicSpec(1) for c in set(TOPIC_OF.values())})
    for record in records:
        bus.publish(env[f"SEAWATCH_TOPIC_{TOPIC_OF[type(record)]}"], "k", to_json(record), record.time)
    for topic, value in extra:
        bus.publish(topic, "bad", value, T)
    bus.flush()
    bus.close()


def _run(bootstrap: str, env: dict[str, str], db: str) -> None:
    seawatch("history", "--bus", f"kafka://{bootstrap}", "--db", db, "--exit-when-idle-s", "6", env=env)


@pytest.mark.parametrize("leg", ["sqlite", "postgresql"])
def test_history_is_rebuilt_from_the_topics_and_resumes(
    kafka_bootstrap: str, tmp_path: Path, leg: str, request: pytest.FixtureRequest
) -> None:
    env = _env()
    _publish(
        kafka_bootstrap, env, EVENTS, [(env["SEAWATCH_TOPIC_ALERT_VALIDATIONS"], b'{"verdict": "maybe"}')]
    )
    db = (
        f"sqlite:///{tmp_path / 'history.db'}" if leg == "sqlite" else request.getfixturevalue("postgres_url")
    )
    _run(kafka_bootstrap, env, db)
    reference = HistoryStore(f"sqlite:///{tmp_path / 'reference.db'}")
    reference.apply(EVENTS)
    store = HistoryStore(db)
    assert store.dump() == reference.dump()
    [dead] = read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_REJECTS"])
    assert b"not a valid AlertValidation record" in dead.value

    later = make_alert(EVENTS[0].kind, "T9", 463000009, T + 3600, alert_id="x1")
    _publish(kafka_bootstrap, env, [later])
    _run(kafka_bootstrap, env, db)  # resumes: only the new alert is read
    reference.apply([later])
    assert store.dump() == reference.dump()

    if leg == "sqlite":  # lost: a new file gets a new group, rebuilt from the topics' start
        store.close()
        (tmp_path / "history.db").unlink()
        _run(kafka_bootstrap, env, db)
        store = HistoryStore(db)
        assert store.dump() == reference.dump()
    store.close()
    reference.close()
