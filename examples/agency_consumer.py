"""A small consumer an agency runs to receive its seawatch alerts from Kafka.

It subscribes to the agency's topic (``alerts.<agency>``: the alerts seawatch routed to it,
already cut to its sharing policy), checks every value against the published JSON Schema,
drops the repeats a restarted seawatch service may emit (same ``alert_id``, ``state`` and
``time``), keeps the list of open incidents, prints one line per event and appends each
event to a JSON Lines file. Offsets are committed after the line is written, so a restarted
consumer resumes where it stopped and loses nothing (at worst it sees an event twice, and
drops it as a repeat if its file is kept).

Needs only ``kafka-python`` and ``fastjsonschema`` (``pip install kafka-python fastjsonschema``),
not seawatch itself::

    python examples/agency_consumer.py --bootstrap 127.0.0.1:9092 --agency customs \\
        --schema docs/schemas/alerts.agency.schema.json --out customs-alerts.jsonl

See docs/agencies.md ("For an agency integrator").
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fastjsonschema
from kafka import KafkaConsumer


class AlertBoard:
    """Open incidents of one agency, from its alert events; repeats are recognised and dropped."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str, float]] = set()
        self.open: dict[str, dict[str, Any]] = {}

    def add(self, alert: dict[str, Any]) -> bool:
        """Take one event; False if it is a repeat of one already taken."""
        event = (alert["alert_id"], alert["state"], alert["time"])
        if event in self.seen:
            return False
        self.seen.add(event)
        if alert["state"] == "cleared" or alert["kind"] == "zone_exit":  # a zone exit opens nothing
            self.open.pop(alert["alert_id"], None)
        else:
            self.open[alert["alert_id"]] = alert
        return True


def describe(alert: dict[str, Any]) -> str:
    """One line for a watch log; fields the policy withholds are simply absent."""
    when = datetime.fromtimestamp(alert["time"], UTC).strftime("%Y-%m-%d %H:%M:%S")
    where = f" at {alert['lat']:.4f}N {alert['lon']:.4f}E" if "lat" in alert and "lon" in alert else ""
    vessel = f" MMSI {alert['mmsi']}" if alert.get("mmsi") is not None else ""
    role = f" (responsible: {alert['responsible_agency']})" if alert.get("responsible_agency") else ""
    return f"{when}Z {alert['state']:<7} {alert['kind']:<18} {alert.get('severity', '')}{vessel}{where}{role}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", required=True, help="Kafka HOST:PORT")
    parser.add_argument("--agency", required=True, help="agency id in seawatch's config/agencies.toml")
    parser.add_argument("--topic", help="default alerts.<agency> (seawatch's SEAWATCH_TOPIC_AGENCY_ALERTS)")
    parser.add_argument("--group", help="consumer group (default <agency>-alerts): offsets survive restarts")
    parser.add_argument("--schema", type=Path, required=True, help="docs/schemas/alerts.agency.schema.json")
    parser.add_argument("--out", type=Path, required=True, help="JSON Lines file the events are appended to")
    parser.add_argument("--idle-exit-s", type=float, help="stop after this long without a message")
    args = parser.parse_args(argv)

    validate = fastjsonschema.compile(json.loads(args.schema.read_text()))
    board = AlertBoard()
    if args.out.exists():  # what an earlier run took: a resent event is a repeat
        for line in args.out.read_text().splitlines():
            board.add(json.loads(line))
    consumer = KafkaConsumer(
        args.topic or f"alerts.{args.agency}",
        bootstrap_servers=args.bootstrap,
        group_id=args.group or f"{args.agency}-alerts",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=int(args.idle_exit_s * 1000) if args.idle_exit_s else float("inf"),
    )
    rejected = 0
    try:
        with args.out.open("a") as out:
            for message in consumer:
                try:
                    alert = json.loads(message.value)
                    validate(alert)
                except (ValueError, fastjsonschema.JsonSchemaException) as err:
                    rejected += 1  # counted and reported, never silently dropped
                    print(f"rejected offset {message.offset}: {err}", file=sys.stderr)
                    continue
                if board.add(alert):
                    out.write(json.dumps(alert, separators=(",", ":")) + "\n")
                    out.flush()
                    print(describe(alert), flush=True)
                consumer.commit()
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    print(f"{len(board.seen)} events, {len(board.open)} open incidents, {rejected} rejected", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
