"""Bad input records go to the dead-letter topic, with their reason and where they sat."""

from __future__ import annotations

from collections import Counter

from fusion import topics
from fusion.bus import Bus, Envelope
from fusion.schemas import R, Reject, RejectReason, from_json, to_json


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


def read_or_dead_letter(bus: Bus, envelope: Envelope, record_type: type[R], counts: Counter[str]) -> R | None:
    """The envelope's record, or None after dead-lettering it; counted ``in:``/``reject:`` per topic."""
    try:
        record = from_json(record_type, envelope.value)
    except (ValueError, TypeError) as err:
        counts[f"reject:{envelope.topic}"] += 1
        dead_letter(
            bus, envelope, RejectReason.MALFORMED_RECORD, f"not a valid {record_type.__name__} record: {err}"
        )
        return None
    counts[f"in:{envelope.topic}"] += 1
    return record
