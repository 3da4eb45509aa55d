"""Next deadlines of open reviews: published wins, computed ones say from what, disagreements are reported;
`deadlines` lists them soonest first and writes an iCalendar file."""

from __future__ import annotations

import json
from datetime import date

from mergerwatch.query.deadlines import describe, next_deadline
from mergerwatch.sources.base import Payload
from mergerwatch.sources.cma_mergers import CmaMergers
from mergerwatch.sources.sec_edgar import SecEdgar

from .conftest import FIXTURES, cli_json
from .test_source_sec_edgar import _passage_filing


def _record(filing) -> dict:
    return json.loads(filing.model_dump_json()) | {"id": f"{filing.source}:{filing.source_id}"}


def test_published_deadline_wins_and_the_statutory_clock_is_reported_beside_it():
    body = (FIXTURES / "cma-mergers" / "content_administrative_timetable.derived.json").read_bytes()
    (f,) = CmaMergers().parse(Payload("cma-mergers", "fixture://x", body, kind="content")).filings
    dl = next_deadline(_record(f), today=date(2022, 6, 1))
    assert (dl["date"], dl["kind"]) == ("2022-12-21", "published")
    assert dl["computed"]["date"] == "2022-10-26" and "wins" in dl["disagreement"]  # 24 weeks; the page: extended
    assert (dl["day"], dl["of"]) == (21, 168) and dl["when"] == "in 203 days"
    assert "published; in 203 days; day 21 of 168" in describe(dl)


def test_an_hsr_filing_disclosed_by_a_party_gets_a_computed_expiry():
    res = SecEdgar().parse(Payload("sec-edgar", "fixture://x", _passage_filing("p018"), kind="submission-text"))
    (f,) = res.filings
    dl = next_deadline(_record(f), today=date(2021, 6, 20))
    assert (dl["date"], dl["kind"], dl["regime"]) == ("2021-07-02", "computed", "us-hsr")
    assert dl["from"].startswith("HSR filing 2021-06-02") and (dl["day"], dl["of"]) == (18, 30)
    assert dl["when"] == "in 12 days"


def test_closed_reviews_have_no_next_deadline():
    body = (FIXTURES / "cma-mergers" / "govuk_content_api_cma_case_richemont_yoox_nap.example.json").read_bytes()
    (f,) = CmaMergers().parse(Payload("cma-mergers", "fixture://x", body, kind="content")).filings
    assert next_deadline(_record(f)) is None


def test_deadlines_command_lists_soonest_first_and_writes_ics(tmp_path):
    db = str(tmp_path / "d.db")
    cli_json("ingest", "ec-mergers", str(FIXTURES / "ec-mergers" / "dump_decision-types.derived.json"), db=db)
    cli_json("ingest", "cma-mergers", str(FIXTURES / "cma-mergers" / "content_open_phase2.derived.json"), db=db)
    recs = cli_json("deadlines", "--ics", str(tmp_path / "d.ics"), db=db)
    dates = [r["next_deadline"]["date"] for r in recs if r.get("next_deadline")]
    assert dates == sorted(dates) and len(dates) >= 3
    assert all(r["status"] in ("pre_notification", "notified", "under_review", "in_depth_review") for r in recs)
    ics = (tmp_path / "d.ics").read_text()
    assert ics.startswith("BEGIN:VCALENDAR") and ics.count("BEGIN:VEVENT") == len(dates)
    assert "URL:https://competition-cases.ec.europa.eu/cases/M." in ics
