"""FTC press, DOJ press and Federal Register sources against a loopback server."""

from __future__ import annotations

import json

from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.ingest.refresh import refresh_source
from mergerwatch.sources.base import FetchContext
from mergerwatch.sources.doj_press import DojPress
from mergerwatch.sources.federal_register import FederalRegister
from mergerwatch.sources.ftc_press import FtcPress

from .conftest import FIXTURES
from .loopback import LoopbackServer, Reply, Script

FAST = HostRule(min_interval=0, timeout=2, retries=1, backoff=0.01)
FR = FIXTURES / "federal-register"


def _run(store, make_source, routes):
    script = Script(routes)
    with LoopbackServer(script) as srv:
        src = make_source(srv.url)
        client = Client("tests@example.org", rules={}, default_rule=FAST, sleep=lambda s: None, validators=store)
        try:
            return refresh_source(
                store, src, FetchContext(client=client, state=store), "2026-11-02T00:00:00+00:00"
            ), script
        finally:
            client.close()


def test_federal_register_follows_next_page_url_as_given_and_reads_texts(store):
    page1 = json.loads((FR / "fr_documents_search_doj_antitrust.reconstructed.json").read_text())
    for r in page1["results"]:
        n = r["document_number"]
        r["raw_text_url"] = f"URL/documents/full_text/text/2025/07/10/{n}.txt"
    page1["next_page_url"] = "URL/api/v1/documents?page=2&search_after_cursor=abc"
    page2 = {
        "count": 3,
        "description": "x",
        "total_pages": 2,
        "results": [
            {
                "document_number": "2020-00093",
                "title": "Granting of Requests for Early Termination of the Waiting Period "
                "Under the Premerger Notification Rules",
                "publication_date": "2020-01-08",
                "type": "Notice",
                "html_url": "https://www.federalregister.gov/d/2020-00093",
            }
        ],
    }
    text = (
        "DEPARTMENT OF JUSTICE Antitrust Division United States v. Hewlett Packard Enterprise Co., et al.; Proposed "
        "Final Judgment and Competitive Impact Statement. On January 30, 2025, the United States filed a Complaint "
        "alleging that Hewlett Packard Enterprise Co.'s proposed acquisition of Juniper Networks, Inc. would violate "
        "Section 7 of the Clayton Act, 15 U.S.C. 18."
    )

    def make(url):
        body1 = json.dumps(page1).replace("URL", url).encode()
        routes["/api/v1/documents.json"] = [Reply(200, body1)]
        return FederalRegister(api_url=f"{url}/api/v1/documents.json")

    routes = {
        "/api/v1/documents?page=2&search_after_cursor=abc": [Reply(200, json.dumps(page2).encode())],
        "/full_text/text/2025/07/10/2025-12887.txt": [Reply(200, text.encode())],
        "/full_text/text/2025/07/10/2025-12329.txt": [Reply(200, b"... Section 1 of the Sherman Act ...")],
    }
    res, script = _run(store, make, routes)
    assert res.ok, res.errors
    paths = [p for p, _ in script.hits]
    assert "/api/v1/documents?page=2&search_after_cursor=abc" in paths  # followed verbatim
    first = paths[0]
    assert "conditions%5Bagencies%5D%5B%5D=antitrust-division" in first and "order=newest" in first
    hpe = store.filing_records(["federal-register:2025-12887"])[0]
    assert hpe["status"] == "cleared_with_remedies"  # decided once the text was read
    assert [e["status"] for e in hpe["events"]] == ["unknown", "cleared_with_remedies"]
    assert {p["name"] for p in hpe["parties"]} >= {"Juniper Networks, Inc"}
    safran = store.filing_records(["federal-register:2025-12329"])[0]
    assert safran["status"] == "unknown"  # the text did not show a merger: it stays undetermined, never guessed


def test_federal_register_zero_count_has_no_results_key(store):
    res, _ = _run(
        store,
        lambda url: FederalRegister(api_url=f"{url}/docs.json"),
        {"/docs.json": [Reply(200, b'{"count":0,"description":"Documents"}')]},
    )
    assert res.ok, res.errors


