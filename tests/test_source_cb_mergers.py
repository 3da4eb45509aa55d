"""Competition Bureau Canada: the report read each night, the archive once, a report that shrinks by half refused;
ids that hold when an ongoing review concludes; parties split as the rows write them."""

from __future__ import annotations

from pathlib import Path

from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.ingest.refresh import refresh_source
from mergerwatch.sources.base import FetchContext
from mergerwatch.sources.cb_mergers import CbMergers, parties_of, row_id, split_side
from mergerwatch.store.write.store import Store

from .conftest import FIXTURES
from .loopback import LoopbackServer, Reply, Script

FX = FIXTURES / "cb-mergers"
RULE = HostRule(min_interval=0.0, timeout=5.0, retries=0, backoff=0.0, max_wait=1.0, deadline=10.0)
CURRENT = (FX / "current-report_rows-2025-10-to-2026-09.trimmed-fixture.html").read_bytes()
ARCHIVE = (FX / "archived-report_head-and-first-rows.excerpt.html").read_bytes()
HTML = {"Content-Type": "text/html; charset=UTF-8"}


def _refresh(store: Store, routes: dict[str, list[Reply]]):
    script = Script(routes)
    with LoopbackServer(script) as srv:
        client = Client("tests@example.org", rules={}, default_rule=RULE, sleep=lambda s: None, validators=store)
        ctx = FetchContext(client=client, state=store)
        try:
            res = refresh_source(store, CbMergers(f"{srv.url}/en/report", f"{srv.url}/en/archive"), ctx,
                                 "2026-11-01T00:00:00+00:00")  # fmt: skip
        finally:
            client.close()
    return res, script


def test_the_archive_is_read_once_and_the_report_every_night(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    routes = {"/en/report": [Reply(200, CURRENT, HTML)], "/en/archive": [Reply(200, ARCHIVE, HTML)]}
    res, script = _refresh(store, routes)
    assert res.ok, res.errors
    assert [p.split("?")[0] for p, _h in script.hits] == ["/en/report", "/en/archive"]
    assert all("wbdisable=true" in p for p, _h in script.hits)  # the plain page
    assert store.reader().counts_by_source()["cb-mergers"] == 9 + 6
    res, script = _refresh(store, routes)
    assert [p.split("?")[0] for p, _h in script.hits] == ["/en/report"]
    store.close()


def test_a_report_with_half_the_rows_it_had_is_refused_and_kept(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    routes = {"/en/report": [Reply(200, CURRENT, HTML)], "/en/archive": [Reply(200, ARCHIVE, HTML)]}
    assert _refresh(store, routes)[0].ok
    rows = CURRENT.split(b"<tr>")
    shrunk = b"<tr>".join(rows[:4] + rows[-1:])  # before the table, its head, two reviews, the legend
    res, _script = _refresh(store, {"/en/report": [Reply(200, shrunk, HTML)]})
    assert not res.ok and "lists 2 review(s) where it listed 9 before" in " ".join(res.errors)
    assert store.payloads("cb-mergers", "error"), "the shrunken page was not kept"
    assert store.reader().counts_by_source()["cb-mergers"] == 15  # nothing stored was changed
    store.close()


def test_an_ongoing_review_that_concludes_keeps_its_id(tmp_path: Path):
    src = CbMergers()
    before = src.parse(src.payload_for_file(CURRENT, "a.html")).filings
    concluded = CURRENT.replace(
        b"<td>2026-08-10</td>\n\t\t\t<td>Ongoing</td>\n\t\t\t<td>5415</td>\n\t\t\t<td>Ongoing</td>",
        b"<td>2026-08-10</td>\n\t\t\t<td>2026-10-02</td>\n\t\t\t<td>5415</td>\n\t\t\t<td>NAL</td>",
    )
    assert concluded != CURRENT
    after = src.parse(src.payload_for_file(concluded, "b.html")).filings
    amd_before = next(f for f in before if "Taalas" in f.title)
    amd_after = next(f for f in after if "Taalas" in f.title)
    assert amd_before.id == amd_after.id
    assert (amd_before.status.value, amd_after.status.value) == ("under_review", "cleared")
    store = Store(str(tmp_path / "mw.db"))
    from mergerwatch.ingest.pipeline import process_payload

    process_payload(store, src, src.payload_for_file(CURRENT, "a.html"))
    process_payload(store, src, src.payload_for_file(concluded, "b.html"))
    rec = store.reader().filing_records([amd_after.id])[0]
    assert rec["status"] == "cleared" and [e["status"] for e in rec["events"]][-1] == "cleared"
    store.close()


def test_parties_split_at_the_first_slash_with_company_forms_kept():
    assert split_side("Actavis plc") == ["Actavis plc"]
    assert split_side("Allergan, Inc.") == ["Allergan, Inc."]
    assert split_side("BWXT Medical Ltd, Kinectrics Inc and Kinectrics Kipling Inc") == [
        "BWXT Medical Ltd", "Kinectrics Inc", "Kinectrics Kipling Inc"]  # fmt: skip
    parties, ok = parties_of("A Corp. / B Ltd. / C Inc.")  # a name may hold a slash: the first one splits
    assert ok and [p.role.value for p in parties] == ["acquirer", "target"] and parties[1].name == "B Ltd. / C Inc."
    assert row_id("2026-08-10", "Ingredion Incorporated / Tate &amp; Lyle plc") == row_id(
        "2026-08-10", "Ingredion  Incorporated / Tate &amp; Lyle plc")  # fmt: skip
    long = row_id("2015-03", "x " * 200)
    assert len(long) < 90 and long.startswith("2015-03-x-x")
