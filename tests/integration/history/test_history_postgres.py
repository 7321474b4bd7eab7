"""The vessel history on a real PostgreSQL server: the same statements and answers as SQLite."""

from __future__ import annotations

from pathlib import Path

from fusion.history.store import HistoryStore
from tests.unit.history.test_history_store import EVENTS, check_rule_stats, check_vessel_history


def test_postgresql_gives_the_same_history_as_sqlite(postgres_url: str, tmp_path: Path) -> None:
    postgres = HistoryStore(postgres_url)
    sqlite = HistoryStore(f"sqlite:///{tmp_path / 'history.db'}")
    try:
        for store in (postgres, sqlite):
            store.apply(EVENTS)
        check_vessel_history(postgres)
        check_rule_stats(postgres)
        postgres.apply(EVENTS)  # idempotent there too
        assert postgres.dump() == sqlite.dump()
    finally:
        postgres.close()
        sqlite.close()
