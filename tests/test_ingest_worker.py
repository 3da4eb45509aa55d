"""`ingest` with a worker process that parses and prepares the next files while the store writes: it must store
exactly what ingest without it stores, whatever the files hold (new notices, the same notice on two surfaces, a
file read twice, a bad file), and a worker that fails or dies leaves its payloads to the main process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from mergerwatch.core.model import Filing, Party, Role, Status
from mergerwatch.ingest import pipeline
from mergerwatch.ingest import worker as wk
from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload
from mergerwatch.store.write.rows import PREPARED_COLS, filing_row, prepare
from mergerwatch.store.write.store import Store
from mergerwatch.testing import ftc_pages

from .conftest import FIXTURES, name_index_entries, run_cli

FTC = FIXTURES / "ftc-early-termination"
TIMES = {"first_seen", "last_changed", "observed_at", "fetched_at", "updated_at_run"}


def _files(tmp: Path) -> list[str]:
    """Synthetic pages in the real API shape, the real API and RSS samples (one notice on both surfaces, merged by
    match key), one page twice under another name (all its ids known by then) and a file that is no API page."""
    d = tmp / "in"
    d.mkdir()
    names = []
    for i, body in enumerate(ftc_pages(300, page_size=50, seed=7)):
        (d / f"page-{i}.json").write_bytes(body)
        names.append(f"page-{i}.json")
    for sample in (
        "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json",
        "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml",
        "api_legacy-d7_hsr-early-termination-notices_keywords-Blockbuster_docs-example-2018.json",
    ):
        shutil.copy(FTC / sample, d / sample)
        names.append(sample)
    shutil.copy(d / "page-2.json", d / "page-2-again.json")
    (d / "broken.json").write_bytes(b'{"data": [')
    names[3:3] = ["page-2-again.json", "broken.json"]
    return [str(d / n) for n in names]


def _dump(db: Path) -> dict[str, list[tuple]]:
    out = {}
    with sqlite3.connect(db) as conn:
        for table in ("filings", "parties", "status_events", "raw_payloads"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in TIMES]
            out[table] = sorted(conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr)
        out["name_index"] = name_index_entries(conn)
    return out


@pytest.mark.slow
def test_ingest_with_a_worker_stores_what_ingest_without_one_stores(tmp_path):
    files = _files(tmp_path)
    runs = {}
    for workers in ("1", "0"):
        db = tmp_path / f"w{workers}.db"
        runs[workers] = run_cli(
            "ingest", "ftc-early-termination", *files, db=str(db), env={"MERGERWATCH_WORKERS": workers}
        )
        assert runs[workers].returncode == 1  # the broken file, reported
        assert "Traceback" not in runs[workers].stderr
    assert runs["1"].stdout == runs["0"].stdout
    assert runs["1"].stderr == runs["0"].stderr
    assert "broken.json" in runs["1"].stderr
    with_worker, without = _dump(tmp_path / "w1.db"), _dump(tmp_path / "w0.db")
    assert with_worker == without
    assert len(with_worker["filings"]) > 300  # the synthetic notices and the samples', the surfaces merged
    assert "0 new, 0 updated, 50 unchanged" in runs["1"].stdout  # the page read twice


def _fill(db: Path, batches: list[tuple[str, list[Path]]], prepared: bool) -> list[pipeline.PayloadOutcome]:
    """Each file stored as ingest stores it, its records prepared first (as the worker, or this process without one,
    prepares them) or not (parsed and imported by import_filings)."""
    from mergerwatch.core.errors import SourceError

    store = Store(str(db))
    outcomes = []
    with pipeline.GroupCommit(store) as group:
        for source, files in batches:
            src = get_source(source)
            for f in files:
                p = src.payload_for_file(f.read_bytes(), str(f))
                ready = wk.prepare_payload(p, store.name_index) if prepared else None
                try:
                    outcomes.append(group.add(src, p, ready))
                except SourceError:
                    pass  # kept with its error, as ingest keeps it
    store.engine.dispose()
    return outcomes


def test_records_prepared_first_are_stored_as_import_filings_stores_them(tmp_path):
    """Without a worker, ingest prepares each file in its own process before storing it (PreparedAhead): new records
    go in through import_new, any other batch through import_filings. The store must be the one import_filings alone
    writes, for the FTC files of _files (a page read twice, a notice on both surfaces, a broken file) and every
    source's fixtures."""
    batches = [("ftc-early-termination", [Path(f) for f in _files(tmp_path)])]
    for d in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "texts"):
        batches.append(
            (d.name, sorted(f for f in d.iterdir() if f.is_file() and not f.name.endswith(".expected.json")))
        )
    assert len(batches) >= 7
    parsed = _fill(tmp_path / "parsed.db", batches, prepared=False)
    prepared = _fill(tmp_path / "prepared.db", batches, prepared=True)
    assert _dump(tmp_path / "prepared.db") == _dump(tmp_path / "parsed.db")
    assert [(o.records, o.report.inserted, o.report.updated, o.report.unchanged) for o in prepared] == [
        (o.records, o.report.inserted, o.report.updated, o.report.unchanged) for o in parsed
    ]
    assert sum(o.refused for o in prepared) >= 2  # the page read again, the feed's copies of API notices
    assert sum(not o.refused and o.report.inserted > 0 for o in prepared) > 10  # the rest went in prepared


