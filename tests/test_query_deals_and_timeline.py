"""Durations on every timeline, one deal per transaction, follow rules and the per-deal page (issue 18), on the
real fixtures; expected numbers are counted by hand from the fixture files named in each test."""

from __future__ import annotations

import copy
import re
from datetime import date

from mergerwatch.ingest.notify import collect_alerts
from mergerwatch.ingest.pipeline import process_payload
from mergerwatch.query.deals import deal
from mergerwatch.query.timeline import annotate_durations, group_deals, stage_began
from mergerwatch.query.watches import watched_records
from mergerwatch.render.html import deal_html
from mergerwatch.sources import get_source
from mergerwatch.store.write.sql import now_iso

from .conftest import FIXTURES, cli_json, run_cli

EC_TYPES = FIXTURES / "ec-mergers" / "dump_decision-types.derived.json"
BLOCKBUSTER = (
    FIXTURES
    / "ftc-early-termination"
    / ("api_legacy-d7_hsr-early-termination-notices_keywords-Blockbuster_docs-example-2018.json")
)


def _ingest(store, source: str, path) -> None:
    src = get_source(source)
    process_payload(store, src, src.payload_for_file(path.read_bytes(), str(path)))


def test_days_between_events_and_in_the_current_phase(store):
    _ingest(store, "ec-mergers", EC_TYPES)
    # M.99907: notified 2025-01-10, Phase 2 opened 2025-02-14 (+35), cleared with remedies 2025-06-30 (+136).
    rec = annotate_durations(store.filing_records(["ec-mergers:M.99907"])[0], date(2025, 8, 1))
    gaps = [(e["date"], e["days_after_previous"]) for e in rec["events"] if e["status"]]
    assert gaps == [("2025-01-10", None), ("2025-02-14", 35), ("2025-06-30", 136)]
    assert "elapsed" not in rec  # decided: nothing is running
    # M.99904: in Phase 2 since 2025-02-14; on 2025-03-16 that is 30 days.
    open_rec = annotate_durations(store.filing_records(["ec-mergers:M.99904"])[0], date(2025, 3, 16))
    assert open_rec["elapsed"]["phase"] == 2 and open_rec["elapsed"]["since"] == "2025-02-14"
    assert open_rec["elapsed"]["days"] == 30
    # M.99911 was notified twice (2025-01-05, 2025-01-10): the stage began with the first of the run.
    assert stage_began(store.filing_records(["ec-mergers:M.99911"])[0]) == date(2025, 1, 5)


def test_show_and_deal_carry_the_durations(db):
    cli_json("ingest", "ec-mergers", str(EC_TYPES), db=db)
    rec = cli_json("show", "ec-mergers:M.99905", db=db)
    assert [e["days_after_previous"] for e in rec["events"] if e["status"]] == [None, 35, 136]
    res = cli_json("deal", "ALPHA", "EPSILON", db=db)
    (line,) = res["authorities"]
    assert line["elapsed"]["since"] == "2025-02-14" and line["elapsed"]["phase"] == 2
    text = run_cli("show", "ec-mergers:M.99905", db=db).stdout
    assert "+35" in text and "+136" in text


def test_distinct_cases_of_the_same_parties_are_separate_deals(store):
    # The real 2011 FTC notices: Carl C. Icahn (20110718, granted 2011-04-11) and Charles W. Ergen (20110728,
    # granted 2011-04-08) each bought out of the Blockbuster bankruptcy: two transactions, three days apart.
    _ingest(store, "ftc-early-termination", BLOCKBUSTER)
    res = deal(store, ["Blockbuster"])
    assert [d["filings"] for d in res["deals"]] == [
        ["ftc-early-termination:d7-128566"],
        ["ftc-early-termination:d7-128567"],
    ]  # newest first
    assert "another FTC case" in " ".join(res["deals"][0]["reasons"])
    assert res["authorities"][0]["case_refs"] == ["20110718"]  # the headline is the newest deal
    one = deal(store, ["Icahn", "Blockbuster"])
    assert len(one["deals"]) == 1 and one["filings"][0]["deal"] == 1
    # 20 EC cases that all name ALPHA: 20 deals; ALPHA with one other party: one.
    _ingest(store, "ec-mergers", EC_TYPES)
    assert len(deal(store, ["ALPHA"])["deals"]) == 20
    assert len(deal(store, ["ALPHA", "THETA"])["deals"]) == 1


