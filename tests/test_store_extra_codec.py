"""The store leaves out what an FTC notice's extra repeats (its transaction number, its target parties) and puts it
back on reading (store/extra_codec.py): every record reads as it was parsed, and nothing looks changed."""

from __future__ import annotations

import itertools
import json

import pytest

from mergerwatch.core.errors import SourceError
from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload
from mergerwatch.store.extra_codec import full_extra, stored_extra
from mergerwatch.store.write.store import Store

from .conftest import FIXTURES


def _ftc_records():
    """Every record of every FTC fixture that parses (API pages, the legacy API, both feeds, the HTML pages)."""
    src = get_source("ftc-early-termination")
    out = []
    for path in sorted((FIXTURES / "ftc-early-termination").iterdir()):
        if path.name.endswith(".expected.json") or path.suffix not in (".json", ".xml", ".html"):
            continue
        try:
            out += src.parse(Payload(src.name, path.as_uri(), path.read_bytes())).filings
        except SourceError:
            continue  # the API's error bodies
    return out


def _targets(f):
    return [p.name for p in f.parties if p.role.value == "target"]


def test_every_ftc_record_carries_both_values_the_store_puts_back():
    """The rule full_extra rests on: an FTC record always has acquired_entities, and transaction_number exactly
    when it has a case_ref. A parser change that breaks it fails here, not in a user's store."""
    records = _ftc_records()
    assert len(records) >= 40
    for f in records:
        assert "acquired_entities" in f.extra, f.id
        assert ("transaction_number" in f.extra) == bool(f.case_ref), f.id
        if f.case_ref:
            assert f.extra["transaction_number"] == f.case_ref


def test_each_ftc_extra_reads_back_as_it_was_keys_in_order():
    records = _ftc_records()
    shortened = 0
    for f in records:
        kept = stored_extra(f.source, f.extra, f.case_ref, _targets(f))
        back = full_extra(f.source, kept, f.case_ref, _targets(f))
        assert back == f.extra and list(back) == list(f.extra), f.id
        shortened += kept != f.extra
    # the transaction number is left out of every record; the entities wherever the target parties repeat them
    assert shortened == len(records)
    assert sum("acquired_entities" not in stored_extra(f.source, f.extra, f.case_ref, _targets(f)) for f in records) > 0


def test_a_list_the_parties_do_not_repeat_is_kept_whole():
    targets = ["Granite Group Holdings LLC", "Other Co"]  # the names of the target parties
    extra = {"transaction_number": "20260001", "acquired_entities": ["GRANITE GROUP HOLDINGS, LLC", "Other Co"]}
    kept = stored_extra("ftc-early-termination", extra, "20260001", targets)
    assert kept == {"acquired_entities": ["GRANITE GROUP HOLDINGS, LLC", "Other Co"]}
    assert full_extra("ftc-early-termination", kept, "20260001", targets) == extra
    # a transaction number that is not the case_ref stays too, and its place in the order with it
    odd = {"transaction_number": "2026-0001", "acquired_entities": ["Granite Group Holdings LLC", "Other Co"]}
    assert stored_extra("ftc-early-termination", odd, "20260001", targets) == odd
    # other sources' extras are stored as they come
    ec = {"transaction_number": "x", "acquired_entities": []}
    assert stored_extra("ec-mergers", ec, "x", []) is ec


def test_every_order_and_combination_reads_back_the_same():
    """Any FTC extra the parser's rule allows (both values, the transaction number exactly when there is a case_ref),
    keys in any order, lists that repeat the targets or not: stored and read back, the same dict in the same order."""
    targets = ["T1 LLC", "T2 Inc."]
    n = 0
    for case_ref in ("20260001", None):
        for entities in (targets, ["T1 LLC"], [], ["T2 Inc.", "T1 LLC"]):
            values = {"acquired_entities": entities, "resource_version": "id:1", "granting_status": "Granted"}
            if case_ref:
                values["transaction_number"] = case_ref
            for order in itertools.permutations(values):
                extra = {k: values[k] for k in order}
                kept = stored_extra("ftc-early-termination", extra, case_ref, targets)
                back = full_extra("ftc-early-termination", kept, case_ref, targets)
                assert back == extra and list(back) == list(extra), (extra, kept)
                n += len(kept) < len(extra)
    # shortened: every order that starts with the transaction number (6 of 24, for each of the 4 lists), and
    # without a case_ref the orders that start with the entities where they are the targets (2 of 6)
    assert n == 4 * 6 + 2


