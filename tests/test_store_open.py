"""Opening a store: where it lives, WAL and the schema version, every migration (a new store is what they all
build), a killed writer, a store built with FTS5 on a SQLite without it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime

import pytest

from mergerwatch.core.model import Filing, Party, Role, Status
from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload
from mergerwatch.store.db import head_revision
from mergerwatch.store.write.store import Store

from .conftest import FIXTURES
from .migrations import build_0001_store, check_upgraded, schema_differences


def _filing(status: Status, raw: str, d: date, **kw) -> Filing:
    return Filing(
        source="ftc-early-termination",
        source_id="abc",
        authority="FTC",
        jurisdiction="US",
        case_ref="20260001",
        title="20260001: A Inc.; B LLC",
        parties=[Party(name="A Inc.", role=Role.acquirer), Party(name="B LLC", role=Role.target)],
        status=status,
        status_raw=raw,
        status_date=d,
        parser_version="t",
        **kw,
    )


def _rss_and_api():
    """The September 2026 feed and an API page that shares two of its notices."""
    src = get_source("ftc-early-termination")
    d = FIXTURES / "ftc-early-termination"
    rss = d / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"
    api = d / "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json"
    return (
        src,
        src.parse(Payload(src.name, "x", rss.read_bytes())),
        src.parse(Payload(src.name, "y", api.read_bytes())),
    )


WRITER = r"""
import sys
from mergerwatch.store.write.store import Store
from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload
from mergerwatch.testing import ftc_pages
store = Store(sys.argv[1])
src = get_source("ftc-early-termination")
filings = []
for body in ftc_pages(40000, page_size=40000):
    filings += src.parse(Payload(src.name, "synthetic", body)).filings
