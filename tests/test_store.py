from __future__ import annotations

import json
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
from mergerwatch.testing import ftc_pages

from .conftest import FIXTURES, name_index_entries, run_cli
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


def test_history_a_then_b_then_b_again(store: Store):
    a = _filing(Status.notified, "Notified", date(2026, 1, 5))
    b = _filing(Status.cleared, "Early termination granted", date(2026, 2, 1))
    r1 = store.import_filings([a])
    r2 = store.import_filings([b])
    r3 = store.import_filings([b])
    assert (r1.inserted, r2.updated, r3.unchanged) == (1, 1, 1)
    assert r3.events == 0 and r3.updated == 0
    rec = store.filing_records([a.id])[0]
    assert [e["status"] for e in rec["events"]] == ["notified", "cleared"]
    assert [e["date"] for e in rec["events"]] == ["2026-01-05", "2026-02-01"]
    assert rec["status"] == "cleared"


def _tells(store: Store, fid: str) -> int:
    return _rows(store, f"SELECT tells FROM filings WHERE id = '{fid}'")[0][0]


def test_a_filing_tells_statistics_more_once_any_version_did(store: Store):
    """filings.tells (what `stats` counts from an index) follows the whole history, not the latest version: a
    notification seen once keeps the filing on the record-by-record path after it is cleared."""
    plain = _filing(Status.cleared, "Early termination granted", date(2026, 2, 1))
    store.import_filings([plain])
    assert _tells(store, plain.id) == 0
    store.import_filings([_filing(Status.notified, "Notified", date(2026, 1, 5))])  # older news: history only
    assert _tells(store, plain.id) == 1
    store.import_filings([plain.model_copy(update={"title": "20260001: A Inc.; B LLC (corrected)"})])
    assert _tells(store, plain.id) == 1
    # Two observations of one new filing in one batch (the second through its match key) count together.
    other = plain.model_copy(update={"source_id": "def", "case_ref": "20260002"})
    seen = other.model_copy(update={"source_id": "def-rss", "extra": {"phase": 2}})
    store.import_filings([other, seen], match_key=lambda f: f.case_ref)
    assert _tells(store, other.id) == 1


def test_informational_change_is_history_without_status_change(store: Store):
    a = _filing(Status.notified, "Notified", date(2026, 1, 5), deadline=date(2026, 2, 9))
    b = _filing(Status.notified, "Notified", date(2026, 1, 5), deadline=date(2026, 2, 20))
    store.import_filings([a])
    rep = store.import_filings([b])
    assert rep.updated == 1 and rep.events == 1
    rec = store.filing_records([a.id])[0]
    assert [e["deadline"] for e in rec["events"] if e["deadline"]] == ["2026-02-09", "2026-02-20"]
    assert [e["status"] for e in rec["events"] if e["status"]] == ["notified"]
    assert rec["status"] == "notified"


