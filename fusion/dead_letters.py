"""Publish a bad input record to the dead-letter topic, with its reason and where it sat."""

from __future__ import annotations

from fusion import topics
from fusion.bus import Bus, Envelope
from fusion.schemas import Reject, RejectReason, to_json


def dead_letter(bus: Bus, envelope: Envelope, reason: RejectReason, detail: str) -> None:
    """``Reject`` keyed ``topic[partition]@offset``: an operator can find and re-read the original."""
    reject = Reject(
        time=envelope.time,
        source=f"{envelope.topic}[{envelope.partition}]@{envelope.offset}",
        line_no=None,
        reason=reason,
        detail=detail,
        raw=envelope.value.decode("utf-8", errors="replace"),
    )
    bus.publish(topics.REJECTS, reject.source, to_json(reject), envelope.time)
