"""European Commission source: case numbers, dates, decision mapping, dump validation, search-API windows."""

from __future__ import annotations

import json
from datetime import date

import pytest

from mergerwatch.core.errors import ParseError, SourceError
from mergerwatch.core.model import Status
from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.ingest.refresh import refresh_source
from mergerwatch.sources.base import FetchContext, Payload
from mergerwatch.sources.ec_mergers import EcMergers
from mergerwatch.sources.ec_mergers.decisions import classify_decision
from mergerwatch.sources.ec_mergers.values import ec_date as _date
from mergerwatch.sources.ec_mergers.values import normalise_case_ref, split_parties
from mergerwatch.testing import ec_dump

from .conftest import FIXTURES, cli_json
from .loopback import LoopbackServer, Reply, Script, free_port

EC = FIXTURES / "ec-mergers"
SEARCH = (EC / "search_api_response.reconstructed.json").read_bytes()


@pytest.mark.parametrize(
    ("raw", "ref", "key"),
    [
        ("M.7746", "M.7746", "M.7746"),
        ("COMP/M.6613", "M.6613", "M.6613"),
        ("IV/M.1005", "M.1005", "M.1005"),
        ("M.8181.AP", "M.8181", "M.8181.AP"),
        ("proc_code=2_M_7746", "M.7746", "M.7746"),
        ("M.012417", "M.12417", "M.12417"),
    ],
)
def test_case_numbers(raw, ref, key):
    assert normalise_case_ref(raw) == (ref, key)


def test_brussels_midnight_in_utc_is_the_next_day():
    assert _date(["2024-06-10T22:00:00.000+0000"]) == date(2024, 6, 11)  # CEST
    assert _date(["2025-02-13T23:00:00.000+0000"]) == date(2025, 2, 14)  # CET
    assert _date(["2025-02-14"]) == date(2025, 2, 14)


@pytest.mark.parametrize(
    ("labels", "status"),
    [
        (["Art. 6(1)(b)"], Status.cleared),
        (["139/2004 Art. 6(1)(b)"], Status.cleared),
        (["Art. 6(1)(c)"], Status.in_depth_review),
        (["Art. 8(3)"], Status.prohibited),
        (["Art. 6(1)(b) with conditions & obligations"], Status.cleared_with_remedies),
        (["Art. 9(3) partial referral"], None),
        (["Art. 4(4) referral"], Status.referred),
        (["Modification of Art. 8(2) with conditions & obligations"], None),
        (["Something new"], Status.unknown),
    ],
)
def test_decision_labels(labels, status):
    assert classify_decision(labels)[0] == status


def test_parties_from_titles():
    assert [p.name for p in split_parties("APAX PARTNERS / NEUBERGER BERMAN / ENGINEERING")] == [
        "APAX PARTNERS",
        "NEUBERGER BERMAN",
        "ENGINEERING",
    ]
    assert [p.name for p in split_parties("OTHER CO / JV")] == ["OTHER CO"]
    assert [p.name for p in split_parties("Teva/Allergan Generics")] == ["Teva", "Allergan Generics"]
    assert [(p.name, p.role.value) for p in split_parties("BLOHM + VOSS / LISNAVE (See also M.501)")] == [
        ("BLOHM + VOSS", "acquirer"),
        ("LISNAVE", "target"),
    ]


def test_phase_two_with_a_last_decision_date_is_still_in_depth(tmp_path):
    recs = cli_json("parse", "ec-mergers", str(EC / "dump_decision-types.derived.json"))
    by = {r["case_ref"]: r for r in recs}
    assert by["M.99904"]["status"] == "in_depth_review" and by["M.99904"]["status_date"] == "2025-02-14"
    assert by["M.99901"]["status"] == "notified" and by["M.99901"]["status_date"] == "2025-01-10"
    assert by["M.99919"]["status"] == "unknown" and by["M.99919"]["status_raw"] == "Art. 99(9) new instrument"
    assert [e["status"] for e in by["M.99907"]["events"] if e["status"]] == [
        "notified",
        "in_depth_review",
        "cleared_with_remedies",
    ]


def test_deadline_moves_are_history(store):
    src = EcMergers()
    doc = json.loads((EC / "dump_decision-types.derived.json").read_text())
    case = {"M.99904": doc["M.99904"]}
    store.import_filings(src.parse(Payload(src.name, "a", json.dumps(case).encode(), kind="dump")).filings)
    case["M.99904"]["metadata"]["caseDeadlineDate"] = ["2025-07-20"]  # stop-the-clock
    rep = store.import_filings(src.parse(Payload(src.name, "b", json.dumps(case).encode(), kind="dump")).filings)
    assert rep.updated == 1 and rep.events == 1
    rec = store.filing_records(["ec-mergers:M.99904"])[0]
    assert [e["deadline"] for e in rec["events"] if e["deadline"]] == ["2025-07-01", "2025-07-20"]
    assert rec["status"] == "in_depth_review"


