"""The example agency consumer's bookkeeping: repeats dropped, open incidents followed, lines readable."""

from __future__ import annotations

import importlib.util

from tests.conftest import REPO_ROOT

_spec = importlib.util.spec_from_file_location(
    "agency_consumer", REPO_ROOT / "examples" / "agency_consumer.py"
)
consumer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(consumer)


def _event(alert_id: str, state: str, time: float, kind: str = "dark_vessel", **fields) -> dict:
    return {"schema_version": 2, "alert_id": alert_id, "time": time, "kind": kind, "state": state, **fields}


def test_board_drops_repeats_and_follows_open_incidents() -> None:
    board = consumer.AlertBoard()
    assert board.add(_event("a", "raised", 1.0))
    assert not board.add(_event("a", "raised", 1.0))  # a restarted service re-emitted it
    assert board.add(_event("b", "raised", 2.0, kind="zone_exit"))  # a lone event, opens nothing
    assert set(board.open) == {"a"}
    assert board.add(_event("a", "cleared", 3.0))
    assert board.open == {} and len(board.seen) == 3


def test_lines_show_what_the_policy_sent_and_nothing_else() -> None:
    full = _event("a", "raised", 1_768_464_000.0, severity="high", mmsi=463000123, lat=24.6, lon=66.9)
    line = consumer.describe({**full, "responsible_agency": "coastguard"})
    assert line.startswith("2026-01-15 08:00:00Z raised")
    assert "MMSI 463000123 at 24.6000N 66.9000E (responsible: coastguard)" in line
    bare = consumer.describe(_event("a", "cleared", 1_768_464_000.0))  # identity and position withheld
    assert "cleared" in bare and "dark_vessel" in bare and "MMSI" not in bare and " at " not in bare
