"""Events found by the time they were observed without an index of those times (schema.event_marks, 0010), events
observed with their filing stored with '' for that time, and records per source counted on the index of ids.
Shared with tests/test_store_postgres.py, which runs the same checks on PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import date

from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.query.changes import events_observed_since
from mergerwatch.store.write.store import Store

# Observation times, written in this order: not the order of the times themselves (a run given an older time, a
# clock set back), so an event's id says nothing of its time.
T1, T2, T3, T4, T5 = (f"2026-0{m}-01T00:00:00.000000+00:00" for m in range(1, 6))


def _notice(sid: str, status: Status, raw: str, d: date, basis: str = "structured") -> Filing:
    return Filing(
        source="ftc-early-termination",
        source_id=sid,
        authority="FTC",
        jurisdiction="US",
        case_ref=f"2026{sid}",
        title=f"2026{sid}: A {sid} Inc.; B {sid} LLC",
        parties=[Party(name=f"A {sid} Inc.", role=Role.acquirer), Party(name=f"B {sid} LLC", role=Role.target)],
        status=status,
        status_raw=raw,
        status_date=d,
        events=[StatusEvent(status=None, status_raw=f"said in prose {sid}", date=date(2026, 1, 1), basis=basis)],
        parser_version="t",
    )


def build(store: Store) -> None:
    """Three notices, their later changes and a repeat, observed at times out of order."""
    store.import_filings([_notice("0001", Status.notified, "Notified", date(2026, 1, 5))], observed_at=T3)
    store.import_filings([_notice("0002", Status.notified, "Notified", date(2026, 1, 6), basis="text")], T1)
    store.import_filings([_notice("0001", Status.cleared, "Early termination granted", date(2026, 2, 1))], T2)
    store.import_filings(
        [
            _notice("0003", Status.notified, "Notified", date(2026, 3, 1)),
            _notice("0002", Status.cleared, "Early termination granted", date(2026, 3, 2), basis="text"),
        ],
        T5,
    )
    store.import_filings([_notice("0001", Status.cleared, "Early termination granted", date(2026, 2, 1))], T4)


CUTOFFS = ["", T1, "2026-01-15", T2, T3, "2026-03-31T23:59:59.999999+00:00", T4, T5, "2026-06", "2027"]


def check_changes_since(store: Store) -> None:
    """For every cut-off, `changes` and the alerts' query give exactly the events observed at or after it: the
    ones the whole records hold, computed here by reading them all."""
    from mergerwatch.core.dates import parse_since
    from mergerwatch.query.changes import changes

    ids = [f"ftc-early-termination:000{i}" for i in (1, 2, 3)]
    recs = store.filing_records(ids)
    every = [(r["id"], e["status_raw"], e["observed_at"]) for r in recs for e in r["events"]]
    assert {e[2] for e in every} == {T1, T2, T3, T5}  # T4 observed nothing new
    assert len(every) == 8
    reader = store.reader()
    for cutoff in CUTOFFS:
        want = sorted(e for e in every if e[2] >= cutoff)
        rows = reader.events_since(cutoff)
        assert sorted((r["filing_id"], r["status_raw"], r["observed_at"]) for r in rows) == want, cutoff
        assert [r["observed_at"] for r in rows] == sorted((r["observed_at"] for r in rows), reverse=True)
        fresh = events_observed_since(store, cutoff)
        assert sum(len(v) for v in fresh.values()) == len(want), cutoff
        assert set(fresh) == {e[0] for e in want}, cutoff
    grouped = changes(store, parse_since("2026-03-15"))  # a date: T4 and T5
    assert sorted(c["observed_at"] for g in grouped for c in g["changes"]) == [T5] * 3


def test_changes_since_finds_exactly_the_events_observed_since(store: Store):
    build(store)
    check_changes_since(store)


def test_events_observed_with_their_filing_store_no_time_and_the_usual_basis_none(store: Store):
    build(store)
    stored = store.reader().rows(
        "SELECT f.id, e.status_raw, e.observed_at, e.basis FROM status_events e JOIN filings f ON f.pk = e.filing_pk"
    )
    at = {(fid[-4:], raw): (obs, basis) for fid, raw, obs, basis in stored}
    assert at["0001", "Notified"] == ("", "")  # with its filing: the filing's first_seen, T3
    assert at["0001", "Early termination granted"] == (T2, "")  # observed later: its own time
    assert at["0002", "said in prose 0002"] == ("", "text")
    recs = {r["id"][-4:]: r for r in store.filing_records([f"ftc-early-termination:000{i}" for i in (1, 2, 3)])}
    assert recs["0001"]["first_seen"] == T3
    assert {(e["status_raw"], e["observed_at"], e["basis"]) for e in recs["0001"]["events"]} == {
        ("Notified", T3, "structured"),
        ("said in prose 0001", T3, "structured"),
        ("Early termination granted", T2, "structured"),
    }
    assert {e["status_raw"]: e["basis"] for e in recs["0002"]["events"]} == {
        "Notified": "structured",
        "said in prose 0002": "text",
        "Early termination granted": "structured",
    }
    # one mark per time events were written at, at or below the first id written then
    marks = dict(store.reader().rows("SELECT observed_at, first_event_id FROM event_marks"))
    assert set(marks) == {T1, T2, T3, T5}
    first_ids = store.reader().rows(
        "SELECT CASE WHEN e.observed_at = '' THEN f.first_seen ELSE e.observed_at END, min(e.id) "
        "FROM status_events e JOIN filings f ON f.pk = e.filing_pk GROUP BY 1"
    )
    assert all(marks[t] <= first for t, first in first_ids)


def test_the_same_notices_read_again_add_no_events_or_marks(store: Store):
    build(store)
    marks = store.reader().rows("SELECT * FROM event_marks ORDER BY 1")
    again = store.import_filings([_notice("0003", Status.notified, "Notified", date(2026, 3, 1))], "2026-07")
    assert (again.unchanged, again.events) == (1, 0)
    assert store.reader().rows("SELECT * FROM event_marks ORDER BY 1") == marks


def check_counts_by_source(store: Store) -> None:
    """Sources whose names begin like each other ("x", "x-y", "x0", "xy"): each counts its own records, and a source's
    own id finds its filing through the same range."""
    made = {"x": 3, "x-y": 2, "x0": 1, "xy": 4, "a": 1}
    filings = [
        _notice(f"{i:04d}", Status.notified, "Notified", date(2026, 1, 5)).model_copy(
            update={"source": src, "source_id": f"{i:04d}", "alt_ids": [f"alt{src}{i}"]}
        )
        for src, n in made.items()
        for i in range(n)
    ]
    store.import_filings(filings)
    reader = store.reader()
    assert reader.counts_by_source() == made
    assert dict(reader.rows("SELECT source, count(*) FROM filings GROUP BY source")) == made
    assert reader.find_filing_id("x:altx2") == "x:0002"
    assert reader.find_filing_id("x-y:altx-y1") == "x-y:0001"
    assert reader.find_filing_id("x:altx-y1") is None  # another source's alternate id


def test_records_per_source_counted_on_the_index_of_ids(store: Store):
    check_counts_by_source(store)
    plan = store.reader().rows("EXPLAIN QUERY PLAN SELECT count(*) FROM filings WHERE id >= 'x:' AND id < 'x;'")
    assert "sqlite_autoindex_filings_1" in str(plan)


def test_a_store_without_records_counts_none(store: Store):
    assert store.reader().counts_by_source() == {}


def test_upgrade_0010_finds_the_same_changes_and_records(tmp_path):
    """A store as 0009 left it (an index of observation times and of sources, every event's time and basis in full,
    no marks): after 0010 the indexes are gone, the marks made from its events, and records and changes read as
    before; new notices then write the short form beside the old rows."""
    from .migrations import schema_differences
    from .test_store_open import _as_before_0010

    db = str(tmp_path / "s.db")
    store = Store(db)
    build(store)
    ids = [f"ftc-early-termination:000{i}" for i in (1, 2, 3)]
    before = store.filing_records(ids)
    store.close()
    with sqlite3.connect(db) as conn:
        _as_before_0010(conn)
        conn.execute("UPDATE alembic_version SET version_num = '0009'")
        assert conn.execute("SELECT count(*) FROM status_events WHERE observed_at = '' OR basis = ''").fetchone() == (
            0,
        )
    store = Store(db)
    names = {r[0] for r in store.reader().rows("SELECT name FROM sqlite_master")}
    assert {"ix_events_observed", "ix_filings_source"} & names == set()
    assert schema_differences(store.engine) == []
    assert store.filing_records(ids) == before
    check_changes_since(store)
    store.import_filings([_notice("0004", Status.notified, "Notified", date(2026, 3, 1))], "2026-08")
    assert store.reader().rows(
        "SELECT e.observed_at FROM status_events e JOIN filings f ON f.pk = e.filing_pk WHERE f.id LIKE '%0004'"
    ) == [("",), ("",)]
    assert [r["filing_id"][-4:] for r in store.reader().events_since("2026-08")] == ["0004", "0004"]
    store.close()