def test_without_a_worker_each_payload_is_prepared_here(tmp_path, monkeypatch):
    monkeypatch.setenv("MERGERWATCH_WORKERS", "0")
    monkeypatch.setattr(wk, "prepare_payload", _marked)
    src = get_source("ftc-early-termination")
    files = _files(tmp_path)
    items = [(f, src.payload_for_file(Path(f).read_bytes(), f)) for f in files]
    items.insert(1, ("unreadable", OSError("a read error passes through")))
    ahead = wk.PreparedAhead(items, len(items), give_up=2)
    got = []
    for key, _p, r in ahead:
        got.append((Path(key).name, r.warnings[-1] if r else None))
        if key.endswith("page-3.json"):  # refused by the store twice: no more are prepared
            ahead.refused()
            ahead.refused()
    assert got[0] == ("page-0.json", "prepared in the test") and got[1] == ("unreadable", None)
    assert dict(got)["broken.json"] is None  # it failed here: left to the caller, whose parse reports the error
    cut = [n for n, _w in got].index("page-3.json")
    assert all(w == "prepared in the test" for n, w in got[: cut + 1] if n not in ("unreadable", "broken.json"))
    assert all(w is None for _n, w in got[cut + 1 :]) and len(got) == len(items)


def test_the_worker_prepares_good_payloads_and_leaves_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("MERGERWATCH_WORKERS", "1")
    src = get_source("ftc-early-termination")
    files = _files(tmp_path)
    items = [(f, Payload(src.name, f"file://{f}", Path(f).read_bytes(), kind="api")) for f in files]
    items.insert(1, ("unreadable", OSError("a read error passes through")))
    got = list(wk.PreparedAhead(items, len(items), window=3))
    assert [k for k, _p, _r in got] == [k for k, _p in items]  # in order
    by_key = {k: r for k, _p, r in got}
    assert by_key["unreadable"] is None
    assert by_key[files[4]] is None  # broken.json: parsed again here, its error kept as without a worker
    first = by_key[files[0]]
    assert first is not None and len(first.records) == 50
    expected = prepare(src.parse(items[0][1]).filings, src.match_key)
    assert [(p.id, p.row, p.events, p.parties, p.words) for p in first.records] == [
        (p.id, p.row, p.events, p.parties, p.words) for p in expected
    ]


PREPARE = wk.prepare_payload
TEST_PID = os.getpid()


def _marked(payload: Payload, fts: bool = True, check: bool = False):
    out = PREPARE(payload, fts, check)
    if out is not None:
        out.warnings.append(f"prepared in {'the test' if os.getpid() == TEST_PID else 'the worker'}")
    return out


def _die_from_page_3(payload: Payload, fts: bool = True, check: bool = False):
    if int(payload.url.rsplit("page-", 1)[1].split(".")[0]) >= 3 and os.getpid() != TEST_PID:
        os._exit(3)  # the worker process dies (killed, out of memory)
    return _marked(payload, fts, check)


