"""Fault tests for the FTC source and the polite client, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.ingest.refresh import refresh_source
from mergerwatch.sources.base import FetchContext
from mergerwatch.sources.ftc_early_termination import FtcEarlyTermination
from mergerwatch.store.write.store import Store
from mergerwatch.testing import ftc_pages

from .conftest import FIXTURES
from .loopback import LoopbackServer, Reply, Script, free_port

D = FIXTURES / "ftc-early-termination"
RSS = (D / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml").read_bytes()
API = (D / "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json").read_bytes()
JSONAPI = {"Content-Type": "application/vnd.api+json"}
RSS_H = {"Content-Type": "application/rss+xml; charset=utf-8"}
FAST = HostRule(min_interval=0.0, timeout=1.0, retries=2, backoff=0.01, max_wait=10.0)


class Harness:
    def __init__(self, store: Store, routes: dict[str, list[Reply]], port: int = 0):
        self.store = store
        self.port = port
        self.script = Script(routes)
        self.sleeps: list[float] = []

    def run(self, full: bool = False):
        with LoopbackServer(self.script, self.port) as srv:
            src = FtcEarlyTermination(
                api_url=f"{srv.url}/v0/hsr-early-termination-notices", rss_url=f"{srv.url}/feeds/et.xml"
            )
            client = Client(
                "tests@example.org", rules={}, default_rule=FAST, sleep=self.sleeps.append, validators=self.store
            )
            ctx = FetchContext(client=client, state=self.store, full=full)
            try:
                return refresh_source(self.store, src, ctx, "2026-11-01T00:00:00+00:00")
            finally:
                client.close()

    def api_hits(self) -> list[str]:
        return [p for p, _h in self.script.hits if "/v0/" in p]


def ok_routes(api: list[Reply]) -> dict[str, list[Reply]]:
    return {"/feeds/et.xml": [Reply(200, RSS, RSS_H)], "/v0/": api}


def test_429_with_retry_after_is_honoured_then_succeeds(store):
    h = Harness(
        store,
        ok_routes(
            [Reply(429, b'{"error":{"code":"OVER_RATE_LIMIT"}}', {"Retry-After": "3"}), Reply(200, API, JSONAPI)]
        ),
    )
    res = h.run()
    assert res.ok, res.errors
    assert 3.0 in h.sleeps
    assert store.stats()["filings"] == 20


def test_429_with_long_retry_after_stops_with_resume_message(store):
    h = Harness(
        store,
        ok_routes(
            [
                Reply(
                    429,
                    (D / "api_error_429_OVER_RATE_LIMIT.reconstructed.json").read_bytes(),
                    {"Retry-After": "8013", "Content-Type": "application/json"},
                )
            ]
        ),
    )
    res = h.run()
    assert not res.ok
    assert "FTC rate limit reached" in res.errors[0] and "at offset 0" in res.errors[0]
    assert len(h.api_hits()) == 1  # never sleeps for two hours, never hammers
    assert store.stats()["filings"] == 20  # the RSS part is kept


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_retried_then_succeeds(store, status):
    h = Harness(store, ok_routes([Reply(status, b"oops"), Reply(200, API, JSONAPI)]))
    res = h.run()
    assert res.ok and len(h.api_hits()) == 2


def test_5xx_for_good_fails_clearly_and_keeps_stored_data(store):
    Harness(store, ok_routes([Reply(200, API, JSONAPI)])).run()
    before = store.stats()["filings"]
    h = Harness(store, ok_routes([Reply(503, b"<html>down</html>")]))
    res = h.run()
    assert not res.ok
    assert "HTTP 503 after 3 attempt(s)" in res.errors[0] and res.errors[0].startswith("ftc-early-termination")
    assert store.stats()["filings"] == before
    assert h.sleeps == [0.01, 0.02]  # exponential backoff


@pytest.mark.slow
def test_timeout_then_success(store):
    h = Harness(store, ok_routes([Reply(200, API, JSONAPI, delay=1.6), Reply(200, API, JSONAPI)]))
    res = h.run()
    assert res.ok, res.errors
    assert len(h.api_hits()) == 2


@pytest.mark.slow
def test_timeout_for_good(store):
    h = Harness(store, ok_routes([Reply(200, API, JSONAPI, delay=1.6)]))
    res = h.run()
    assert not res.ok and "timed out after 3 attempt(s)" in res.errors[0]


def test_connection_reset_then_success(store):
    h = Harness(store, ok_routes([Reply(reset=True), Reply(200, API, JSONAPI)]))
    res = h.run()
    assert res.ok, res.errors


def test_truncated_body_is_retried_then_reported(store):
    h = Harness(store, ok_routes([Reply(200, API, JSONAPI, truncate_to=900)]))
    res = h.run()
    assert not res.ok and "failed" in res.errors[0]
    assert len(h.api_hits()) == 3


def test_truncated_json_with_honest_length_is_a_parse_error_and_raw_is_kept(store):
    h = Harness(store, ok_routes([Reply(200, API[:900], JSONAPI)]))
    res = h.run()
    assert not res.ok and "not valid JSON" in res.errors[0]
    bad = store.payloads(status="error")
    assert len(bad) == 1 and store.payload(bad[0]["id"]).body == API[:900]


def test_html_where_json_expected(store):
    page = b"<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>"
    h = Harness(store, ok_routes([Reply(200, page, {"Content-Type": "text/html"})]))
    res = h.run()
    assert not res.ok and "HTML page where JSON" in res.errors[0]
    assert store.payloads(status="error")[0]["size"] == len(page)


def test_zero_records_when_records_expected(store):
    empty = json.dumps({"data": [], "meta": {"count": 28145}, "links": {}}).encode()
    h = Harness(store, ok_routes([Reply(200, empty, JSONAPI)]))
    res = h.run()
    assert not res.ok and "empty although the API counts 28145" in res.errors[0]


def test_zero_records_declared_by_the_api_is_fine(store):
    """A window with no grants (the 2021-2025 suspension) is not an error when the API says count 0."""
    empty = json.dumps({"data": [], "meta": {"count": 0}, "links": {}}).encode()
    h = Harness(store, ok_routes([Reply(200, empty, JSONAPI)]))
    res = h.run()
    assert res.ok, res.errors


def test_403_bad_key_is_not_retried_and_says_what_to_do(store, monkeypatch):
    monkeypatch.setenv("MERGERWATCH_FTC_API_KEY", "sekrit-key-0123456789")
    body = (D / "api_error_403_API_KEY_INVALID.reconstructed.json").read_bytes()
    h = Harness(store, ok_routes([Reply(403, body, {"Content-Type": "application/json"})]))
    res = h.run()
    assert not res.ok and "MERGERWATCH_FTC_API_KEY" in res.errors[0] and "API_KEY_INVALID" in res.errors[0]
    assert len(h.api_hits()) == 1
    # the key went in a header, never into a URL, a message or the database
    assert h.script.hits[-1][1]["x-api-key"] == "sekrit-key-0123456789"
    assert all("sekrit" not in p for p, _ in h.script.hits)
    assert "sekrit" not in " ".join(res.errors + res.notes)
    assert "sekrit" not in _everything_stored(store)


def _everything_stored(store) -> str:
    """Every row of every table as text, raw payloads decompressed (sqlite3's iterdump cannot read the contentless
    FTS5 name index; its shadow tables, which hold what it stores, are read here like the rest)."""
    import zlib

    conn = store.engine.raw_connection().driver_connection
    tables = [
        r[0]
        for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        if not (r[1] or "").upper().startswith("CREATE VIRTUAL TABLE")
    ]
    out = [repr(conn.execute(f'SELECT * FROM "{tb}"').fetchall()) for tb in tables]
    bodies = conn.execute("SELECT body_zlib FROM raw_payloads").fetchall()
    out += [zlib.decompress(b).decode("utf-8", "replace") for (b,) in bodies]
    return "\n".join(out)


def test_demo_key_fallback_warns(store):
    h = Harness(store, ok_routes([Reply(200, API, JSONAPI)]))
    res = h.run()
    assert any("DEMO_KEY" in n and "50/day" in n for n in res.notes)
    assert h.script.hits[-1][1]["x-api-key"] == "DEMO_KEY"
    assert (
        "mergerwatch/" in h.script.hits[-1][1]["user-agent"]
        and "tests@example.org" in h.script.hits[-1][1]["user-agent"]
    )


def test_nothing_new_costs_one_request_per_endpoint(store):
    port = free_port()  # same URL both nights: validators are kept per URL
    routes = {"/feeds/et.xml": [Reply(200, RSS, {**RSS_H, "ETag": '"v1"'})], "/v0/": [Reply(200, API, JSONAPI)]}
    Harness(store, routes, port).run()
    h = Harness(store, {"/feeds/et.xml": [Reply(304, b"")], "/v0/": [Reply(200, API, JSONAPI)]}, port)
    res = h.run()
    assert res.ok
    assert len(h.script.hits) == 2  # one conditional GET of the feed, one API page
    assert h.script.hits[0][1].get("if-none-match") == '"v1"'
    assert (res.report.inserted, res.report.updated, res.report.events) == (0, 0, 0)


def test_backfill_is_resumable_across_rate_limits(store):
    pages = ftc_pages(120, page_size=50)
    routes = {
        "/feeds/et.xml": [Reply(200, RSS, RSS_H)],
        "direction%5D=DESC": [Reply(200, API, JSONAPI)],
        "offset%5D=0&": [Reply(200, pages[0], JSONAPI)],
        "offset%5D=50&": [Reply(429, b'{"error":{"code":"OVER_RATE_LIMIT"}}', {"Retry-After": "8013"})],
    }
    res = Harness(store, routes).run(full=True)
    assert res.ok  # a paused backfill is not a failure
    assert any("resuming" in n and "at offset 50" in n for n in res.notes)
    assert store.get_state("ftc-early-termination", "backfill_offset") == "50"
    routes2 = {
        "/feeds/et.xml": [Reply(200, RSS, RSS_H)],
        "direction%5D=DESC": [Reply(200, API, JSONAPI)],
        "offset%5D=50&": [Reply(200, pages[1], JSONAPI)],
        "offset%5D=100&": [Reply(200, pages[2], JSONAPI)],
    }
    h2 = Harness(store, routes2)
    res2 = h2.run()  # no --full: the checkpoint alone resumes it
    assert res2.ok, res2.errors
    assert not any("offset%5D=0&" in p and "ASC" in p for p, _ in h2.script.hits)
    assert store.get_state("ftc-early-termination", "backfill_offset") is None
    assert store.get_state("ftc-early-termination", "backfill_done")
    assert store.counts_by_source()["ftc-early-termination"] == 20 + 120
