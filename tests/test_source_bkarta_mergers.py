"""Bundeskartellamt: the list read page by page at the site's pace (its paging parameter encoded twice), stopping
at known notifications, an empty or repeated page, or the night's cap; the decision search read once a night; a
block page refused and kept; German and English outcome words by stem; the § 40 GWB clocks as BGB counts months."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from mergerwatch.core.model import Status
from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.ingest.refresh import refresh_source
from mergerwatch.query import clocks
from mergerwatch.sources.base import FetchContext
from mergerwatch.sources.bkarta_mergers import BkartaMergers, outcome_of, parties_of
from mergerwatch.store.write.store import Store

from .conftest import FIXTURES
from .loopback import LoopbackServer, Reply, Script

FX = FIXTURES / "bkarta-mergers"
RULE = HostRule(min_interval=0.0, timeout=5.0, retries=0, backoff=0.0, max_wait=1.0, deadline=10.0)
PAGE = (FX / "laufende-verfahren_page-1_5-columns.derived.html").read_bytes()
EMPTY = (FX / "laufende-verfahren_empty-list.derived.html").read_bytes()
SEARCH = (FX / "decision-search_en_2018-12-28_125-rows.derived.html").read_bytes()
HTML = {"Content-Type": "text/html; charset=UTF-8"}


def _page(refs: range) -> bytes:
    """Page 1 with its file numbers renumbered (B1-1000/26 ...): another page of the same list."""
    out = PAGE
    olds = re.findall(rb"<td>(B\d+-\d+/\d+)</td>", PAGE)
    assert len(olds) == 12
    for i, old in enumerate(olds):
        out = out.replace(b">" + old + b"<", f">B1-{refs[i]}/26<".encode())
    return out


def _refresh(store: Store, routes: dict[str, list[Reply]], full: bool = False):
    script = Script(routes)
    with LoopbackServer(script) as srv:
        client = Client("tests@example.org", rules={}, default_rule=RULE, sleep=lambda s: None, validators=store)
        ctx = FetchContext(client=client, state=store, full=full)
        try:
            res = refresh_source(store, BkartaMergers(f"{srv.url}/laufende", f"{srv.url}/suche"), ctx,
                                 "2026-12-07T00:00:00+00:00")  # fmt: skip
        finally:
            client.close()
    return res, [p for p, _h in script.hits]


def test_the_first_three_pages_are_read_each_night_as_the_site_pages(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    p2, p3, p4 = _page(range(1000, 1012)), _page(range(2000, 2012)), _page(range(3000, 3012))
    routes = {"list%253D2": [Reply(200, p2, HTML)], "list%253D3": [Reply(200, p3, HTML)],
              "list%253D4": [Reply(200, p4, HTML)], "/laufende": [Reply(200, PAGE, HTML)],
              "/suche": [Reply(200, SEARCH, HTML)]}  # fmt: skip
    res, hits = _refresh(store, routes)
    assert res.ok, res.errors
    assert hits[1] == "/laufende?resultsPerPage=50"
    assert hits[2] == "/laufende?resultsPerPage=50&gtp=83488_list%253D2"  # "=" encoded twice, as the site pages
    assert [h.split("?")[0] for h in hits] == ["/suche"] + ["/laufende"] * 3  # the night's three pages
    assert store.reader().counts_by_source()["bkarta-mergers"] == 36 + 125
    # a completion shown on page 2 the next night updates that notification
    done = p2.replace(b"<td>-</td>", b"<td>Freigabe</td>", 1)
    routes["list%253D2"] = [Reply(200, done, HTML)]
    res, hits = _refresh(store, routes)
    assert res.ok and len(hits) == 4
    (rec,) = store.reader().filing_records(["bkarta-mergers:B1-1000-26"], with_events=False)
    assert (rec["status"], rec["status_raw"]) == ("cleared", "Freigabe")
    res, hits = _refresh(store, routes, full=True)  # every page: the fifth answers as the first, and ends the walk
    assert res.ok and [h.split("?")[0] for h in hits].count("/laufende") == 5
    store.close()


def test_paging_ends_at_an_empty_or_repeated_page(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    res, hits = _refresh(store, {"list%253D2": [Reply(200, EMPTY, HTML)], "/laufende": [Reply(200, PAGE, HTML)],
                                 "/suche": [Reply(200, SEARCH, HTML)]}, full=True)  # fmt: skip
    assert res.ok, res.errors
    assert len([h for h in hits if h.startswith("/laufende")]) == 2
    store2 = Store(str(tmp_path / "mw2.db"))  # a site that ignores the page asked for sends page 1 again
    res, hits = _refresh(store2, {"/laufende": [Reply(200, PAGE, HTML)], "/suche": [Reply(200, SEARCH, HTML)]},
                         full=True)  # fmt: skip
    assert res.ok and len([h for h in hits if h.startswith("/laufende")]) == 2
    store.close()
    store2.close()


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><head><title>Zugriff verweigert</title></head><body>Ihre Anfrage wurde blockiert."
        b"</body></html>",
        EMPTY,
        (FX / "laufende-verfahren_changed-columns.derived.html").read_bytes(),
    ],
    ids=["block-page", "empty-page-1", "changed-layout"],
)
def test_a_page_1_without_proceedings_is_refused_and_kept(tmp_path: Path, body: bytes):
    store = Store(str(tmp_path / "mw.db"))
    res, hits = _refresh(store, {"/laufende": [Reply(200, body, HTML)], "/suche": [Reply(200, SEARCH, HTML)]})
    assert not res.ok and all(e.startswith("bkarta-mergers") for e in res.errors), res.errors
    assert store.payloads("bkarta-mergers", "error")  # the page kept
    assert store.reader().counts_by_source()["bkarta-mergers"] == 125  # the decision search was still read
    store.close()


def test_outcome_words_by_stem():
    assert outcome_of("-")[0] is Status.notified and outcome_of("")[0] is Status.notified
    assert outcome_of("Freigabe")[0] is Status.cleared
    assert outcome_of("Freigabe mit Nebenbestimmungen")[0] is Status.cleared_with_remedies
    assert outcome_of("Unter\u00adsagung")[0] is Status.prohibited  # soft hyphens are the site's
    assert outcome_of("Hauptprüfverfahren")[1] == "bkarta_phase_2"
    assert outcome_of("Rücknahme der Anmeldung")[0] is Status.abandoned
    assert outcome_of("ProhibitionTermination of proceeding")[0] is Status.prohibited  # two types run together
    assert outcome_of("12.03.2026")[1] == "bkarta_completed"
    assert outcome_of("Irgendwas")[1] == "bkarta_unknown"


def test_parties_from_the_shapes_a_subject_takes():
    def names(text: str) -> list[tuple[str, str]]:
        return [(p.name, p.role.value) for p in parties_of(text)]

    assert names("Erwerb der Beispiel GmbH durch die Muster AG") == [("Beispiel GmbH", "target"),
                                                                      ("Muster AG", "acquirer")]  # fmt: skip
    assert names("Microsoft / Inflection") == [("Microsoft", "other"), ("Inflection", "other")]
    assert names("Takeover of KMPT AG by Andritz AG") == [("KMPT AG", "target"), ("Andritz AG", "acquirer")]
    assert names("Fines imposed on harbour towage service providers") == []


def test_the_gwb_clocks_count_months_as_the_bgb_does():
    assert clocks.compute("de-phase1", date(2026, 3, 15)).end == date(2026, 4, 15)  # § 188(2)
    assert clocks.compute("de-phase1", date(2026, 1, 31)).end == date(2026, 2, 28)  # § 188(3)
    c = clocks.compute("de-phase2", date(2025, 9, 30))
    assert (c.end, c.days, c.unit) == (date(2026, 2, 28), 5, "months") and c.warnings  # a Saturday: said so
    assert clocks.compute("de-phase2", date(2025, 9, 30), extension=1).end == date(2026, 3, 30)
    with pytest.raises(ValueError):
        clocks.compute("de-phase1", date(2026, 1, 1), extension=1)


def test_an_open_german_notification_shows_its_deadline(tmp_path: Path):
    from .conftest import run_cli

    db = str(tmp_path / "mw.db")
    r = run_cli("ingest", "bkarta-mergers", str(FX / "laufende-verfahren_page-1_5-columns.derived.html"), db=db)
    assert r.returncode == 0, r.stderr
    r = run_cli("show", "B2-106/18", db=db)
    assert r.returncode == 0 and "2018-12-09 (computed" in r.stdout and "complete notification" in r.stdout
    r = run_cli("list", "--authority", "BKartA", "--open", db=db)
    assert r.returncode == 0 and "B2-106/18" in r.stdout