def test_a_dead_worker_leaves_every_later_payload_to_this_process(tmp_path, monkeypatch):
    monkeypatch.setenv("MERGERWATCH_WORKERS", "1")
    monkeypatch.setattr(wk, "prepare_payload", _die_from_page_3)
    src = get_source("ftc-early-termination")
    files = [f for f in _files(tmp_path) if "/page-" in f and "again" not in f]
    items = [(f, Payload(src.name, f"file://{f}", Path(f).read_bytes(), kind="api")) for f in files]
    got = list(wk.PreparedAhead(items, len(items), window=2, at_start=0))
    assert [k for k, _p, _r in got] == files
    where = {Path(k).name: r.warnings[-1] if r else "left to the caller" for k, _p, r in got}
    assert where["page-0.json"] == "prepared in the worker"
    # the worker died on the first of them it took: each later one was prepared here or left to the caller
    assert {where[f"page-{i}.json"] for i in (3, 4, 5)} <= {"prepared in the test", "left to the caller"}
    assert "left to the caller" in {where[f"page-{i}.json"] for i in (3, 4, 5)}


def test_the_worker_is_handed_more_than_a_window_before_the_caller_begins(tmp_path, monkeypatch):
    """While the caller opens the store, the worker prepares ``at_start`` payloads, not only a window's worth; once
    the caller takes them the window applies again."""
    monkeypatch.setenv("MERGERWATCH_WORKERS", "1")
    src = get_source("ftc-early-termination")
    files = [f for f in _files(tmp_path) if "/page-" in f and "again" not in f]
    items = [(f, Payload(src.name, f"file://{f}", Path(f).read_bytes(), kind="api")) for f in files]
    assert len(items) >= 5
    for at_start, handed in ((0, 2), (4, 4), (99, len(items))):
        ahead = wk.PreparedAhead(items, len(items), window=2, at_start=at_start)
        ahead.start()
        try:
            assert len(ahead._pending) == handed
            assert all(a.future is not None for a in ahead._pending)  # each sent to the worker
        finally:
            ahead.close()
    got = list(wk.PreparedAhead(items, len(items), window=2, at_start=4))
    assert [k for k, _p, _r in got] == files and all(r is not None and len(r.records) == 50 for _k, _p, r in got)
    # Large bodies: past the window, no more than START_BYTES of them are handed at the start.
    monkeypatch.setattr(wk.PreparedAhead, "START_BYTES", len(items[0][1].body) * 3)
    ahead = wk.PreparedAhead(items, len(items), window=2, at_start=99)
    ahead.start()
    try:
        held = [len(a.payload.body) for a in ahead._pending]
        assert 3 <= len(held) < len(items) and sum(held[:-1]) < len(items[0][1].body) * 3 <= sum(held)
    finally:
        ahead.close()


def _slow_first_page(payload: Payload, fts: bool = True, check: bool = False):
    if payload.url.endswith("page-0.json") and os.getpid() != TEST_PID:
        time.sleep(1.5)  # the worker is busy with the first file: this process takes the later ones
    return _marked(payload, fts, check)


@pytest.mark.slow
def test_while_the_worker_is_busy_this_process_prepares_the_newest_payloads_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("MERGERWATCH_WORKERS", "1")
    monkeypatch.setattr(wk, "prepare_payload", _slow_first_page)
    src = get_source("ftc-early-termination")
    files = [f for f in _files(tmp_path) if "/page-" in f and "again" not in f]
    items = [(f, Payload(src.name, f"file://{f}", Path(f).read_bytes(), kind="api")) for f in files]
    got = list(wk.PreparedAhead(items, len(items), window=8, at_start=0))
    assert [k for k, _p, _r in got] == files  # in their order, wherever they were prepared
    where = {Path(k).name: r.warnings[-1] for k, _p, r in got}
    assert where["page-0.json"] == "prepared in the worker"
    # page-1 is queued to the worker with page-0 (not to be taken back); the rest waited in the window
    assert where["page-5.json"] == "prepared in the test"
    for _k, p, r in got:
        expected = prepare(src.parse(p).filings, src.match_key)
        assert [(x.id, x.row, x.parties, x.words) for x in r.records] == [
            (x.id, x.row, x.parties, x.words) for x in expected
        ]


