"""The audit chain: entries written by several writers verify; every kind of tampering is named."""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import rfc8785

from fusion.audit import (
    ALG_HMAC,
    GENESIS_PREV,
    Action,
    AuditKey,
    AuditLog,
    AuditLogError,
    digest,
    load_key,
    parse_entry,
)
from fusion.audit_store import FileAuditStore, MemoryAuditStore
from fusion.audit_verify import Anchor, verify_file, verify_lines

T0 = 1768464000.0
KEY = AuditKey(b"k" * 32)


def _clock():
    times = iter(T0 + i for i in range(10_000))
    return lambda: next(times)


def _write_log(path: Path, count: int = 6, key: AuditKey | None = None) -> list[bytes]:
    log = AuditLog(FileAuditStore(path), source="test", key=key, clock=_clock())
    actions = [Action.LOGIN, Action.ACKNOWLEDGE, Action.EXPORT, Action.NOTE, Action.SNOOZE, Action.LOGOUT]
    for i in range(count):
        log.record(
            actions[i % len(actions)],
            actor="officer",
            subject=f"A{i}",
            picture_time=T0 + i / 2,
            details={"i": i, "reason": "vessel near Manora ☸"},
        )
    return path.read_bytes().splitlines(keepends=True)


def _rewrite(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(lines))


def _rehashed(line: bytes, key: AuditKey | None = None, **changes) -> bytes:
    """An entry changed and re-hashed: what someone who knows the format (but no key) can forge."""
    entry = replace(parse_entry(line), **changes)
    return replace(entry, hash=digest(entry.body(), key)).to_line()


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.jsonl"


def test_entries_are_canonical_json_linked_by_hash(log_path):
    lines = _write_log(log_path)
    entries = [parse_entry(line) for line in lines]
    assert [e.seq for e in entries] == list(range(6))
    assert entries[0].prev == GENESIS_PREV
    for before, after in itertools.pairwise(entries):
        assert after.prev == before.hash and after.chain == before.chain
    for line, entry in zip(lines, entries, strict=True):
        assert line == rfc8785.dumps(json.loads(line)) + b"\n"  # stored canonical: any JCS tool re-derives it
        assert entry.hash == hashlib.sha256(rfc8785.dumps(entry.body())).hexdigest()
    result = verify_file(log_path)
    assert result.ok and result.entries == 6 and result.head == Anchor(5, entries[-1].hash)


def test_an_edited_entry_is_named_by_line_and_seq(log_path):
    lines = _write_log(log_path)
    lines[2] = lines[2].replace(b'"subject":"A2"', b'"subject":"A9"')
    _rewrite(log_path, lines)
    problem = verify_file(log_path).problem
    assert (problem.kind, problem.line, problem.seq) == ("edited", 3, 2)


def test_an_edited_and_rehashed_entry_breaks_the_next_link(log_path):
    lines = _write_log(log_path)
    lines[2] = _rehashed(lines[2], actor="someone_else")
    _rewrite(log_path, lines)
    result = verify_file(log_path)
    assert (result.problem.line, result.problem.seq) == (4, 3)
    assert "line before" in result.problem.message and result.entries == 3


def test_a_deleted_entry_is_named(log_path):
    lines = _write_log(log_path)
    del lines[3]
    _rewrite(log_path, lines)
    problem = verify_file(log_path).problem
    assert (problem.kind, problem.line, problem.seq) == ("deleted", 4, 4)
    assert "seq 3 missing" in problem.message


def test_deleting_the_first_entry_is_detected(log_path):
    lines = _write_log(log_path)
    _rewrite(log_path, lines[1:])
    problem = verify_file(log_path).problem
    assert (problem.kind, problem.line) == ("deleted", 1)


def test_an_inserted_entry_is_detected_whether_forged_well_or_not(log_path):
    lines = _write_log(log_path)
    naive = [*lines[:3], lines[2].replace(b'"subject":"A2"', b'"subject":"A7"'), *lines[3:]]
    _rewrite(log_path, naive)
    assert (verify_file(log_path).problem.kind, verify_file(log_path).problem.line) == ("edited", 4)

    # a well-forged insert: right seq, right prev, hash recomputed; the genuine entry after it
    # then repeats its seq
    forged = _rehashed(lines[2], seq=3, prev=parse_entry(lines[2]).hash, subject="A7")
    _rewrite(log_path, [*lines[:3], forged, *lines[3:]])
    problem = verify_file(log_path).problem
    assert (problem.kind, problem.line, problem.seq) == ("inserted", 5, 3)


def test_an_entry_from_another_chain_is_an_insertion(tmp_path, log_path):
    lines = _write_log(log_path)
    other = _write_log(tmp_path / "other.jsonl")
    _rewrite(log_path, lines[:2] + other[2:3] + lines[2:])
    problem = verify_file(log_path).problem
    assert (problem.kind, problem.line) == ("inserted", 3) and "chain" in problem.message