def test_doj_press_pages_newest_first_and_keeps_only_the_antitrust_division(store):
    body = (FIXTURES / "doj-press" / "doj_press_releases_two_components.derived.json").read_bytes()
    res, script = _run(
        store,
        lambda url: DojPress(api_url=f"{url}/api/v1/press_releases.json"),
        {"/api/v1/press_releases.json": [Reply(200, body)]},
    )
    assert res.ok, res.errors
    q = script.hits[0][0]
    assert "sort=date" in q and "direction=DESC" in q and "page=0" in q and "pagesize=50" in q
    assert store.counts_by_source() == {"doj-press": 1}
    assert any("other DOJ components skipped" in n for n in res.notes)


def test_ftc_press_stores_merger_events_and_keeps_the_rest_raw(store):
    body = (FIXTURES / "ftc-press" / "rss_press-release-competition_2025-04-03.xml").read_bytes()
    res, _ = _run(store, lambda url: FtcPress(feed_url=f"{url}/feed.xml"), {"/feed.xml": [Reply(200, body)]})
    assert res.ok and res.report.inserted == 3  # the three merger events; 27 notices stay in the raw payload
    assert store.payloads("ftc-press")[0]["records"] == 3


def test_a_hand_saved_notice_text_is_read_from_its_file_name_and_header(tmp_path):
    from .conftest import cli_json

    blocks = (FIXTURES / "texts" / "fr_doj_tunney_act_notice_texts.excerpts.txt").read_text().split("\n=== ")
    neenah = next(b for b in blocks if "Neenah" in b)
    f = tmp_path / "2021-23175.txt"
    f.write_text(
        "Federal Register / Vol. 86, No. 203 / Monday, October 25, 2021 / Notices\n"
        "United States v. Neenah Enterprises, Inc., et al.; Proposed Final Judgment and Competitive Impact "
        "Statement\n" + neenah
    )
    rec = cli_json("parse", "federal-register", str(f))[0]
    assert (rec["id"], rec["status"], rec["status_date"]) == (
        "federal-register:2021-23175",
        "cleared_with_remedies",
        "2021-10-25",
    )
    assert rec["parties"][0]["name"] == "Neenah Enterprises"


def test_doctor_counts_notices_as_understood():
    body = (FIXTURES / "ftc-press" / "rss_press-release-competition_2025-04-03.xml").read_bytes()
    from mergerwatch.store.write.store import Store

    with LoopbackServer(Script({"/feed.xml": [Reply(200, body)]})) as srv:
        client = Client("tests@example.org", rules={}, default_rule=FAST, sleep=lambda s: None)
        ok, msg = FtcPress(feed_url=f"{srv.url}/feed.xml").doctor(FetchContext(client=client, state=Store("sqlite://")))
        client.close()
    assert ok and "3 record(s) and 27 notice(s)" in msg


