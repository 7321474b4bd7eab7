"""Tamper-evident audit log of operator actions: a hash chain of canonical JSON entries.

Every action a person takes on the common picture (log in, acknowledge, validate, reject,
snooze, note, export...) is appended as one entry. Each entry carries the hash of the one
before it (``prev``) and its own ``hash`` over its canonical JSON, so editing, inserting or
deleting an entry breaks the chain at that point (``fusion.audit_verify`` finds where).

Canonical JSON is RFC 8785 (JSON Canonicalization Scheme, the ``rfc8785`` package by
Trail of Bits) rather than ``json.dumps(sort_keys=True)``: it is a published standard with
implementations in Java, Go and JavaScript, so another agency can check our hashes with
its own tools, and it fixes number and string formatting that ``json.dumps`` leaves open.

``hash`` is SHA-256 of the canonical entry without ``hash``; with a deployment key it is
HMAC-SHA256 instead (``alg`` says which, ``key_id`` names the key). Without a key anyone
who can write the file can rewrite the whole chain consistently; only an anchor (a head
hash kept elsewhere: the Kafka ``audit`` topic, a shift log) exposes that. With a key,
rewriting needs the key too, but so does verifying: docs/audit.md weighs the two.

Time here is the wall clock on purpose: an audit entry records when a person acted.
``picture_time`` (event time, unix seconds) records which picture they were looking at.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import socket
import time as wall_clock
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import rfc8785

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
GENESIS_PREV = "0" * 64
"""``prev`` of the first entry of a chain."""
ALG_SHA256 = "sha256"
ALG_HMAC = "hmac-sha256"
KEY_ENV = "SEAWATCH_AUDIT_KEY_FILE"
"""Environment variable naming the key file, for services started without a flag."""


class Action(StrEnum):
    """What an operator did. New features add a member and call ``AuditLog.record``."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    ACKNOWLEDGE = "acknowledge"
    VALIDATE = "validate"
    REJECT = "reject"
    SNOOZE = "snooze"
    NOTE = "note"
    EXPORT = "export"


class AuditLogError(Exception):
    """The audit log cannot be written or read; the message names the file and the fix."""


@dataclass(frozen=True, slots=True)
class AuditKey:
    """A deployment's secret for HMAC entries; ``key_id`` identifies it without revealing it."""

    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"seawatch-audit-key-id:" + self.secret).hexdigest()[:16]


def load_key(path: Path) -> AuditKey:
    """Read a key file (at least 32 bytes of secret; surrounding whitespace ignored)."""
    try:
        secret = path.read_bytes().strip()
    except OSError as error:
        raise AuditLogError(f"{path}: cannot read the audit key ({error.strerror})") from None
    if len(secret) < 32:
        raise AuditLogError(
            f"{path}: an audit key needs at least 32 bytes; make one with "
            f"`python -c 'import secrets; print(secrets.token_hex(32))' > {path}`"
        )
    return AuditKey(secret)


def key_from_env() -> AuditKey | None:
    path = os.environ.get(KEY_ENV)
    return load_key(Path(path)) if path else None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One action. ``seq`` counts from 0 in its ``chain``; ``prev`` and ``hash`` link the chain."""

    chain: str
    seq: int
    time: float
    """Wall clock when the action was taken, unix seconds."""
    action: str
    actor: str | None
    """Login name of the person, None when unknown (a failed login names the attempt in details)."""
    source: str
    """Which process wrote it (``dashboard@host:pid``): several processes may share one chain."""
    prev: str
    hash: str
    alg: str = ALG_SHA256
    key_id: str | None = None
    agency: str | None = None
    subject: str | None = None
    """What the action was about: an alert id, a track id, an export's file name."""
    picture_time: float | None = None
    """Event time of the picture the person was looking at, unix seconds."""
    details: dict[str, Any] = field(default_factory=dict)
    v: int = FORMAT_VERSION

    def body(self) -> dict[str, Any]:
        """The hashed content: every field but ``hash``."""
        out = asdict(self)
        del out["hash"]
        return out

    def to_line(self) -> bytes:
        """The entry as stored: canonical JSON and a newline."""
        return rfc8785.dumps(asdict(self)) + b"\n"


