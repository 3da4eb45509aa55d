"""The read-only query room: every question `deal`, `search`, `show`, `list`, `stats`, `changes` and `sources`
ask of the store, as plain SQL on the DB-API driver.

One code path for SQLite and PostgreSQL: the SQL below is the common subset of both, written with ``?``
placeholders and turned into ``%s`` for drivers that want those. A SQLite store that is already at the schema
this mergerwatch knows is opened with the standard library alone (one version query); anything else (a new
file, one to migrate, PostgreSQL, a file that is not a database) is opened by the full ``Store``, which
migrates or explains, and is then read through the same queries on its engine's raw connections.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from mergerwatch.core.registry import full_url
from mergerwatch.core.vocabulary import telling_details
from mergerwatch.exiting import opened
from mergerwatch.store import name_index
from mergerwatch.store.extra_codec import full_extra, shortened
from mergerwatch.store.location import resolve_db_url, sqlite_path

# The newest migration this mergerwatch knows (tests/test_store.py checks it against the migration scripts).
HEAD_REVISION = "0010"
CHUNK = 500

# A filing and its provenance, read from the raw payload it came from (FROM filings f LEFT JOIN raw_payloads r).
FILING_COLS = (
    # the source's own id is the tail of id (schema.py)
    "f.pk, f.id, f.source, substr(f.id, length(f.source) + 2), f.authority, f.jurisdiction, f.case_ref, f.title, "
    "f.status, f.status_raw, "
    "f.status_date, f.detail, f.deadline, f.url, f.published_at, f.extra, f.alt_ids, f.first_seen, "
    "coalesce(nullif(f.last_changed, ''), f.first_seen), "
    "r.fetched_at, r.sha256, f.parser_version"
)
FILING_FROM = "filings f LEFT JOIN raw_payloads r ON r.id = f.payload_id"
EVENT_COLS = "filing_pk, id, status, status_raw, event_date, detail, deadline, basis, observed_at, url"
LIGHT_COLS = "id, first_seen, authority, status, status_date, deadline, title"
# The keys of a source's `extra` that lists and statistics filter and count on (listing.py), and the event details
# that show a phase (listing.phase_of): kept here so the query reads only those.
FACT_KEYS = ("phase", "notification_date", "opened_date", "procedure", "market_sector", "nace", "nace_codes")
FACT_EVENT_DETAILS = telling_details()


# The same tests in SQL: an extra that names one of FACT_KEYS, an event that tells a notification or a phase.
TELLING_EXTRA = "(" + " OR ".join(f"CAST(extra AS TEXT) LIKE '%\"{k}\"%'" for k in FACT_KEYS) + ")"
TELLING_EVENT = "(status = 'notified' OR detail IN (" + ", ".join(f"'{d}'" for d in FACT_EVENT_DETAILS) + "))"
# The same as a value of filings.tells, for the rows the store rewrites (an extra that names a key anywhere is
# counted as telling: more filings than needed take the record-by-record path, never fewer).
TELLS_SQL = (
    f"CASE WHEN {TELLING_EXTRA} OR EXISTS (SELECT 1 FROM status_events "
    f"WHERE status_events.filing_pk = filings.pk AND {TELLING_EVENT}) THEN 1 ELSE 0 END"
)


def tells(extra: dict[str, Any], events: Iterable[tuple[str | None, str | None]]) -> int:
    """filings.tells of a new filing: 1 if its extra has one of FACT_KEYS or one of its (status, detail) events
    tells a notification or a phase (TELLING_EVENT), else 0."""
    if any(k in extra for k in FACT_KEYS):
        return 1
    for status, detail in events:
        if status == "notified" or (detail and detail in FACT_EVENT_DETAILS):
            return 1
    return 0


_FACT_KEY_RE = re.compile("|".join(f'"{k}"' for k in FACT_KEYS))
# Sort keys ``filing_rows`` can give to SQL: ISO dates only (text, so they sort alike in every collation).
ORDERS = {
    "decided": "coalesce(status_date, '') DESC",
    "seen": "substr(first_seen, 1, 10) DESC",
    "deadline": "coalesce(deadline, '9999')",
}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value  # SQLite gives text, PostgreSQL values


def _facts_of(extra: Any) -> dict[str, Any]:
    """The FACT_KEYS of a stored extra. Most records (every FTC notice) hold none: their text is not parsed."""
    if isinstance(extra, str) and not _FACT_KEY_RE.search(extra):
        return {}
    parsed = _json(extra) or {}
    return {k: parsed[k] for k in FACT_KEYS if k in parsed}


def _chunks(seq: Sequence[Any], n: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def filing_record(r: Sequence[Any]) -> dict[str, Any]:
    """A row of FILING_COLS in the CLI's ``--json`` shape (parties and events filled in by the caller)."""
    return {
        "id": r[1],
        "source": r[2],
        "source_id": r[3],
        "authority": r[4],
        "jurisdiction": r[5],
        "case_ref": r[6],
        "title": r[7],
        "parties": [],
        "status": r[8],
        "status_raw": r[9],
        "status_date": r[10],
        "detail": r[11],
        "deadline": r[12],
        "url": full_url(r[1], r[13]),
        "published_at": r[14],
        "extra": _json(r[15]) or {},
        "alt_ids": _json(r[16]) or [],
        "first_seen": r[17],
        "last_changed": r[18],
        "provenance": {"fetched_at": r[19], "payload_sha256": r[20], "parser_version": r[21]},
        "events": [],
    }


