"""The store: raw payloads, filings with parties, append-only status history, runs, state.

The upsert reports insert / update / no-change per record and appends a status event only when the
status, the authority's words or a key date really changed. One batch is one transaction.
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
import socket
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mergerwatch.core.errors import LockHeld
from mergerwatch.core.names import index_tokens_of, normalise_name
from mergerwatch.core.payload import Payload
from mergerwatch.core.redaction import redact, redact_bytes, redact_url
from mergerwatch.core.registry import full_url
from mergerwatch.exiting import opened
from mergerwatch.store import name_index
from mergerwatch.store import schema as t
from mergerwatch.store.db import create_db_engine, migrate, resolve_db_url
from mergerwatch.store.extra_codec import full_extra, repeats, stored_extra
from mergerwatch.store.reader import TELLS_SQL, Reader, _json
from mergerwatch.store.rows import (
    PREPARED_COLS,
    CheckedFiling,
    PreparedFiling,
    as_stored,
    compress_body,
    event_rows,
    filing_row,
    iso,
    json_text,
    match_digest,
    party_rows,
    precedence,
    precedence_key,
    target_names,
)

if TYPE_CHECKING:  # the read path never builds records: pydantic stays out of it
    from mergerwatch.core.model import Filing

CHUNK = 500
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


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _chunks(seq: Sequence[Any], n: int = CHUNK) -> Iterator[Sequence[Any]]:
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


class Store:
    def __init__(self, db: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = resolve_db_url(db) if engine is None else str(engine.url)
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

    # --- raw payloads ---------------------------------------------------------------------------

    def save_payload(
        self,
        p: Payload,
        status: str = "pending",
        error: str | None = None,
        records: int | None = None,
        body_zlib: bytes | None = None,
    ) -> int:
        """Keep the payload as fetched (compressed) with how its parse went; the same bytes are kept once.
        A secret a server echoed back (an error page quoting the key) is redacted before it is stored.
        ``body_zlib``: the body compressed already (by the worker that parsed it), used when nothing was redacted.
        Through the driver: 600 payloads of an ingest cost a tenth of a second more through Core."""
        body = redact_bytes(p.body)
        sha = p.sha256 if body is p.body else hashlib.sha256(body).hexdigest()
        error = redact(error) if error else error
        with self.write() as conn:
            mark = _mark(conn.dialect)
            cur = _sqlite_cursor(conn) if self.dialect == "sqlite" else None
            found, key = f"SELECT id FROM raw_payloads WHERE source = {mark} AND sha256 = {mark}", (p.source, sha)
            row = (cur.execute(found, key) if cur else conn.exec_driver_sql(found, key)).fetchone()
            if row:
                conn.exec_driver_sql(
                    f"UPDATE raw_payloads SET parse_status = {mark}, parse_error = {mark}, records = {mark} "
                    f"WHERE id = {mark}",
                    (status, error, records, row[0]),
                )
                return int(row[0])
            values = {
                "source": p.source,
                "kind": p.kind,
                "url": redact_url(p.url),
                "fetched_at": iso(p.fetched_at),
                "sha256": sha,
                "content_type": p.content_type or "",
                "http_status": p.status,
                "size": len(body),
                "body_zlib": body_zlib if body_zlib is not None and body is p.body else compress_body(body),
                "parse_status": status,
                "parse_error": error,
                "records": records,
            }
            sql = f"INSERT INTO raw_payloads ({', '.join(values)}) VALUES ({', '.join([mark] * len(values))})"
            if cur:
                return int(cur.execute(sql, tuple(values.values())).lastrowid)
            return int(conn.exec_driver_sql(sql + " RETURNING id", tuple(values.values())).scalar_one())

    def payloads(self, source: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(
            t.raw_payloads.c.id,
            t.raw_payloads.c.source,
            t.raw_payloads.c.kind,
            t.raw_payloads.c.url,
            t.raw_payloads.c.fetched_at,
            t.raw_payloads.c.sha256,
            t.raw_payloads.c.size,
            t.raw_payloads.c.parse_status,
            t.raw_payloads.c.records,
            t.raw_payloads.c.parse_error,
        ).order_by(t.raw_payloads.c.id)
        if source:
            q = q.where(t.raw_payloads.c.source == source)
        if status:
            q = q.where(t.raw_payloads.c.parse_status == status)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def drop_payloads(self, ids: Sequence[int]) -> int:
        """Delete raw payloads (``reparse --drop-failed``); nothing refers to them by key."""
        n = 0
        with self.write() as conn:
            for chunk in _chunks(list(ids)):
                n += int(conn.execute(t.raw_payloads.delete().where(t.raw_payloads.c.id.in_(chunk))).rowcount or 0)
        return n

    def payload(self, raw_id: int) -> Payload:
        """A stored payload as it was fetched. One whose last parse was accepted with no records (a filing without
        HSR wording, an empty page the request allowed) may parse to none again: what was accepted stays accepted."""
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(t.raw_payloads).where(t.raw_payloads.c.id == raw_id)).one()
        return Payload(
            source=r.source,
            url=r.url,
            body=zlib.decompress(r.body_zlib),
            fetched_at=datetime.fromisoformat(r.fetched_at),
            content_type=r.content_type,
            status=r.http_status,
            kind=r.kind,
            expect_records=not (r.parse_status == "ok" and r.records == 0),
        )

    # --- the upsert -----------------------------------------------------------------------------

    def import_filings(
        self,
        filings: Iterable[Filing],
        observed_at: str | None = None,
        match_key: Any = None,
        payload_id: int | None = None,
    ) -> ImportReport:
        """Upsert one batch in one transaction. ``match_key(filing)`` finds the same record seen on
        another surface of the same source (it is then merged into that filing, never duplicated).
        ``payload_id``: the saved raw payload the batch was read from (save_payload), its provenance."""
        observed = observed_at or now_iso()
        batch = list({f.id: f for f in filings}.values())  # last one wins inside a batch
        report = ImportReport()
        if not batch:
            return report
        keys = {f.id: match_digest(match_key(f)) for f in batch} if match_key else {}
        with self.write() as conn:
            existing = self._load_existing(conn, batch, keys)
            inserts: list[dict[str, Any]] = []  # entries of filings new in this batch
            updates: dict[int, dict[str, Any]] = {}  # pk -> entry of a stored filing that changed
            history: dict[int, dict[str, Any]] = {}  # pk -> entry of a stored filing that only gains events
            for f in batch:
                mk = keys.get(f.id)
                old = existing.get(f.id) or (existing.get(("mk", mk)) if mk else None)
                if old is None:
                    alt = sorted(set(f.alt_ids))
                    row = filing_row(f, f.id, mk, f.extra, alt, observed, payload_id)
                    entry = {"pk": None, "id": f.id, "content_hash": row["content_hash"], "alt_ids": alt}
                    entry["precedence"] = precedence(f, row["content_hash"])
                    entry.update(extra=f.extra, url=row["url"], row=row, filing=f, events=f.all_events())
                    inserts.append(entry)
                    existing[f.id] = entry
                    if mk:
                        existing[("mk", mk)] = entry  # the same notice on another surface later in this batch
                    report.inserted += 1
                    report.actions.append((f.id, "insert"))
                    continue
                fid = old["id"]
                alt_set = set(old["alt_ids"] or []) | set(f.alt_ids)
                if fid != f.id:
                    alt_set.add(f.source_id)
                alt = sorted(alt_set)
                own = precedence(f)
                if own < old["precedence"]:
                    # An observation older than what is stored (a search result behind the dump, a re-read old
                    # file) never replaces it: it only adds facts the record lacks, its ids and its events.
                    extra = {**f.extra, **(old["extra"] or {})}
                    changes: dict[str, Any] = {}
                    if alt != sorted(old["alt_ids"] or []):
                        changes["alt_ids"] = alt
                    if extra != (old["extra"] or {}):
                        changes["extra"] = extra
                    if changes:
                        old.update(changes)
                        if old["pk"] is not None:
                            vals = dict(changes)
                            if "extra" in vals and "targets" in old:  # its stored parties stay as they are
                                vals["extra"] = stored_extra(old["source"], extra, old["case_ref"], old["targets"])
                            conn.execute(t.filings.update().where(t.filings.c.pk == old["pk"]).values(**vals))
                        elif "row" in old:  # new in this batch: not written yet
                            old["row"].update(changes)
                        report.updated += 1
                        report.actions.append((fid, "update"))
                    else:
                        report.unchanged += 1
                        report.actions.append((fid, "no-change"))
                    old["events"] = [*old.get("events", []), *f.all_events()]
                    if old["pk"] is not None:
                        history.setdefault(old["pk"], old)
                    else:
                        old["recount"] = True  # new in this batch, its tells made from its first observation
                    continue
                if own == old["precedence"] and alt == sorted(old["alt_ids"] or []):
                    report.unchanged += 1  # the same observation again
                    report.actions.append((fid, "no-change"))
                    continue
                extra = {**(old["extra"] or {}), **f.extra}
                merged = f.model_copy(update={"extra": extra}) if extra != f.extra else f
                # The stored digest is the winning observation's own: the next time it is seen it is recognised.
                row = filing_row(merged, fid, mk, extra, alt, observed, payload_id, url=merged.url or old["url"])
                row["content_hash"] = own[-1]
                report.updated += 1
                report.actions.append((fid, "update"))
                old.update(content_hash=own[-1], alt_ids=alt, extra=extra, row=row, filing=merged, precedence=own)
                # Events of every version seen in this batch are history (duplicates are dropped by key).
                old["events"] = [*old.get("events", []), *merged.all_events()]
                if old["pk"] is not None:
                    updates[old["pk"]] = old
                else:
                    old["recount"] = True
            self._insert_new(conn, inserts)
            for pk in updates:
                history.pop(pk, None)
            known = self._event_keys(conn, [*updates, *history]) if updates or history else {}
            for pk, entry in updates.items():
                stored = as_stored(entry["row"], new=False, targets=target_names(entry["filing"]))
                vals = {k: v for k, v in stored.items() if k not in ("id", "first_seen")}
                if entry["row"]["url"] != entry["url"]:  # both in full (vals holds the stored form)
                    # Stored events that said "the filing's url" keep the url they were seen with.
                    conn.execute(
                        t.status_events.update()
                        .where(t.status_events.c.filing_pk == pk, t.status_events.c.url.is_(None))
                        .values(url=entry["url"] or "")
                    )
                conn.execute(t.filings.update().where(t.filings.c.pk == pk).values(**vals))
            if updates:
                self._delete_parties(conn, list(updates))
            changed = [*inserts, *updates.values()]
            self._insert_parties(conn, [(e["pk"], *party_rows(e["filing"], self.name_index)) for e in changed])
            new_pks = {e["pk"] for e in inserts}
            events = [
                (e["pk"], *ev, "" if e["pk"] in new_pks else observed, payload_id)  # '': its first_seen
                for e in [*changed, *history.values()]
                for ev in event_rows(
                    e["events"], known.get(e["pk"], set()), e["row"]["url"] if "row" in e else e["url"]
                )
            ]
            self._insert_events(conn, events, observed)
            report.events += len(events)
            self._recount_tells(conn, [*updates, *history, *(e["pk"] for e in inserts if e.get("recount"))])
        return report

    def import_new(
        self, prepared: list[PreparedFiling], observed_at: str | None = None, payload_id: int | None = None
    ) -> ImportReport | None:
        """Insert a batch of records the store does not hold yet from what ``prepare`` made of them: the rows
        import_filings writes for new records, made elsewhere (a worker process, while this one writes). None, with
        nothing written, when the batch is not all new (an id or a match key the store or the batch itself holds
        already): the caller then imports the records themselves with import_filings."""
        ids = [p.id for p in prepared]
        mks = [p.match_key for p in prepared if p.match_key]
        if len(set(ids)) != len(ids) or len(set(mks)) != len(mks):
            return None
        observed = observed_at or now_iso()
        with self.write() as conn:
            if _select_in(conn, "SELECT 1 FROM filings WHERE id IN ({})", ids):
                return None
            if mks and _select_in(conn, "SELECT 1 FROM filings WHERE match_key IN ({})", mks):
                return None
            pks = self._insert_prepared(conn, [p.row for p in prepared], observed, payload_id)
            pairs = list(zip(pks, prepared, strict=True))
            self._insert_parties(conn, [(pk, p.parties, p.words) for pk, p in pairs])
            events = [(pk, *ev, "", payload_id) for pk, p in pairs for ev in p.events]  # '': its first_seen
            self._insert_events(conn, events, observed)
        return ImportReport(inserted=len(ids), events=len(events), actions=[(i, "insert") for i in ids])

    def import_unchanged(self, checked: list[CheckedFiling]) -> ImportReport | None:
        """The report import_filings gives a batch the store holds exactly as it is (``reparse`` of an unchanged
        payload), from what ``check`` made of its records: each stored under its own id with the same precedence
        (so the same content digest) and every alt id it names. import_filings writes nothing for such a record, so
        neither does this. None, with nothing written, for any other batch (a record new, changed, older than the
        stored one, found only by match key, an id twice): the caller then imports the records themselves."""
        ids = [c.id for c in checked]
        if len(set(ids)) != len(ids):
            return None
        cols = "id, content_hash, alt_ids, status, status_date, updated_at, published_at, deadline, status_raw, title"
        with self._read() as conn:
            stored = {r[0]: r for r in _select_in(conn, f"SELECT {cols} FROM filings WHERE id IN ({{}})", ids)}
        for c in checked:
            r = stored.get(c.id)
            if r is None or c.precedence != precedence_key(r[3], r[4], r[5] or r[6], r[7], r[8], r[9], r[1]):
                return None
            alt = _json(r[2]) or []
            if sorted(set(alt).union(c.alt_ids)) != sorted(alt):
                return None
        return ImportReport(unchanged=len(ids), actions=[(i, "no-change") for i in ids])

    @staticmethod
    def _recount_tells(conn: sa.Connection, pks: list[int]) -> None:
        """filings.tells of stored filings that changed or gained events, from everything they now hold."""
        if not pks:
            return
        sql = f"UPDATE filings SET tells = {TELLS_SQL} WHERE pk IN ({{}}) AND tells <> {TELLS_SQL}"
        if conn.dialect.paramstyle != "qmark":
            sql = sql.replace("%", "%%")  # the LIKE patterns, before the driver reads %s as placeholders
        _select_in(conn, sql, pks, fetch=False)

    def _insert_new(self, conn: sa.Connection, inserts: list[dict[str, Any]]) -> None:
        """Insert new filings and give each entry its integer key."""
        if not inserts:
            return
        rows = [as_stored(e["row"], new=True, targets=target_names(e["filing"])) for e in inserts]
        if self.dialect == "sqlite":
            first = _next_pk(conn)
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
            first = _next_pk(conn)
            cols = ("pk", *PREPARED_COLS, "first_seen", "last_changed", "payload_id")
            sql = f"INSERT INTO filings ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            _sqlite_cursor(conn).executemany(
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

    def _load_existing(
        self, conn: sa.Connection, batch: list[Filing], keys: dict[str, str | None]
    ) -> dict[Any, dict[str, Any]]:
        # Through the driver: on a batch of new notices these lookups cost more in SQLAlchemy than in SQLite.
        cols = "pk, id, content_hash, alt_ids, extra, url, match_key, status, status_date, updated_at, published_at, "
        cols += "deadline, status_raw, title, source, case_ref"
        found: dict[Any, dict[str, Any]] = {}
        for r in _select_in(conn, f"SELECT {cols} FROM filings WHERE id IN ({{}})", [f.id for f in batch]):
            found[r[1]] = _existing(r)
        if keys:
            mks = [mk for fid, mk in keys.items() if mk and fid not in found]
            for r in _select_in(conn, f"SELECT {cols} FROM filings WHERE match_key IN ({{}})", mks):
                found[("mk", r[6])] = found.get(r[1]) or _existing(r)
        # Stored extras as the records had them (extra_codec), what they are merged with and compared to, and the
        # parties stored beside them, which an extra written without new parties is shortened against.
        repeating = {e["pk"]: e for e in found.values() if repeats(e["source"])}
        if repeating:
            for e in repeating.values():
                e["targets"] = []
            sql = "SELECT filing_pk, name FROM parties WHERE filing_pk IN ({}) AND role = 'target' "
            sql += "ORDER BY filing_pk, position"
            for pk, name in _select_in(conn, sql, list(repeating)):
                repeating[pk]["targets"].append(name)
            for e in repeating.values():
                e["extra"] = full_extra(e["source"], e["extra"], e["case_ref"], e["targets"])
        return found

    @staticmethod
    def _event_keys(conn: sa.Connection, pks: list[int]) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for chunk in _chunks(pks):
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
                _sqlite_cursor(conn).executemany(f"INSERT INTO {name_index.TABLE} (rowid, terms) VALUES (?, ?)", tokens)
            return
        tokens.sort()  # in key order, each insert lands next to the one before: fewer pages visited
        self._insert_rows(conn, t.name_tokens, TOKEN_COLS, tokens)

    def _delete_parties(self, conn: sa.Connection, pks: list[int]) -> None:
        """Remove the parties of changed filings and their name tokens (found from the names they were made of)."""
        old = _select_in(conn, "SELECT filing_pk, position, norm FROM parties WHERE filing_pk IN ({})", pks)
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
        for chunk in _chunks(pks):
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
            cur = _sqlite_cursor(conn)
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
            _sqlite_cursor(conn).executemany(sql, rows)
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
        _sqlite_cursor(conn).executemany(sql, data)

    # --- reading ----------------------------------------------------------------------------

    def reader(self) -> Reader:
        """The read-only query room over this store (the same queries the read path runs without SQLAlchemy)."""
        if self._reader is None:
            mark = _mark(self.engine.dialect)
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

    # --- state and validators ---------------------------------------------------------------------

    def get_state(self, source: str, key: str) -> str | None:
        with self._read() as conn:
            r = conn.execute(
                sa.select(t.source_state.c.value).where(t.source_state.c.source == source, t.source_state.c.key == key)
            ).first()
        return r[0] if r else None

    def set_state(self, source: str, key: str, value: str | None) -> None:
        with self.write() as conn:
            conn.execute(t.source_state.delete().where(t.source_state.c.source == source, t.source_state.c.key == key))
            if value is not None:
                conn.execute(t.source_state.insert().values(source=source, key=key, value=value, updated_at=now_iso()))

    def all_state(self, source: str) -> dict[str, str]:
        return self.reader().all_state(source)

    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        with self._read() as conn:
            r = conn.execute(
                sa.select(t.http_validators.c.etag, t.http_validators.c.last_modified).where(
                    t.http_validators.c.url == url[:1000]
                )
            ).first()
        return (r[0], r[1]) if r else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.write() as conn:
            conn.execute(t.http_validators.delete().where(t.http_validators.c.url == url[:1000]))
            conn.execute(
                t.http_validators.insert().values(
                    url=url[:1000], etag=etag, last_modified=last_modified, updated_at=now_iso()
                )
            )

    # --- locks --------------------------------------------------------------------------------

    def acquire_lock(self, name: str = "refresh") -> None:
        """One refresh per database. A lock whose process is gone (same host) is taken over."""
        me = {
            "name": name,
            "owner": f"{socket.gethostname()}:{os.getpid()}",
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "acquired_at": now_iso(),
        }
        for _ in range(2):
            try:
                with self.write() as conn:
                    conn.execute(t.locks.insert().values(**me))
                return
            except sa.exc.IntegrityError:
                with self.engine.connect() as conn:
                    held = conn.execute(sa.select(t.locks).where(t.locks.c.name == name)).first()
                if held is None:
                    continue
                if held.host == me["host"] and not _pid_alive(held.pid):
                    with self.write() as conn:
                        conn.execute(t.locks.delete().where(t.locks.c.name == name, t.locks.c.pid == held.pid))
                    continue
                raise LockHeld(
                    f"another refresh (process {held.pid} on {held.host}, started {held.acquired_at}) "
                    "is running against this database; wait for it or use --wait"
                ) from None
        raise LockHeld("could not take the refresh lock")

    def release_lock(self, name: str = "refresh") -> None:
        with self.write() as conn:
            conn.execute(t.locks.delete().where(t.locks.c.name == name, t.locks.c.pid == os.getpid()))

    # --- runs -----------------------------------------------------------------------------------

    def start_run(self, options: dict[str, Any]) -> int:
        with self.write() as conn:
            # A run left 'running' by a killed process is closed as such.
            conn.execute(
                t.runs.update()
                .where(t.runs.c.status == "running", t.runs.c.host == socket.gethostname())
                .values(status="killed")
            )
            res = conn.execute(
                t.runs.insert().values(
                    started_at=now_iso(), status="running", pid=os.getpid(), host=socket.gethostname(), options=options
                )
            )
            return int(res.inserted_primary_key[0])

    def finish_run(self, run_id: int, status: str) -> None:
        with self.write() as conn:
            conn.execute(t.runs.update().where(t.runs.c.id == run_id).values(status=status, finished_at=now_iso()))

    def record_source_run(
        self,
        run_id: int,
        source: str,
        started_at: str,
        ok: bool,
        payloads: int,
        records: int,
        report: ImportReport,
        errors: list[str],
        notes: list[str],
    ) -> None:
        with self.write() as conn:
            conn.execute(
                t.run_sources.insert().values(
                    run_id=run_id,
                    source=source,
                    started_at=started_at,
                    finished_at=now_iso(),
                    ok=ok,
                    payloads=payloads,
                    records=records,
                    inserted=report.inserted,
                    updated=report.updated,
                    unchanged=report.unchanged,
                    events=report.events,
                    errors=len(errors),
                    error_text=redact("\n".join(errors)) or None,
                    notes=[redact(n) for n in notes],
                )
            )

    def source_history(self, source: str, limit: int = 10) -> list[dict[str, Any]]:
        return self.reader().source_history(source, limit)

    # --- aliases ----------------------------------------------------------------------------------

    def add_alias(self, name: str, alias: str, reason: str | None) -> None:
        with self.write() as conn:
            conn.execute(
                t.aliases.delete().where(
                    t.aliases.c.name_norm == normalise_name(name).key,
                    t.aliases.c.alias_norm == normalise_name(alias).key,
                )
            )
            conn.execute(
                t.aliases.insert().values(
                    name=name,
                    alias=alias,
                    name_norm=normalise_name(name).key,
                    alias_norm=normalise_name(alias).key,
                    reason=reason,
                    created_at=now_iso(),
                )
            )

    def remove_alias(self, name: str, alias: str | None) -> int:
        q = t.aliases.delete().where(t.aliases.c.name_norm == normalise_name(name).key)
        if alias:
            q = q.where(t.aliases.c.alias_norm == normalise_name(alias).key)
        with self.write() as conn:
            return int(conn.execute(q).rowcount or 0)

    def aliases(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(t.aliases).order_by(t.aliases.c.name))]


def _mark(dialect: sa.Dialect) -> str:
    """The driver's placeholder: SQLite's ``?``, psycopg's ``%s``."""
    return "?" if dialect.paramstyle == "qmark" else "%s"


