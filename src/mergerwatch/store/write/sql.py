"""Small pieces every writer shares: the driver's placeholder and cursor, chunked IN lists, the time stamp of a write,
and the insert / update / no-change report of an import."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

CHUNK = 500


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def chunks(seq: Sequence[Any], n: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


@dataclass
class ImportReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    actions: list[tuple[str, str]] = field(default_factory=list)  # (filing id, insert|update|no-change)

    def add(self, other: ImportReport) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.events += other.events
        self.actions.extend(other.actions)


def placeholder(dialect: sa.Dialect) -> str:
    """The driver's placeholder: SQLite's ``?``, psycopg's ``%s``."""
    return "?" if dialect.paramstyle == "qmark" else "%s"


def next_pk(conn: sa.Connection) -> int:
    """The next filings key on SQLite. We hold SQLite's write lock (BEGIN IMMEDIATE): nobody else can take it."""
    return int(sqlite_cursor(conn).execute("SELECT coalesce(max(pk), 0) + 1 FROM filings").fetchone()[0])


def sqlite_cursor(conn: sa.Connection) -> Any:
    """The sqlite3 cursor of a Connection whose transaction is begun (Store.write begins it at once): an ingest
    runs some ten statements a file, and SQLAlchemy's own work around each cost more than a small one itself."""
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def select_in(conn: sa.Connection, sql: str, values: Sequence[Any], fetch: bool = True) -> list[Any]:
    """``sql`` with ``{}`` where the placeholders of ``values`` go, run in chunks straight on the driver."""
    rows: list[Any] = []
    if conn.dialect.name == "sqlite":
        cur = sqlite_cursor(conn)
        for chunk in chunks(values):
            cur.execute(sql.format(", ".join("?" * len(chunk))), tuple(chunk))
            if fetch:
                rows += cur.fetchall()
        return rows
    mark = placeholder(conn.dialect)
    for chunk in chunks(values):
        res = conn.exec_driver_sql(sql.format(", ".join([mark] * len(chunk))), tuple(chunk))
        if fetch:
            rows += res.fetchall()
    return rows