print("writing", flush=True)
store.import_filings(filings)
print("done", flush=True)
"""


def _sqlite_schema(path) -> dict[str, object]:
    """Everything SQLite knows of a schema, by name and independent of the order things were added in."""
    out: dict[str, object] = {}
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for tb in tables:
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (tb,)).fetchone()[0]
            indexes = set()
            for _seq, name, unique, origin, partial in conn.execute(f"PRAGMA index_list('{tb}')"):
                cols = tuple((r[2], r[3]) for r in conn.execute(f"PRAGMA index_xinfo('{name}')") if r[5])  # name, desc
                indexes.add((name if origin == "c" else origin, unique, partial, cols))
            out[tb] = {
                "columns": {r[1:] for r in conn.execute(f"PRAGMA table_info('{tb}')")},
                "without_rowid": "WITHOUT ROWID" in sql.upper(),
                "foreign_keys": {r[2:] for r in conn.execute(f"PRAGMA foreign_key_list('{tb}')")},
                "indexes": indexes,
            }
        out["version"] = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    return out


def _rows(store: Store, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql, params).fetchall()


def _as_before_0010(conn: sqlite3.Connection) -> None:
    """Events' observation times and bases in full, the indexes on them and on filings.source, and no event marks,
    as a store made before 0010 holds them."""
    conn.execute("DROP TABLE event_marks")
    conn.execute("CREATE INDEX ix_events_observed ON status_events (observed_at)")
    conn.execute("CREATE INDEX ix_filings_source ON filings (source)")
    conn.execute(
        "UPDATE status_events SET observed_at = (SELECT first_seen FROM filings WHERE pk = filing_pk) "
        "WHERE observed_at = ''"
    )
    conn.execute("UPDATE status_events SET basis = 'structured' WHERE basis = ''")


def _as_before_0009(conn: sqlite3.Connection) -> None:
    """filings.source_id, the index on parties.norm and updated_at as a store made before 0009 holds them (a store
    made now and marked older by hand must have what the older migrations it then runs read)."""
    _as_before_0010(conn)
    conn.execute("UPDATE filings SET source_id = substr(id, length(source) + 2)")
    conn.execute("CREATE INDEX ix_parties_norm ON parties (norm)")
    conn.execute("UPDATE filings SET updated_at = published_at WHERE updated_at IS NULL")


@pytest.mark.slow
def test_killed_writer_leaves_consistent_store_and_next_run_completes(db):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, db], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(0.8)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = conn.execute("SELECT count(*) FROM filings").fetchone()[0]
        parties = conn.execute("SELECT count(*) FROM parties").fetchone()[0]
    assert n in (0, 40000)  # all of the batch or none of it
    assert (parties == 0) == (n == 0)
    done = subprocess.run([sys.executable, "-c", WRITER, db], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM filings").fetchone()[0] == 40000
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_wal_mode_and_schema_version(store: Store):
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    assert schema_differences(store.engine) == []  # the migrations build exactly what schema.py declares


def test_a_new_store_is_what_every_migration_from_an_empty_file_builds(tmp_path):
    """A new SQLite store is created from schema.py and stamped (no alembic import); running the whole migration
    chain on an empty file must give the same tables, columns, types, defaults, keys and indexes."""
    from alembic import command

    from mergerwatch.store.db import _alembic_config, create_db_engine

    Store(str(tmp_path / "new.db")).close()
    engine = create_db_engine(f"sqlite:///{tmp_path / 'chain.db'}")
    with engine.connect() as conn:
        with conn.begin():
            command.upgrade(_alembic_config(conn), "head")
    engine.dispose()
    new, chain = _sqlite_schema(tmp_path / "new.db"), _sqlite_schema(tmp_path / "chain.db")
    assert new == chain
    assert new["version"] == [(head_revision(),)]


def test_upgrade_from_0001_keeps_every_record_and_event(tmp_path):
    from mergerwatch.query.deals import deal

    db = str(tmp_path / "old.db")
    data = build_0001_store(f"sqlite:///{db}")
    store = Store(db)
    check_upgraded(store, data)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert deal(store, ["Navitas", "Claros"])["found"]
    # The upgraded store takes new records and changes as a new one does.
    src = get_source("ftc-early-termination")
    body = (
        FIXTURES / "ftc-early-termination" / "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json"
    )
    rep = store.import_filings(src.parse(Payload(src.name, "x", body.read_bytes())).filings, match_key=src.match_key)
    assert rep.inserted + rep.updated + rep.unchanged == 2
    store.close()


def test_db_location_from_env(monkeypatch, tmp_path):
    from mergerwatch.store.db import resolve_db_url

    monkeypatch.setenv("MERGERWATCH_DB", str(tmp_path / "env.db"))
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_db_url(str(tmp_path / "flag.db")) == f"sqlite:///{tmp_path / 'flag.db'}"
    assert resolve_db_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("MERGERWATCH_DB")
    assert resolve_db_url(None).endswith("mergerwatch.db")


def test_head_revision_constant_matches_the_migration_scripts():
    from mergerwatch.store.db import HEAD_REVISION, KNOWN_REVISIONS

    assert HEAD_REVISION == head_revision() and KNOWN_REVISIONS[-1] == HEAD_REVISION


def test_upgrade_0005_finds_each_filing_payload_by_digest_or_by_its_fetch_time(tmp_path):
    """Per-filing provenance becomes a payload key: found by digest, else (a body stored redacted has another
    digest) by source and fetch time when exactly one payload has them, else none; event urls keep their meaning."""
    import zlib

    from alembic import command

    from mergerwatch.store.db import _alembic_config, create_db_engine

    db = str(tmp_path / "s.db")
    engine = create_db_engine(f"sqlite:///{db}")
    t1, t2, t3 = "2026-09-30T12:00:00+00:00", "2026-10-01T12:00:00+00:00", "2026-10-02T12:00:00+00:00"
    payloads = [(1, "s1", t1), (2, "redacted", t2), (3, "s3", t3), (4, "s4", t3)]
    # (source id, digest the parser saw, fetch time): by digest, by fetch time, ambiguous fetch time
    filings = [("a", "s1", t1), ("b", "unredacted", t2), ("c", "other", t3)]
    with engine.connect() as conn:
        conn.execution_options(mw_write=True)
        with conn.begin():
            command.upgrade(_alembic_config(conn), "0004")
            for pid, sha, when in payloads:
                conn.exec_driver_sql(
                    "INSERT INTO raw_payloads (id, source, url, fetched_at, sha256, size, body_zlib) "
                    "VALUES (?, 'src', 'https://x/', ?, ?, 2, ?)",
                    (pid, when, sha, zlib.compress(b"{}")),
                )
            for pk, (sid, sha, when) in enumerate(filings, 1):
                conn.exec_driver_sql(
                    "INSERT INTO filings (pk, id, source, source_id, authority, jurisdiction, title, status, "
                    "status_raw, url, alt_ids, extra, content_hash, first_seen, last_changed, fetched_at, "
                    "payload_sha256, parser_version) VALUES (?, ?, 'src', ?, 'FTC', 'US', 'T', 'cleared', 'C', "
                    "?, '[]', '{}', 'h', ?, ?, ?, ?, 'p')",
                    (pk, f"src:{sid}", sid, f"https://x/{sid}", when, when, when, sha),
                )
            for key, url in (("e1", "https://x/a"), ("e2", None), ("e3", "https://x/doc.pdf")):
                conn.exec_driver_sql(
                    "INSERT INTO status_events (filing_pk, event_key, status, status_raw, url, observed_at, "
                    "payload_sha256) VALUES (1, ?, 'cleared', ?, ?, ?, 's1')",
                    (key, key, url, t1),
                )
    engine.dispose()
    store = Store(db)
    recs = {r["source_id"]: r for r in store.filing_records(["src:a", "src:b", "src:c"])}
    assert recs["a"]["provenance"]["payload_sha256"] == "s1" and recs["a"]["provenance"]["fetched_at"] == t1
    assert recs["b"]["provenance"]["payload_sha256"] == "redacted" and recs["b"]["provenance"]["fetched_at"] == t2
    assert recs["c"]["provenance"]["payload_sha256"] is None  # two payloads were fetched then: neither is claimed
    assert {e["status_raw"]: e["url"] for e in recs["a"]["events"]} == {
        "e1": "https://x/a",
        "e2": None,
        "e3": "https://x/doc.pdf",
    }
    assert _rows(store, "SELECT url, payload_id FROM status_events ORDER BY id") == [
        (None, 1),
        ("", 1),
        ("https://x/doc.pdf", 1),
    ]
    store.close()


def test_upgrade_0009_reads_the_same_without_source_ids_or_norm_index(tmp_path):
    """An 0008 store (filings.source_id filled, ix_parties_norm beside the FTS5 name index): after 0009 source_id
    holds '', the index is gone, the schema is the one a new store gets, and every record, source id and exact-name
    match reads as before; the same notices read again change nothing."""
    from mergerwatch.core.names import normalise_name
    from mergerwatch.query.companies import find_company

    src, rss, api = _rss_and_api()
    db = str(tmp_path / "s.db")
    store = Store(db)
    store.import_filings([*api.filings, *rss.filings], match_key=src.match_key)
    assert _rows(store, "SELECT count(*) FROM filings WHERE source_id <> ''") == [(0,)]  # a new store's rows
    ids = [r[0] for r in _rows(store, "SELECT id FROM filings ORDER BY id")]
    before = store.filing_records(ids)
    name = before[0]["parties"][0]["name"]
    key = normalise_name(name).key
    store.close()
    with sqlite3.connect(db) as conn:
        _as_before_0009(conn)
        # 24-digit match keys: the new ones lengthened, which 0009 cuts back to what the store makes now
        conn.execute("UPDATE filings SET match_key = match_key || 'abcdef01' WHERE match_key IS NOT NULL")
        conn.execute("UPDATE alembic_version SET version_num = '0008'")
        assert conn.execute("SELECT count(*) FROM filings WHERE source_id = ''").fetchone() == (0,)
        # the exact-name lookup as 0008 made it, through ix_parties_norm
        named_before = sorted(
            conn.execute(
                "SELECT f.id, p.name, p.role, p.norm, p.legal_form FROM parties p JOIN filings f ON f.pk = p.filing_pk "
                "WHERE p.norm = ?",
                (key,),
            ).fetchall()
        )
    store = Store(db)
    assert _rows(store, "SELECT count(*) FROM filings WHERE source_id <> ''") == [(0,)]
    assert _rows(store, "SELECT name FROM sqlite_master WHERE name = 'ix_parties_norm'") == []
    assert _rows(store, "SELECT count(*) FROM filings WHERE updated_at = published_at") == [(0,)]
    assert _rows(store, "SELECT DISTINCT length(match_key) FROM filings WHERE match_key IS NOT NULL") == [(16,)]
    assert schema_differences(store.engine) == []
    assert store.filing_records(ids) == before
    assert [r["source_id"] for r in before] == [i.split(":", 1)[1] for i in ids]
    assert named_before and sorted(store.reader().parties_named(key)) == named_before
    assert before[0]["id"] in find_company(store, name).by_filing
    again = store.import_filings([*api.filings, *rss.filings], match_key=src.match_key)
    assert (again.updated, again.inserted, again.events) == (0, 0, 0)
    store.close()


def test_upgrade_0006_shortens_digests_without_anything_looking_changed(tmp_path):
    """A 0005 store holds full content digests, 32-digit event keys and readable match keys; after 0006 the same
    notices read again are unchanged, and the other surface of a notice still merges into it by its match key."""
    import hashlib

    from mergerwatch.store.write.rows import event_key

    src, rss, api = _rss_and_api()
    db = str(tmp_path / "s.db")
    store = Store(db)
    store.import_filings(api.filings, match_key=src.match_key)
    store.close()
    with sqlite3.connect(db) as conn:  # the values as mergerwatch 0005 wrote them
        for f in api.filings:
            conn.execute(
                "UPDATE filings SET content_hash = ?, match_key = ? WHERE id = ?",
                (f.content_hash(), src.match_key(f), f.id),
            )
            for ev in f.all_events():
                old_key = hashlib.sha1("|".join(ev.key()).encode()).hexdigest()[:32]
                conn.execute(
                    "UPDATE status_events SET event_key = ? WHERE event_key = ? "
                    "AND filing_pk = (SELECT pk FROM filings WHERE id = ?)",
                    (old_key, event_key(ev), f.id),
                )
        _as_before_0009(conn)
        conn.execute("UPDATE alembic_version SET version_num = '0005'")
        assert (
            conn.execute(
                "SELECT max(length(match_key)), max(length(event_key)) FROM filings, status_events"
            ).fetchone()[0]
            > 24
        )
    store = Store(db)
    again = store.import_filings(api.filings, match_key=src.match_key)
    assert (again.unchanged, again.updated, again.inserted, again.events) == (len(api.filings), 0, 0, 0)
    rep = store.import_filings(rss.filings, match_key=src.match_key)
    assert rep.inserted == 18 and rep.updated == 2 and store.stats()["filings"] == 20
    lengths = _rows(store, "SELECT max(length(content_hash)), max(length(match_key)) FROM filings")
    assert lengths == [(16, 16)]  # 0007 cut the content digest again, 0009 the match key
    assert _rows(store, "SELECT max(length(event_key)) FROM status_events") == [(16,)]
    store.close()


def test_upgrade_0007_compacts_filings_and_every_record_reads_the_same(tmp_path):
    """A 0006 store keeps every url in full, last_changed as a copy of first_seen, 32-digit content digests and
    ascending date indexes. After 0007 every record and event reads as before, the same notices read again are
    unchanged, and a changed one gets its own last_changed."""
    src, rss, api = _rss_and_api()
    db = str(tmp_path / "s.db")
    store = Store(db)
    store.import_filings([*api.filings, *rss.filings], match_key=src.match_key)
    ids = [r[0] for r in _rows(store, "SELECT id FROM filings ORDER BY id")]
    before = store.filing_records(ids)
    changes_before = store.reader().events_since("2000-01-01")
    store.close()
    with sqlite3.connect(db) as conn:  # the rows as mergerwatch 0006 wrote them
        compact = conn.execute("SELECT count(*) FROM filings WHERE url = ''").fetchone()[0]
        assert compact >= 1  # an API notice's own address
        for r in before:
            conn.execute(
                "UPDATE filings SET url = ?, last_changed = first_seen, content_hash = content_hash || ? WHERE id = ?",
                (r["url"], "0" * 16, r["id"]),
            )
        conn.execute("DROP INDEX ix_filings_stats")
        conn.execute("CREATE INDEX ix_filings_stats ON filings (tells, authority, status, detail, status_date)")
        conn.execute("DROP INDEX ix_filings_authority_date")
        conn.execute("CREATE INDEX ix_filings_authority_date ON filings (authority, status_date)")
        _as_before_0009(conn)
        conn.execute("UPDATE alembic_version SET version_num = '0006'")
    store = Store(db)
    assert store.filing_records(ids) == before
    assert store.reader().events_since("2000-01-01") == changes_before
    assert _rows(store, "SELECT count(*) FROM filings WHERE url = ''") == [(compact,)]
    assert _rows(store, "SELECT count(*) FROM filings WHERE last_changed <> ''") == [(0,)]
    assert _rows(store, "SELECT max(length(content_hash)) FROM filings") == [(16,)]
    again = store.import_filings([*api.filings, *rss.filings], match_key=src.match_key)
    assert (again.updated, again.inserted, again.events) == (0, 0, 0)
    newer = datetime(2030, 1, 1, tzinfo=UTC)
    moved = api.filings[0].model_copy(update={"title": "Corrected title", "updated_at": newer})
    assert store.import_filings([moved], observed_at="2030-01-01T00:00:00+00:00").updated == 1
    rec = store.filing_records([moved.id])[0]
    assert rec["last_changed"] == "2030-01-01T00:00:00+00:00" and rec["first_seen"] < rec["last_changed"]
    assert rec["url"] == moved.url  # the winning observation's own address, stored as ''
    # A change at the same address: the events keep saying "the filing's url" (NULL), none is copied out.
    filing_events = (
        "SELECT count(*) FROM status_events WHERE url IS NULL AND filing_pk = (SELECT pk FROM filings WHERE id = ?)"
    )
    own = [f for f in api.filings if _rows(store, filing_events, f.id) != [(0,)]][0]
    plain = _rows(store, filing_events, own.id)
    again = own.model_copy(update={"title": "Corrected again", "updated_at": datetime(2030, 2, 1, tzinfo=UTC)})
    assert store.import_filings([again], observed_at="2030-02-01T00:00:00+00:00").updated == 1
    assert _rows(store, filing_events, own.id) == plain
    assert store.filing_records([own.id])[0]["url"] == own.url
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_a_store_with_the_fts5_index_on_a_sqlite_without_fts5_says_so(tmp_path, monkeypatch):
    from mergerwatch.core.errors import MergerwatchError
    from mergerwatch.query.companies import find_company
    from mergerwatch.store import name_index
    from mergerwatch.store.read.reader import open_reader

    db = str(tmp_path / "s.db")
    store = Store(db)
    store.import_filings([_filing(Status.notified, "Notified", date(2026, 1, 5))])
    store.close()
    monkeypatch.setattr(name_index, "fts5_available", lambda _cur: False)  # the store copied to such a machine
    with pytest.raises(MergerwatchError, match="FTS5"):
        Store(db)
    reader = open_reader(db)
    with pytest.raises(MergerwatchError, match="built without"):
        find_company(reader, "Target Co")
    reader.close()
