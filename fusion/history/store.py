"""The vessel history database: alerts, officers' verdicts, snoozes, notes and identities seen.

One code path for SQLite (the default: embedded, one file) and PostgreSQL (deployments), through
SQLAlchemy Core: the same tables, the same statements, the dialect chosen by the URL. The Kafka
topics stay the record of events; every write here is an idempotent upsert keyed by the event's
own id, so feeding the same records twice, or rebuilding the database from the topics' start,
gives the same rows (``HistoryStore.dump`` compares two databases).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from fusion.schemas import AisStatic, Alert, AlertValidation, RuleSnooze, Verdict, VesselNote

METADATA = sa.MetaData()


def _vessel(track_required: bool = True) -> list[sa.Column]:
    """Who an event is about: the track, and the MMSI when the vessel has AIS."""
    return [
        sa.Column("track_id", sa.String, nullable=not track_required, index=True),
        sa.Column("mmsi", sa.BigInteger, index=True),
    ]


def _officer() -> list[sa.Column]:
    """Who acted: the name shown, the login and the agency."""
    return [
        sa.Column("officer", sa.String, nullable=False),
        sa.Column("username", sa.String),
        sa.Column("agency", sa.String),
    ]


META = sa.Table(
    "history_meta",
    METADATA,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)
ALERTS = sa.Table(
    "alerts",
    METADATA,
    sa.Column("alert_id", sa.String, primary_key=True),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("severity", sa.String, nullable=False),
    sa.Column("state", sa.String, nullable=False),
    sa.Column("raised_time", sa.Float, nullable=False),
    sa.Column("last_time", sa.Float, nullable=False),
    *_vessel(),
    sa.Column("zone_id", sa.String),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("message", sa.String, nullable=False),
    sa.Column("responsible_agency", sa.String),
)
VALIDATIONS = sa.Table(
    "validations",
    METADATA,
    sa.Column("alert_id", sa.String, primary_key=True),  # the latest verdict on an alert counts
    sa.Column("time", sa.Float, nullable=False),
    sa.Column("verdict", sa.String, nullable=False),
    sa.Column("reason", sa.String),
    sa.Column("kind", sa.String, nullable=False),
    *_vessel(),
    *_officer(),
    sa.Column("note", sa.String),
)
SNOOZES = sa.Table(
    "snoozes",
    METADATA,
    sa.Column("snooze_id", sa.String, primary_key=True),
    sa.Column("time", sa.Float, nullable=False),
    sa.Column("until_time", sa.Float, nullable=False),
    sa.Column("kind", sa.String, nullable=False),
    *_vessel(),
    *_officer(),
    sa.Column("reason", sa.String, nullable=False),
)
NOTES = sa.Table(
    "notes",
    METADATA,
    sa.Column("note_id", sa.String, primary_key=True),
    sa.Column("time", sa.Float, nullable=False),
    *_vessel(track_required=False),
    *_officer(),
    sa.Column("text", sa.String, nullable=False),
)
IDENTITIES = sa.Table(
    "identities",
    METADATA,
    sa.Column("identity_key", sa.String, primary_key=True),  # mmsi|name|call sign|imo
    sa.Column("mmsi", sa.BigInteger, nullable=False, index=True),
    sa.Column("name", sa.String),
    sa.Column("call_sign", sa.String),
    sa.Column("imo", sa.BigInteger),
    sa.Column("flag_state", sa.String),
    sa.Column("first_time", sa.Float, nullable=False),
    sa.Column("last_time", sa.Float, nullable=False),
)
TRACK_MMSIS = sa.Table(
    "track_mmsis",
    METADATA,
    sa.Column("track_id", sa.String, primary_key=True),
    sa.Column("mmsi", sa.BigInteger, primary_key=True),
    sa.Column("first_time", sa.Float, nullable=False),
    sa.Column("last_time", sa.Float, nullable=False),
)


def engine_url(url: str) -> str:
    """``postgresql://`` URLs use psycopg 3 (the maintained driver); others pass through."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@dataclass(frozen=True, slots=True)
class RuleStats:
    """An alert kind's record with the officers: how many were raised and judged, and how."""

    kind: str
    raised: int
    confirmed: int
    rejected: int
    rejections_by_reason: Mapping[str, int]

    @property
    def false_alarm_rate(self) -> float | None:
        judged = self.confirmed + self.rejected
        return self.rejected / judged if judged else None


