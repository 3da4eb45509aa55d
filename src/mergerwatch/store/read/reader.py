"""The read-only query room: every question `deal`, `search`, `show`, `list`, `stats`, `changes` and `sources`
ask of the store, as plain SQL on the DB-API driver.

One code path for SQLite and PostgreSQL: the SQL below is the common subset of both, written with ``?``
placeholders and turned into ``%s`` for drivers that want those. A SQLite store that is already at the schema
this mergerwatch knows is opened with the standard library alone (one version query); anything else (a new
file, one to migrate, PostgreSQL, a file that is not a database) is opened by the full ``Store``, which
migrates or explains, and is then read through the same queries on its engine's raw connections.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mergerwatch.core.errors import StoreReadOnly
from mergerwatch.core.exiting import opened
from mergerwatch.store.location import resolve_db_url, sqlite_path, writable
from mergerwatch.store.read.base import Connect
from mergerwatch.store.read.columns import TELLS_SQL, json_value
from mergerwatch.store.read.history import HistoryMixin
from mergerwatch.store.read.lists import ListsMixin
from mergerwatch.store.read.names import NamesMixin
from mergerwatch.store.read.records import RecordsMixin
from mergerwatch.store.version import HEAD_REVISION

__all__ = ["HEAD_REVISION", "TELLS_SQL", "Connect", "Reader", "as_reader", "json_value", "open_reader"]


class Reader(RecordsMixin, ListsMixin, NamesMixin, HistoryMixin):
    """Read-only queries over one store: records, lists and statistics, names, sources and history."""


def as_reader(db: Any) -> Reader:
    """A Reader, or a Store's reader (functions of the read path accept either)."""
    return db if isinstance(db, Reader) else db.reader()


def _open_sqlite(path: str) -> sqlite3.Connection | None:
    """The file opened with the standard library when it is a mergerwatch store at the head schema, else None
    (the full Store then migrates it or says what is wrong with it). A store on a read-only file, directory or
    disk (a shared volume, a snapshot) is opened read-only, and, where SQLite cannot even keep its shared-memory
    file there, as immutable: read as it is, nothing written."""
    ways = [(path, False)]
    if not writable(path):
        target = "file:" + urllib.parse.quote(os.path.abspath(path))
        ways = [(target + "?mode=ro", True), (target + "?mode=ro&immutable=1", True)]
    for target, uri in ways:
        conn = None
        try:
            conn = sqlite3.connect(target, timeout=30, isolation_level=None, check_same_thread=False, uri=uri)
            conn.execute("PRAGMA busy_timeout=30000")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if row and row[0] == HEAD_REVISION:
                return conn
            if uri:
                _refuse_migration(path, row[0] if row else None)
        except sqlite3.Error:
            pass
        if conn is not None:
            conn.close()
    return None


def _refuse_migration(path: str, revision: str | None) -> None:
    raise StoreReadOnly(
        f"the store {path} is read-only and was written by another version of mergerwatch (schema "
        f"{revision or 'unknown'}, this one reads {HEAD_REVISION}): read it with that version, or copy it where it "
        "can be written and open the copy"
    )


def open_reader(db: str | None) -> Reader:
    """The query room over the store ``--db`` (or the default) names."""
    url = resolve_db_url(db)
    path = sqlite_path(url)
    if path is not None and os.path.exists(path):
        conn = _open_sqlite(path)
        if conn is not None:

            @contextmanager
            def lend() -> Iterator[sqlite3.Connection]:
                yield conn

            opened(conn)  # closed when the command leaves (exiting), if not before
            return Reader(lend, url, close=conn.close)
    # A store to create or migrate, or another database (PostgreSQL): opened by SQLAlchemy, read through the same
    # queries on its engine's raw connections.
    from mergerwatch.store import db as opening

    engine = opening.create_db_engine(url)
    opened(engine, "dispose")
    opening.migrate(engine)

    @contextmanager
    def lend_raw() -> Iterator[Any]:
        raw = engine.raw_connection()
        try:
            yield raw.dbapi_connection
        finally:
            raw.close()

    return Reader(lend_raw, url, "?" if engine.dialect.paramstyle == "qmark" else "%s", close=engine.dispose)
