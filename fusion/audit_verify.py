"""Check an audit chain and name the first entry that breaks it, with its line number.

What a chain alone proves, and what it cannot (docs/audit.md):

- an **edited** entry no longer matches its own hash;
- a **deleted** entry leaves a gap in ``seq`` and a ``prev`` that points at nothing;
- an **inserted** entry either fails its own hash, or (if its author recomputed it) makes
  the next genuine entry repeat a ``seq`` and point at the wrong ``prev``;
- a **truncated** end (the last entries removed) leaves a shorter chain that is still
  valid, and so does a whole chain rewritten by someone without a key. Only an *anchor*,
  a (seq, hash) of the head noted elsewhere earlier, exposes those: the chain must still
  hold that entry with that hash. A cut last line (no newline) is caught without one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fusion.audit import ALG_HMAC, ALG_SHA256, GENESIS_PREV, AuditEntry, AuditKey, digest, parse_entry


@dataclass(frozen=True, slots=True)
class Anchor:
    """A head seen earlier: entry ``seq`` had hash ``hash``. Written ``SEQ:HASH``."""

    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        seq, colon, value = text.partition(":")
        if not colon or not seq.isdigit() or len(value) != 64:
            raise ValueError(f"anchor {text!r} is not SEQ:HASH (a number, a colon, 64 hex digits)")
        return cls(int(seq), value.lower())

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


@dataclass(frozen=True, slots=True)
class Problem:
    """The first thing wrong: where (1-based line, the entry's seq if readable) and what."""

    line: int
    seq: int | None
    kind: str
    """``edited``, ``deleted``, ``inserted``, ``truncated``, ``unreadable``, ``needs_key``, ``wrong_key``."""
    message: str


@dataclass
class Verification:
    """The outcome: ``problem`` None means every entry and every anchor checks out."""

    entries: int = 0
    chain: str | None = None
    head: Anchor | None = None
    alg: str | None = None
    problem: Problem | None = None
    sources: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_lines(
    lines: Iterable[bytes], *, key: AuditKey | None = None, anchors: Sequence[Anchor] = ()
) -> Verification:
    """Walk the chain once; stop at the first problem (everything after it is suspect anyway)."""
    result = Verification()
    seen: dict[int, str] = {}
    last: AuditEntry | None = None
    last_line = 0
    for number, line in enumerate(lines, start=1):
        last_line = number
        problem = _check_line(number, line, last, key, result)
        if problem is not None:
            result.problem = problem
            return result
        last = parse_entry(line)
        seen[last.seq] = last.hash
        result.entries += 1
        result.head = Anchor(last.seq, last.hash)
        result.sources.add(last.source)
    result.problem = _check_anchors(anchors, seen, result.head, last_line)
    return result


def verify_file(path: Path, *, key: AuditKey | None = None, anchors: Sequence[Anchor] = ()) -> Verification:
    with path.open("rb") as handle:
        return verify_lines(handle, key=key, anchors=anchors)


def _check_line(
    number: int, line: bytes, last: AuditEntry | None, key: AuditKey | None, result: Verification
) -> Problem | None:
    if not line.endswith(b"\n"):
        return Problem(number, None, "truncated", "the last line is incomplete: the file was cut here")
    try:
        entry = parse_entry(line)
    except ValueError as error:
        return Problem(number, None, "unreadable", f"not an audit entry: {error}")
    where = f"seq {entry.seq}"
    if result.chain is None:
        result.chain, result.alg = entry.chain, entry.alg
    elif entry.chain != result.chain:
        return Problem(
            number, entry.seq, "inserted", f"{where} belongs to chain {entry.chain}, not {result.chain}"
        )
    key_problem = _check_alg(number, entry, key)
    if key_problem is not None:
        return key_problem
    if digest(entry.body(), key if entry.alg == ALG_HMAC else None) != entry.hash:
        return Problem(number, entry.seq, "edited", f"{where}: content does not match its hash (edited)")
    expected = last.seq + 1 if last else 0
    if entry.seq > expected:
        missing = f"seq {expected}" if entry.seq == expected + 1 else f"seq {expected}..{entry.seq - 1}"
        return Problem(number, entry.seq, "deleted", f"{missing} missing before it (deleted)")
    if entry.seq < expected:
        return Problem(
            number,
            entry.seq,
            "inserted",
            f"seq {expected} was due: an entry was inserted before this line",
        )
    if entry.prev != (last.hash if last else GENESIS_PREV):
        return Problem(
            number,
            entry.seq,
            "inserted",
            "prev is not the hash of the line before: that line was replaced or inserted",
        )
    return None


def _check_alg(number: int, entry: AuditEntry, key: AuditKey | None) -> Problem | None:
    if entry.alg == ALG_HMAC:
        if key is None:
            return Problem(
                number, entry.seq, "needs_key", "HMAC entries: give the deployment's key (--key-file)"
            )
        if entry.key_id != key.key_id:
            return Problem(
                number,
                entry.seq,
                "wrong_key",
                f"seq {entry.seq} was written with key {entry.key_id}, not the given {key.key_id}",
            )
        return None
    if entry.alg != ALG_SHA256:
        return Problem(number, entry.seq, "unreadable", f"unknown alg {entry.alg!r}")
    if key is not None:
        return Problem(
            number,
            entry.seq,
            "edited",
            f"seq {entry.seq} is unkeyed SHA-256 in a keyed log: rewritten without the key",
        )
    return None


def _check_anchors(
    anchors: Sequence[Anchor], seen: dict[int, str], head: Anchor | None, last_line: int
) -> Problem | None:
    for anchor in sorted(anchors, key=lambda a: a.seq):
        if anchor.seq not in seen:
            ends = f"the chain ends at seq {head.seq} (line {last_line})" if head else "the log is empty"
            return Problem(
                last_line,
                head.seq if head else None,
                "truncated",
                f"{ends}, but anchor {anchor.seq} was recorded: entries after it were removed",
            )
        if seen[anchor.seq] != anchor.hash:
            return Problem(
                anchor.seq + 1,
                anchor.seq,
                "edited",
                f"seq {anchor.seq} differs from its anchor: the chain was rewritten",
            )
    return None


def summary(path: Path, result: Verification) -> str:
    """One line for the person who ran ``seawatch audit verify``."""
    if result.problem is not None:
        p = result.problem
        where = f"line {p.line}" + (f" (seq {p.seq})" if p.seq is not None else "")
        checked = f"{result.entries} entries before it verified"
        return f"{path}: {p.kind.upper()} at {where}: {p.message}; {checked}"
    if result.head is None:
        return f"{path}: empty audit log"
    return (
        f"{path}: {result.entries} entries verified ({result.alg}, chain {result.chain}); head "
        f"{result.head}. Note it (--anchor {result.head}) to detect a later cut of the end"
    )


def to_report(result: Verification) -> dict[str, object]:
    """The JSON form of a verification, for scripts."""
    problem = result.problem
    return {
        "ok": result.ok,
        "entries": result.entries,
        "chain": result.chain,
        "alg": result.alg,
        "head": str(result.head) if result.head else None,
        "sources": sorted(result.sources),
        "problem": None
        if problem is None
        else {"line": problem.line, "seq": problem.seq, "kind": problem.kind, "message": problem.message},
    }
