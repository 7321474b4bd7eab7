"""The ``audit`` topic: every host's audit entries gathered on Kafka, and read back to check.

Each dashboard host keeps its chain in a local file (``fusion.audit_store``) and mirrors
every entry to the topic, keyed by chain id, on one partition kept forever. The topic is
then the deployment's single place to read every action from, and it is the file's
anchor: an entry cut from the end of a file is still on the topic (and the reverse), so
``seawatch audit verify LOG --bus kafka://...`` checks the file against the topic's head
of the same chain.
"""

from __future__ import annotations

import time as wall_clock
from collections import defaultdict

from fusion import topics
from fusion.audit import AuditEntry, AuditKey, parse_entry
from fusion.audit_verify import Anchor, Verification, verify_lines
from fusion.bus import Bus
from fusion.bus_kafka import KafkaBus, TopicSpec

AUDIT_TOPIC_SPEC = TopicSpec(partitions=1, retain_forever=True)
"""One partition: one order for the whole deployment's actions. Never aged out."""


def publish_entry(bus: Bus, entry: AuditEntry) -> None:
    """Mirror one stored entry; flushed at once (actions are rare, and each must arrive)."""
    bus.publish(topics.AUDIT, entry.chain, entry.to_line(), entry.time)
    bus.flush()


def read_chains(bus: KafkaBus, *, timeout_s: float = 30.0) -> dict[str, list[bytes]]:
    """Every chain's lines on the topic, in topic order, read from the start to the current end.

    Raises ``TimeoutError`` if the topic cannot be read to its end within ``timeout_s``.
    """
    ends = {p: end for p, end in bus.end_offsets(topics.AUDIT).items() if end > 0}
    chains: dict[str, list[bytes]] = defaultdict(list)
    deadline = wall_clock.monotonic() + timeout_s
    while ends:
        for envelope in bus.poll([topics.AUDIT], max_records=10_000, timeout_s=0.5):
            value = envelope.value
            chains[envelope.key].append(value if value.endswith(b"\n") else value + b"\n")
            if envelope.offset + 1 >= ends.get(envelope.partition, 0):
                ends.pop(envelope.partition, None)  # read up to the end it had when we started
        if ends and wall_clock.monotonic() > deadline:
            raise TimeoutError(f"the {topics.AUDIT} topic could not be read to its end in {timeout_s:g} s")
    return dict(chains)


def topic_anchor(lines: list[bytes]) -> Anchor | None:
    """The head of a chain as the topic holds it: the anchor a local file must still reach."""
    entries = []
    for line in lines:
        try:
            entries.append(parse_entry(line))
        except ValueError:
            continue  # the topic's own verification reports it; the anchor is the newest readable entry
    if not entries:
        return None
    head = max(entries, key=lambda e: e.seq)
    return Anchor(head.seq, head.hash)


def verify_topic(bus: KafkaBus, *, key: AuditKey | None = None) -> dict[str, Verification]:
    """Each chain on the topic checked on its own (chains interleave on the one partition)."""
    return {chain: verify_lines(lines, key=key) for chain, lines in sorted(read_chains(bus).items())}
