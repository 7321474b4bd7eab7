"""Write topics of a bus to JSON Lines files, exactly as the bus carries them.

The replay's ``--tracks-out`` and ``--alerts-out`` files are consumers of the bus like
any other, so what an analyst reads is what a subscriber would have received.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import IO

from fusion.bus import Bus


class JsonlSink:
    """Appends each record of the given topics as one line to that topic's file."""

    def __init__(self, bus: Bus, outputs: dict[str, Path]) -> None:
        self.bus = bus
        self.counts: Counter[str] = Counter()
        self._files: dict[str, IO[bytes]] = {}
        for topic, path in outputs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[topic] = path.open("wb")

    def drain(self) -> int:
        """Write everything the bus holds for our topics now; returns the records written."""
        written = 0
        while envelopes := self.bus.poll(self._files, max_records=10_000):
            for envelope in envelopes:
                self._files[envelope.topic].write(envelope.value + b"\n")
                self.counts[envelope.topic] += 1
            written += len(envelopes)
        self.bus.commit()
        return written

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self.bus.close()
