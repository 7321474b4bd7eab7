"""``seawatch audit verify``: exit 0 on a sound log, 1 naming the first bad line, 2 for usage errors."""

from __future__ import annotations

import json

from fusion.audit import Action, AuditKey, AuditLog
from fusion.audit_store import FileAuditStore
from fusion.cli import main


def _log(path, count=4, key=None):
    log = AuditLog(FileAuditStore(path), source="test", key=key)
    for i in range(count):
        log.record(Action.ACKNOWLEDGE, actor="officer", subject=f"A{i}")
    return path.read_bytes().splitlines(keepends=True)


def test_a_sound_log_prints_its_head_to_note_as_an_anchor(tmp_path, capsys):
    path = tmp_path / "audit.jsonl"
    _log(path)
    assert main(["audit", "verify", str(path)]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["ok"] and report["entries"] == 4 and report["head"].startswith("3:")
    assert f"--anchor {report['head']}" in err

    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:2]))
    assert main(["audit", "verify", str(path), "--anchor", report["head"]]) == 1
    assert "TRUNCATED at line 2" in capsys.readouterr().err


def test_a_tampered_log_names_the_first_bad_line(tmp_path, capsys):
    path = tmp_path / "audit.jsonl"
    lines = _log(path)
    path.write_bytes(b"".join(lines[:1] + lines[2:]))
    assert main(["audit", "verify", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "DELETED at line 2 (seq 2): seq 1 missing" in err
    assert json.loads(out)["problem"]["line"] == 2


def test_keyed_log_needs_its_key_file(tmp_path, capsys):
    key_file = tmp_path / "audit.key"
    key_file.write_bytes(b"s" * 40)
    path = tmp_path / "audit.jsonl"
    _log(path, key=AuditKey(b"s" * 40))
    assert main(["audit", "verify", str(path)]) == 2
    assert "--key-file" in capsys.readouterr().err
    assert main(["audit", "verify", str(path), "--key-file", str(key_file)]) == 0


def test_usage_errors_are_one_line(tmp_path, capsys):
    path = tmp_path / "audit.jsonl"
    _log(path)
    assert main(["audit", "verify", str(path), "--anchor", "nonsense"]) == 2
    assert main(["audit", "verify", str(tmp_path / "missing.jsonl")]) == 2
    assert main(["audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert "SEQ:HASH" in err and "missing.jsonl" in err and "Traceback" not in err