def _filing(source_id: str, name: str) -> Filing:
    return Filing(
        source="ftc-early-termination",
        source_id=source_id,
        authority="FTC",
        jurisdiction="US",
        case_ref=f"2026{source_id}",
        title=f"2026{source_id}: {name}",
        parties=[Party(name=name, role=Role.acquirer), Party(name="Target Co", role=Role.target)],
        status=Status.cleared,
        status_raw="Early termination granted",
        status_date=date(2026, 3, 1),
        parser_version="t",
    )


def test_import_new_writes_only_a_batch_that_is_all_new(tmp_path):
    key = get_source("ftc-early-termination").match_key
    store = Store(str(tmp_path / "s.db"))
    a, b = _filing("0001", "Alpha Corp"), _filing("0002", "Beta Corp")
    assert store.import_filings([a], "2026-03-02T00:00:00+00:00", match_key=key).inserted == 1
    before = _dump(tmp_path / "s.db")
    assert store.import_new(prepare([b, a], key)) is None  # a is stored
    assert store.import_new(prepare([b, b], key)) is None  # one id twice in the batch
    twin = b.model_copy(update={"source_id": "other-surface"})  # same notice, another id: same match key
    assert store.import_new(prepare([b, twin], key)) is None
    assert _dump(tmp_path / "s.db") == before  # nothing written by the refusals
    report = store.import_new(prepare([b], key), "2026-03-02T00:00:00+00:00", payload_id=None)
    assert report is not None and (report.inserted, report.events, report.actions) == (1, 1, [(b.id, "insert")])
    other = Store(str(tmp_path / "o.db"))
    other.import_filings([a, b], "2026-03-02T00:00:00+00:00", match_key=key)
    assert _dump(tmp_path / "s.db") == _dump(tmp_path / "o.db")  # the rows import_filings writes
    store.close(), other.close()
    # A prepared row holds every column import_filings writes but the three import_new adds.
    row = filing_row(a, a.id, None, a.extra, [], "", None)
    assert set(PREPARED_COLS) <= set(row)
    assert set(row) - set(PREPARED_COLS) == {"first_seen", "last_changed", "payload_id"}


def test_records_prepared_for_the_other_form_of_name_index_are_parsed_again(tmp_path):
    src = get_source("ftc-early-termination")
    body = ftc_pages(50, page_size=50, seed=5)[0]
    runs = {}
    for fts in (True, False):
        store = Store(str(tmp_path / f"{fts}.db"))
        assert store.name_index  # this SQLite has FTS5
        payload = Payload(src.name, "file:///page.json", body, kind="api")
        out = pipeline.process_payload(store, src, payload, prepared=wk.prepare_payload(payload, fts))
        assert out.refused is not fts and out.report.inserted == 50
        store.close()
        runs[fts] = _dump(tmp_path / f"{fts}.db")
    assert runs[True] == runs[False]


@pytest.mark.parametrize("asked, payloads, cpus, worker", [
    ("0", 600, 8, False), ("1", 1, 1, True), ("", 600, 1, False), ("", 2, 8, False), ("", 600, 2, True),
])  # fmt: skip
def test_when_a_worker_is_started(monkeypatch, asked, payloads, cpus, worker):
    monkeypatch.setenv("MERGERWATCH_WORKERS", asked)
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    pool = wk._pool(payloads)
    assert (pool is not None) == worker
    if pool is not None:
        pool.shutdown()