def test_truncated_dump_is_refused_whole():
    body = ec_dump(50)
    with pytest.raises(ParseError, match="not valid JSON"):
        EcMergers().parse(Payload("ec-mergers", "x", body[: len(body) // 2], kind="dump"))


def test_odd_case_is_skipped_with_a_warning_and_the_rest_kept():
    doc = json.loads(ec_dump(5))
    doc["M.1002"]["metadata"]["caseNumber"] = ["not a case"]
    doc["M.1002"]["metadata"]["caseTitle"] = [""]
    res = EcMergers().parse(Payload("ec-mergers", "x", json.dumps(doc).encode(), kind="dump"))
    assert len(res.filings) == 4 and "skipped case M.1002" in res.warnings[0]


def test_search_api_error_body_with_200():
    body = json.dumps({"message": "Invalid query", "status": 400}).encode()
    with pytest.raises(SourceError, match="without results: Invalid query"):
        EcMergers().parse(Payload("ec-mergers", "x", body, kind="search"))


FAST = HostRule(min_interval=0, timeout=2, retries=1, backoff=0.01)


def _run(store, routes, since=None, port=0):
    script = Script(routes)
    with LoopbackServer(script, port) as srv:
        src = EcMergers(dump_url=f"{srv.url}/case-data-M.json", search_url=f"{srv.url}/search")
        client = Client("tests@example.org", rules={}, default_rule=FAST, validators=store, sleep=lambda s: None)
        ctx = FetchContext(client=client, state=store, since=since or date(2026, 11, 1))
        try:
            return refresh_source(store, src, ctx, "2026-11-02T00:00:00+00:00"), script
        finally:
            client.close()


@pytest.mark.slow
def test_dump_then_unchanged_dump_costs_one_conditional_request(store):
    dump, port = ec_dump(1200), free_port()
    res, _ = _run(
        store, {"/case-data-M.json": [Reply(200, dump, {"ETag": '"d1"'})], "/search": [Reply(200, SEARCH)]}, port=port
    )
    assert res.ok, res.errors
    assert store.counts_by_source()["ec-mergers"] == 1202
    res, script = _run(store, {"/case-data-M.json": [Reply(304, b"")], "/search": [Reply(200, SEARCH)]}, port=port)
    assert res.ok and res.report.inserted == 0
    dump_hits = [h for p, h in script.hits if "case-data" in p]
    assert len(dump_hits) == 1 and dump_hits[0]["if-none-match"] == '"d1"'


@pytest.mark.slow
def test_small_or_shrunken_dump_never_replaces_good_data(store):
    _run(store, {"/case-data-M.json": [Reply(200, ec_dump(1500))], "/search": [Reply(200, SEARCH)]})
    before = store.stats()
    res, _ = _run(store, {"/case-data-M.json": [Reply(200, ec_dump(1100))], "/search": [Reply(200, SEARCH)]})
    assert not res.ok and "shrank from 1500 to 1100" in res.errors[0]
    res, _ = _run(store, {"/case-data-M.json": [Reply(200, b"{}")], "/search": [Reply(200, SEARCH)]})
    assert not res.ok and "only 0 cases" in res.errors[0]
    assert store.stats()["filings"] == before["filings"]


def test_full_search_window_is_split(store):
    full = json.loads(SEARCH)
    full["totalResults"] = 3000
    routes = {
        "/case-data-M.json": [Reply(304, b"")],
        "/search": [Reply(200, json.dumps(full).encode())] * 3 + [Reply(200, SEARCH)],
    }
    res, script = _run(store, routes, since=date(2026, 10, 1))
    assert any("splitting the window" in n for n in res.notes)
    posts = [p for p, _h in script.hits if p.startswith("/search")]
    assert len(posts) > 2 and all("apiKey=CS_PROD_ODSE_PROD" in p for p in posts)


@pytest.mark.slow
def test_a_refused_dump_keeps_no_validator_so_it_is_fetched_again(store):
    port = free_port()
    res, _ = _run(
        store,
        {"/case-data-M.json": [Reply(200, ec_dump(10), {"ETag": '"bad"'})], "/search": [Reply(200, SEARCH)]},
        port=port,
    )
    assert not res.ok
    _res, script = _run(
        store, {"/case-data-M.json": [Reply(200, ec_dump(1200))], "/search": [Reply(200, SEARCH)]}, port=port
    )
    assert "if-none-match" not in next(h for p, h in script.hits if "case-data" in p)


def test_one_case_on_demand(store):
    script = Script({"/search": [Reply(200, SEARCH)]})
    with LoopbackServer(script) as srv:
        src = EcMergers(dump_url=f"{srv.url}/case-data-M.json", search_url=f"{srv.url}/search")
        client = Client("tests@example.org", rules={}, default_rule=FAST, validators=store, sleep=lambda s: None)
        ctx = FetchContext(client=client, state=store, case="COMP/M.99999")
        res = refresh_source(store, src, ctx, "2026-11-02T00:00:00+00:00")
        client.close()
    assert res.ok and [p for p, _ in script.hits if "case-data" in p] == []  # no dump download for one case
    assert len(script.hits) == 1 and store.counts_by_source()["ec-mergers"] == 2