API_PAGE = "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json"


def _notices():
    d = FIXTURES / "ftc-early-termination"
    src = get_source("ftc-early-termination")
    files = [
        API_PAGE,
        "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml",
        "rss_hsr-early-termination-notices_2025-04-03.xml",
        "api_legacy-d7_hsr-early-termination-notices_keywords-Blockbuster_docs-example-2018.json",
    ]
    return src, [src.parse(Payload(src.name, f"fixture://{n}", (d / n).read_bytes())).filings for n in files]


def _read(store, ids):
    """The records, less the times of their writes."""
    recs = store.filing_records(ids)
    for r in recs:
        r.pop("first_seen"), r.pop("last_changed")
        for e in r["events"]:
            e.pop("observed_at")
    return recs


def _whole(monkeypatch):
    """The store as it was before the codec: every extra kept whole."""
    for where in ("write.rows", "write.upsert"):
        monkeypatch.setattr(f"mergerwatch.store.{where}.stored_extra", lambda source, extra, case_ref, targets: extra)


@pytest.mark.parametrize("through", ["import_filings", "import_new"])
def test_a_store_that_shortens_extras_reads_like_one_that_keeps_them_whole(tmp_path, monkeypatch, through):
    """The real notices, the API page's two merged with their feed copies: the same records from a store written
    with whole extras (as before) and from one written now; the shortened rows are smaller; the same notices read
    again into either change nothing, and so do they into the old store once this code writes to it."""
    shortened_reads_like_whole(str(tmp_path / "now.db"), str(tmp_path / "old.db"), monkeypatch, through)


def shortened_reads_like_whole(now_db: str, old_db: str, monkeypatch, through: str) -> None:
    """The test above on two stores at these locations (test_postgres runs it on PostgreSQL)."""
    from mergerwatch.store.write.rows import prepare

    src, batches = _notices()

    def fill(path):
        store = Store(path)
        for filings in batches:
            if through == "import_new" and store.import_new(prepare(filings, src.match_key, store.name_index)):
                continue
            store.import_filings(filings, match_key=src.match_key)
        return store

    now = fill(now_db)
    with monkeypatch.context() as m:
        _whole(m)
        old = fill(old_db)
    ids = [r[0] for r in now.engine.connect().exec_driver_sql("SELECT id FROM filings ORDER BY id")]
    assert len(ids) >= 35
    assert _read(now, ids) == _read(old, ids)

    def stored(store):
        with store.engine.connect() as conn:
            return dict(conn.exec_driver_sql("SELECT id, CAST(extra AS TEXT) FROM filings").fetchall())

    short, whole = stored(now), stored(old)
    assert all('"acquired_entities"' in whole[i] and '"transaction_number"' in whole[i] for i in ids)
    assert all('"transaction_number"' not in short[i] for i in ids)
    assert sum(len(short[i]) for i in ids) < sum(len(whole[i]) for i in ids) / 2
    for store in (now, old):
        for filings in batches:
            rep = store.import_filings(filings, match_key=src.match_key)
            assert (rep.inserted, rep.updated, rep.events) == (0, 0, 0)
    assert _read(now, ids) == _read(old, ids)
    now.close()
    old.close()


def test_a_notice_that_changes_keeps_its_extra_with_its_new_parties(store: Store):
    """A stored notice whose entities change: the new list is what reads back, not one made from the old parties."""
    src = get_source("ftc-early-termination")
    path = FIXTURES / "ftc-early-termination" / API_PAGE
    doc = json.loads(path.read_bytes())
    store.import_filings(src.parse(Payload(src.name, "a", path.read_bytes())).filings, match_key=src.match_key)
    attrs = doc["data"][0]["attributes"]
    attrs["acquired-entities"] = [*attrs["acquired-entities"], "Another Target LLC"]
    attrs["updated"] = "2026-10-01T09:00:00-04:00"
    later = src.parse(Payload(src.name, "b", json.dumps(doc).encode())).filings
    rep = store.import_filings(later, match_key=src.match_key)
    assert rep.updated == 1
    rec = store.filing_records([later[0].id])[0]
    assert rec["extra"] == later[0].extra
    assert rec["extra"]["acquired_entities"][-1] == "Another Target LLC"
    assert [p["name"] for p in rec["parties"]][-1] == "Another Target LLC"