@pytest.mark.parametrize("method, payloads, worker", [("fork", 4, True), ("spawn", 4, False), ("spawn", 64, True)])
def test_a_worker_that_imports_afresh_waits_for_more_files(monkeypatch, method, payloads, worker):
    import multiprocessing

    monkeypatch.delenv("MERGERWATCH_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.setattr(multiprocessing, "get_start_method", lambda *a, **k: method)
    pool = wk._pool(payloads)
    assert (pool is not None) == worker
    if pool is not None:
        pool.shutdown()


def test_after_three_refused_batches_the_worker_gets_no_more_payloads(tmp_path, monkeypatch):
    """Files whose records the store holds already are parsed again by the store: past ``give_up`` of them the
    worker would only double the work, so the payloads after come unprepared."""
    monkeypatch.setenv("MERGERWATCH_WORKERS", "1")
    src = get_source("ftc-early-termination")
    files = [f for f in _files(tmp_path) if "page-" in f]
    items = [(f, Payload(src.name, f"file://{f}", Path(f).read_bytes(), kind="api")) for f in files]
    ahead = wk.PreparedAhead(items, len(items), window=1, give_up=3, at_start=0)
    got = []
    for _k, _p, prepared in ahead:
        got.append(prepared is not None)
        if prepared is not None:
            ahead.refused()
    assert got[:3] == [True, True, True]
    assert not any(got[4:]) and len(got) == len(items)  # at most the one already sent when the third came back


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_group_collects_the_cycles_parsing_leaves(tmp_path, monkeypatch):
    """Garbage collection is off inside a group, but the youngest generation is collected every COLLECT_EVERY
    payloads: a parser's reference cycles (BeautifulSoup trees) do not pile up for the whole ingest."""
    import weakref

    from mergerwatch.sources.base import ParseResult

    src = get_source("ftc-early-termination")
    refs = []

    def parse(payload):
        c = _Cycle()
        refs.append(weakref.ref(c))
        return ParseResult([], declared_total=0)

    monkeypatch.setattr(src, "parse", parse)
    store = Store(str(tmp_path / "g.db"))
    with pipeline.GroupCommit(store) as group:
        for i in range(pipeline.GroupCommit.COLLECT_EVERY + 1):
            group.add(src, Payload(src.name, f"file:///p{i}", b'{"data": [], "meta": {"count": 0}}', kind="api"))
        alive = [r() is not None for r in refs]
    store.close()
    assert not any(alive[: pipeline.GroupCommit.COLLECT_EVERY - 1])  # collected at the 16th add
    assert alive[-1]  # the newest is still there: nothing has collected it yet (GC is off in the group)


def test_the_worker_collects_the_cycles_parsing_leaves(monkeypatch):
    """A worker forked inside a group starts with collection off (as the group left it); it collects the youngest
    generation every COLLECT_EVERY payloads itself, so a parser's cycles do not pile up in it for the whole ingest.
    Run here as the worker runs it: after _worker_init, through _prepare_in_worker."""
    import gc
    import signal
    import weakref

    refs = []

    def prepare(_payload, _fts=True, _check=False):
        c = _Cycle()
        refs.append(weakref.ref(c))
        return None

    monkeypatch.setattr(wk, "prepare_payload", prepare)
    monkeypatch.setattr(wk, "_prepared_here", 0)
    was, handler = gc.isenabled(), signal.getsignal(signal.SIGINT)
    try:
        wk._worker_init()
        assert not gc.isenabled()
        for i in range(pipeline.GroupCommit.COLLECT_EVERY + 1):
            wk._prepare_in_worker(Payload("x", f"file:///p{i}", b"{}"), True)
        alive = [r() is not None for r in refs]
    finally:
        gc.unfreeze()
        signal.signal(signal.SIGINT, handler)
        if was:
            gc.enable()
    assert not any(alive[: pipeline.GroupCommit.COLLECT_EVERY - 1])  # collected before the 16th payload
    assert alive[-1]  # the newest is still there: nothing has collected it yet


def test_a_store_that_cannot_be_opened_stops_the_worker_started_before_it(tmp_path):
    """The worker starts before the store is opened: when the store cannot be opened, the error is one sentence,
    the exit code is not 0, and the worker is stopped (the command returns at once, nothing is written)."""
    files = _files(tmp_path)
    not_a_store = tmp_path / "notes.db"
    not_a_store.write_bytes(b"these are notes, not a database\n" * 200)
    start = time.monotonic()
    r = run_cli(
        "ingest", "ftc-early-termination", *files, db=str(not_a_store), env={"MERGERWATCH_WORKERS": "1"}, timeout=60
    )
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "notes.db" in r.stderr
    assert time.monotonic() - start < 30
    assert not_a_store.read_bytes() == b"these are notes, not a database\n" * 200


# --- reparse: a worker checks the records of stored payloads ------------------------------------------------------


def _store_of_every_source(tmp: Path) -> Path:
    """A store of every source's fixtures (each golden example, whatever its source makes of it: records, or an
    error kept with the payload) and the FTC files of _files (synthetic pages, both surfaces, a broken file)."""
    db = tmp / "every.db"
    one = {"MERGERWATCH_WORKERS": "0"}
    run_cli("ingest", "ftc-early-termination", *_files(tmp), db=str(db), env=one)
    for d in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "texts"):
        files = sorted(str(f) for f in d.iterdir() if f.is_file() and not f.name.endswith(".expected.json"))
        run_cli("ingest", d.name, *files, db=str(db), env=one)
    return db