_REQUIRED = {
    "chain": str,
    "seq": int,
    "time": (int, float),
    "action": str,
    "source": str,
    "prev": str,
    "hash": str,
}


def parse_entry(line: bytes) -> AuditEntry:
    """An entry from its stored line; ``ValueError`` says what is wrong with it."""
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    unknown = set(data) - set(AuditEntry.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    for name, kind in _REQUIRED.items():
        if not isinstance(data.get(name), kind) or isinstance(data.get(name), bool):
            raise ValueError(f"field {name!r} missing or not a {getattr(kind, '__name__', 'number')}")
    if not isinstance(data.get("details", {}), dict):
        raise ValueError("field 'details' is not an object")
    return AuditEntry(**data)


def digest(body: Mapping[str, Any], key: AuditKey | None) -> str:
    """Hex SHA-256 (no key) or HMAC-SHA256 (key) of the canonical JSON of ``body``."""
    canonical = rfc8785.dumps(dict(body))
    if key is None:
        return hashlib.sha256(canonical).hexdigest()
    return hmac.new(key.secret, canonical, hashlib.sha256).hexdigest()


class AuditStore(Protocol):
    """Where entries are kept; ``append`` is atomic against every other writer of the store."""

    def append(self, make: Callable[[AuditEntry | None], AuditEntry]) -> AuditEntry:
        """Call ``make`` with the current last entry (None if empty) and store what it returns."""
        ...

    def entries(self) -> list[AuditEntry]: ...


def default_source(kind: str) -> str:
    return f"{kind}@{socket.gethostname()}:{os.getpid()}"


class AuditLog:
    """Appends operator actions to a store, chained and hashed; the one call later features use.

    Parameters
    ----------
    store:
        ``FileAuditStore`` for a deployment (``fusion.audit_store``), ``MemoryAuditStore`` in tests.
    source:
        Names the writing process in every entry.
    key:
        With a key, entries are HMAC-SHA256; without, SHA-256.
    mirror:
        Called with every stored entry (the dashboard publishes it to the ``audit`` topic). A
        failing mirror is logged and counted in ``mirror_failures``: the store is the record.
    clock:
        Wall clock (unix seconds); tests pass a fixed one.
    """

    def __init__(
        self,
        store: AuditStore,
        *,
        source: str,
        key: AuditKey | None = None,
        mirror: Callable[[AuditEntry], None] | None = None,
        clock: Callable[[], float] = wall_clock.time,
    ) -> None:
        self.store = store
        self.source = source
        self.key = key
        self.mirror = mirror
        self.clock = clock
        self.mirror_failures = 0

    def record(
        self,
        action: Action | str,
        *,
        actor: str | None,
        subject: str | None = None,
        agency: str | None = None,
        picture_time: float | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Append one action; raises ``AuditLogError`` if it could not be stored.

        Callers take the action only after this returns: an action that cannot be accounted
        for is refused rather than taken silently.
        """

        def make(last: AuditEntry | None) -> AuditEntry:
            unsigned = AuditEntry(
                chain=last.chain if last else uuid.uuid4().hex,
                seq=last.seq + 1 if last else 0,
                time=self.clock(),
                action=str(action),
                actor=actor,
                source=self.source,
                prev=last.hash if last else GENESIS_PREV,
                hash="",
                alg=ALG_HMAC if self.key else ALG_SHA256,
                key_id=self.key.key_id if self.key else None,
                agency=agency,
                subject=subject,
                picture_time=picture_time,
                details=dict(details or {}),
            )
            return replace(unsigned, hash=digest(unsigned.body(), self.key))

        entry = self.store.append(make)
        if self.mirror is not None:
            try:
                self.mirror(entry)
            except Exception as error:
                self.mirror_failures += 1
                log.error("audit: entry %s/%d stored but not mirrored: %s", entry.chain, entry.seq, error)
        return entry
