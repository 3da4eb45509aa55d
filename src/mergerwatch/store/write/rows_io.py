"""Writing a batch's rows: filings (new, or prepared by a worker), their parties and name-index entries, and their
events with the mark of the time they were observed. On SQLite straight through the driver, where SQLAlchemy's own
work around each statement costs more than the statement."""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from mergerwatch.core.names import index_tokens_of
from mergerwatch.store import name_index
from mergerwatch.store import schema as t
from mergerwatch.store.write.rows import PREPARED_COLS, as_stored, json_text, target_names
from mergerwatch.store.write.sql import chunks, next_pk, select_in, sqlite_cursor

PARTY_COLS = ("filing_pk", "position", "name", "role", "norm", "legal_form")
TOKEN_COLS = ("token", "filing_pk", "position")
EVENT_COLS = (
    "filing_pk",
    "event_key",
    "status",
    "status_raw",
    "detail",
    "event_date",
    "deadline",
    "basis",
    "url",
    "observed_at",
    "payload_id",
)


class RowsMixin:
    """Store methods that write rows (write/store.py composes them)."""

    name_index: bool
    dialect: str

    def _insert_new(self, conn: sa.Connection, inserts: list[dict[str, Any]]) -> None:
        """Insert new filings and give each entry its integer key."""
        if not inserts:
            return
        rows = [as_stored(e["row"], new=True, targets=target_names(e["filing"])) for e in inserts]
        if self.dialect == "sqlite":
            first = next_pk(conn)
            for i, (e, row) in enumerate(zip(inserts, rows, strict=True)):
                e["pk"] = row["pk"] = first + i
            self._bulk_insert(conn, t.filings, rows)
            return
        res = conn.execute(t.filings.insert().returning(t.filings.c.pk, sort_by_parameter_order=True), rows)
        for e, pk in zip(inserts, res.scalars(), strict=True):
            e["pk"] = pk

    def _insert_prepared(
        self, conn: sa.Connection, rows: list[tuple[Any, ...]], observed: str, payload_id: int | None
    ) -> list[int]:
        """Insert new filings from the rows prepare made (PREPARED_COLS); their integer keys, in order."""
        if self.dialect == "sqlite":
            first = next_pk(conn)
            cols = ("pk", *PREPARED_COLS, "first_seen", "last_changed", "payload_id")
            sql = f"INSERT INTO filings ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            sqlite_cursor(conn).executemany(
                sql, [(first + i, *row, observed, "", payload_id) for i, row in enumerate(rows)]
            )
            return list(range(first, first + len(rows)))
        dicts = []
        for row in rows:
            d = dict(zip(PREPARED_COLS, row, strict=True))
            d["alt_ids"], d["extra"] = json.loads(d["alt_ids"]), json.loads(d["extra"])  # Core serialises them
            dicts.append({**d, "first_seen": observed, "last_changed": "", "payload_id": payload_id})
        res = conn.execute(t.filings.insert().returning(t.filings.c.pk, sort_by_parameter_order=True), dicts)
        return list(res.scalars())

    @staticmethod
    def _event_keys(conn: sa.Connection, pks: list[int]) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for chunk in chunks(pks):
            q = sa.select(t.status_events.c.filing_pk, t.status_events.c.event_key).where(
                t.status_events.c.filing_pk.in_(chunk)
            )
            for r in conn.execute(q):
                out.setdefault(r.filing_pk, set()).add(r.event_key)
        return out

    def _insert_parties(self, conn: sa.Connection, filings: Iterable[tuple[int, list[Any], list[Any]]]) -> None:
        """(filing pk, its parties, its name index entries) as party_rows makes them for this store."""
        rows: list[tuple[Any, ...]] = []
        tokens: list[tuple[Any, ...]] = []
        for pk, parties, words in filings:
            rows += [(pk, *p) for p in parties]
            if self.name_index:
                tokens += [(name_index.key(pk, pos), terms) for pos, terms in words if pos < 1 << name_index.SHIFT]
            else:
                tokens += [(tok, pk, pos) for pos, tok in words]
        self._insert_rows(conn, t.parties, PARTY_COLS, rows)
        if self.name_index:
            if tokens:
                sqlite_cursor(conn).executemany(f"INSERT INTO {name_index.TABLE} (rowid, terms) VALUES (?, ?)", tokens)
            return
        tokens.sort()  # in key order, each insert lands next to the one before: fewer pages visited
        self._insert_rows(conn, t.name_tokens, TOKEN_COLS, tokens)

    def _delete_parties(self, conn: sa.Connection, pks: list[int]) -> None:
        """Remove the parties of changed filings and their name tokens (found from the names they were made of)."""
        old = select_in(conn, "SELECT filing_pk, position, norm FROM parties WHERE filing_pk IN ({})", pks)
        if self.name_index:
            # A contentless FTS5 row is deleted by naming the very terms it was given: made again from the key.
            gone = [
                (name_index.key(pk, pos), name_index.terms_text(toks))
                for pk, pos, norm in old
                for toks in [index_tokens_of(norm)]
                if toks and pos < 1 << name_index.SHIFT
            ]
            if gone:
                conn.exec_driver_sql(
                    f"INSERT INTO {name_index.TABLE} ({name_index.TABLE}, rowid, terms) VALUES ('delete', ?, ?)", gone
                )
        else:
            dead = sorted({(tok, pk, pos) for pk, pos, norm in old for tok in index_tokens_of(norm)})
            if dead:
                tk = t.name_tokens.c
                q = t.name_tokens.delete().where(
                    tk.token == sa.bindparam("t"), tk.filing_pk == sa.bindparam("f"), tk.position == sa.bindparam("p")
                )
                conn.execute(q, [{"t": a, "f": b, "p": c} for a, b, c in dead])
        for chunk in chunks(pks):
            conn.execute(t.parties.delete().where(t.parties.c.filing_pk.in_(chunk)))

    def _insert_events(self, conn: sa.Connection, rows: list[tuple[Any, ...]], observed: str) -> None:
        """Insert events observed at ``observed`` (EVENT_COLS), and mark where that time's events begin if it has
        no mark yet (schema.event_marks): the ids they get are above every id stored now, on SQLite (the largest
        rowid plus one) and PostgreSQL (a sequence) alike."""
        if not rows:
            return
        first = "SELECT coalesce(max(id), 0) + 1 FROM status_events"
        mark = "INSERT INTO event_marks (observed_at, first_event_id) VALUES (?, ?) "
        mark += "ON CONFLICT (observed_at) DO NOTHING"
        if self.dialect == "sqlite":  # on the driver: SQLAlchemy's work around these two cost more than they do
            cur = sqlite_cursor(conn)
            cur.execute(mark, (observed, cur.execute(first).fetchone()[0]))
        else:
            conn.exec_driver_sql(mark.replace("?", "%s"), (observed, conn.exec_driver_sql(first).scalar()))
        self._insert_rows(conn, t.status_events, EVENT_COLS, rows)

    def _insert_rows(self, conn: sa.Connection, table: sa.Table, cols: tuple[str, ...], rows: list[tuple]) -> None:
        """executemany of plain tuples (no JSON columns)."""
        if not rows:
            return
        if self.dialect == "sqlite":
            sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
            sqlite_cursor(conn).executemany(sql, rows)
        else:
            conn.execute(table.insert(), [dict(zip(cols, r, strict=True)) for r in rows])

    def _bulk_insert(self, conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """executemany of many rows. On SQLite the driver is called directly: SQLAlchemy's per-row parameter
        processing costs more than the insert itself there (see benchmarks/); other dialects use Core."""
        if not rows:
            return
        if self.dialect != "sqlite":
            conn.execute(table.insert(), rows)
            return
        cols = list(rows[0])
        json_at = [i for i, c in enumerate(cols) if isinstance(table.c[c].type, sa.JSON)]
        sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
        values = operator.itemgetter(*cols)
        data = []
        for r in rows:
            row = list(values(r))
            for i in json_at:
                row[i] = json_text(row[i])
            data.append(tuple(row))
        sqlite_cursor(conn).executemany(sql, data)