def _reparse_parsing_each(db: Path) -> tuple[int, list[int]]:
    """reparse as it was before records were checked first: every stored payload parsed and imported again."""
    from mergerwatch.core.errors import SourceError

    store = Store(str(db))
    done, failing = 0, []
    with pipeline.GroupCommit(store) as group:
        for p in store.payloads(None, None):
            try:
                group.add(get_source(p["source"]), store.payload(p["id"]), None)
                done += 1
            except SourceError:
                failing.append(p["id"])
    store.engine.dispose()
    return done, sorted(failing)


@pytest.mark.slow
def test_reparse_with_a_worker_does_what_reparse_without_one_does(tmp_path):
    """Payloads the store holds as they are, and ones whose records it holds otherwise (as after a parser fix:
    another digest, another title, an alt id it lacks, a record deleted), of every source: the same report, the
    same errors and the same store with the worker (which checks records, import_unchanged) and without it."""
    db = _store_of_every_source(tmp_path)
    conn = sqlite3.connect(db)  # closed before the copies are made: the WAL then is in the file
    with conn:
        sources = {r[0] for r in conn.execute("SELECT DISTINCT source FROM filings")}
        assert len(sources) >= 6, sources
        assert conn.execute("SELECT count(*) FROM raw_payloads WHERE parse_status = 'error'").fetchone()[0] >= 1
        # Records held otherwise than their payloads now say, in the first payloads a reparse reads (the worker
        # checks those: after three payloads refused it checks no more) and in later ones of other sources.
        ok = [r[0] for r in conn.execute("SELECT id FROM raw_payloads WHERE parse_status = 'ok' ORDER BY id")]
        first = [conn.execute("SELECT min(pk) FROM filings WHERE payload_id = ?", (i,)).fetchone()[0] for i in ok]
        later = [r[0] for r in conn.execute("SELECT min(pk) FROM filings GROUP BY source ORDER BY source")]
        conn.execute(f"UPDATE filings SET content_hash = '0000000000000000' WHERE pk IN ({first[0]}, {later[0]})")
        conn.execute(f"UPDATE filings SET title = '' WHERE pk IN ({first[1]}, {later[1]})")
        with_alt = conn.execute("SELECT min(pk) FROM filings WHERE alt_ids <> '[]'").fetchone()[0]
        conn.execute(f"UPDATE filings SET alt_ids = '[]' WHERE pk = {with_alt}")
        gone = [first[2], later[2]]
        deleted = [r[0] for r in conn.execute(f"SELECT id FROM filings WHERE pk IN ({gone[0]}, {gone[1]})")]
        for table, key in (("status_events", "filing_pk"), ("parties", "filing_pk"), ("filings", "pk")):
            conn.execute(f"DELETE FROM {table} WHERE {key} IN ({gone[0]}, {gone[1]})")
    conn.close()
    runs = {}
    for workers in ("1", "0"):
        copy = tmp_path / f"reparse-{workers}.db"
        shutil.copy(db, copy)
        runs[workers] = run_cli("reparse", "--json", db=str(copy), env={"MERGERWATCH_WORKERS": workers})
        assert runs[workers].returncode == 1 and "Traceback" not in runs[workers].stderr  # broken.json still fails
    assert runs["1"].stdout == runs["0"].stdout and runs["1"].stderr == runs["0"].stderr
    out = json.loads(runs["1"].stdout)
    assert out["reparsed"] > 20 and any("broken.json" in f["url"] for f in out["failing"])
    with_worker, without = _dump(tmp_path / "reparse-1.db"), _dump(tmp_path / "reparse-0.db")
    assert with_worker == without
    # Both check records first (without a worker, in the one process): the same as parsing every payload again and
    # importing its records with import_filings.
    reference = tmp_path / "reparse-parsed.db"
    shutil.copy(db, reference)
    assert _reparse_parsing_each(reference) == (out["reparsed"], sorted(f["id"] for f in out["failing"]))
    assert _dump(reference) == with_worker
    with sqlite3.connect(tmp_path / "reparse-1.db") as conn:  # the deleted records are back, the titles restored
        assert conn.execute("SELECT count(*) FROM filings WHERE id IN (?, ?)", deleted).fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM filings WHERE title = ''").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM filings WHERE content_hash = '0000000000000000'").fetchone()[0] == 0


