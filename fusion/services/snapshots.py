"""Crash-recovery snapshots of the fuse service's state, on disk.

One file per (consumer group, partition index): the pickled state of every area's fusion
stage (tracker, rules, event-time buffer, scan batcher) plus the input offsets it covers.
Written atomically (temporary file, fsync, rename), so a ``kill -9`` mid-write leaves the
previous snapshot intact. Pickle is used because the state is the stage's own objects;
the folder must therefore be writable only by the service account (it is executable data).
For several machines, put ``--state-dir`` on storage they share.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FORMAT_VERSION = 3
"""Bumped whenever a pickled object's layout changes (3: the event-time buffer holds a sorted list)."""


@dataclass
class Snapshot:
    """What one partition's fuse state covers: inputs before ``offsets`` are all inside ``areas``."""

    offsets: dict[str, int]
    areas: dict[str, dict[str, object]]
    next_snapshot_time: float
    format_version: int = field(default=FORMAT_VERSION)


class SnapshotStore:
    """Snapshots under ``root/<group>/p<partition>.pickle``."""

    def __init__(self, root: Path, group_id: str) -> None:
        self.folder = root / group_id
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, partition: int) -> Path:
        return self.folder / f"p{partition}.pickle"

    def load(self, partition: int) -> Snapshot | None:
        path = self.path(partition)
        if not path.is_file():
            return None
        snapshot = pickle.loads(path.read_bytes())
        if not isinstance(snapshot, Snapshot) or snapshot.format_version != FORMAT_VERSION:
            raise ValueError(f"{path}: not a snapshot of this seawatch version; move it away to start afresh")
        return snapshot

    def save(self, partition: int, snapshot: Snapshot) -> None:
        payload = pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".p", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path(partition))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