def test_reingesting_same_payload_changes_nothing(store: Store):
    src = get_source("ftc-early-termination")
    body = (FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2025-04-03.xml").read_bytes()
    filings = src.parse(Payload(src.name, "fixture://x", body)).filings
    first = store.import_filings(filings, match_key=src.match_key)
    before = store.stats()
    second = store.import_filings(filings, match_key=src.match_key)
    assert first.inserted == 20
    assert (second.inserted, second.updated, second.unchanged, second.events) == (0, 0, 20, 0)
    assert store.stats() == before


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


def test_api_and_rss_copies_of_one_notice_merge(store: Store):
    src, rss, api = _rss_and_api()
    store.import_filings(api.filings, match_key=src.match_key)
    rep = store.import_filings(rss.filings, match_key=src.match_key)
    assert rep.inserted == 18 and rep.updated == 2
    assert store.stats()["filings"] == 20
    rec = store.filing_records(["ftc-early-termination:2e83d2ab-8ef3-47e0-8fad-d87c16095312"])[0]
    assert rec["alt_ids"] == ["node-337358"]
    assert rec["extra"]["granting_status"] == "Granted" and rec["extra"]["resource_version"] == "id:443686"
    assert len(rec["events"]) == 1
    # and the alternate id finds it too
    assert store.find_filing_id("ftc-early-termination:node-337358") == rec["id"]
    again = store.import_filings(rss.filings + api.filings, match_key=src.match_key)
    assert again.unchanged == 22 and again.events == 0  # 22 records, 20 filings
    assert store.stats()["filings"] == 20


def test_parties_keep_published_names_and_normalised_keys(store: Store):
    src = get_source("ftc-early-termination")
    body = (
        FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"
    ).read_bytes()
    store.import_filings(src.parse(Payload(src.name, "x", body)).filings)
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        rows = dict(conn.execute("SELECT name, norm FROM parties WHERE name LIKE 'ebm-papst%'").fetchall())
    assert rows == {"ebm-papst Mulfingen GmbH & Co. KGaA & Co. KG": "ebm papst mulfingen"}


def test_changed_names_replace_their_tokens(store: Store):
    from mergerwatch.query.companies import find_company

    a = _filing(Status.notified, "Notified", date(2026, 1, 5))
    # a correction the source itself dates (its edit time): the stored record takes it
    renamed = a.model_copy(
        update={
            "parties": [Party(name="A Inc.", role=Role.acquirer), Party(name="Zephyr Quantum LLC", role=Role.target)],
            "updated_at": datetime(2026, 1, 6, tzinfo=UTC),
        }
    )
    store.import_filings([a])
    assert store.import_filings([renamed]).updated == 1
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        tokens = sorted((w, pos) for w, _pk, pos in name_index_entries(conn))
        parties = sorted(conn.execute("SELECT position, name FROM parties"))
    assert tokens == [("a", 0), ("quantum", 1), ("zephyr", 1)]
    assert parties == [(0, "A Inc."), (1, "Zephyr Quantum LLC")]
    assert find_company(store, "Zephyr Quantum").by_filing and not find_company(store, "B LLC").by_filing


@pytest.mark.parametrize("fts5", [True, False])
def test_both_forms_of_the_name_index_find_the_same_parties(tmp_path, monkeypatch, fts5):
    """A SQLite without FTS5 keeps the name_tokens table: blocking, renaming and a name in another script read the
    same through either form (PostgreSQL uses name_tokens too: test_postgres.py)."""
    from mergerwatch.query.companies import find_company
    from mergerwatch.store import name_index

    monkeypatch.setattr(name_index, "fts5_available", lambda _cur: fts5)
    store = Store(str(tmp_path / "s.db"))
    assert store.name_index is fts5
    a = _filing(Status.notified, "Notified", date(2026, 1, 5))
    a = a.model_copy(update={"parties": [Party(name="Société Générale Zürich AG", role=Role.acquirer),
                                         Party(name="北京 Quantum Holdings", role=Role.target)]})  # fmt: skip
    store.import_filings([a])
    assert find_company(store, "Societe Generale Zurich").by_filing
    assert find_company(store, "北京 Quantum").by_filing and not find_company(store, "北京 Photon").by_filing
    zephyr = [Party(name="Zephyr Quantum LLC", role=Role.acquirer)]
    renamed = a.model_copy(update={"parties": zephyr, "updated_at": datetime(2026, 2, 1, tzinfo=UTC)})
    assert store.import_filings([renamed]).updated == 1
    assert find_company(store, "Zephyr Quantum").by_filing and not find_company(store, "北京 Quantum").by_filing
    with sqlite3.connect(tmp_path / "s.db") as conn:
        assert [(w, pos) for w, _pk, pos in name_index_entries(conn)] == [("quantum", 0), ("zephyr", 0)]
        assert bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'name_tokens'").fetchone()) is not fts5
        if fts5:
            conn.execute("INSERT INTO name_index (name_index) VALUES ('integrity-check')")
    store.close()


def test_two_long_words_sharing_their_first_80_characters_index_once(store: Store):
    """The token column holds 80 characters: two longer words of one name that agree on those are one token
    (stored once, not a duplicate key that would fail the whole payload), and renaming removes it again."""
    long = "x" * 85
    a = _filing(Status.notified, "Notified", date(2026, 1, 5))
    a = a.model_copy(update={"parties": [Party(name=f"{long}a {long}b Holdings", role=Role.acquirer)]})
    assert store.import_filings([a]).inserted == 1
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        assert [w for w, _pk, _pos in name_index_entries(conn)] == ["holdings", "x" * 80]
    renamed = a.model_copy(
        update={
            "parties": [Party(name="Plain Name Inc", role=Role.acquirer)],
            "updated_at": datetime(2026, 2, 1, tzinfo=UTC),
        }
    )
    assert store.import_filings([renamed]).updated == 1
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        assert [w for w, _pk, _pos in name_index_entries(conn)] == ["name", "plain"]


def test_one_notice_from_two_surfaces_in_one_batch_is_one_filing(store: Store):
    src, rss, api = _rss_and_api()
    rep = store.import_filings(api.filings + rss.filings, match_key=src.match_key)
    assert (rep.inserted, rep.updated) == (20, 2)
    assert store.stats()["filings"] == 20
    rec = store.filing_records(["ftc-early-termination:2e83d2ab-8ef3-47e0-8fad-d87c16095312"])[0]
    assert rec["alt_ids"] == ["node-337358"] and rec["extra"]["granting_status"] == "Granted"
    again = store.import_filings(rss.filings + api.filings, match_key=src.match_key)
    assert again.unchanged == 22 and again.events == 0


def _two_feeds(src) -> list[Payload]:
    """The real 2025 FTC feed and the 2026 one (20 notices each, none shared), as payloads "a" and "c"."""
    d = FIXTURES / "ftc-early-termination"
    return [
        Payload(src.name, "a", (d / "rss_hsr-early-termination-notices_2025-04-03.xml").read_bytes()),
        Payload(src.name, "c", (d / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml").read_bytes()),
    ]


def test_grouped_ingest_keeps_good_payloads_around_a_bad_one(store: Store):
    from mergerwatch.core.errors import ParseError
    from mergerwatch.ingest.pipeline import GroupCommit

    src = get_source("ftc-early-termination")
    good = _two_feeds(src)
    bad = Payload(src.name, "b", good[0].body[: len(good[0].body) // 2])
    with GroupCommit(store, records=25) as group:
        group.add(src, good[0])
        try:
            group.add(src, bad)
        except ParseError:
            pass
        else:  # pragma: no cover
            raise AssertionError("a truncated feed must not parse")
        group.add(src, good[1])
    assert store.stats()["filings"] == 40
    assert sorted((p["url"], p["parse_status"]) for p in store.payloads()) == [("a", "ok"), ("b", "error"), ("c", "ok")]


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


def test_provenance_is_the_raw_payload_each_version_was_read_from(store: Store):
    """Stored once per payload, read back per filing: the sha256 and fetch time of the payload kept in the store."""
    from mergerwatch.ingest.pipeline import process_payload

    src = get_source("ftc-early-termination")
    body = (
        FIXTURES / "ftc-early-termination" / "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json"
    ).read_bytes()
    fetched = datetime(2026, 9, 30, 12, 0, tzinfo=UTC)
    process_payload(store, src, Payload(src.name, "https://api.ftc.gov/x", body, fetched_at=fetched, kind="api"))
    [raw] = store.payloads()
    recs = store.filing_records([i for (i,) in _rows(store, "SELECT id FROM filings")])
    assert len(recs) == 2
    for rec in recs:
        assert rec["provenance"]["payload_sha256"] == raw["sha256"] and len(raw["sha256"]) == 64
        assert rec["provenance"]["fetched_at"] == raw["fetched_at"] == "2026-09-30T12:00:00+00:00"
    assert _rows(store, "SELECT DISTINCT payload_id FROM status_events") == [(raw["id"],)]


def _rows(store: Store, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql, params).fetchall()


def test_event_urls_are_stored_once_and_read_back_as_seen(store: Store):
    """An event at its filing's url stores NULL, one without a url '', another url itself; when the filing's
    url changes, the events stored before keep the url they were seen with."""
    from mergerwatch.core.model import StatusEvent

    page, doc = "https://www.ftc.gov/notice/abc", "https://www.ftc.gov/doc.pdf"
    events = [
        StatusEvent(status=Status.notified, status_raw="Notified", date=date(2026, 1, 5), url=page),
        StatusEvent(status=None, status_raw="Comment", date=date(2026, 1, 9)),
        StatusEvent(status=Status.in_depth_review, status_raw="Second request", date=date(2026, 1, 20), url=doc),
    ]
    a = _filing(Status.in_depth_review, "Second request", date(2026, 1, 20), url=page, events=events)
    store.import_filings([a])
    stored = {raw: url for raw, url in _rows(store, "SELECT status_raw, url FROM status_events")}
    assert stored == {"Notified": None, "Comment": "", "Second request": doc}
    seen = {e["status_raw"]: e["url"] for e in store.filing_records([a.id])[0]["events"]}
    assert seen == {"Notified": page, "Comment": None, "Second request": doc}
    moved = "https://www.ftc.gov/notices/abc"
    b = _filing(Status.cleared, "Cleared", date(2026, 3, 1), url=moved)
    store.import_filings([b])
    rec = store.filing_records([a.id])[0]
    assert rec["url"] == moved
    seen = {e["status_raw"]: e["url"] for e in rec["events"]}
    assert seen == {"Notified": page, "Comment": None, "Second request": doc, "Cleared": moved}
    # `changes` and alerts read the same urls
    assert {e["status_raw"]: e["url"] for e in store.reader().events_since("")} == seen


def test_raw_payload_kept_even_when_parse_fails(store: Store):
    from mergerwatch.core.errors import ParseError
    from mergerwatch.ingest.pipeline import process_payload

    src = get_source("ftc-early-termination")
    bad = Payload(src.name, "https://api.ftc.gov/x", b'{"data": [{"type": "early_termination_notice", "id"')
    try:
        process_payload(store, src, bad)
    except ParseError:
        pass
    else:  # pragma: no cover
        raise AssertionError("truncated JSON must not parse")
    rows = store.payloads(status="error")
    assert len(rows) == 1 and "not valid JSON" in rows[0]["parse_error"]
    assert store.payload(rows[0]["id"]).body == bad.body


def test_db_location_from_env(monkeypatch, tmp_path):
    from mergerwatch.store.db import resolve_db_url

    monkeypatch.setenv("MERGERWATCH_DB", str(tmp_path / "env.db"))
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_db_url(str(tmp_path / "flag.db")) == f"sqlite:///{tmp_path / 'flag.db'}"
    assert resolve_db_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("MERGERWATCH_DB")
    assert resolve_db_url(None).endswith("mergerwatch.db")


def test_failed_payloads_are_listed_and_dropped_only_on_request(tmp_path):
    db = str(tmp_path / "r.db")
    good = FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2025-04-03.xml"
    bad = tmp_path / "cut.xml"
    bad.write_bytes(good.read_bytes()[:4000])
    r = run_cli("ingest", "ftc-early-termination", str(good), str(bad), db=db)
    assert r.returncode == 1
    r = run_cli("reparse", db=db)
    assert r.returncode == 1 and "still failing" in r.stdout and "cut.xml" in r.stderr and "--drop-failed" in r.stderr
    s = Store(db)
    assert len(s.payloads(status="error")) == 1
    r = run_cli("reparse", "--drop-failed", "--json", db=db)
    out = json.loads(r.stdout)
    assert r.returncode == 0 and out["dropped"] == 1 and "cut.xml" in out["failing"][0]["url"]
    assert s.payloads(status="error") == [] and len(s.payloads()) == 1
    assert s.stats()["filings"] == 20  # the records of the good payload are untouched


def test_head_revision_constant_matches_the_migration_scripts():
    from mergerwatch.store.db import HEAD_REVISION, KNOWN_REVISIONS

    assert HEAD_REVISION == head_revision() and KNOWN_REVISIONS[-1] == HEAD_REVISION


def test_read_path_does_not_import_alembic():
    import subprocess
    import sys

    code = (
        "import sys; from mergerwatch.store.write.store import Store; s = Store(sys.argv[1]); s.counts_by_source(); "
        "s2 = Store(sys.argv[1]); print('alembic' in sys.modules)"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = f"{d}/x.db"
        Store(p).close()  # created (and migrated) once
        out = subprocess.run([sys.executable, "-c", code, p], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_every_registry_entry_loads_a_source_of_that_name_with_its_hosts_and_clocks():
    from mergerwatch.core import registry
    from mergerwatch.query.clocks import REGIMES
    from mergerwatch.sources import all_sources

    sources = all_sources()
    assert list(sources) == registry.names()
    rules: dict = {}
    for name, src in sources.items():
        assert src.name == name and src.authority == registry.PROFILES[name].authority
        assert src.host_rules, f"{name} names no host"
        for host, rule in src.host_rules.items():
            assert rules.setdefault(host, rule) == rule, f"{host} has two rules"  # one pace per host
        for clock in src.profile.clocks:
            assert clock.regime in REGIMES


def test_the_answer_path_imports_nothing_of_fetching():
    import subprocess
    import sys

    code = (
        "import sys, mergerwatch.cli, mergerwatch.query.deals, mergerwatch.store, mergerwatch.render.terminal;"
        "import mergerwatch.ingest.notify;"
        "bad = [m for m in ('httpx', 'bs4', 'lxml', 'alembic', 'pydantic', 'mergerwatch.sources', 'mergerwatch.fetch')"
        " if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"the read path imports {out}"


def test_the_read_commands_run_without_sqlalchemy(tmp_path):
    """deal, search, show, list, stats, sources, changes and deadlines on a current SQLite store import neither
    SQLAlchemy, alembic, pydantic nor anything of fetching: the query room reads it with the standard library."""
    db = str(tmp_path / "r.db")
    ftc = FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"
    assert run_cli("ingest", "ftc-early-termination", str(ftc), db=db).returncode == 0
    probe = (
        "import sys\nfrom mergerwatch.cli import main\nsys.argv = ['mergerwatch', '--db', sys.argv[1], *sys.argv[2:]]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "bad = [m for m in ('sqlalchemy', 'alembic', 'pydantic', 'httpx', 'bs4', 'mergerwatch.sources') "
        "if m in sys.modules]\nsys.stderr.write(f'\\nPROBE {code} {\",\".join(bad)}\\n')\n"
    )
    for args in (
        ["deal", "Navitas", "Claros"],
        ["search", "Navitas", "--json"],
        ["show", "ftc-early-termination:node-337353"],
        ["list", "--authority", "FTC", "--status", "cleared"],
        ["stats", "--authority", "FTC"],
        ["sources"],
        ["changes", "--since", "1d"],
        ["deadlines"],
    ):
        r = subprocess.run([sys.executable, "-c", probe, db, *args], capture_output=True, text=True, timeout=60)
        assert r.stderr.strip().splitlines()[-1] == "PROBE 0", (args, r.stderr[-400:])


def test_ingest_of_api_pages_imports_no_other_parser_and_nothing_of_fetching(tmp_path):
    """The registry imports a source's module when the source is asked for, and FTC API pages need neither
    BeautifulSoup (feeds and legal-library pages do) nor httpx: a backfill's start-up is theirs to save."""
    db = str(tmp_path / "i.db")
    page = tmp_path / "page.json"
    page.write_bytes(ftc_pages(50, page_size=50)[0])
    probe = (
        "import sys\nfrom mergerwatch.cli import main\nsys.argv = ['mergerwatch', '--db', sys.argv[1], *sys.argv[2:]]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "bad = [m for m in ('httpx', 'bs4', 'soupsieve', 'mergerwatch.fetch.client', "
        "'mergerwatch.sources.cma_mergers', 'mergerwatch.sources.ec_mergers', 'mergerwatch.sources.sec_edgar') "
        "if m in sys.modules]\n"
        "sys.stderr.write(f'\\nPROBE {code} {\",\".join(bad)}\\n')\n"
    )
    for args in (["ingest", "ftc-early-termination", str(page)], ["parse", "ftc-early-termination", str(page)]):
        r = subprocess.run([sys.executable, "-c", probe, db, *args], capture_output=True, text=True, timeout=60)
        assert r.stderr.strip().splitlines()[-1] == "PROBE 0", (args, r.stderr[-400:])


def test_a_group_whose_writes_fail_part_way_is_done_again_payload_by_payload(store: Store, monkeypatch):
    """Payloads of a group share one transaction without savepoints; when one's writes fail after they began,
    the group is undone and done again one savepoint each: the others are stored, the failing one is kept as an
    error, and nothing it half-wrote remains."""
    from mergerwatch.ingest.pipeline import GroupCommit

    src = get_source("ftc-early-termination")
    good = _two_feeds(src)
    bad = Payload(src.name, "b", good[1].body + b"\n")  # the same notices, other bytes
    real = store.import_filings
    failing: set[str] = set()

    def import_then_fail(filings, *args, **kw):
        report = real(filings, *args, **kw)  # the rows are written ...
        if {f.id for f in filings} & failing:
            raise RuntimeError("disk full")  # ... and then the payload fails
        return report

    monkeypatch.setattr(store, "import_filings", import_then_fail)
    with GroupCommit(store) as group:
        group.add(src, good[0])
        failing.update(f.id for f in src.parse(bad).filings)
        try:
            group.add(src, bad)
        except RuntimeError:
            pass
        else:  # pragma: no cover
            raise AssertionError("the failing payload must raise")
        assert store.in_transaction and store.stats()["filings"] == 0  # nothing committed yet, nothing lost
        failing.clear()
        assert group.add(src, good[1]).report.inserted == 20  # what the failing payload half-wrote is gone
    assert store.stats()["filings"] == 40
    kept = {p["url"]: (p["parse_status"], p["parse_error"]) for p in store.payloads()}
    assert kept["a"][0] == "ok" and kept["c"][0] == "ok"
    assert kept["b"][0] == "error" and "storing failed: RuntimeError: disk full" in kept["b"][1]


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


def test_a_url_is_kept_short_only_where_it_reads_back_the_same():
    from mergerwatch.core.registry import PROFILES, full_url, store_url

    ftc = PROFILES["ftc-early-termination"].url_prefix
    assert store_url("ftc-early-termination", "abc-1", ftc + "abc-1") == ""
    assert full_url("ftc-early-termination:abc-1", "") == ftc + "abc-1"
    for source, sid, url in [
        ("ftc-early-termination", "abc-1", ftc + "abc-1?x=1"),  # not exactly prefix + id: kept whole
        ("ftc-early-termination", "d7-5", "https://www.ftc.gov/enforcement/early-termination-notices/5"),
        ("ftc-press", "node-1", "https://www.ftc.gov/news-events/news/press-releases/x"),  # no prefix for it
        ("ec-mergers", "M.1", "https://competition-cases.ec.europa.eu/cases/M.1"),
    ]:
        assert full_url(f"{source}:{sid}", store_url(source, sid, url)) == url
    assert store_url("ec-mergers", "M.1", None) is None and store_url("ec-mergers", "M.1", "") is None
    assert full_url("ftc-press:node-1", None) is None
    assert full_url("ftc-press:node-1", "") is None  # never written so; read as no url rather than failing


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