def test_import_unchanged_reports_only_a_batch_the_store_holds_as_it_is(tmp_path):
    from mergerwatch.store.write.rows import check

    key = get_source("ftc-early-termination").match_key
    store = Store(str(tmp_path / "u.db"))
    a, b = _filing("0001", "Alpha Corp"), _filing("0002", "Beta Corp")
    store.import_filings([a, b.model_copy(update={"alt_ids": ["rss-2"]})], "2026-03-02T00:00:00+00:00", match_key=key)
    before = _dump(tmp_path / "u.db")
    report = store.import_unchanged(check([a, b]))  # b names no alt id the store lacks
    assert report is not None and (report.unchanged, report.inserted, report.updated, report.events) == (2, 0, 0, 0)
    assert report.actions == [(a.id, "no-change"), (b.id, "no-change")]
    assert store.import_filings([a, b], match_key=key).actions == report.actions  # what import_filings reports
    assert store.import_unchanged([]) is not None
    for batch in (
        [a, _filing("0003", "Gamma Corp")],  # a record the store does not hold
        [a, a],  # an id twice
        [b.model_copy(update={"alt_ids": ["rss-9"]})],  # an alt id the store lacks
        [a.model_copy(update={"title": "2026 0001: Alpha Corp, renamed"})],  # another content digest
        [a.model_copy(update={"status_date": date(2026, 2, 1)})],  # older than the stored observation
        [a.model_copy(update={"source_id": "other-surface"})],  # held only under another id (its match key)
    ):
        assert store.import_unchanged(check(batch)) is None, batch
    assert _dump(tmp_path / "u.db") == before  # nothing written
    store.close()


def test_the_worker_checks_the_payloads_of_every_source_it_is_given(tmp_path, monkeypatch):
    """With ``check`` each payload is read by its own source's parser (Payload.source), in the worker or here."""
    from mergerwatch.store.write.rows import check

    monkeypatch.setenv("MERGERWATCH_WORKERS", "1")
    items = []
    for source, name in (
        ("ftc-early-termination", "rss_hsr-early-termination-notices_2025-04-03.xml"),
        ("ec-mergers", "dump_real_rows.derived.json"),
        ("federal-register", "fr_antitrust_notices_2020-2026.derived.json"),
        ("cma-mergers", "search_every_outcome.derived.json"),
    ):
        body = (FIXTURES / source / name).read_bytes()
        src = get_source(source)
        items.append((source, src.payload_for_file(body, str(FIXTURES / source / name))))
    got = list(wk.PreparedAhead(items, len(items), window=2, check=True))
    assert [k for k, _p, _r in got] == [k for k, _p in items]
    for source, p, prepared in got:
        assert prepared is not None and prepared.records == [] and prepared.body_zlib is None
        assert prepared.checked == check(get_source(source).parse(p).filings) and prepared.count > 0