def _doj_pages(n_items: int, ascending: bool) -> dict[int, bytes]:
    """News API pages of ``n_items`` releases in the fixture's record shape, oldest first when ``ascending``."""
    base = json.loads((FIXTURES / "doj-press" / "doj_press_releases_two_components.derived.json").read_text())
    template = base["results"][1]  # another component: these pages hold no merger matter
    items = []
    for k in range(n_items):
        r = json.loads(json.dumps(template))
        r["uuid"] = f"uuid-{k:04d}"
        r["date"] = r["created"] = str(1_600_000_000 + k * 86_400)
        items.append(r)
    if not ascending:
        items.reverse()
    pages = {}
    for p in range(0, (n_items + 49) // 50):
        doc = json.loads(json.dumps(base))
        doc["metadata"]["resultset"] = {"count": n_items, "pagesize": 50, "page": p}
        doc["results"] = items[p * 50 : (p + 1) * 50]
        pages[p] = json.dumps(doc).encode()
    return pages


def _doj_routes(pages: dict[int, bytes]) -> dict[str, list[Reply]]:
    return {f"page={p}&": [Reply(200, body)] for p, body in pages.items()}


def test_doj_ignored_sort_switches_to_a_scan_that_stops_on_known_ids(store):
    pages = _doj_pages(120, ascending=True)  # the server ignores sort: page 0 holds the oldest
    make = lambda url: DojPress(api_url=f"{url}/api/v1/press_releases.json")  # noqa: E731
    res, script = _run(store, make, _doj_routes(pages))
    assert res.ok, res.errors
    asked = [int(h[0].split("page=")[1].split("&")[0]) for h in script.hits]
    assert asked == [0, 2, 1, 0]  # page 0, then backwards from the last page (the newest releases)
    assert any("ascending" in n and "known-id scan" in n for n in res.notes), res.notes
    assert store.get_state("doj-press", "order_seen") == "ascending"
    # the next night: the newest page is all known, so the scan stops there and says nothing is missing
    res, script = _run(store, make, _doj_routes(pages))
    asked = [int(h[0].split("page=")[1].split("&")[0]) for h in script.hits]
    assert asked == [0, 2]
    assert not any("some may be missing" in n for n in res.notes)


def test_doj_sorted_pages_stop_on_the_date_floor(store):
    pages = _doj_pages(120, ascending=False)
    make = lambda url: DojPress(api_url=f"{url}/api/v1/press_releases.json")  # noqa: E731
    res, script = _run(store, make, _doj_routes(pages))
    assert res.ok and len(script.hits) == 3  # first run: every page (fewer than the first-run bound)
    assert store.get_state("doj-press", "order_seen") == "newest-first"
    res, script = _run(store, make, _doj_routes(pages))
    assert len(script.hits) == 1  # page 0 already reaches below the high-water mark


def test_federal_register_splits_a_window_at_the_count_cap_and_asks_the_parent_agency(store):
    from datetime import date, timedelta
    from urllib.parse import unquote

    real = json.loads((FR / "fr_documents_order-newest_per_page-3_2026-10-02.json").read_text())
    capped = dict(real, next_page_url=None)  # the real capped answer: count 10,000, total_pages 50
    capped.pop("next_page_url")
    small = json.loads((FR / "fr_antitrust_notices_2020-2026.derived.json").read_text())
    today = date.today()
    start = today - timedelta(days=3)
    whole = f"[gte]={start}&conditions[publication_date][lte]={today}"
    routes = {
        "justice-department": [Reply(200, b'{"count":0,"description":"Documents from Justice Department"}')],
        "/api/v1/documents.json": [Reply(200, json.dumps(small).encode())],
    }
    script = Script(routes)
    orig = script.next

    def next_reply(path, headers):  # the whole window is capped, its halves are not
        if whole in unquote(path) and "justice-department" not in path:
            script.hits.append((path, headers))
            return Reply(200, json.dumps(capped).encode())
        return orig(path, headers)

    script.next = next_reply
    with LoopbackServer(script) as srv:
        src = FederalRegister(api_url=f"{srv.url}/api/v1/documents.json")
        client = Client("tests@example.org", rules={}, default_rule=FAST, sleep=lambda s: None, validators=store)
        try:
            res = refresh_source(
                store, src, FetchContext(client=client, state=store, since=start), "2026-11-02T00:00:00+00:00"
            )
        finally:
            client.close()
    asked = [unquote(h[0]) for h in script.hits]
    halves = [f"[gte]={start}&conditions[publication_date][lte]={start + timedelta(days=1)}",
              f"[gte]={start + timedelta(days=2)}&conditions[publication_date][lte]={today}"]  # fmt: skip
    assert any(whole in a for a in asked)
    assert all(any(h in a and "antitrust-division" in a for a in asked) for h in halves), asked
    assert any("justice-department" in a for a in asked)
    assert any("cap of 10,000" in n for n in res.notes), res.notes
    assert store.get_state("federal-register", "parent_query") == "accepted"


def test_federal_register_stops_when_a_page_repeats(store):
    from datetime import date, timedelta

    page = json.loads((FR / "fr_antitrust_notices_2020-2026.derived.json").read_text())
    page["next_page_url"] = "URL/api/v1/documents.json?page=51"  # past 50 the API serves page 1 again
    body = json.dumps(page)
    routes = {"/api/v1/documents.json": [Reply(200, body.encode())]}
    script = Script(routes)
    with LoopbackServer(script) as srv:
        routes["/api/v1/documents.json"] = [Reply(200, body.replace("URL", srv.url).encode())]
        src = FederalRegister(api_url=f"{srv.url}/api/v1/documents.json")
        client = Client("tests@example.org", rules={}, default_rule=FAST, sleep=lambda s: None, validators=store)
        try:
            res = refresh_source(
                store,
                src,
                FetchContext(client=client, state=store, since=date.today() - timedelta(days=2)),
                "2026-11-02T00:00:00+00:00",
            )
        finally:
            client.close()
    assert len(script.hits) == 4  # two pages per query (the second repeats the first), two queries
    assert any("page already read" in n for n in res.notes)
