"""SEC EDGAR: the HSR extractor on real labelled passages and real negative documents, and the source against a
loopback server (errors with HTTP 200, the SEC's 403, 429, a day past the 10,000-hit window)."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest

from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.ingest.refresh import refresh_source
from mergerwatch.sources.base import FetchContext, Payload
from mergerwatch.sources.sec_edgar import SecEdgar
from mergerwatch.sources.sec_edgar.dates import document_date
from mergerwatch.sources.sec_edgar.document import to_text as _to_text
from mergerwatch.sources.sec_edgar.events import extract

from .conftest import FIXTURES
from .loopback import LoopbackServer, Reply, Script

TEXTS = FIXTURES / "texts"
# The reporter of benchmarks/sec_passages.py: the same counts the benchmark prints, floors asserted here.
_BENCH = Path(__file__).parents[1] / "benchmarks" / "sec_passages.py"
_SPEC = importlib.util.spec_from_file_location("sec_passages", _BENCH)
sec_passages = importlib.util.module_from_spec(_SPEC)  # type: ignore[arg-type]
_SPEC.loader.exec_module(sec_passages)  # type: ignore[union-attr]


def _passages() -> list[dict]:
    return [json.loads(line) for line in (TEXTS / "sec_hsr_passages.real.labelled.half.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("name", sec_passages.FILES)
def test_recall_precision_and_dates_on_every_labelled_passage(name):
    r = sec_passages.evaluate(name)
    assert r["recall"] >= 0.95, (r["recall"], r["misses"])
    assert r["negatives_with_an_event"] <= r["negatives"] // 10, r["false_positives"]
    for kind, v in r["kinds"].items():
        if v["precision"] is not None:
            assert v["precision"] >= 0.8, (kind, v, r["false_positives"])
    assert r["wrong_dates"] == [], r["wrong_dates"]


def test_the_batches_cover_every_kind_of_event():
    kinds = set()
    for name in sec_passages.FILES[:2]:
        kinds |= set(sec_passages.evaluate(name)["kinds"])
    assert kinds >= set(sec_passages.LABEL_TO_DETAIL.values()) - {None}


def test_negative_passages_and_documents_yield_no_hsr_event():
    for p in _passages():
        if p["event"] == "none":
            assert extract(p["text"], document_date(p["filing_date"])) == [], p["id"]
    sc14d9 = _to_text((TEXTS / "sec_sc14d9_lisata_therapeutics_2026-06.htm").read_text(errors="replace"))
    assert len(sc14d9) > 100_000 and extract(sc14d9, date(2026, 6, 10)) == []
    eight_k = (FIXTURES / "sec-edgar" / "sec_full_submission_8-K_nvidia_0001045810-26-000024.txt").read_bytes()
    res = SecEdgar().parse(Payload("sec-edgar", "file://x", eight_k, kind="submission-text"))
    assert res.filings == []


def test_real_wording_excerpts_give_the_dated_events():
    events = extract((TEXTS / "sec_hsr_status_wording.excerpts.txt").read_text())
    got = {(e.detail, str(e.date), str(e.deadline)) for e in events}
    assert ("hsr_early_termination", "2026-02-09", "None") in got  # Coursera / Udemy
    assert ("hsr_filed", "2024-08-30", "2024-09-16") in got  # filed; the initial period's stated expiry
    # the 2024 clause's definition of a Second Request, its "may withdraw … and refile" and the ET suspension
    assert not {d for d, _, _ in got} & {"hsr_second_request", "hsr_pull_and_refile"}


def test_a_licence_and_hire_deal_is_a_dated_disclosure_with_the_counterparty():
    # wording of Nvidia's FY2026 10-K as quoted in issue #16 (the passage, not the filing)
    text = (
        "On December 24, 2025, NVIDIA Corporation entered into a non-exclusive license agreement with Groq, Inc. "
        "and hired certain Groq employees. The transaction was accounted for as a business combination."
    )
    body = text.encode()
    res = SecEdgar().parse(Payload("sec-edgar", "https://www.sec.gov/Archives/edgar/data/1045810/x.htm", body))
    (f,) = res.filings
    assert f.extra["counterparty"] == "Groq, Inc." and f.status.value == "unknown"
    (e,) = [e for e in f.events if e.detail == "sec_deal_disclosure"]
    assert (e.status, str(e.date), e.basis) == (None, "2025-12-24", "text") and "Groq" in e.status_raw
    assert f.extra["cik"] == "1045810"


def test_full_submission_header_names_the_filer_form_and_date():
    from mergerwatch.sources.sec_edgar.document import read_header as _header

    head = _header((FIXTURES / "sec-edgar" / "sec_full_submission_8-K_nvidia_0001045810-26-000024.txt").read_text())
    assert head["accession"] == "0001045810-26-000024" and head["form"] == "8-K"
    assert head["name"] == "NVIDIA CORP" and head["cik"] == "1045810" and str(head["date"]) == "2026-03-06"
    assert head["former_names"] == ["NVIDIA CORP/DE", "NVIDIA CORP/CA"]


FAST = HostRule(min_interval=0, timeout=2, retries=1, backoff=0.01)


def _run(store, routes, case=None, since=None):
    script = Script(routes)
    with LoopbackServer(script) as srv:
        src = SecEdgar(
            efts_url=f"{srv.url}/LATEST/search-index",
            submissions_url=srv.url + "/submissions/CIK{:010d}.json",
            archive=srv.url + "/Archives/edgar/data/{cik}/{nodash}/{adsh}.txt",
        )
        client = Client("tests@example.org", rules={}, default_rule=FAST, sleep=lambda s: None, validators=store)
        try:
            ctx = FetchContext(client=client, state=store, case=case, since=since)
            return refresh_source(store, src, ctx, "2026-11-02T00:00:00+00:00"), script
        finally:
            client.close()


def _efts(total: int, hits: list[dict], relation: str = "eq") -> bytes:
    doc = json.loads((TEXTS / "sec_efts_search_index_response.reconstructed.json").read_text())
    doc["hits"]["total"] = {"value": total, "relation": relation}
    doc["hits"]["hits"] = hits
    return json.dumps(doc).encode()


def _sample_hits() -> list[dict]:
    return json.loads((TEXTS / "sec_efts_search_index_response.reconstructed.json").read_text())["hits"]["hits"]


def _passage_filing(pid: str) -> bytes:
    """A full-submission text around one real labelled passage (header lines as EDGAR writes them)."""
    p = next(x for x in _passages() if x["id"] == pid)
    return (
        "<SEC-DOCUMENT>0000000000-21-000001.txt\n<SEC-HEADER>\nACCESSION NUMBER:\t\t0000000000-21-000001\n"
        "CONFORMED SUBMISSION TYPE:\t8-K\nFILED AS OF DATE:\t\t20210810\nFILER:\n\tCOMPANY DATA:\n"
        "\t\tCOMPANY CONFORMED NAME:\t\t\tSOLITON, INC.\n\t\tCENTRAL INDEX KEY:\t\t\t0001548187\n</SEC-HEADER>\n"
        f"<DOCUMENT>\n<TYPE>8-K\n<SEQUENCE>1\n<FILENAME>x.htm\n<TEXT>\n<html><body><p>{p['text']}</p></body></html>\n"
        "</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"
    ).encode()


def test_nightly_search_reads_each_filing_once_and_stores_the_events(store):
    hit = {"_id": "0000000000-21-000001:x.htm", "_source": {"adsh": "0000000000-21-000001", "ciks": ["0001548187"]}}
    routes = {
        "/LATEST/search-index": [Reply(200, _efts(2, [hit, dict(hit, _id="0000000000-21-000001:ex99.htm")]))],
        "/Archives/edgar/data/1548187/000000000021000001/": [Reply(200, _passage_filing("p020"))],
    }
    res, script = _run(store, routes, since=date.today().replace(day=1) if date.today().day > 1 else None)
    assert res.ok, res.errors
    archive_hits = [h for h, _ in script.hits if "/Archives/" in h]
    assert len(archive_hits) == 1  # two hits of one filing: read once
    (rec,) = store.filing_records(["sec-edgar:1548187:0000000000-21-000001"])
    assert rec["status"] == "in_depth_review" and rec["status_date"] == "2021-08-06", rec
    assert rec["events"][0]["basis"] == "text" and "Second Request" in rec["events"][0]["status_raw"]


def test_errors_with_http_200_fail_the_source_and_keep_the_body(store):
    body = (FIXTURES / "sec-edgar" / "sec_efts_error_result_window_http200.json").read_bytes()
    res, _ = _run(store, {"/LATEST/search-index": [Reply(200, body)]}, since=date(2026, 11, 1))
    assert not res.ok and "Result window is too large" in " ".join(res.errors)
    assert store.payloads("sec-edgar", "error")


def test_403_is_a_policy_block_and_the_source_waits(store):
    page = b"<html><title>SEC.gov | Request Rate Threshold Exceeded</title></html>"
    res, script = _run(store, {"/": [Reply(403, page)]}, since=date(2026, 11, 1))
    assert not res.ok and "HTTP 403" in " ".join(res.errors)
    assert store.get_state("sec-edgar", "blocked_until")
    n = len(script.hits)
    res, script = _run(store, {"/": [Reply(200, b"{}")]}, since=date(2026, 11, 1))
    assert not res.ok and script.hits == [] and n >= 1  # no request while blocked


def test_429_is_retried(store):
    routes = {"/LATEST/search-index": [Reply(429, b"slow down", {"Retry-After": "0"}), Reply(200, _efts(0, []))]}
    res, script = _run(store, routes, since=date.today())
    assert len(script.hits) == 0 or res.ok  # since=today: no full day to search yet
    yesterday = date.fromordinal(date.today().toordinal() - 1)
    res, script = _run(store, routes, since=yesterday)
    assert res.ok, res.errors


def test_a_day_past_the_hit_window_is_searched_form_by_form(store):
    yesterday = date.fromordinal(date.today().toordinal() - 1)
    routes = {
        # a first page past the window lists hits as EFTS does (one listing none would be a broken answer)
        "forms=8-K%2CDEFM14A": [Reply(200, _efts(10_000, _sample_hits(), "gte"))],
        "/LATEST/search-index": [Reply(200, _efts(0, []))],
    }
    res, script = _run(store, routes, since=yesterday)
    assert res.ok, res.errors
    single = [h for h, _ in script.hits if "forms=" in h and "%2C" not in h.split("forms=")[1].split("&")[0]]
    assert len(single) == 9  # one query per form
    assert any("form by form" in n for n in res.notes)


def test_followed_company_through_the_submissions_api(store):
    sub = json.loads((FIXTURES / "sec-edgar" / "sec_submissions_CIK0001045810_nvidia_2026-03-04.json").read_text())
    recent = sub["filings"]["recent"]
    today = date.today().isoformat()
    for k in recent:
        recent[k] = recent[k][:1]
    recent["form"], recent["filingDate"], recent["accessionNumber"] = ["8-K"], [today], ["0000000000-21-000001"]
    routes = {
        "/submissions/CIK0001045810.json": [Reply(200, json.dumps(sub).encode())],
        "/Archives/edgar/data/1045810/000000000021000001/": [Reply(200, _passage_filing("p018"))],
    }
    res, script = _run(store, routes, case="cik:1045810")
    assert res.ok, res.errors
    assert json.loads(store.get_state("sec-edgar", "followed_ciks")) == [1045810]
    res, script = _run(store, routes, case="cik:1045810")
    assert not [h for h, _ in script.hits if "/Archives/" in h]  # filed documents are read once