def event_url(stored: str | None, filing_url: str | None) -> str | None:
    """An event's url as stored: NULL for the filing's own url (most events), '' for none."""
    return filing_url if stored is None else (stored or None)


# An event's observation time as stored: '' when it was observed with its filing, at the filing's first_seen
# (schema.py). In SQL over ``status_events e JOIN filings f``.
OBSERVED_SQL = "CASE WHEN e.observed_at = '' THEN f.first_seen ELSE e.observed_at END"
# The events observed at or after a cut-off (the parameter, given twice): from the first id any of them can have
# (schema.event_marks), through the events' primary key.
OBSERVED_SINCE_SQL = (
    f"e.id >= (SELECT min(first_event_id) FROM event_marks WHERE observed_at >= ?) AND {OBSERVED_SQL} >= ?"
)


def event_record(e: Sequence[Any], filing_url: str | None, first_seen: str) -> dict[str, Any]:
    return {
        "status": e[2],
        "status_raw": e[3],
        "date": e[4],
        "detail": e[5],
        "deadline": e[6],
        "basis": e[7] or "structured",  # '': the usual one (schema.py)
        "observed_at": e[8] or first_seen,  # '': with its filing
        "url": event_url(e[9], filing_url),
        "_id": e[1],
    }


Connect = Callable[[], AbstractContextManager[Any]]


