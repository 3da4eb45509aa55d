"""The same store on PostgreSQL: runs when MERGERWATCH_TEST_PG names a database URL (.ci/run starts a throwaway
server on 127.0.0.1 when the machine has one)."""

from __future__ import annotations

import os
import uuid

import pytest

from .conftest import FIXTURES, cli_json, run_cli

PG = os.environ.get("MERGERWATCH_TEST_PG")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG, reason="MERGERWATCH_TEST_PG not set (no PostgreSQL server on this machine)"),
]


@pytest.fixture
def pg_dbs():
    """A factory of throwaway databases on the server, dropped afterwards."""
    import sqlalchemy as sa

    admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")
    names: list[str] = []

    def make() -> str:
        names.append(f"mw_{uuid.uuid4().hex[:10]}")
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {names[-1]}")
        return PG.rsplit("/", 1)[0] + "/" + names[-1]

    yield make
    with admin.connect() as c:
        for name in names:
            c.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def pg_url(pg_dbs):
    return pg_dbs()


def _pg_dump(url: str) -> dict[str, list[tuple]]:
    import sqlalchemy as sa

    times = {"first_seen", "last_changed", "observed_at", "fetched_at"}
    engine = sa.create_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in ("filings", "parties", "name_tokens", "status_events", "raw_payloads"):
            cols = [c["name"] for c in sa.inspect(conn).get_columns(table) if c["name"] not in times]
            out[table] = sorted(map(tuple, conn.exec_driver_sql(f"SELECT {', '.join(cols)} FROM {table}")), key=repr)
    engine.dispose()
    return out


def test_ingest_with_a_worker_stores_the_same_on_postgres(pg_dbs, tmp_path):
    from .test_ingest_worker import _files

    files = _files(tmp_path)
    urls = {}
    for workers in ("1", "0"):
        urls[workers] = pg_dbs()
        r = run_cli("ingest", "ftc-early-termination", *files, db=urls[workers], env={"MERGERWATCH_WORKERS": workers})
        assert r.returncode == 1 and "broken.json" in r.stderr and "Traceback" not in r.stderr
    with_worker = _pg_dump(urls["1"])
    assert with_worker == _pg_dump(urls["0"])
    assert len(with_worker["filings"]) > 300
    assert len(with_worker["raw_payloads"]) == len(files) - 1  # the file given twice: its bytes are kept once


def test_ingest_deal_show_and_history_on_postgres(pg_url):
    ftc = FIXTURES / "ftc-early-termination"
    out = cli_json(
        "ingest",
        "ftc-early-termination",
        str(ftc / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"),
        str(ftc / "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json"),
        db=pg_url,
    )
    assert [o["inserted"] for o in out] == [20, 0] and out[1]["updated"] == 2
    again = cli_json(
        "ingest",
        "ftc-early-termination",
        str(ftc / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"),
        db=pg_url,
    )
    assert again[0]["unchanged"] == 20 and again[0]["events"] == 0
    cli_json("ingest", "ec-mergers", str(FIXTURES / "ec-mergers" / "dump_decision-types.derived.json"), db=pg_url)
    rec = cli_json("show", "ec-mergers:M.99907", db=pg_url)
    assert [e["status"] for e in rec["events"] if e["status"]] == [
        "notified",
        "in_depth_review",
        "cleared_with_remedies",
    ]
    res = cli_json("deal", "Navitas", "Claros", db=pg_url)
    assert res["found"] and res["filings"][0]["case_ref"] == "20262268"


def test_upgrade_from_0001_on_postgres(pg_url):
    from mergerwatch.query.deals import deal
    from mergerwatch.store.write.store import Store

    from .migrations import build_0001_store, check_upgraded

    data = build_0001_store(pg_url)
    store = Store(pg_url)
    check_upgraded(store, data)
    assert deal(store, ["Navitas", "Claros"])["found"]
    store.close()


def test_the_read_commands_answer_the_same_on_postgres(pg_url, tmp_path):
    """The query room's SQL runs on both databases: the read commands give the same answers from a PostgreSQL
    store as from a SQLite store holding the same files."""
    files = [
        str(FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"),
    ]
    lite = str(tmp_path / "lite.db")
    for db in (pg_url, lite):
        cli_json("ingest", "ftc-early-termination", *files, db=db)
        cli_json("ingest", "ec-mergers", str(FIXTURES / "ec-mergers" / "dump_decision-types.derived.json"), db=db)
    for args in (
        ("deal", "Navitas", "Claros"),
        ("search", "Navitas"),
        ("list", "--authority", "FTC", "--limit", "5"),
        ("stats", "--authority", "FTC"),
        ("stats", "--by", "phase"),
        ("stats", "--authority", "EC", "--since", "2025-02-01"),
        ("list", "--phase", "2", "--limit", "0"),
        ("deal", "ALPHA"),
        ("deadlines",),
    ):
        a, b = cli_json(*args, db=pg_url), cli_json(*args, db=lite)
        assert _stable(a) == _stable(b), args
    assert [r["records"] for r in cli_json("sources", db=pg_url)] == [
        r["records"] for r in cli_json("sources", db=lite)
    ]


def _stable(value):
    """The answer without the times of this run (first seen, observed at), which differ between the two stores."""
    if isinstance(value, dict):
        return {
            k: _stable(v)
            for k, v in value.items()
            if k not in ("first_seen", "last_changed", "observed_at", "fetched_at", "as_of")
        }
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


@pytest.mark.parametrize("through", ["import_filings", "import_new"])
def test_extras_shortened_on_postgres_read_like_whole_ones(pg_dbs, monkeypatch, through):
    from .test_store_extra_codec import shortened_reads_like_whole

    shortened_reads_like_whole(pg_dbs(), pg_dbs(), monkeypatch, through)


def test_changes_and_records_per_source_without_their_indexes_on_postgres(pg_dbs):
    """Events found through the event marks and records counted per source (0010), as on SQLite."""
    from mergerwatch.store.write.store import Store

    from .test_store_event_marks import build, check_changes_since, check_counts_by_source

    store = Store(pg_dbs())
    build(store)
    check_changes_since(store)
    store.close()
    store = Store(pg_dbs())
    check_counts_by_source(store)
    store.close()
