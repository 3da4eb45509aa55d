"""`mergerwatch list` on real fixtures: every filter, counts worked out by hand from the reviewed golden files."""

from __future__ import annotations

import csv
import io

import pytest

from .conftest import FIXTURES, cli_json, run_cli


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("list") / "l.db")
    ec, cma = FIXTURES / "ec-mergers", FIXTURES / "cma-mergers"
    cli_json("ingest", "ec-mergers", str(ec / "dump_real_rows.derived.json"), str(ec / "dump_case_events.derived.json"),
             db=path)  # fmt: skip
    cli_json("ingest", "cma-mergers", str(cma / "search_every_outcome.derived.json"), db=path)
    rss = FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2025-04-03.xml"
    cli_json("ingest", "ftc-early-termination", str(rss), db=path)
    return path


def refs(db: str, *args: str) -> list[str]:
    return [r["case_ref"] for r in cli_json("list", "--limit", "0", *args, db=db)]


def test_everything_and_by_authority(db):
    assert len(refs(db)) == 51  # 16 EC cases + 15 CMA results + 20 FTC notices of the 2025 feed
    assert len(refs(db, "--authority", "FTC")) == 20
    assert len(refs(db, "-a", "EC", "-a", "cma")) == 31


def test_status_and_open(db):
    assert refs(db, "-a", "CMA", "--status", "prohibited") == ["example-09-mergers-phase-2-prohibition"]
    assert sorted(refs(db, "--open")) == sorted(
        ["example-05-mergers-phase-1-referral", "topps-tiles-slash-ctd-tiles-certain-assets-merger-inquiry",
         "M.11212", "M.4124", "M.5790"]
    )  # fmt: skip


def test_phase_two_cases_of_the_commission(db):
    # Vivendi/Lagardère and GE/Instrumentarium (Art. 8(2) with conditions), Schneider/Legrand (8(4)),
    # Illumina/Grail (its withdrawn Phase II decisions)
    assert sorted(refs(db, "-a", "EC", "--phase", "2")) == ["M.10188", "M.10433", "M.2283", "M.3083"]


def test_decided_since_newest_first(db):
    got = refs(db, "-a", "EC", "--since", "2020-01-01", "--by", "decided")
    assert got == ["M.10188", "M.10433", "M.10967", "M.9969", "M.10108", "M.10015"]
    assert refs(db, "-a", "EC", "--since", "2020-01-01", "--until", "2021-12-31") == ["M.9969", "M.10108", "M.10015"]


def test_party_and_sector_and_limit(db):
    assert refs(db, "--party", "Vivendi") == ["M.10433"]
    assert len(cli_json("list", "--limit", "3", db=db)) == 3
    sector = refs(db, "-a", "CMA", "--sector", "retail")
    assert "topps-tiles-slash-ctd-tiles-certain-assets-merger-inquiry" in sector


def test_csv_one_row_per_filing_and_json_shape(db):
    r = run_cli("list", "-a", "CMA", "--status", "prohibited", "--csv", db=db)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert r.returncode == 0 and len(rows) == 1 and rows[0]["phase"] == "2" and rows[0]["status"] == "prohibited"
    (rec,) = cli_json("list", "-a", "CMA", "--status", "prohibited", db=db)
    assert {"id", "authority", "status", "status_label", "events", "parties", "extra"} <= set(rec)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [(["--status", "bogus"], "unknown status"), (["--phase", "3"], "1 or 2"), (["--by", "x"], "--by"),
     (["--sort", "x"], "--sort"), (["--json", "--csv"], "one output format"), (["--since", "soon"], "--since")],
)  # fmt: skip
def test_mistakes(db, args, fragment):
    r = run_cli("list", *args, db=db)
    assert r.returncode == 2 and fragment in r.stderr and "Traceback" not in r.stderr


def test_stats_per_authority_and_year(db):
    rows = {(r["authority"], r["year"]): r for r in cli_json("stats", db=db)}
    ftc = rows[("FTC", "2025")]
    assert ftc["cases"] == 9 and ftc["durations"] == {}  # no filing dates
    # an early termination ends the HSR waiting period: its own outcome, never a clearance
    assert ftc["outcomes"]["waiting_period_ended"] == 9 and ftc["outcomes"]["cleared"] == 0
    ge = rows[("EC", "2003")]  # GE / Instrumentarium: notified 2003-01-06, Art. 8(2) with conditions 2003-09-02
    assert ge["cases"] == 1 and ge["outcomes"]["cleared_with_remedies"] == 1 and ge["phase_2_opened"] == 1
    assert ge["durations"] == {"phase_2": {"n": 1, "median_days": 239.0, "p90_days": 239.0}}
    cma = rows[("CMA", "2025")]  # the derived page: one closed result per merger outcome type, closed in 2025
    assert cma["cases"] == 10 and cma["outcomes"]["prohibited"] == 1 and cma["shares"]["prohibited"] == 0.1


def test_stats_by_phase_and_quantiles():
    from mergerwatch.query.stats import _quantile

    assert _quantile([10, 20, 30, 40], 0.5) == 25.0 and _quantile([10, 20, 30, 40], 0.9) == 37.0
    assert _quantile([], 0.5) is None


def test_the_listing_vocabulary_is_the_records_vocabulary():
    from mergerwatch.core.model import Status
    from mergerwatch.core.vocabulary import STATUSES

    assert sorted(STATUSES) == sorted(s.value for s in Status)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"authorities": ["FTC"]},
        {"authorities": ["ec"], "phase": 2},
        {"phase": 1},
        {"statuses": ["cleared", "referred"]},
        {"since": "2025-02-01", "by": "decided"},
        {"since": "2020-01-01", "by": "notified"},
        {"procedure": "Normal"},
        {"party": "Qualcomm"},
        {"sector": "air"},
    ],
)
@pytest.mark.parametrize("by", ["year", "phase", "procedure", "sector"])
def test_statistics_counted_in_sql_equal_those_counted_record_by_record(db, filters, by):
    """stat_rows counts the filings with nothing to tell beyond their headline in SQL; the numbers must be the
    ones the whole records give, whatever the filters and grouping."""
    from datetime import date

    from mergerwatch.query.listing import Filters, list_filings
    from mergerwatch.query.stats import stat_rows, statistics
    from mergerwatch.store.read.reader import open_reader

    f = Filters(**{k: date.fromisoformat(v) if k == "since" else v for k, v in filters.items()}, limit=None)
    with open_reader(db) as rd:
        whole = rd.filing_records([x["id"] for x in list_filings(rd, f, facts_only=True)])
        assert statistics(stat_rows(rd, f), by) == statistics(whole, by)


def test_the_stored_tells_flag_is_what_each_whole_record_tells(db):
    """Statistics trust filings.tells to say which filings need reading record by record: it must agree with
    the records themselves, on a store that holds both kinds."""
    from mergerwatch.store.read.columns import tells
    from mergerwatch.store.read.reader import open_reader

    with open_reader(db) as rd:
        flags = dict(rd.rows("SELECT id, tells FROM filings"))
        recs = rd.filing_records(list(flags))
    assert len(recs) == len(flags)
    for r in recs:
        assert flags[r["id"]] == tells(r["extra"], [(e["status"], e["detail"]) for e in r["events"]]), r["id"]
    assert 0 < sum(flags.values()) < len(flags)