def test_a_cut_end_needs_an_anchor_and_a_cut_line_does_not(log_path):
    lines = _write_log(log_path)
    head = verify_file(log_path).head
    _rewrite(log_path, lines[:4])
    assert verify_file(log_path).ok  # a prefix of a chain is a valid chain: undetectable alone
    problem = verify_file(log_path, anchors=[head]).problem
    assert (problem.kind, problem.line, problem.seq) == ("truncated", 4, 3)
    assert "anchor 5" in problem.message

    _rewrite(log_path, [*lines[:3], lines[3][:40]])
    problem = verify_file(log_path).problem
    assert (problem.kind, problem.line) == ("truncated", 4)


def test_a_rewritten_chain_passes_alone_but_not_against_an_anchor(log_path):
    lines = _write_log(log_path)
    anchor = Anchor(2, parse_entry(lines[2]).hash)
    forged: list[bytes] = []
    for line in lines:
        prev = parse_entry(forged[-1]).hash if forged else GENESIS_PREV
        forged.append(_rehashed(line, prev=prev, actor="nobody"))
    _rewrite(log_path, forged)
    assert verify_file(log_path).ok
    problem = verify_file(log_path, anchors=[anchor]).problem
    assert problem.kind == "edited" and "anchor" in problem.message


def test_a_keyed_chain_cannot_be_rewritten_without_the_key(log_path):
    lines = _write_log(log_path, key=KEY)
    assert parse_entry(lines[0]).alg == ALG_HMAC and parse_entry(lines[0]).key_id == KEY.key_id
    assert verify_file(log_path, key=KEY).ok
    assert verify_file(log_path).problem.kind == "needs_key"
    assert verify_file(log_path, key=AuditKey(b"x" * 32)).problem.kind == "wrong_key"

    lines[1] = _rehashed(lines[1], key=None, alg="sha256", key_id=None)  # downgrade to plain SHA-256
    _rewrite(log_path, lines)
    assert verify_file(log_path, key=KEY).problem.line == 2

    lines = _write_log(log_path.with_suffix(".2"), key=KEY)
    lines[1] = _rehashed(lines[1], key=KEY, actor="x")  # with the key a rewrite is possible: keep it secret
    assert verify_lines(lines, key=KEY).problem.line == 3


def test_key_file_needs_32_bytes(tmp_path):
    short = tmp_path / "short.key"
    short.write_text("secret")
    with pytest.raises(AuditLogError, match="at least 32 bytes"):
        load_key(short)
    good = tmp_path / "good.key"
    good.write_text("ab" * 32 + "\n")
    assert load_key(good).secret == b"ab" * 32


def _append_from_process(path: str, writer: int, count: int) -> None:
    log = AuditLog(FileAuditStore(Path(path)), source=f"process-{writer}")
    for i in range(count):
        log.record(Action.ACKNOWLEDGE, actor=f"officer{writer}", subject=f"A{writer}-{i}")


def test_processes_and_threads_sharing_a_file_keep_one_chain(log_path):
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_append_from_process, args=(str(log_path), w, 25)) for w in range(3)]
    threads = [
        threading.Thread(target=_append_from_process, args=(str(log_path), 10 + w, 25)) for w in range(3)
    ]
    for worker in processes + threads:
        worker.start()
    for worker in processes + threads:
        worker.join(timeout=60)
    assert all(p.exitcode == 0 for p in processes)
    result = verify_file(log_path)
    assert result.ok, result.problem
    assert result.entries == 150 and len(result.sources) == 6


def test_a_file_with_a_cut_last_line_takes_no_more_entries(log_path):
    lines = _write_log(log_path, count=2)
    _rewrite(log_path, [*lines, lines[1][:30]])
    log = AuditLog(FileAuditStore(log_path), source="test")
    with pytest.raises(AuditLogError, match="last line is incomplete"):
        log.record(Action.LOGIN, actor="officer")
    assert log_path.read_bytes().endswith(lines[1][:30])  # nothing appended after the evidence


def test_a_failing_mirror_never_loses_the_stored_entry():
    store = MemoryAuditStore()

    def broken(_entry):
        raise ConnectionError("broker away")

    log = AuditLog(store, source="test", mirror=broken)
    entry = log.record(Action.EXPORT, actor="analyst")
    assert store.entries() == [entry] and log.mirror_failures == 1
    assert verify_lines(store.lines()).ok


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"not json\n", "not JSON"),
        (b"[1]\n", "not a JSON object"),
        (b'{"chain":"c"}\n', "'seq' missing"),
        (b'{"chain":"c","bogus":1}\n', "unknown fields"),
    ],
)
def test_unreadable_lines_are_named(line, reason):
    problem = verify_lines([line]).problem
    assert problem.kind == "unreadable" and reason in problem.message and problem.line == 1


def test_anchor_text_is_checked():
    assert Anchor.parse(f"7:{'A' * 64}") == Anchor(7, "a" * 64)
    for text in ("7", "x:" + "a" * 64, "7:abc"):
        with pytest.raises(ValueError, match="SEQ:HASH"):
            Anchor.parse(text)