def _interrupt(args: list[str], db: Path, after: float | None = None) -> subprocess.CompletedProcess:
    """Run the command and press Ctrl-C (SIGINT to it) ``after`` seconds, or once it has begun writing (its WAL
    appears: an ingest's first commit)."""
    wal = Path(f"{db}-wal")
    assert not wal.exists()  # else the signal could come before the command begins
    proc = subprocess.Popen(
        [sys.executable, "-m", "mergerwatch", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MERGERWATCH_WORKERS": "1"},
    )
    if after is not None:
        time.sleep(after)
    deadline = time.monotonic() + 60
    while after is None and not (wal.exists() and wal.stat().st_size) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _check_store(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT count(*) FROM filings").fetchone()[0]
    finally:
        conn.close()  # and with it the WAL, which tells when the next run writes


def _page_files(tmp_path: Path, n: int, seed: int) -> list[str]:
    """n FTC records in pages of 50, one file a page, under tmp_path/in."""
    d = tmp_path / "in"
    d.mkdir()
    files = []
    for i, body in enumerate(ftc_pages(n, page_size=50, seed=seed)):
        files.append(str(d / f"page-{i}.json"))
        Path(files[-1]).write_bytes(body)
    return files


@pytest.mark.slow
def test_ctrl_c_stops_ingest_and_reparse_with_their_worker_in_one_line(tmp_path):
    """Interrupted while it works, with its worker busy: exit code 130, one line, no traceback, nothing of the
    open group written (whole groups of 10,000 records only), the store whole, and the command ends at once."""
    files = _page_files(tmp_path, 12_000, seed=3)
    db = tmp_path / "c.db"
    start = time.monotonic()
    r = _interrupt(["ingest", "ftc-early-termination", *files], db)
    assert time.monotonic() - start < 45
    assert r.returncode == 130 and r.stderr.splitlines() == ["interrupted"], (r.returncode, r.stderr[-500:])
    assert _check_store(db) in (0, 10_000)  # the groups committed before the signal, nothing of the open one
    assert run_cli("ingest", "ftc-early-termination", *files, db=str(db)).returncode == 0
    assert _check_store(db) == 12_000
    # A reparse of unchanged payloads writes nothing to tell its progress by: interrupted after a while instead,
    # later each time until a run is (a run that ends before the signal is fine, and clean as well).
    codes = []
    for after in (0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0):
        r = _interrupt(["reparse"], db, after)
        codes.append(r.returncode)
        assert r.returncode in (0, 130) and "Traceback" not in r.stderr, (after, r.returncode, r.stderr[-500:])
        assert r.stderr.splitlines() == (["interrupted"] if r.returncode else []), r.stderr[-500:]
        assert _check_store(db) == 12_000
        if r.returncode == 130:
            break
    assert 130 in codes, codes
    assert run_cli("stats", "--json", db=str(db)).returncode == 0


def test_the_current_event_row_made_directly_is_the_one_event_rows_makes():
    """rows.current_event_rows skips building the event for a record whose payload carries no events and no
    deadline: for every record of every source's fixtures (and synthetic pages), and its url stored or not, it
    gives exactly what event_rows makes of all_events()."""
    from mergerwatch.store.write.rows import current_event_rows, event_rows

    filings = []
    for d in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "texts"):
        src = get_source(d.name)
        for f in sorted(d.iterdir()):
            if f.is_file() and not f.name.endswith(".expected.json"):
                try:
                    filings += src.parse(src.payload_for_file(f.read_bytes(), str(f))).filings
                except Exception:  # noqa: S112 - a fixture of an error page: no records to compare
                    continue
    src = get_source("ftc-early-termination")
    page = Payload(src.name, "file:///p.json", ftc_pages(50, page_size=50, seed=9)[0], kind="api")
    filings += src.parse(page).filings
    direct = [f for f in filings if not f.events and f.deadline is None]
    assert len(direct) > 60 and len(filings) - len(direct) > 20  # both kinds are compared
    for f in [*filings, *(f.model_copy(update={"url": None}) for f in filings[:30])]:  # some without their url
        for url in (f.url, None, "", "https://elsewhere.example/x"):
            assert current_event_rows(f, url) == event_rows(f.all_events(), set(), url), (f.id, url)


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux /proc)."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_the_worker_leaves_when_ingest_is_killed(tmp_path):
    """kill -9 of `ingest` leaves no worker behind: it sees its parent gone and ends (issue 35, item 6)."""
    files = _page_files(tmp_path, 20_000, seed=5)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mergerwatch", "--db", str(tmp_path / "k.db"), "ingest", "ftc-early-termination",
         *files],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "MERGERWATCH_WORKERS": "1"},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while not workers and proc.poll() is None:
        assert time.monotonic() < deadline, "no worker started"
        workers = _children(proc.pid)
        time.sleep(0.05)
    assert workers, "ingest ended before its worker was seen"
    proc.kill()
    proc.wait(timeout=10)
    gone = time.monotonic() + 5
    while any(_alive(w) for w in workers):
        assert time.monotonic() < gone, f"worker(s) {workers} still running after their parent was killed"
        time.sleep(0.05)