def test_a_review_at_several_authorities_within_the_window_is_one_deal(store):
    """Real records (M.99907 at the Commission, the Icahn notice at the FTC) moved in time to stand for one deal
    reviewed in two places, then for two deals years apart."""
    _ingest(store, "ec-mergers", EC_TYPES)
    _ingest(store, "ftc-early-termination", BLOCKBUSTER)
    ec = store.filing_records(["ec-mergers:M.99907"])[0]
    ftc = store.filing_records(["ftc-early-termination:d7-128566"])[0]
    near = copy.deepcopy(ftc)
    near["status_date"] = near["events"][0]["date"] = "2025-03-01"  # between the EC notification and decision
    (one,) = group_deals([ec, near])
    assert {r["id"] for r in one["filings"]} == {ec["id"], ftc["id"]}
    assert "within" in one["reasons"][0]
    far = copy.deepcopy(ftc)
    far["status_date"] = far["events"][0]["date"] = "2019-03-01"
    deals = group_deals([ec, far])
    assert [[r["id"] for r in d["filings"]] for d in deals] == [[ftc["id"]], [ec["id"]]]  # oldest first here
    assert "days after the previous one" in deals[1]["reasons"][0]


def test_follow_a_party_and_every_phase_2_case(store):
    store.add_rule(party="THETA")
    store.add_rule(authority="ec", phase=2)
    kinds = {w["label"]: w["kind"] for w in store.reader().watches()}
    assert kinds == {"party: THETA": "party", "EC: every case reaching Phase 2": "cases"}
    start = now_iso()
    _ingest(store, "ec-mergers", EC_TYPES)
    collect_alerts(store, start)
    from mergerwatch.ingest.notify import pending_alerts

    by_watch: dict[str, set[str]] = {}
    labels = {w["id"]: w["label"] for w in store.reader().watches()}
    for a in pending_alerts(store):
        by_watch.setdefault(labels[a["watch_id"]], set()).add(a["body"]["case_ref"])
    assert by_watch["party: THETA"] == {"M.99907"}
    # Phase 2 reached in the fixture: M.99904-08 and M.99920 (in-depth events) and M.99909 (an Art. 8(3)
    # prohibition is a Phase 2 decision), counted by hand.
    assert by_watch["EC: every case reaching Phase 2"] == {f"M.999{n:02d}" for n in (4, 5, 6, 7, 8, 9, 20)}
    rule = next(w for w in store.reader().watches() if w["kind"] == "cases")
    assert len(watched_records(store, rule)) == 7


def test_watch_add_rules_from_the_command_line(db):
    assert run_cli("watch", "add", "--party", "Nvidia", db=db).returncode == 0
    assert run_cli("watch", "add", "--authority", "EC", "--phase", "2", db=db).returncode == 0
    labels = [w["label"] for w in cli_json("watch", "list", db=db)]
    assert labels == ["party: Nvidia", "EC: every case reaching Phase 2"]
    bad_ones = ([], ["Nvidia", "--party", "Groq"], ["--phase", "3"], ["--party", " "], ["--party", "X", "--phase", "2"])
    for bad in bad_ones:
        r = run_cli("watch", "add", *bad, db=db)
        assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.strip(), bad


def test_the_deal_page_a_lawyer_can_forward(store):
    _ingest(store, "ec-mergers", EC_TYPES)
    _ingest(store, "ftc-early-termination", BLOCKBUSTER)
    page = deal_html(deal(store, ["ALPHA", "EPSILON"], today=date(2025, 3, 16)), today=date(2025, 3, 16))
    assert "Page made 2025-03-16" in page and "its newest stored file; never refreshed" in page
    assert "cleared with remedies" in page  # the legend
    assert len(re.findall(r"<rect ", page)) == 1  # one bar: the Commission
    assert "in Phase 2 (in-depth review) for 30 day(s), since 2025-02-14" in page
    assert "<script" not in page and "http://" not in page.split("<body>")[0]
    two = deal_html(deal(store, ["Blockbuster"]))
    assert "2 separate transactions" in two and two.count("<svg") == 2


def test_hostile_text_stays_text_on_the_page(store):
    _ingest(store, "ftc-early-termination", BLOCKBUSTER)
    res = deal(store, ["Icahn", "Blockbuster"])
    res["filings"][0]["events"][0]["status_raw"] = "<script>alert(1)</script>"
    res["filings"][0]["url"] = "javascript:alert(1)"
    page = deal_html(res)
    assert "<script>" not in page and "&lt;script&gt;" in page and "href='javascript" not in page
