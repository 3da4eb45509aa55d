"""UK CMA source: timetable dates in words, outcome mapping, incremental listing, 422 and partial failures."""

from __future__ import annotations

import json
from datetime import date

from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.ingest.refresh import refresh_source
from mergerwatch.sources.base import FetchContext
from mergerwatch.sources.cma_mergers import CmaMergers, parties_from_title, words_date

from .conftest import FIXTURES, cli_json
from .loopback import LoopbackServer, Reply, Script

UK = FIXTURES / "cma-mergers"
ITEM = (UK / "govuk_content_api_cma_case_richemont_yoox_nap.example.json").read_bytes()
SEARCH = (UK / "govuk_search_api_cma_case_mergers.reconstructed.json").read_bytes()


def test_dates_in_words():
    assert words_date("7 September 2015") == (date(2015, 9, 7), date(2015, 9, 7))
    assert words_date("10 to 24 July 2015") == (date(2015, 7, 10), date(2015, 7, 24))
    assert words_date("29 May 2024 to 5 June 2024") == (date(2024, 5, 29), date(2024, 6, 5))
    assert words_date("29 May to 5 June 2024") == (date(2024, 5, 29), date(2024, 6, 5))
    assert words_date("to be confirmed") == (None, None)


def test_titles():
    parties, ok = parties_from_title("Topps Tiles / CTD Tiles (certain assets) merger inquiry")
    assert ok and [(p.name, p.role.value) for p in parties] == [("Topps Tiles", "acquirer"), ("CTD Tiles", "target")]
    parties, ok = parties_from_title("Richemont merger inquiry")
    assert not ok and [p.name for p in parties] == ["Richemont"]


def test_content_item_status_timetable_and_deadline():
    rec = cli_json("parse", "cma-mergers", str(UK / "govuk_content_api_cma_case_richemont_yoox_nap.example.json"))[0]
    assert (rec["status"], rec["status_date"], rec["deadline"]) == ("cleared", "2015-08-20", "2015-09-07")
    assert rec["id"] == "cma-mergers:richemont-yoox-net-a-porter-merger-inquiry"
    assert [(e["status"], e["date"]) for e in rec["events"] if e["status"]] == [
        ("under_review", "2015-07-10"),
        ("notified", "2015-07-10"),
        ("cleared", "2015-08-20"),
    ]
    assert "investigating" in rec["extra"]["description"]  # prose kept, never read for status


def test_phase_1_referral_is_in_depth_review_not_referred():
    recs = {
        r["status_raw"]: r["status"]
        for r in cli_json("parse", "cma-mergers", str(UK / "search_every_outcome.derived.json"))
    }
    assert recs["mergers-phase-1-referral"] == "in_depth_review"
    assert recs["mergers-phase-1-public-interest-interventions"] == "referred"
    assert recs["mergers-phase-2-remittal"] == "unknown"
    assert recs["closed (no outcome_type)"] == "closed"


FAST = HostRule(min_interval=0, timeout=2, retries=1, backoff=0.01)


def _run(store, routes, since=None):
    script = Script(routes)
    with LoopbackServer(script) as srv:
        src = CmaMergers(search_url=f"{srv.url}/api/search.json", content_url=f"{srv.url}/api/content")
        client = Client("tests@example.org", rules={}, default_rule=FAST, sleep=lambda s: None)
        ctx = FetchContext(client=client, state=store, since=since)
        try:
            return refresh_source(store, src, ctx, "2026-11-02T00:00:00+00:00"), script
        finally:
            client.close()


def test_refresh_reads_changed_cases_only_and_sends_only_documented_parameters(store):
    routes = {
        "/api/search.json": [Reply(200, SEARCH)],
        "/api/content/cma-cases/richemont": [Reply(200, ITEM)],
        "/api/content/cma-cases/topps": [Reply(200, ITEM.replace(b"richemont-yoox-net-a-porter", b"topps-x"))],
    }
    res, script = _run(store, routes)
    assert res.ok, res.errors
    assert store.counts_by_source()["cma-mergers"] == 2
    search = next(p for p, _ in script.hits if p.startswith("/api/search.json"))
    keys = sorted(k.split("=")[0] for k in search.split("?")[1].split("&"))
    assert keys == ["count", "fields", "filter_case_type", "filter_format", "order", "start"]
    assert store.get_state("cma-mergers", "public_timestamp_hwm").startswith("2025-02-07T11:30:19")
    res2, script2 = _run(store, routes)  # next night: only the case whose timestamp moved (here: the newest, by margin)
    assert res2.ok
    assert [p for p, _ in script2.hits if "/api/content/" in p] == [
        "/api/content/cma-cases/topps-tiles-slash-ctd-tiles-certain-assets-merger-inquiry"
    ]


def test_422_is_a_clear_error(store):
    res, _ = _run(store, {"/api/search.json": [Reply(422, json.dumps({"error": "Invalid filter field"}).encode())]})
    assert not res.ok and "HTTP 422: Invalid filter field" in res.errors[0]


def test_one_broken_case_page_does_not_stop_the_others(store):
    routes = {
        "/api/search.json": [Reply(200, SEARCH)],
        "/api/content/cma-cases/richemont": [Reply(200, ITEM)],
        "/api/content/cma-cases/topps": [Reply(404, b"not found")],
    }
    res, _ = _run(store, routes)
    assert not res.ok and "1 case page(s) could not be read" in res.errors[0]
    assert store.counts_by_source()["cma-mergers"] == 1
    assert store.get_state("cma-mergers", "public_timestamp_hwm") is None  # read again next night


def _golden(name: str) -> dict:
    return json.loads((FIXTURES / "cma-mergers" / f"{name}.expected.json").read_text())


def test_object_facets_read_like_slugs():
    """Before 2025-01-20 the Search API sent facets as label/value objects: same records either way."""
    objects = _golden("search_facet_objects.derived.json")
    slugs = _golden("search_every_outcome.derived.json")
    strip = [{k: v for k, v in r.items() if k != "provenance"} for r in objects["records"]]
    assert strip == [{k: v for k, v in r.items() if k != "provenance"} for r in slugs["records"]]
    assert objects["warnings"] == slugs["warnings"]
    assert {r["extra"]["case_type"] for r in objects["records"]} == {"mergers"}


def test_administrative_timetable_gives_phase_reference_and_deadline():
    r = _golden("content_administrative_timetable.derived.json")["records"][0]
    assert (r["status"], r["deadline"], r["status_date"]) == ("in_depth_review", "2022-12-21", "2022-05-12")
    assert r["extra"]["opened_date"] == "2022-05-12"  # no opened_date: the earliest dated event stands in


def test_phase_heading_without_dates_keeps_the_phase_and_warns_once():
    got = _golden("content_phase2_heading_only.derived.json")
    assert got["records"][0]["status"] == "in_depth_review"
    assert len(got["warnings"]) == 1 and "Phase 2 heading but no readable timetable dates" in got["warnings"][0]
