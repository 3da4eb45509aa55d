"""The store's write side: the upsert (insert / update / no-change), history, parties and the name index, groups of
payloads, provenance, kept payloads, and records seen in any order."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime

import pytest

from mergerwatch.core.model import Filing, Party, Role, Status
from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload
from mergerwatch.store.write.store import Store

from .conftest import FIXTURES, name_index_entries, run_cli


def _filing(status: Status, raw: str, d: date, **kw) -> Filing:
    return Filing(
        source="ftc-early-termination",
        source_id="abc",
        authority="FTC",
        jurisdiction="US",
        case_ref="20260001",
        title="20260001: A Inc.; B LLC",
        parties=[Party(name="A Inc.", role=Role.acquirer), Party(name="B LLC", role=Role.target)],
        status=status,
        status_raw=raw,
        status_date=d,
        parser_version="t",
        **kw,
    )


def _tells(store: Store, fid: str) -> int:
    return _rows(store, f"SELECT tells FROM filings WHERE id = '{fid}'")[0][0]


def _rss_and_api():
    """The September 2026 feed and an API page that shares two of its notices."""
    src = get_source("ftc-early-termination")
    d = FIXTURES / "ftc-early-termination"
    rss = d / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"
    api = d / "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json"
    return (
        src,
        src.parse(Payload(src.name, "x", rss.read_bytes())),
        src.parse(Payload(src.name, "y", api.read_bytes())),
    )


def _two_feeds(src) -> list[Payload]:
    """The real 2025 FTC feed and the 2026 one (20 notices each, none shared), as payloads "a" and "c"."""
    d = FIXTURES / "ftc-early-termination"
    return [
        Payload(src.name, "a", (d / "rss_hsr-early-termination-notices_2025-04-03.xml").read_bytes()),
        Payload(src.name, "c", (d / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml").read_bytes()),
    ]


def _rows(store: Store, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql, params).fetchall()


def test_history_a_then_b_then_b_again(store: Store):
    a = _filing(Status.notified, "Notified", date(2026, 1, 5))
    b = _filing(Status.cleared, "Early termination granted", date(2026, 2, 1))
    r1 = store.import_filings([a])
    r2 = store.import_filings([b])
    r3 = store.import_filings([b])
    assert (r1.inserted, r2.updated, r3.unchanged) == (1, 1, 1)
    assert r3.events == 0 and r3.updated == 0
    rec = store.filing_records([a.id])[0]
    assert [e["status"] for e in rec["events"]] == ["notified", "cleared"]
    assert [e["date"] for e in rec["events"]] == ["2026-01-05", "2026-02-01"]
    assert rec["status"] == "cleared"


def test_a_filing_tells_statistics_more_once_any_version_did(store: Store):
    """filings.tells (what `stats` counts from an index) follows the whole history, not the latest version: a
    notification seen once keeps the filing on the record-by-record path after it is cleared."""
    plain = _filing(Status.cleared, "Early termination granted", date(2026, 2, 1))
    store.import_filings([plain])
    assert _tells(store, plain.id) == 0
    store.import_filings([_filing(Status.notified, "Notified", date(2026, 1, 5))])  # older news: history only
    assert _tells(store, plain.id) == 1
    store.import_filings([plain.model_copy(update={"title": "20260001: A Inc.; B LLC (corrected)"})])
    assert _tells(store, plain.id) == 1
    # Two observations of one new filing in one batch (the second through its match key) count together.
    other = plain.model_copy(update={"source_id": "def", "case_ref": "20260002"})
    seen = other.model_copy(update={"source_id": "def-rss", "extra": {"phase": 2}})
    store.import_filings([other, seen], match_key=lambda f: f.case_ref)
    assert _tells(store, other.id) == 1


def test_informational_change_is_history_without_status_change(store: Store):
    a = _filing(Status.notified, "Notified", date(2026, 1, 5), deadline=date(2026, 2, 9))
    b = _filing(Status.notified, "Notified", date(2026, 1, 5), deadline=date(2026, 2, 20))
    store.import_filings([a])
    rep = store.import_filings([b])
    assert rep.updated == 1 and rep.events == 1
    rec = store.filing_records([a.id])[0]
    assert [e["deadline"] for e in rec["events"] if e["deadline"]] == ["2026-02-09", "2026-02-20"]
    assert [e["status"] for e in rec["events"] if e["status"]] == ["notified"]
    assert rec["status"] == "notified"


def test_reingesting_same_payload_changes_nothing(store: Store):
    src = get_source("ftc-early-termination")
    body = (FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2025-04-03.xml").read_bytes()
    filings = src.parse(Payload(src.name, "fixture://x", body)).filings
    first = store.import_filings(filings, match_key=src.match_key)
    before = store.stats()
    second = store.import_filings(filings, match_key=src.match_key)
    assert first.inserted == 20
    assert (second.inserted, second.updated, second.unchanged, second.events) == (0, 0, 20, 0)
    assert store.stats() == before


def test_api_and_rss_copies_of_one_notice_merge(store: Store):
    src, rss, api = _rss_and_api()
    store.import_filings(api.filings, match_key=src.match_key)
    rep = store.import_filings(rss.filings, match_key=src.match_key)
    assert rep.inserted == 18 and rep.updated == 2
    assert store.stats()["filings"] == 20
    rec = store.filing_records(["ftc-early-termination:2e83d2ab-8ef3-47e0-8fad-d87c16095312"])[0]
    assert rec["alt_ids"] == ["node-337358"]
    assert rec["extra"]["granting_status"] == "Granted" and rec["extra"]["resource_version"] == "id:443686"
    assert len(rec["events"]) == 1
    # and the alternate id finds it too
    assert store.find_filing_id("ftc-early-termination:node-337358") == rec["id"]
    again = store.import_filings(rss.filings + api.filings, match_key=src.match_key)
    assert again.unchanged == 22 and again.events == 0  # 22 records, 20 filings
    assert store.stats()["filings"] == 20


def test_parties_keep_published_names_and_normalised_keys(store: Store):
    src = get_source("ftc-early-termination")
    body = (
        FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"
    ).read_bytes()
    store.import_filings(src.parse(Payload(src.name, "x", body)).filings)
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        rows = dict(conn.execute("SELECT name, norm FROM parties WHERE name LIKE 'ebm-papst%'").fetchall())
    assert rows == {"ebm-papst Mulfingen GmbH & Co. KGaA & Co. KG": "ebm papst mulfingen"}


def test_changed_names_replace_their_tokens(store: Store):
    from mergerwatch.query.companies import find_company

    a = _filing(Status.notified, "Notified", date(2026, 1, 5))
    # a correction the source itself dates (its edit time): the stored record takes it
    renamed = a.model_copy(
        update={
            "parties": [Party(name="A Inc.", role=Role.acquirer), Party(name="Zephyr Quantum LLC", role=Role.target)],
            "updated_at": datetime(2026, 1, 6, tzinfo=UTC),
        }
    )
    store.import_filings([a])
    assert store.import_filings([renamed]).updated == 1
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        tokens = sorted((w, pos) for w, _pk, pos in name_index_entries(conn))
        parties = sorted(conn.execute("SELECT position, name FROM parties"))
    assert tokens == [("a", 0), ("quantum", 1), ("zephyr", 1)]
    assert parties == [(0, "A Inc."), (1, "Zephyr Quantum LLC")]
    assert find_company(store, "Zephyr Quantum").by_filing and not find_company(store, "B LLC").by_filing


@pytest.mark.parametrize("fts5", [True, False])
def test_both_forms_of_the_name_index_find_the_same_parties(tmp_path, monkeypatch, fts5):
    """A SQLite without FTS5 keeps the name_tokens table: blocking, renaming and a name in another script read the
    same through either form (PostgreSQL uses name_tokens too: test_store_postgres.py)."""
    from mergerwatch.query.companies import find_company
    from mergerwatch.store import name_index

    monkeypatch.setattr(name_index, "fts5_available", lambda _cur: fts5)
    store = Store(str(tmp_path / "s.db"))
    assert store.name_index is fts5
    a = _filing(Status.notified, "Notified", date(2026, 1, 5))
    a = a.model_copy(update={"parties": [Party(name="Société Générale Zürich AG", role=Role.acquirer),
                                         Party(name="北京 Quantum Holdings", role=Role.target)]})  # fmt: skip
    store.import_filings([a])
    assert find_company(store, "Societe Generale Zurich").by_filing
    assert find_company(store, "北京 Quantum").by_filing and not find_company(store, "北京 Photon").by_filing
    zephyr = [Party(name="Zephyr Quantum LLC", role=Role.acquirer)]
    renamed = a.model_copy(update={"parties": zephyr, "updated_at": datetime(2026, 2, 1, tzinfo=UTC)})
    assert store.import_filings([renamed]).updated == 1
    assert find_company(store, "Zephyr Quantum").by_filing and not find_company(store, "北京 Quantum").by_filing
    with sqlite3.connect(tmp_path / "s.db") as conn:
        assert [(w, pos) for w, _pk, pos in name_index_entries(conn)] == [("quantum", 0), ("zephyr", 0)]
        assert bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'name_tokens'").fetchone()) is not fts5
        if fts5:
            conn.execute("INSERT INTO name_index (name_index) VALUES ('integrity-check')")
    store.close()


def test_two_long_words_sharing_their_first_80_characters_index_once(store: Store):
    """The token column holds 80 characters: two longer words of one name that agree on those are one token
    (stored once, not a duplicate key that would fail the whole payload), and renaming removes it again."""
    long = "x" * 85
    a = _filing(Status.notified, "Notified", date(2026, 1, 5))
    a = a.model_copy(update={"parties": [Party(name=f"{long}a {long}b Holdings", role=Role.acquirer)]})
    assert store.import_filings([a]).inserted == 1
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        assert [w for w, _pk, _pos in name_index_entries(conn)] == ["holdings", "x" * 80]
    renamed = a.model_copy(
        update={
            "parties": [Party(name="Plain Name Inc", role=Role.acquirer)],
            "updated_at": datetime(2026, 2, 1, tzinfo=UTC),
        }
    )
    assert store.import_filings([renamed]).updated == 1
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        assert [w for w, _pk, _pos in name_index_entries(conn)] == ["name", "plain"]


def test_one_notice_from_two_surfaces_in_one_batch_is_one_filing(store: Store):
    src, rss, api = _rss_and_api()
    rep = store.import_filings(api.filings + rss.filings, match_key=src.match_key)
    assert (rep.inserted, rep.updated) == (20, 2)
    assert store.stats()["filings"] == 20
    rec = store.filing_records(["ftc-early-termination:2e83d2ab-8ef3-47e0-8fad-d87c16095312"])[0]
    assert rec["alt_ids"] == ["node-337358"] and rec["extra"]["granting_status"] == "Granted"
    again = store.import_filings(rss.filings + api.filings, match_key=src.match_key)
    assert again.unchanged == 22 and again.events == 0


def test_grouped_ingest_keeps_good_payloads_around_a_bad_one(store: Store):
    from mergerwatch.core.errors import ParseError
    from mergerwatch.ingest.pipeline import GroupCommit

    src = get_source("ftc-early-termination")
    good = _two_feeds(src)
    bad = Payload(src.name, "b", good[0].body[: len(good[0].body) // 2])
    with GroupCommit(store, records=25) as group:
        group.add(src, good[0])
        try:
            group.add(src, bad)
        except ParseError:
            pass
        else:  # pragma: no cover
            raise AssertionError("a truncated feed must not parse")
        group.add(src, good[1])
    assert store.stats()["filings"] == 40
    assert sorted((p["url"], p["parse_status"]) for p in store.payloads()) == [("a", "ok"), ("b", "error"), ("c", "ok")]


def test_provenance_is_the_raw_payload_each_version_was_read_from(store: Store):
    """Stored once per payload, read back per filing: the sha256 and fetch time of the payload kept in the store."""
    from mergerwatch.ingest.pipeline import process_payload

    src = get_source("ftc-early-termination")
    body = (
        FIXTURES / "ftc-early-termination" / "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json"
    ).read_bytes()
    fetched = datetime(2026, 9, 30, 12, 0, tzinfo=UTC)
    process_payload(store, src, Payload(src.name, "https://api.ftc.gov/x", body, fetched_at=fetched, kind="api"))
    [raw] = store.payloads()
    recs = store.filing_records([i for (i,) in _rows(store, "SELECT id FROM filings")])
    assert len(recs) == 2
    for rec in recs:
        assert rec["provenance"]["payload_sha256"] == raw["sha256"] and len(raw["sha256"]) == 64
        assert rec["provenance"]["fetched_at"] == raw["fetched_at"] == "2026-09-30T12:00:00+00:00"
    assert _rows(store, "SELECT DISTINCT payload_id FROM status_events") == [(raw["id"],)]


def test_event_urls_are_stored_once_and_read_back_as_seen(store: Store):
    """An event at its filing's url stores NULL, one without a url '', another url itself; when the filing's
    url changes, the events stored before keep the url they were seen with."""
    from mergerwatch.core.model import StatusEvent

    page, doc = "https://www.ftc.gov/notice/abc", "https://www.ftc.gov/doc.pdf"
    events = [
        StatusEvent(status=Status.notified, status_raw="Notified", date=date(2026, 1, 5), url=page),
        StatusEvent(status=None, status_raw="Comment", date=date(2026, 1, 9)),
        StatusEvent(status=Status.in_depth_review, status_raw="Second request", date=date(2026, 1, 20), url=doc),
    ]
    a = _filing(Status.in_depth_review, "Second request", date(2026, 1, 20), url=page, events=events)
    store.import_filings([a])
    stored = {raw: url for raw, url in _rows(store, "SELECT status_raw, url FROM status_events")}
    assert stored == {"Notified": None, "Comment": "", "Second request": doc}
    seen = {e["status_raw"]: e["url"] for e in store.filing_records([a.id])[0]["events"]}
    assert seen == {"Notified": page, "Comment": None, "Second request": doc}
    moved = "https://www.ftc.gov/notices/abc"
    b = _filing(Status.cleared, "Cleared", date(2026, 3, 1), url=moved)
    store.import_filings([b])
    rec = store.filing_records([a.id])[0]
    assert rec["url"] == moved
    seen = {e["status_raw"]: e["url"] for e in rec["events"]}
    assert seen == {"Notified": page, "Comment": None, "Second request": doc, "Cleared": moved}
    # `changes` and alerts read the same urls
    assert {e["status_raw"]: e["url"] for e in store.reader().events_since("")} == seen


def test_raw_payload_kept_even_when_parse_fails(store: Store):
    from mergerwatch.core.errors import ParseError
    from mergerwatch.ingest.pipeline import process_payload

    src = get_source("ftc-early-termination")
    bad = Payload(src.name, "https://api.ftc.gov/x", b'{"data": [{"type": "early_termination_notice", "id"')
    try:
        process_payload(store, src, bad)
    except ParseError:
        pass
    else:  # pragma: no cover
        raise AssertionError("truncated JSON must not parse")
    rows = store.payloads(status="error")
    assert len(rows) == 1 and "not valid JSON" in rows[0]["parse_error"]
    assert store.payload(rows[0]["id"]).body == bad.body


def test_failed_payloads_are_listed_and_dropped_only_on_request(tmp_path):
    db = str(tmp_path / "r.db")
    good = FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2025-04-03.xml"
    bad = tmp_path / "cut.xml"
    bad.write_bytes(good.read_bytes()[:4000])
    r = run_cli("ingest", "ftc-early-termination", str(good), str(bad), db=db)
    assert r.returncode == 1
    r = run_cli("reparse", db=db)
    assert r.returncode == 1 and "still failing" in r.stdout and "cut.xml" in r.stderr and "--drop-failed" in r.stderr
    s = Store(db)
    assert len(s.payloads(status="error")) == 1
    r = run_cli("reparse", "--drop-failed", "--json", db=db)
    out = json.loads(r.stdout)
    assert r.returncode == 0 and out["dropped"] == 1 and "cut.xml" in out["failing"][0]["url"]
    assert s.payloads(status="error") == [] and len(s.payloads()) == 1
    assert s.stats()["filings"] == 20  # the records of the good payload are untouched


def test_a_group_whose_writes_fail_part_way_is_done_again_payload_by_payload(store: Store, monkeypatch):
    """Payloads of a group share one transaction without savepoints; when one's writes fail after they began,
    the group is undone and done again one savepoint each: the others are stored, the failing one is kept as an
    error, and nothing it half-wrote remains."""
    from mergerwatch.ingest.pipeline import GroupCommit

    src = get_source("ftc-early-termination")
    good = _two_feeds(src)
    bad = Payload(src.name, "b", good[1].body + b"\n")  # the same notices, other bytes
    real = store.import_filings
    failing: set[str] = set()

    def import_then_fail(filings, *args, **kw):
        report = real(filings, *args, **kw)  # the rows are written ...
        if {f.id for f in filings} & failing:
            raise RuntimeError("disk full")  # ... and then the payload fails
        return report

    monkeypatch.setattr(store, "import_filings", import_then_fail)
    with GroupCommit(store) as group:
        group.add(src, good[0])
        failing.update(f.id for f in src.parse(bad).filings)
        try:
            group.add(src, bad)
        except RuntimeError:
            pass
        else:  # pragma: no cover
            raise AssertionError("the failing payload must raise")
        assert store.in_transaction and store.stats()["filings"] == 0  # nothing committed yet, nothing lost
        failing.clear()
        assert group.add(src, good[1]).report.inserted == 20  # what the failing payload half-wrote is gone
    assert store.stats()["filings"] == 40
    kept = {p["url"]: (p["parse_status"], p["parse_error"]) for p in store.payloads()}
    assert kept["a"][0] == "ok" and kept["c"][0] == "ok"
    assert kept["b"][0] == "error" and "storing failed: RuntimeError: disk full" in kept["b"][1]


def test_a_url_is_kept_short_only_where_it_reads_back_the_same():
    from mergerwatch.core.registry import PROFILES, full_url, store_url

    ftc = PROFILES["ftc-early-termination"].url_prefix
    assert store_url("ftc-early-termination", "abc-1", ftc + "abc-1") == ""
    assert full_url("ftc-early-termination:abc-1", "") == ftc + "abc-1"
    for source, sid, url in [
        ("ftc-early-termination", "abc-1", ftc + "abc-1?x=1"),  # not exactly prefix + id: kept whole
        ("ftc-early-termination", "d7-5", "https://www.ftc.gov/enforcement/early-termination-notices/5"),
        ("ftc-press", "node-1", "https://www.ftc.gov/news-events/news/press-releases/x"),  # no prefix for it
        ("ec-mergers", "M.1", "https://competition-cases.ec.europa.eu/cases/M.1"),
    ]:
        assert full_url(f"{source}:{sid}", store_url(source, sid, url)) == url
    assert store_url("ec-mergers", "M.1", None) is None and store_url("ec-mergers", "M.1", "") is None
    assert full_url("ftc-press:node-1", None) is None
    assert full_url("ftc-press:node-1", "") is None  # never written so; read as no url rather than failing


@pytest.mark.parametrize("fts5", [True, False])
def test_both_forms_of_the_name_index_suggest_the_same_names(tmp_path, monkeypatch, fts5):
    """'Did you mean' (query/suggest.py) reads prefixes and split words through either form of the index."""
    from mergerwatch.query.suggest import suggest
    from mergerwatch.store import name_index

    monkeypatch.setattr(name_index, "fts5_available", lambda _cur: fts5)
    store = Store(str(tmp_path / "s.db"))
    a = _filing(Status.notified, "Notified", date(2026, 1, 5))
    parties = [
        Party(name="Exxon Mobil Corporation", role=Role.acquirer),
        Party(name="International Business Machines Corp", role=Role.target),
    ]
    a = a.model_copy(update={"parties": parties})
    store.import_filings([a])
    assert [s["name"] for s in suggest(store, "ExxonMobil")] == ["Exxon Mobil Corporation"]
    assert suggest(store, "ExxonMobil")[0]["why"] == "written as two words"
    assert [s["name"] for s in suggest(store, "IBM")] == ["International Business Machines Corp"]
    assert [s["why"] for s in suggest(store, "Intl Bus Mach")] == ["abbreviated"]
    assert suggest(store, "Qwertyuiop") == []
    store.close()
