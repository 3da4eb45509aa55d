"""The fault matrix for every source, against real HTTP servers on 127.0.0.1 (bounded, self-stopping).

Each cell runs a source's real fetch code with every endpoint answering one fault, and asserts: the source
fails with a sentence naming it, no stored record changed, the raw body (when there was one) was kept for
re-parsing, and the API key appears nowhere: not in the errors, not in the database file.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import time
from pathlib import Path

import pytest

from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.ingest.refresh import keep_failed_body, refresh_source
from mergerwatch.sources.accc_mergers import AcccMergers
from mergerwatch.sources.adlc_mergers import AdlcMergers
from mergerwatch.sources.base import FetchContext
from mergerwatch.sources.bkarta_mergers import BkartaMergers
from mergerwatch.sources.cb_mergers import CbMergers
from mergerwatch.sources.cma_mergers import CmaMergers
from mergerwatch.sources.doj_press import DojPress
from mergerwatch.sources.ec_mergers import EcMergers
from mergerwatch.sources.federal_register import FederalRegister
from mergerwatch.sources.ftc_early_termination import FtcEarlyTermination
from mergerwatch.sources.ftc_press import FtcPress
from mergerwatch.store.write.store import Store

from .conftest import FIXTURES
from .loopback import LoopbackServer, Reply, Script

KEY = "SeCrEtKeY-0123456789abcdef"
LIMIT = 64 * 1024
RULE = HostRule(min_interval=0.0, timeout=2.0, retries=1, backoff=0.0, max_wait=5.0, max_body=LIMIT, deadline=1.5)

# source -> (factory given the server's base URL, a fixture to seed the store with)
SOURCES = {
    "ftc-early-termination": (
        lambda u: FtcEarlyTermination(api_url=f"{u}/v0/hsr", rss_url=f"{u}/feed.xml"),
        "ftc-early-termination/rss_hsr-early-termination-notices_2025-04-03.xml",
    ),
    "ftc-press": (
        lambda u: FtcPress(feed_url=f"{u}/feed.xml"),
        "ftc-press/rss_press-release-competition_2025-04-03.xml",
    ),
    "doj-press": (
        lambda u: DojPress(api_url=f"{u}/api/v1/press_releases.json"),
        "doj-press/doj_press_releases_two_components.derived.json",
    ),
    "federal-register": (
        lambda u: FederalRegister(api_url=f"{u}/api/v1/documents.json"),
        "federal-register/fr_antitrust_notices_2020-2026.derived.json",
    ),
    "ec-mergers": (
        lambda u: EcMergers(dump_url=f"{u}/case-data-M.json", search_url=f"{u}/search"),
        "ec-mergers/dump_decision-types.derived.json",
    ),
    "cma-mergers": (
        lambda u: CmaMergers(search_url=f"{u}/api/search.json", content_url=f"{u}/api/content"),
        "cma-mergers/search_every_outcome.derived.json",
    ),
    "accc-mergers": (
        lambda u: AcccMergers(register_url=f"{u}/public-registers/x/acquisitions-register"),
        "accc-mergers/register_2026-01-19_18-matters.html",
    ),
    "cb-mergers": (
        lambda u: CbMergers(current_url=f"{u}/en/report", archive_url=f"{u}/en/archive"),
        "cb-mergers/current-report_rows-2025-10-to-2026-09.trimmed-fixture.html",
    ),
    "bkarta-mergers": (
        lambda u: BkartaMergers(list_url=f"{u}/laufende", search_url=f"{u}/suche"),
        "bkarta-mergers/laufende-verfahren_page-1_5-columns.derived.html",
    ),
    "adlc-mergers": (
        lambda u: AdlcMergers(dataset_api=f"{u}/api/1/datasets/decisions/", file_origins=(u,)),
        "adlc-mergers/decisions_3-records.unwrapped.json",
    ),
}
BOMB = gzip.compress(b"\0" * (8 * 1024 * 1024))
ECHO = json.dumps({"error": {"code": "API_KEY_INVALID", "message": f"An invalid api_key was supplied: {KEY}"}})
FAULTS: dict[str, Reply] = {
    "key_echoing_error": Reply(500, ECHO.encode(), {"Content-Type": "application/json"}),
    "key_echoing_403": Reply(403, ECHO.encode(), {"Content-Type": "application/json"}),
    "oversized": Reply(200, b'{"results": [' + b'"x",' * (LIMIT // 2) + b'"x"]}', {"Content-Type": "application/json"}),
    "gzip_bomb": Reply(200, BOMB, {"Content-Type": "application/json", "Content-Encoding": "gzip"}),
    "trickle": Reply(
        200, b'{"results": [' + b'"x",' * 400 + b'"x"]}', {"Content-Type": "application/json"}, trickle=0.05
    ),
    "zero_records_json": Reply(200, b"{}", {"Content-Type": "application/json"}),
    "zero_records_list": Reply(200, b"[]", {"Content-Type": "application/json"}),
    "html_bot_wall": Reply(
        200,
        b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>",
        {"Content-Type": "text/html"},
    ),
    "truncated": Reply(
        200, (FIXTURES / "ec-mergers/dump_decision-types.derived.json").read_bytes(), {}, truncate_to=300
    ),
}
# Faults that leave no body to keep (the server sent nothing usable before it was cut off).
NO_BODY = {"truncated"}


def _snapshot(store: Store) -> list[tuple]:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT id, status, status_raw, status_date, content_hash FROM filings ORDER BY id"
        ).fetchall()


def _seed(store: Store, name: str, fixture: str) -> None:
    from mergerwatch.ingest.pipeline import process_payload
    from mergerwatch.sources import all_sources

    src = all_sources()[name]
    body = (FIXTURES / fixture).read_bytes()
    process_payload(store, src, src.payload_for_file(body, str(FIXTURES / fixture)))


def _run(store: Store, name: str, routes: dict[str, list[Reply]], base_url: str | None = None):
    factory, _fixture = SOURCES[name]
    script = Script(routes)
    with LoopbackServer(script) as srv:
        client = Client("tests@example.org", rules={}, default_rule=RULE, sleep=lambda s: None, validators=store)
        client.on_failed_body = lambda url, status, body, msg: keep_failed_body(store, url, status, body, msg)
        ctx = FetchContext(client=client, state=store)
        started = time.monotonic()
        try:
            from mergerwatch.ingest import refresh

            refresh._current.source = name
            res = refresh_source(store, factory(base_url or srv.url), ctx, "2026-11-01T00:00:00+00:00")
        finally:
            client.close()
        return res, script, time.monotonic() - started


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv("MERGERWATCH_FTC_API_KEY", KEY)


# a trickling server holds each request for its whole deadline: the slow lane
@pytest.mark.parametrize(
    "fault", [pytest.param(f, marks=pytest.mark.slow) if f == "trickle" else f for f in sorted(FAULTS)]
)
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_fault_matrix(tmp_path: Path, keyed, name: str, fault: str):
    db = tmp_path / "mw.db"
    store = Store(str(db))
    _seed(store, name, SOURCES[name][1])
    before = _snapshot(store)
    payloads_before = len(store.payloads())
    res, script, seconds = _run(store, name, {"/": [FAULTS[fault]]})

    assert not res.ok, f"{name} accepted {fault}"
    assert res.errors and all(e.startswith(name) for e in res.errors), res.errors
    assert seconds < 20, f"{name} {fault} took {seconds:.1f} s"
    assert _snapshot(store) == before, "a stored record changed"
    kept = store.payloads(name, "error")
    if fault not in NO_BODY:
        assert len(store.payloads()) > payloads_before and kept, "the raw body was not kept"
    store.close()
    # the key appears nowhere: errors, notes, database bytes (WAL included)
    text = json.dumps(res.as_dict())
    assert KEY not in text
    for f in tmp_path.iterdir():
        if f.name.startswith("mw.db"):
            assert KEY.encode() not in f.read_bytes(), f"the key is stored in {f.name}"
    with sqlite3.connect(db) as conn:
        for (body,) in conn.execute("SELECT body_zlib FROM raw_payloads"):
            import zlib

            assert KEY.encode() not in zlib.decompress(body)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_cross_origin_redirect_never_carries_the_key(tmp_path: Path, keyed, name: str):
    store = Store(str(tmp_path / "mw.db"))
    other = Script({"/": [Reply(404, b"not here")]})
    with LoopbackServer(other) as elsewhere:
        routes: dict[str, list[Reply]] = {}
        if name == "ftc-early-termination":  # the keyless feed first answers, so the keyed API is asked next
            rss = (FIXTURES / SOURCES[name][1]).read_bytes()
            routes["/feed.xml"] = [Reply(200, rss, {"Content-Type": "application/rss+xml"})]
        routes["/"] = [Reply(302, b"", {"Location": f"{elsewhere.url}/stolen"})]
        res, script, _s = _run(store, name, routes)
    assert script.hits, "the source made no request"
    assert other.hits, "the redirect was not followed at all"
    for _path, headers in other.hits:
        assert "x-api-key" not in headers and KEY not in json.dumps(headers)
    if name == "ftc-early-termination":  # the keyed source did send its key to its own host
        assert any(h.get("x-api-key") == KEY for _p, h in script.hits)
    assert not res.ok


def test_redirect_loop_names_the_url(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    res, _script, _s = _run(store, "ftc-press", {"/": [Reply(302, b"", {"Location": "/feed.xml"})]})
    assert not res.ok and any("/feed.xml" in e and "redirect" in e for e in res.errors), res.errors


def test_refused_connection_is_not_retried_with_backoff(tmp_path: Path):
    from .loopback import free_port

    store = Store(str(tmp_path / "mw.db"))
    sleeps: list[float] = []
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    rule = HostRule(min_interval=0.0, retries=4, backoff=2.0)
    client = Client("tests@example.org", rules={}, default_rule=rule, sleep=sleeps.append)
    res = refresh_source(store, FtcPress(feed_url=f"{url}/feed.xml"), FetchContext(client=client, state=store), "x")
    assert not res.ok and res.offline
    assert sum(sleeps) <= 1.0, sleeps  # one quick retry at most, not 2 + 4 + 8 + 16 s
    assert "could not be reached" in res.errors[0]


def test_a_host_that_does_not_resolve_fails_fast(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    sleeps: list[float] = []
    rule = HostRule(min_interval=0.0, retries=4, backoff=2.0)
    client = Client("tests@example.org", rules={}, default_rule=rule, sleep=sleeps.append)
    started = time.monotonic()
    # .invalid never resolves (RFC 6761): no packet leaves the machine for it
    src = FtcPress(feed_url="http://feed.mergerwatch-test.invalid/feed.xml")
    res = refresh_source(store, src, FetchContext(client=client, state=store), "x")
    assert not res.ok and res.offline, res.errors
    assert sum(sleeps) <= 1.0 and time.monotonic() - started < 15
