"""The store: raw payloads, filings with parties, append-only status history, runs, state.

The upsert reports insert / update / no-change per record and appends a status event only when the
status, the authority's words or a key date really changed. One batch is one transaction.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mergerwatch.core.errors import StoreReadOnly
from mergerwatch.core.exiting import opened
from mergerwatch.store import name_index
from mergerwatch.store import schema as t
from mergerwatch.store.db import create_db_engine, migrate, resolve_db_url
from mergerwatch.store.location import sqlite_path, writable
from mergerwatch.store.read.reader import Reader
from mergerwatch.store.write.lists import ListsMixin
from mergerwatch.store.write.payloads import PayloadsMixin
from mergerwatch.store.write.rows_io import RowsMixin
from mergerwatch.store.write.runs import RunsMixin
from mergerwatch.store.write.sql import ImportReport, now_iso, placeholder
from mergerwatch.store.write.upsert import UpsertMixin

__all__ = ["ImportReport", "Store", "now_iso"]


class Store(PayloadsMixin, UpsertMixin, RowsMixin, RunsMixin, ListsMixin):
    """One store for writing: a SQLAlchemy engine, this thread's write transaction, and the rooms above composed."""

    def __init__(self, db: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = resolve_db_url(db) if engine is None else str(engine.url)
        path = sqlite_path(self.url)
        if path is not None and os.path.exists(path) and not writable(path):
            raise StoreReadOnly(
                f"the store {path} is read-only (its file or its directory cannot be written): the commands that "
                "read it work, this one writes; copy it where it can be written, or use --db to name another store"
            )
        self.engine = engine or create_db_engine(self.url)
        opened(self.engine, "dispose")  # its connections closed when the command leaves (exiting)
        self._tx = threading.local()  # this thread's open write transaction, if any
        self._reader: Reader | None = None
        migrate(self.engine)
        self.name_index = False  # FTS5 (store/name_index.py) rather than the name_tokens table
        if self.dialect == "sqlite":
            with self.engine.connect() as conn:
                cur = conn.connection.dbapi_connection.cursor()
                self.name_index = name_index.has_name_index(cur)
                if self.name_index:
                    name_index.check_usable(cur)

    @contextmanager
    def write(self, savepoint: bool = False) -> Iterator[sa.Connection]:
        """A write transaction (on SQLite: BEGIN IMMEDIATE, so concurrent writers queue instead of failing).
        Inside another write of the same thread it joins that one, so several payloads can share a commit;
        with ``savepoint`` a failure inside undoes only this block's writes."""
        conn = getattr(self._tx, "conn", None)
        if conn is not None:
            if savepoint:
                with conn.begin_nested():
                    yield conn
            else:
                yield conn
            return
        with self.engine.connect() as conn:
            conn.execution_options(mw_write=True)
            with conn.begin():
                self._tx.conn = conn
                try:
                    yield conn
                finally:
                    self._tx.conn = None

    @property
    def in_transaction(self) -> bool:
        """This thread has a write transaction open (a retry of one step inside it is not possible)."""
        return getattr(self._tx, "conn", None) is not None

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        """A connection for reading that also sees this thread's uncommitted writes."""
        conn = getattr(self._tx, "conn", None)
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as conn:
            yield conn

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # --- reading ----------------------------------------------------------------------------

    def reader(self) -> Reader:
        """The read-only query room over this store (the same queries the read path runs without SQLAlchemy)."""
        if self._reader is None:
            mark = placeholder(self.engine.dialect)
            self._reader = Reader(self._lend, self.url, mark, fts=self.name_index)
        return self._reader

    @contextmanager
    def _lend(self) -> Iterator[Any]:
        """A DB-API connection for one question; inside this thread's write it is that write's connection,
        so what the batch wrote so far is seen."""
        conn = getattr(self._tx, "conn", None)
        if conn is not None:
            yield conn.connection.dbapi_connection
            return
        raw = self.engine.raw_connection()
        try:
            yield raw.dbapi_connection
        finally:
            raw.close()

    def filing_records(self, ids: Sequence[str], with_events: bool = True) -> list[dict[str, Any]]:
        return self.reader().filing_records(ids, with_events)

    def find_filing_id(self, ident: str) -> str | None:
        return self.reader().find_filing_id(ident)

    def counts_by_source(self) -> dict[str, int]:
        return self.reader().counts_by_source()

    def stats(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                name: int(conn.execute(sa.select(sa.func.count()).select_from(tbl)).scalar() or 0)
                for name, tbl in (
                    ("filings", t.filings),
                    ("parties", t.parties),
                    ("events", t.status_events),
                    ("raw_payloads", t.raw_payloads),
                    ("runs", t.runs),
                )
            }

    def all_state(self, source: str) -> dict[str, str]:
        return self.reader().all_state(source)

    def source_history(self, source: str, limit: int = 10) -> list[dict[str, Any]]:
        return self.reader().source_history(source, limit)
