"""One current status per record whatever order its observations arrive in (issue: hostile servers, item 2).

Property over the real fixtures: every source's files ingested in several orders give the same stored
records, and a second pass over them, in yet another order, changes nothing.
"""

from __future__ import annotations

import random
from pathlib import Path

from mergerwatch.core.errors import SourceError
from mergerwatch.ingest.pipeline import process_payload
from mergerwatch.sources import all_sources
from mergerwatch.store.write.store import Store

from .conftest import FIXTURES


def _files() -> list[tuple[str, Path]]:
    out = []
    for name in sorted(all_sources()):
        d = FIXTURES / name
        for f in sorted(d.iterdir()) if d.is_dir() else []:
            if f.is_file() and not f.name.endswith((".expected.json", ".md")):
                out.append((name, f))
    return out


def _ingest(store: Store, files: list[tuple[str, Path]]) -> list[str]:
    actions = []
    for name, f in files:
        src = all_sources()[name]
        body = f.read_bytes()
        try:
            out = process_payload(store, src, src.payload_for_file(body, str(f)), "2026-11-01T00:00:00+00:00")
        except SourceError:
            continue  # error fixtures (403 bodies, ...) store nothing
        actions += [a for _fid, a in out.report.actions]
    return actions


def _state(store: Store) -> dict[frozenset, tuple]:
    """Records by every id they answer to: a notice seen on two surfaces keeps the id it was first stored
    under (ids users have seen stay valid), so identity is compared as the set of its ids."""
    import json

    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT substr(id, length(source) + 2), alt_ids, source, status, status_raw, status_date, detail, title, "
            "deadline, case_ref, content_hash FROM filings"
        ).fetchall()
    return {frozenset([r[0], *json.loads(r[1] or "[]")]): tuple(r[2:]) for r in rows}


def test_any_order_gives_the_same_records_and_a_second_pass_is_a_no_op(tmp_path):
    files = _files()
    assert len(files) > 20
    states = []
    for seed in range(4):
        order = list(files)
        random.Random(seed).shuffle(order)
        store = Store(str(tmp_path / f"s{seed}.db"))
        _ingest(store, order)
        again = list(files)
        random.Random(100 + seed).shuffle(again)
        second = _ingest(store, again)
        assert set(second) == {"no-change"}, f"order {seed}: second pass changed {second.count('update')} record(s)"
        states.append(_state(store))
        store.close()
    for other in states[1:]:
        assert other == states[0]


def test_an_older_observation_never_replaces_a_newer_dated_one(store):
    from datetime import date

    from mergerwatch.core.model import Filing, Status

    def obs(status: Status, raw: str, when: date) -> Filing:
        return Filing(
            source="ec-mergers",
            source_id="M.99999",
            authority="EC",
            jurisdiction="EU",
            title="A / B",
            status=status,
            status_raw=raw,
            status_date=when,
        )

    cleared = obs(Status.cleared, "Art. 6(1)(b)", date(2025, 3, 1))
    notified = obs(Status.notified, "Notification", date(2025, 1, 10))
    store.import_filings([cleared])
    rep = store.import_filings([notified])
    assert rep.unchanged == 1
    rec = store.filing_records(["ec-mergers:M.99999"])[0]
    assert (rec["status"], rec["status_date"]) == ("cleared", "2025-03-01")
    # the older observation is still history
    assert {e["status"] for e in rec["events"]} >= {"notified", "cleared"}
