"""The ACCC acquisitions register: paging, which matter pages a run reads, the clocks of open matters, the peer's
records and the deals they join. Fetching runs against a loopback server serving the real pages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.ingest.refresh import refresh_source
from mergerwatch.query import clocks
from mergerwatch.query.deadlines import next_deadline
from mergerwatch.query.timeline import group_deals
from mergerwatch.sources import accc_mergers
from mergerwatch.sources.accc_mergers import AcccMergers, event_kind
from mergerwatch.sources.base import FetchContext
from mergerwatch.store.write.store import Store

from .conftest import FIXTURES
from .loopback import LoopbackServer, Reply, Script

FX = FIXTURES / "accc-mergers"
RULE = HostRule(min_interval=0.0, timeout=5.0, retries=0, backoff=0.0, max_wait=1.0, deadline=10.0)
JANUARY = (FX / "register_2026-01-19_18-matters.html").read_bytes()
MATTER = (FX / "matter_MN-15002_2026-08-18.html").read_bytes()
HTML = {"Content-Type": "text/html; charset=UTF-8"}


def _refresh(store: Store, routes: dict[str, list[Reply]], full: bool = False):
    script = Script(routes)
    with LoopbackServer(script) as srv:
        client = Client("tests@example.org", rules={}, default_rule=RULE, sleep=lambda s: None, validators=store)
        ctx = FetchContext(client=client, state=store, full=full)
        src = AcccMergers(register_url=f"{srv.url}/public-registers/x/acquisitions-register")
        try:
            res = refresh_source(store, src, ctx, "2026-11-01T00:00:00+00:00")
        finally:
            client.close()
    return res, script, ctx


def _matter_hits(script: Script) -> list[str]:
    return [p for p, _h in script.hits if "page=" not in p]


def test_a_run_reads_the_register_then_at_most_its_share_of_matter_pages(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(accc_mergers, "MATTERS_PER_RUN", 5)
    store = Store(str(tmp_path / "mw.db"))
    routes = {"page=": [Reply(200, JANUARY, HTML)], "/acquisitions-register/": [Reply(200, MATTER, HTML)]}
    res, script, ctx = _refresh(store, routes)
    assert res.ok, res.errors
    assert len(_matter_hits(script)) == 5
    assert any("13 matter page(s) left for the next run" in n for n in ctx.notes), ctx.notes
    # the 8 open matters come first: a nightly run always sees what moves
    open_cases = {c["case"] for c in accc_mergers.read_cards(_soup(JANUARY)) if c["status"] == "under assessment"}
    assert len(open_cases) == 8
    res, script, ctx = _refresh(store, routes)
    assert len(_matter_hits(script)) == 5  # the next run takes the next five
    seen = json.loads(store.get_state("accc-mergers", "matters") or "{}")
    assert len(seen) == 10
    # with everything read once, a run reads only the open matters again
    res, script, ctx = _refresh(store, routes, full=True)
    assert len(_matter_hits(script)) == 8 + 8  # 8 not yet read, 8 open ones read again
    res, script, ctx = _refresh(store, routes)
    assert len(_matter_hits(script)) == 5  # the 8 open ones, five a run
    store.close()


def test_a_register_that_lists_half_of_what_it_counts_is_an_error(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    fewer = JANUARY.replace(b"Showing 1 - 18 of 18", b"Showing 1 - 18 of 40")
    res, _script, _ctx = _refresh(store, {"page=": [Reply(200, fewer, HTML)], "/acquisitions-register/": [
        Reply(200, MATTER, HTML)]})  # fmt: skip
    assert not res.ok
    assert "counts 40 matters but its 1 page(s) listed 18" in " ".join(res.errors)
    store.close()


def _soup(body: bytes):
    from bs4 import BeautifulSoup

    return BeautifulSoup(body, "lxml")


def test_the_pager_names_the_last_page_and_the_facets_count_the_register():
    june = _soup((FX / "register_2026-06-22_page-1-of-8.html").read_bytes())
    assert accc_mergers.last_page(june) == 7
    assert accc_mergers.declared_matters(june) == 144 + 215
    assert accc_mergers.declared_matters(_soup(JANUARY)) == 18


@pytest.mark.parametrize(
    ("words", "status", "detail"),
    [
        ("ACCC decided notification is subject to Phase 2 review", "in_depth_review", "accc_phase_2_review"),
        ("Decision to Proceed to a Phase 2 review", "in_depth_review", "accc_phase_2_review"),
        ("Peter Warren - Wakeling Automotive - Phase 2 Notice", "in_depth_review", "accc_phase_2_review"),
        ("Summary of Notice of Competition Concerns", None, "accc_nocc"),
        ("Phase 2 determination - Statement of reasons", None, "accc_reasons"),
        ("Timeline extended by 15 business days – following remedy offered by parties", None,
         "accc_timeline_extended"),
        ("Consideration of Notification ceased – Phase 2 fee not paid by due date", "abandoned", "accc_fee_not_paid"),
        ("Consideration of Notification ceased - following written request from notifying party", "abandoned",
         "accc_withdrawn"),
        ("ACCC accepted s87B undertaking - Illawarra", None, "accc_undertaking"),
        ("Questionnaire released for Asahi Deer Park acquisition", None, "accc_questionnaire"),
        ("Google - Wiz - Phase 1 determination", "cleared", "accc_determination"),
        ("Notification waiver determination published", "cleared", "accc_waiver_determination"),
    ],
)  # fmt: skip
def test_event_rows_read_by_their_words(words, status, detail):
    got_status, got_detail = event_kind(words, "Approved")
    assert (got_status.value if got_status else None, got_detail) == (status, detail)


def test_australian_clocks_agree_with_the_end_dates_the_accc_published():
    """The register's own "End of determination period" (matter pages and the peer's records, no extension)."""
    cases = [  # (effective notification, published end, phase, extension business days)
        (date(2026, 3, 12), date(2026, 4, 28), 1, 0),  # over Easter and the Anzac Day Monday
        (date(2026, 4, 17), date(2026, 6, 2), 1, 0),  # over Reconciliation Day
        (date(2026, 3, 14), date(2026, 4, 29), 1, 0),  # notified on a Saturday
        (date(2025, 11, 13), date(2026, 1, 14), 1, 0),  # over the 23 December - 10 January break
        (date(2026, 3, 3), date(2026, 9, 23), 2, 20),  # MN-65005 (its own page)
        (date(2026, 2, 20), date(2026, 8, 17), 2, 0),  # MN-30003
    ]
    for notified, end, phase, extension in cases:
        got = clocks.compute(f"au-phase{phase}", notified, extension=extension)
        assert got.end == end, (notified, got.counted)


def test_an_open_phase_2_matter_shows_the_published_deadline_and_agrees_with_its_clock():
    src = AcccMergers()
    rec = src.parse(src.payload_for_file((FX / "matter_MN-65005_2026-08-20.html").read_bytes(), "x.html"))
    row = json.loads(json.dumps(rec.filings[0].to_record(), default=str))
    dl = next_deadline(row, today=date(2026, 8, 20))
    assert dl is not None and dl["kind"] == "published" and dl["date"] == "2026-09-23"
    assert "disagreement" not in dl  # 120 + 20 business days from 3 March 2026 is the published day
    assert dl["unit"] == "business days" and dl["of"] == 140


def test_a_waiver_refused_and_the_notification_after_it_are_one_deal():
    """Salesforce / Qualified: WA-35003 (not approved, January) then MN-85007 (approved, March)."""
    src = AcccMergers()
    rows = []
    for name in ("matter_WA-35003_2026-08-18.html", "matter_MN-85007_2026-08-18.html"):
        res = src.parse(src.payload_for_file((FX / name).read_bytes(), name))
        rows.append(json.loads(json.dumps(res.filings[0].to_record(), default=str)))
    deals = group_deals(rows)
    assert len(deals) == 1 and len(deals[0]["filings"]) == 2


def test_two_notifications_of_one_acquirer_are_two_deals():
    src = AcccMergers()
    res = src.parse(src.payload_for_file(JANUARY, "register.html"))
    asahi = [json.loads(json.dumps(f.to_record(), default=str)) for f in res.filings if "ASAHI" in f.parties[0].name]
    assert len(asahi) == 2
    assert len(group_deals(asahi)) == 2


# The peer (mergers.fyi) parsed the same matters on 2026-07-23; our pages are of 2026-08-18/20. Every field compared
# agrees except where fixtures/README.md explains why (the page is newer, or the peer folds a determination).
PEER = FIXTURES / "texts" / "accc_peer_mergers-fyi_18-matters_2026-07-23.derived.json"
NEWER_THAN_PEER = {"MN-30003", "MN-50009", "MN-85036"}  # decided after the peer's snapshot


def test_our_parse_of_the_matter_pages_agrees_with_the_peer():
    peer = {r["merger_id"]: r for r in json.loads(PEER.read_text())}
    src = AcccMergers()
    checked = 0
    for path in sorted(FX.glob("matter_*-*_2026-08-*.html")):
        f = src.parse(src.payload_for_file(path.read_bytes(), path.name)).filings[0]
        theirs = peer[f.source_id]
        assert f.extra["stage"] == theirs["stage"]
        start = f.extra.get("notification_date") or f.extra.get("waiver_application_date")
        assert start == theirs["effective_notification_datetime"][:10]
        if f.source_id in NEWER_THAN_PEER:
            assert theirs["status"] == "Under assessment" and f.extra["acquisition_status"] == "Assessment completed"
        else:
            assert f.extra["acquisition_status"] == theirs["status"]
            if f.extra.get("determination_date"):
                assert f.extra["determination_date"] == theirs["determination_publication_date"][:10]
            if f.source_id == "MN-01019":  # the peer folds "Approved with conditions" into "Approved"
                assert theirs["accc_determination_raw"].endswith(f.extra["determination"])
            else:
                assert f.extra.get("determination") == theirs.get("accc_determination")
        checked += 1
    assert checked == 18


def test_a_deal_reviewed_in_the_us_the_eu_and_australia_is_one_deal():
    """Google / Wiz at the ACCC (its real page) with an HSR notice and a Commission case of the same weeks: one
    deal, three authorities (the US and EU records are minimal rows in the `show --json` shape, not wire formats)."""
    src = AcccMergers()
    res = src.parse(src.payload_for_file((FX / "matter_MN-15002_2026-08-18.html").read_bytes(), "wiz.html"))
    accc = json.loads(json.dumps(res.filings[0].to_record(), default=str))
    us = {
        "id": "ftc-early-termination:x",
        "source": "ftc-early-termination",
        "authority": "FTC",
        "case_ref": "20260001",
        "status": "cleared",
        "status_date": "2025-11-20",
        "events": [],
    }
    eu = {"id": "ec-mergers:M.99999", "source": "ec-mergers", "authority": "EC", "case_ref": "M.99999",
          "status": "cleared", "status_date": "2026-02-10", "events": []}  # fmt: skip
    deals = group_deals([accc, us, eu])
    assert len(deals) == 1
    assert {f["authority"] for f in deals[0]["filings"]} == {"FTC", "EC", "ACCC"}


def test_a_matter_page_that_cannot_be_read_holds_up_no_other(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    wall = b"<!DOCTYPE html><html><head><title>Access Denied</title></head><body>blocked</body></html>"
    routes = {"page=": [Reply(200, JANUARY, HTML)], "/google-wiz": [Reply(200, wall, HTML)],
              "/acquisitions-register/": [Reply(200, MATTER, HTML)]}  # fmt: skip
    res, script, _ctx = _refresh(store, routes, full=True)
    assert not res.ok and "MN-15002" in " ".join(res.errors) and "Access Denied" in " ".join(res.errors)
    assert len(_matter_hits(script)) == 18  # the other 17 were read and stored all the same
    assert store.payloads("accc-mergers", "error"), "the page that failed was not kept"
    seen = json.loads(store.get_state("accc-mergers", "matters") or "{}")
    assert "MN-15002" not in seen and len(seen) == 17  # read again next time
    store.close()
