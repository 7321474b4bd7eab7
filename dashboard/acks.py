"""Acknowledgements: a watch officer's "seen, acting on it" for one alert, as a bus record.

An acknowledgement is an event on its own topic (``fusion.topics.ALERT_ACKS``), not a flag
kept in one dashboard's memory, so every open dashboard (and any agency subscribed to the
topic) sees who acknowledged what, and a replay shows it at the picture time it happened.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertAck:
    """One acknowledgement.

    Parameters
    ----------
    alert_id:
        The alert's stable id (``Alert.alert_id``).
    officer:
        Display name of the logged-in user who acknowledged it.
    username:
        Their login name, for the audit trail.
    time:
        Picture time (unix s, event time) the officer was looking at, never the wall clock,
        so a replay places the acknowledgement where it happened in the incident.
    """

    alert_id: str
    officer: str
    username: str
    time: float


def ack_to_json(ack: AlertAck) -> bytes:
    return json.dumps(asdict(ack), separators=(",", ":"), ensure_ascii=False).encode()


def ack_from_json(payload: bytes | str) -> AlertAck:
    return AlertAck(**json.loads(payload))
