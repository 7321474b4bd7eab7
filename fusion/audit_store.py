"""Where the audit chain is kept: an append-only JSON Lines file, or memory for tests.

A deployment runs several dashboard processes. Those on one host share one file: each
append takes an exclusive ``flock`` on it, reads the last entry, and writes the next one
with ``fsync`` before releasing the lock, so the chain stays a single line of entries
however many processes and threads write. Hosts each keep their own file (their own
chain, named by its ``chain`` id); the Kafka ``audit`` topic gathers every host's entries
(docs/audit.md). ``flock`` is POSIX: seawatch deploys on Linux.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from fusion.audit import AuditEntry, AuditLog, AuditLogError, key_from_env, load_key, parse_entry

_TAIL_BLOCK = 8192


class MemoryAuditStore:
    """Entries in a list: for tests and for a dashboard built without an audit file."""

    def __init__(self) -> None:
        self._entries: list[AuditEntry] = []
        self._lock = threading.Lock()

    def append(self, make: Callable[[AuditEntry | None], AuditEntry]) -> AuditEntry:
        with self._lock:
            entry = make(self._entries[-1] if self._entries else None)
            self._entries.append(entry)
            return entry

    def entries(self) -> list[AuditEntry]:
        with self._lock:
            return list(self._entries)

    def lines(self) -> list[bytes]:
        return [entry.to_line() for entry in self.entries()]


class FileAuditStore:
    """An append-only JSON Lines file, one canonical entry per line, shared through ``flock``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(exist_ok=True)
        except OSError as error:
            raise AuditLogError(f"{path}: cannot create the audit log ({error.strerror})") from None

    def append(self, make: Callable[[AuditEntry | None], AuditEntry]) -> AuditEntry:
        try:
            with self._lock, self.path.open("a+b") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    entry = make(self._last_entry(handle))
                    handle.write(entry.to_line())
                    handle.flush()
                    os.fsync(handle.fileno())
                    return entry
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        except OSError as error:
            raise AuditLogError(f"{self.path}: cannot append to the audit log ({error.strerror})") from None

    def entries(self) -> list[AuditEntry]:
        with self.path.open("rb") as handle:
            return [parse_entry(line) for line in handle if line.strip()]

    def _last_entry(self, handle: BinaryIO) -> AuditEntry | None:
        """The last complete entry, read backwards from the end (entries are a few hundred bytes)."""
        end = handle.seek(0, os.SEEK_END)
        if end == 0:
            return None
        handle.seek(end - 1)
        if handle.read(1) != b"\n":
            raise AuditLogError(
                f"{self.path}: the last line is incomplete (a write was cut short or the file was "
                "edited); nothing more is appended to it. Keep it as evidence, run `seawatch audit "
                "verify` on it, and move it aside so a new log starts"
            )
        tail = b""
        position = end
        while position > 0 and tail.count(b"\n") < 2:
            step = min(_TAIL_BLOCK, position)
            position -= step
            handle.seek(position)
            tail = handle.read(step) + tail
        last = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        try:
            return parse_entry(last)
        except ValueError as error:
            raise AuditLogError(
                f"{self.path}: the last entry cannot be read ({error}); run `seawatch audit verify` on it"
            ) from None


def memory_audit_log(source: str = "memory") -> AuditLog:
    """An audit log kept in memory: tests, and apps built without a file (nothing survives them)."""
    return AuditLog(MemoryAuditStore(), source=source)


def open_audit_log(
    path: Path,
    *,
    source: str,
    key_file: Path | None = None,
    mirror: Callable[[AuditEntry], None] | None = None,
) -> AuditLog:
    """A deployment's audit log: the file at ``path``, keyed if a key file is given (or named
    by ``SEAWATCH_AUDIT_KEY_FILE``), mirrored by ``mirror`` (the ``audit`` topic)."""
    key = load_key(key_file) if key_file is not None else key_from_env()
    return AuditLog(FileAuditStore(path), source=source, key=key, mirror=mirror)