def _next_pk(conn: sa.Connection) -> int:
    """The next filings key on SQLite. We hold SQLite's write lock (BEGIN IMMEDIATE): nobody else can take it."""
    return int(_sqlite_cursor(conn).execute("SELECT coalesce(max(pk), 0) + 1 FROM filings").fetchone()[0])


def _sqlite_cursor(conn: sa.Connection) -> Any:
    """The sqlite3 cursor of a Connection whose transaction is begun (Store.write begins it at once): an ingest
    runs some ten statements a file, and SQLAlchemy's own work around each cost more than a small one itself."""
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def _select_in(conn: sa.Connection, sql: str, values: Sequence[Any], fetch: bool = True) -> list[Any]:
    """``sql`` with ``{}`` where the placeholders of ``values`` go, run in chunks straight on the driver."""
    rows: list[Any] = []
    if conn.dialect.name == "sqlite":
        cur = _sqlite_cursor(conn)
        for chunk in _chunks(values):
            cur.execute(sql.format(", ".join("?" * len(chunk))), tuple(chunk))
            if fetch:
                rows += cur.fetchall()
        return rows
    mark = _mark(conn.dialect)
    for chunk in _chunks(values):
        res = conn.exec_driver_sql(sql.format(", ".join([mark] * len(chunk))), tuple(chunk))
        if fetch:
            rows += res.fetchall()
    return rows


def _existing(r: Any) -> dict[str, Any]:
    return {
        "pk": r[0],
        "id": r[1],
        "content_hash": r[2],
        "alt_ids": _json(r[3]) or [],
        "extra": _json(r[4]) or {},
        "url": full_url(r[1], r[5]),
        "precedence": precedence_key(r[7], r[8], r[9] or r[10], r[11], r[12], r[13], r[2]),
        "source": r[14],
        "case_ref": r[15],
    }


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