class Reader:
    """Read-only queries over one store. ``connect()`` lends a DB-API connection for one question."""

    def __init__(
        self,
        connect: Connect,
        url: str,
        mark: str = "?",
        close: Callable[[], None] | None = None,
        fts: bool | None = None,
    ) -> None:
        self._connect = connect
        self.url = url
        self._pyformat = mark != "?"
        self._close = close
        # The store's name index is FTS5: known already when a Store lends its connections, else asked once.
        self._fts = fts

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ------------------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if self._pyformat else sql

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._connect() as conn:
            cur = conn.cursor()
            try:
                cur.execute(self._sql(sql), tuple(params))
                return [tuple(r) for r in cur.fetchall()]
            finally:
                cur.close()

    def dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._connect() as conn:
            cur = conn.cursor()
            try:
                cur.execute(self._sql(sql), tuple(params))
                names = [d[0] for d in cur.description]
                return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            finally:
                cur.close()

    def select_in(self, sql: str, values: Sequence[Any], before: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """``sql`` with ``{}`` where the placeholders of ``values`` go, run in chunks; ``before`` are the
        parameters that come ahead of the list."""
        out: list[tuple[Any, ...]] = []
        for chunk in _chunks(list(values)):
            out += self.rows(sql.format(", ".join("?" * len(chunk))), [*before, *chunk])
        return out

    # --- records -------------------------------------------------------------------------------------

    def filing_records(self, ids: Sequence[str], with_events: bool = True) -> list[dict[str, Any]]:
        """Records in the CLI's ``--json`` shape, in the order of ``ids``."""
        if not ids:
            return []
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(ids)):
            by_pk: dict[int, dict[str, Any]] = {}
            marks = ", ".join("?" * len(chunk))
            for r in self.rows(f"SELECT {FILING_COLS} FROM {FILING_FROM} WHERE f.id IN ({marks})", chunk):
                out[r[1]] = by_pk[r[0]] = filing_record(r)
            pks = list(by_pk)
            if not pks:
                continue
            pmarks = ", ".join("?" * len(pks))
            sql = f"SELECT filing_pk, name, role FROM parties WHERE filing_pk IN ({pmarks}) "
            sql += "ORDER BY filing_pk, position"
            for fpk, name, role in self.rows(sql, pks):
                by_pk[fpk]["parties"].append({"name": name, "role": role})
            for rec in by_pk.values():
                if shortened(rec["source"], rec["extra"]):
                    targets = [p["name"] for p in rec["parties"] if p["role"] == "target"]
                    rec["extra"] = full_extra(rec["source"], rec["extra"], rec["case_ref"], targets)
            if with_events:
                sql = f"SELECT {EVENT_COLS} FROM status_events WHERE filing_pk IN ({pmarks}) ORDER BY filing_pk, id"
                for e in self.rows(sql, pks):
                    rec = by_pk[e[0]]
                    rec["events"].append(event_record(e, rec["url"], rec["first_seen"]))
        recs = [out[i] for i in ids if i in out]
        for r in recs:
            r["events"].sort(key=lambda e: (e["date"] or "", e["observed_at"], e["_id"]))
            for e in r["events"]:
                e.pop("_id", None)
            if not with_events:
                r.pop("events")
        return recs

    def find_filing_id(self, ident: str) -> str | None:
        """``show`` accepts the stable id, a source's own id (``source:id``) or an alternate id, or a case
        reference that names one filing."""
        if self.rows("SELECT id FROM filings WHERE id = ?", [ident]):
            return ident
        if ":" in ident:
            src, sid = ident.split(":", 1)
            cond, params = self.of_source(src)
            for fid, alt in self.rows(f"SELECT id, alt_ids FROM filings WHERE {cond}", params):
                if sid in (_json(alt) or []):
                    return str(fid)
        rows = self.rows("SELECT id FROM filings WHERE case_ref = ?", [ident])
        return str(rows[0][0]) if len(rows) == 1 else None

    @staticmethod
    def _where(
        authorities: Sequence[str], statuses: Sequence[str], between: tuple[str, str | None, str | None] | None
    ) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if authorities:
            # Authorities are stored as upper-case codes (EC, CMA, FTC, DOJ, US): compared as such, the column
            # stays usable by ix_filings_authority_date.
            where.append(f"authority IN ({', '.join('?' * len(authorities))})")
            params += [a.upper() for a in authorities]
        if statuses:
            where.append(f"status IN ({', '.join('?' * len(statuses))})")
            params += list(statuses)
        if between is not None:
            col, lo, hi = between
            expr = {"status_date": "status_date", "first_seen": "substr(first_seen, 1, 10)"}[col]
            if lo:
                where.append(f"{expr} >= ?")
                params.append(lo)
            if hi:
                where.append(f"{expr} <= ?")
                params.append(hi)
        return where, params

    def _select(self, sql: str, where: list[str], params: list[Any], ids: Sequence[str] | None, tail: str = ""):
        sql += " WHERE " + " AND ".join(where) if where else ""
        if ids is None:
            return self.rows(sql + tail, params)
        # A party's filings: a few hundred at most.
        return self.select_in(sql + (" AND " if where else " WHERE ") + "id IN ({})" + tail, ids, before=params)

    def filing_rows(
        self,
        authorities: Sequence[str] = (),
        statuses: Sequence[str] = (),
        ids: Sequence[str] | None = None,
        between: tuple[str, str | None, str | None] | None = None,
        facts: bool = False,
        order: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """The headline columns (LIGHT_COLS) of the filings at these authorities (any case) with these statuses,
        among ``ids`` when given; ``between`` = (column, from, to) narrows on ``status_date`` or on the day of
        ``first_seen``. In the table's order (of each chunk of ``ids``), which callers keep as their tie-break.

        With ``facts``, also what lists and statistics read beyond the headline, without whole records:
        ``detail``, the ``extra`` keys FACT_KEYS and the events that tell a phase or a notification
        (FACT_EVENT_DETAILS): enough for listing.phase_of, notified_on, sectors_of and the procedure.

        ``order`` (a key of ORDERS) sorts in SQL, newest or soonest first, the table's order breaking ties, and
        ``limit`` then cuts: only keys made of ISO dates, which sort alike in every database collation."""
        where, params = self._where(authorities, statuses, between)
        cols = LIGHT_COLS + (", pk, detail, extra" if facts else "")
        key = ORDERS[order] if order else ""
        if order == "decided" and between and between[0] == "status_date":
            key = "status_date DESC"  # no NULL here (the range excludes it): the index gives this order as it is
        if order and ids is None:
            tail = f" ORDER BY {key}, pk" + (f" LIMIT {int(limit)}" if limit else "")
        else:
            tail = " ORDER BY pk"  # the table's order, said: PostgreSQL gives an updated row back elsewhere
        rows = self._select(f"SELECT {cols} FROM filings", where, params, ids, tail)
        names = [c.strip() for c in LIGHT_COLS.split(",")]
        if not facts:
            return [dict(zip(names, r, strict=True)) for r in rows]
        out, by_pk = [], {}
        n = len(names)
        for r in rows:
            rec = dict(zip(names, r[:n], strict=True))
            rec.update(detail=r[n + 1], extra=_facts_of(r[n + 2]), events=[])
            by_pk[r[n]] = rec
            out.append(rec)
        sql = (
            f"SELECT filing_pk, status, detail, status_raw, event_date FROM status_events WHERE {TELLING_EVENT} "
            "{} ORDER BY filing_pk, id"
        )
        # Few filings: their events by key; many: every telling event at once (far fewer than the filings).
        if len(by_pk) <= 5 * CHUNK:
            events = self.select_in(sql.format("AND filing_pk IN ({})"), list(by_pk))
        else:
            events = self.rows(sql.format(""))
        for fpk, status, detail, raw, when in events:
            if fpk in by_pk:
                by_pk[fpk]["events"].append({"status": status, "detail": detail, "status_raw": raw, "date": when})
        return out

    def stat_groups(
        self,
        authorities: Sequence[str] = (),
        statuses: Sequence[str] = (),
        ids: Sequence[str] | None = None,
        between: tuple[str, str | None, str | None] | None = None,
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """For statistics: the ids of the filings with something to tell beyond their headline (filings.tells:
        an extra naming one of FACT_KEYS, an event of TELLING_EVENT), and all the others counted by authority,
        status, detail and year of status date (every FTC early-termination notice, for one). The counts come
        from the covering index ix_filings_stats: the table itself is not read."""
        where, params = self._where(authorities, statuses, between)
        # Grouped in the index's own order (by day, not by year): no sort in the database, a few thousand rows.
        cols = "authority, status, detail, status_date"
        rows = self._select(
            f"SELECT {cols}, count(*) FROM filings", ["tells = 0", *where], params, ids, f" GROUP BY {cols}"
        )
        counts: dict[tuple[Any, ...], int] = {}
        for a, st, d, day, n in rows:
            k = (a, st, d, day[:4] if day else None)
            counts[k] = counts.get(k, 0) + int(n)
        plain = [
            {"authority": a, "status": st, "detail": d, "year": y, "count": n} for (a, st, d, y), n in counts.items()
        ]
        telling = [str(r[0]) for r in self._select("SELECT id FROM filings", ["tells = 1", *where], params, ids)]
        return telling, plain

    # --- names ---------------------------------------------------------------------------------------

    def aliases_of(self, key: str) -> list[dict[str, Any]]:
        return self.dicts(
            "SELECT name, alias, name_norm, alias_norm, reason FROM aliases WHERE name_norm = ? OR alias_norm = ?",
            [key, key],
        )

    def parties_named(self, key: str) -> list[tuple[Any, ...]]:
        """(filing id, name, role, norm, legal form) of every party whose normalised name is ``key``. A store with
        the FTS5 name index has no index on parties.norm (0009): the parties holding every word of ``key`` are
        found there and their norm compared."""
        if self._name_index():
            from mergerwatch.core.names import index_tokens_of

            tokens = index_tokens_of(key)
            if tokens:
                return self.rows(f"{self._fts_parties()} WHERE p.norm = ?", [name_index.match(tokens), key])
        return self.rows(
            "SELECT f.id, p.name, p.role, p.norm, p.legal_form FROM parties p JOIN filings f ON f.pk = p.filing_pk "
            "WHERE p.norm = ?",
            [key],
        )

    @staticmethod
    def _fts_parties() -> str:
        """Parties (as in ``parties_named``) whose index entry matches the FTS5 query given as the parameter."""
        return (
            "SELECT f.id, p.name, p.role, p.norm, p.legal_form "
            f"FROM (SELECT rowid AS k FROM {name_index.TABLE} WHERE {name_index.TABLE} MATCH ?) h "
            f"JOIN parties p ON p.filing_pk = (h.k >> {name_index.SHIFT}) "
            f"AND p.position = (h.k & {(1 << name_index.SHIFT) - 1}) "
            "JOIN filings f ON f.pk = p.filing_pk"
        )

    def _name_index(self) -> bool:
        """The store keeps its name index in FTS5 (SQLite: store/name_index.py), not in name_tokens."""
        if self._fts is None:
            with self._connect() as conn:
                cur = conn.cursor()
                self._fts = not self._pyformat and name_index.has_name_index(cur)
                if self._fts:
                    name_index.check_usable(cur)
        return self._fts

    def token_counts(self, tokens: Sequence[str]) -> dict[str, int]:
        if self._name_index():
            sql = f"SELECT count(*) FROM {name_index.TABLE} WHERE {name_index.TABLE} MATCH ?"
            counts = {tok: int(self.rows(sql, [name_index.match([tok])])[0][0]) for tok in dict.fromkeys(tokens)}
            return {tok: n for tok, n in counts.items() if n}
        marks = ", ".join("?" * len(tokens))
        sql = f"SELECT token, count(*) FROM name_tokens WHERE token IN ({marks}) GROUP BY token"
        return {r[0]: int(r[1]) for r in self.rows(sql, tokens)}

    def parties_with_tokens(self, tokens: Sequence[str], limit: int) -> list[tuple[Any, ...]]:
        """Parties (as in ``parties_named``) whose names hold every one of ``tokens``: the blocking step."""
        if self._name_index():
            return self.rows(f"{self._fts_parties()} LIMIT {int(limit)}", [name_index.match(tokens)])
        one = "SELECT filing_pk, position FROM name_tokens WHERE token = ?"
        posting = " INTERSECT ".join([one] * len(tokens))
        sql = (
            "SELECT f.id, p.name, p.role, p.norm, p.legal_form FROM parties p "
            f"JOIN ({posting}) h ON h.filing_pk = p.filing_pk AND h.position = p.position "
            f"JOIN filings f ON f.pk = p.filing_pk LIMIT {int(limit)}"
        )
        return self.rows(sql, tokens)

    # --- sources and runs ----------------------------------------------------------------------------

    @property
    def _sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def of_source(self, source: str) -> tuple[str, list[str]]:
        """A condition on filings (and its parameters) for the records of ``source``. On SQLite a range of ids
        ("<source>:" up to "<source>;", ':' + 1): every id begins with its source, and the index of ids then finds
        them (there is no index on source, schema.py). PostgreSQL compares text in its collation, which may
        ignore punctuation, so there it is the column."""
        if self._sqlite:
            return "id >= ? AND id < ?", [f"{source}:", f"{source};"]
        return "source = ?", [source]

    def counts_by_source(self) -> dict[str, int]:
        """Records per source. On SQLite each source's range of ids is counted on the index of ids, the next source
        found by a seek past it: as fast as the index on source it replaces (0010)."""
        if not self._sqlite:
            return {r[0]: int(r[1]) for r in self.rows("SELECT source, count(*) FROM filings GROUP BY source")}
        out: dict[str, int] = {}
        after = ""
        while row := self.rows("SELECT id FROM filings WHERE id > ? ORDER BY id LIMIT 1", [after]):
            source = str(row[0][0]).split(":", 1)[0]
            cond, params = self.of_source(source)
            out[source] = int(self.rows(f"SELECT count(*) FROM filings WHERE {cond}", params)[0][0])
            after = params[1]
        return out

    def source_history(self, source: str, limit: int = 10) -> list[dict[str, Any]]:
        rows = self.dicts(f"SELECT * FROM run_sources WHERE source = ? ORDER BY id DESC LIMIT {int(limit)}", [source])
        for r in rows:
            r["ok"] = bool(r["ok"])
            r["notes"] = _json(r["notes"]) or []
        return rows

    def all_state(self, source: str) -> dict[str, str]:
        return {r[0]: r[1] for r in self.rows("SELECT key, value FROM source_state WHERE source = ?", [source])}

    # --- history -------------------------------------------------------------------------------------

    def events_since(self, cutoff: str) -> list[dict[str, Any]]:
        """Status events observed at or after ``cutoff``, newest first, with their filing's headline."""
        rows = self.dicts(
            "SELECT e.filing_pk, e.status, e.status_raw, e.detail, e.event_date, e.deadline, "
            f"{OBSERVED_SQL} AS observed_at, e.url, "
            "f.url AS filing_url, f.title, f.authority, f.case_ref, f.status AS current_status, f.id AS filing_id "
            f"FROM status_events e JOIN filings f ON f.pk = e.filing_pk WHERE {OBSERVED_SINCE_SQL} "
            "ORDER BY observed_at DESC, e.id DESC",  # the time above (an output name wins over a column)
            [cutoff, cutoff],
        )
        for r in rows:
            r["url"] = event_url(r["url"], full_url(r["filing_id"], r.pop("filing_url")))
        return rows

    def party_rows(self, pks: Sequence[int]) -> list[tuple[Any, ...]]:
        """(filing pk, name, role, norm) of these filings' parties, in their order."""
        sql = "SELECT filing_pk, name, role, norm FROM parties WHERE filing_pk IN ({}) ORDER BY filing_pk, position"
        return self.select_in(sql, pks)


def as_reader(db: Any) -> Reader:
    """A Reader, or a Store's reader (functions of the read path accept either)."""
    return db if isinstance(db, Reader) else db.reader()


def _open_sqlite(path: str) -> sqlite3.Connection | None:
    """The file opened with the standard library when it is a mergerwatch store at the head schema, else None
    (the full Store then migrates it or says what is wrong with it)."""
    conn = None
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=30000")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if row and row[0] == HEAD_REVISION:
            return conn
    except sqlite3.Error:
        pass
    if conn is not None:
        conn.close()
    return None


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
    from mergerwatch.store.store import Store

    store = Store(db)
    reader = store.reader()
    reader._close = store.close
    return reader