class HistoryStore:
    """The history tables in one database (``sqlite:///file.db`` or ``postgresql://...``)."""

    def __init__(self, url: str) -> None:
        dialect = sa.engine.make_url(engine_url(url)).get_backend_name()
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"history database {url!r}: use sqlite:///FILE or postgresql://...")
        self.engine = sa.create_engine(engine_url(url))
        self._insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        self._least = sa.func.min if dialect == "sqlite" else sa.func.least
        self._greatest = sa.func.max if dialect == "sqlite" else sa.func.greatest
        METADATA.create_all(self.engine)

    def meta(self, key: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(sa.select(META.c.value).where(META.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as connection:
            self._upsert(connection, META, {"key": key, "value": value}, ["key"], ["value"])

    def apply(self, records: Iterable[Alert | AlertValidation | RuleSnooze | VesselNote | AisStatic]) -> None:
        """Write a batch of records in one transaction (all or nothing)."""
        with self.engine.begin() as connection:
            for record in records:
                self._apply_one(connection, record)

    def _apply_one(self, connection: sa.Connection, record: Any) -> None:
        if isinstance(record, Alert):
            self._alert(connection, record)
        elif isinstance(record, AlertValidation):
            row = _row(record, VALIDATIONS)
            self._upsert_if_newer(connection, VALIDATIONS, row, "alert_id")
        elif isinstance(record, RuleSnooze):
            self._upsert_if_newer(connection, SNOOZES, _row(record, SNOOZES), "snooze_id")
        elif isinstance(record, VesselNote):
            self._upsert_if_newer(connection, NOTES, _row(record, NOTES), "note_id")
        elif isinstance(record, AisStatic):
            self._identity(connection, record)

    def _alert(self, connection: sa.Connection, alert: Alert) -> None:
        row = _row(alert, ALERTS) | {"raised_time": alert.time, "last_time": alert.time}
        statement = self._insert(ALERTS).values(row)
        excluded = statement.excluded
        newer = excluded.last_time >= ALERTS.c.last_time
        latest = {
            name: sa.case((newer, getattr(excluded, name)), else_=ALERTS.c[name])
            for name in ("state", "severity", "lat", "lon", "message", "zone_id", "responsible_agency")
        }
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["alert_id"],
                set_=latest
                | {
                    "raised_time": self._least(ALERTS.c.raised_time, excluded.raised_time),
                    "last_time": self._greatest(ALERTS.c.last_time, excluded.last_time),
                },
            )
        )
        if alert.mmsi is not None:
            self._span(
                connection,
                TRACK_MMSIS,
                {"track_id": alert.track_id, "mmsi": alert.mmsi},
                ["track_id", "mmsi"],
                alert.time,
            )

    def _identity(self, connection: sa.Connection, static: AisStatic) -> None:
        if static.name is None and static.call_sign is None and static.imo is None:
            return  # a part B without a name, or a type 24 part with only dimensions
        key = f"{static.mmsi}|{static.name or ''}|{static.call_sign or ''}|{static.imo or ''}"
        values = {
            "identity_key": key,
            "mmsi": static.mmsi,
            "name": static.name,
            "call_sign": static.call_sign,
            "imo": static.imo,
            "flag_state": static.flag_state,
        }
        self._span(connection, IDENTITIES, values, ["identity_key"], static.time)

    def _span(
        self, connection: sa.Connection, table: sa.Table, values: dict[str, Any], keys: list[str], time: float
    ) -> None:
        """Insert, or widen the [first_time, last_time] the row has been seen over."""
        statement = self._insert(table).values(values | {"first_time": time, "last_time": time})
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=keys,
                set_={
                    "first_time": self._least(table.c.first_time, statement.excluded.first_time),
                    "last_time": self._greatest(table.c.last_time, statement.excluded.last_time),
                },
            )
        )

    def _upsert_if_newer(
        self, connection: sa.Connection, table: sa.Table, row: dict[str, Any], key: str
    ) -> None:
        """The row with the latest ``time`` wins (a verdict changed, a snooze ended early)."""
        statement = self._insert(table).values(row)
        others = [name for name in row if name != key]
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[key],
                set_={name: getattr(statement.excluded, name) for name in others},
                where=statement.excluded.time >= table.c.time,
            )
        )

    def _upsert(
        self,
        connection: sa.Connection,
        table: sa.Table,
        row: dict[str, Any],
        keys: list[str],
        update: list[str],
    ) -> None:
        statement = self._insert(table).values(row)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=keys, set_={name: getattr(statement.excluded, name) for name in update}
            )
        )

    # ------------------------------------------------------------------ reading

    def vessel_history(
        self, *, mmsi: int | None = None, track_id: str | None = None
    ) -> dict[str, list[dict]]:
        """Everything known of one vessel (by MMSI, or by track id for a vessel without AIS)."""
        if (mmsi is None) == (track_id is None):
            raise ValueError("give exactly one of mmsi or track_id")
        with self.engine.connect() as connection:
            track_ids = {track_id} if track_id is not None else set()
            if mmsi is not None:
                rows = connection.execute(sa.select(TRACK_MMSIS.c.track_id).where(TRACK_MMSIS.c.mmsi == mmsi))
                track_ids |= {row.track_id for row in rows}

            def of_vessel(table: sa.Table) -> sa.ColumnElement[bool]:
                condition = table.c.track_id.in_(sorted(track_ids))
                return sa.or_(condition, table.c.mmsi == mmsi) if mmsi is not None else condition

            def rows_of(query: sa.Select) -> list[dict]:
                return [dict(row._mapping) for row in connection.execute(query)]

            reportings = (
                sa.select(ALERTS, VALIDATIONS.c.time.label("validated_time"), VALIDATIONS.c.officer)
                .join(VALIDATIONS, VALIDATIONS.c.alert_id == ALERTS.c.alert_id)
                .where(VALIDATIONS.c.verdict == Verdict.CONFIRMED.value, of_vessel(ALERTS))
                .order_by(ALERTS.c.raised_time, ALERTS.c.alert_id)
            )
            identities = (
                sa.select(IDENTITIES).where(IDENTITIES.c.mmsi == mmsi).order_by(IDENTITIES.c.first_time)
                if mmsi is not None
                else None
            )
            return {
                "alerts": rows_of(
                    sa.select(ALERTS)
                    .where(of_vessel(ALERTS))
                    .order_by(ALERTS.c.raised_time, ALERTS.c.alert_id)
                ),
                "reportings": rows_of(reportings),
                "rejections": rows_of(
                    sa.select(VALIDATIONS)
                    .where(VALIDATIONS.c.verdict == Verdict.REJECTED.value, of_vessel(VALIDATIONS))
                    .order_by(VALIDATIONS.c.time)
                ),
                "notes": rows_of(
                    sa.select(NOTES).where(of_vessel(NOTES)).order_by(NOTES.c.time, NOTES.c.note_id)
                ),
                "snoozes": rows_of(
                    sa.select(SNOOZES).where(of_vessel(SNOOZES)).order_by(SNOOZES.c.time, SNOOZES.c.snooze_id)
                ),
                "identities": rows_of(identities) if identities is not None else [],
                "mmsis": rows_of(
                    sa.select(TRACK_MMSIS)
                    .where(TRACK_MMSIS.c.track_id.in_(sorted(track_ids)))
                    .order_by(TRACK_MMSIS.c.first_time)
                ),
            }

    def rule_stats(self) -> list[RuleStats]:
        """Per alert kind: raised, confirmed, rejected and why (the false-alarm rate of each rule)."""
        with self.engine.connect() as connection:
            raised = dict(
                connection.execute(sa.select(ALERTS.c.kind, sa.func.count()).group_by(ALERTS.c.kind)).all()
            )
            judged = connection.execute(
                sa.select(
                    VALIDATIONS.c.kind, VALIDATIONS.c.verdict, VALIDATIONS.c.reason, sa.func.count()
                ).group_by(VALIDATIONS.c.kind, VALIDATIONS.c.verdict, VALIDATIONS.c.reason)
            ).all()
        kinds = sorted(set(raised) | {row[0] for row in judged})
        out = []
        for kind in kinds:
            rows = [row for row in judged if row[0] == kind]
            confirmed = sum(n for _, verdict, _, n in rows if verdict == Verdict.CONFIRMED.value)
            rejected = {
                reason or "unspecified": n
                for _, verdict, reason, n in rows
                if verdict == Verdict.REJECTED.value
            }
            out.append(RuleStats(kind, raised.get(kind, 0), confirmed, sum(rejected.values()), rejected))
        return out

    def dump(self) -> dict[str, list[tuple]]:
        """Every table's rows, sorted: two databases built from the same events compare equal."""
        with self.engine.connect() as connection:
            return {
                table.name: sorted(tuple(row) for row in connection.execute(sa.select(table)))
                for table in METADATA.sorted_tables
                if table is not META
            }

    def close(self) -> None:
        self.engine.dispose()


def _row(record: Any, table: sa.Table) -> dict[str, Any]:
    """The record's fields that are columns of ``table`` (enums as their values)."""
    row = {}
    for column in table.columns:
        if hasattr(record, column.name):
            value = getattr(record, column.name)
            row[column.name] = value.value if isinstance(value, Enum) else value
    return row
