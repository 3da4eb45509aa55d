"""Where a deal stands: every filing naming all the companies, split into transactions, grouped by authority into
one timeline; ``search`` for one company; honest answers when nothing is found (near misses, what was searched).
Every function takes the read side (a Reader) or a Store, whose reader is then used: plain SQL on the driver."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from mergerwatch.core.registry import PROFILES
from mergerwatch.core.vocabulary import status_label, with_labels
from mergerwatch.query.companies import find_company, match_json
from mergerwatch.query.deadlines import add_deadline
from mergerwatch.query.suggest import LIMIT, suggestions
from mergerwatch.query.timeline import annotate_durations, group_deals
from mergerwatch.store.read.reader import Reader, as_reader

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import AuthorityLine, CoverageRow, DealResult, FilingRecord

COVERAGE_FACTS = [
    "HSR filings themselves are confidential in the US: only early-termination grants, press releases, court "
    "filings and Federal Register notices are public, so 'no US record' does not mean 'no HSR filing'.",
    "US early termination was suspended from 4 Feb 2021 until the new HSR rules of 10 Feb 2025 (only 8 "
    "exceptional notices in that window).",
    "Some deal structures (licences, acqui-hires of a team, minority stakes) may not be notifiable in a given "
    "regime, or are reviewed only if an authority calls them in.",
]


def source_coverage(db: Any) -> list[CoverageRow]:
    rd = as_reader(db)
    counts = rd.counts_by_source()
    out = []
    for prof in PROFILES.values():
        name, authority, jurisdiction = prof.name, prof.authority, prof.jurisdiction
        hist = rd.source_history(name, limit=30)
        last_ok = next((h for h in hist if h["ok"]), None)
        out.append(
            {
                "source": name,
                "authority": authority,
                "jurisdiction": jurisdiction,
                "records": counts.get(name, 0),
                "last_refresh": hist[0]["finished_at"] if hist else None,
                "last_success": last_ok["finished_at"] if last_ok else None,
            }
        )
    return out


def _authority_summary(records: list[FilingRecord]) -> list[AuthorityLine]:
    """One line per authority: where its newest filing stands, with every case reference and filing."""
    authorities: dict[str, list[FilingRecord]] = defaultdict(list)
    for rec in records:
        authorities[rec["authority"]].append(rec)
    summary = []
    for auth, recs in authorities.items():
        # the newest; on one day, a status that says something over an undetermined one (a French decision's
        # announcement and its outcome from the open-data file are dated alike)
        latest = max(recs, key=lambda r: (r["status_date"] or "", r["status"] != "unknown", r["id"]))
        line = {
            "authority": auth,
            "jurisdiction": latest["jurisdiction"],
            "status": latest["status"],
            "status_raw": latest["status_raw"],
            "status_label": status_label(latest["status"], latest["detail"]),
            "detail": latest["detail"],
            "status_date": latest["status_date"],
            "case_refs": sorted({r["case_ref"] for r in recs if r["case_ref"]}),
            "filings": [r["id"] for r in recs],
        }
        if latest.get("elapsed"):
            line["elapsed"] = latest["elapsed"]
        if latest.get("next_deadline"):
            line["next_deadline"] = latest["next_deadline"]
        summary.append(line)
    return summary


def _last_success(rd: Reader, source: str) -> str | None:
    return next((h["finished_at"] for h in rd.source_history(source, limit=30) if h["ok"]), None)


def _as_of(rd: Reader, sources: list[str]) -> tuple[dict[str, str | None], list[str]]:
    """Each source's last successful refresh; for a source never refreshed (files ingested, the demo's
    recordings), when its newest stored payload was fetched or recorded, and its name in the second list."""
    as_of: dict[str, str | None] = {}
    from_files = []
    for src in sources:
        as_of[src] = _last_success(rd, src)
        if as_of[src] is None and (fetched := rd.newest_fetch(src)):
            as_of[src] = fetched
            from_files.append(src)
    return as_of, from_files


# Suggestions tried per name for a set of names that finds filings together (the few shown are the likeliest).
TRIED = 12


def _did_you_mean(rd: Reader, result: DealResult, per_name: list[Any]) -> None:
    """What the names that found nothing together may have meant (query/suggest.py), and the first set of names,
    suggestions in place of names, that finds filings together: the query to type instead."""
    sugg = suggestions(rd, result["query"], [set(h.by_filing) for h in per_name], limit=TRIED)
    if not sugg:
        return
    options = [[(name, set(h.by_filing))] for name, h in zip(result["query"], per_name, strict=True)]
    for s in sugg:
        options[result["query"].index(s["for"])].append((s["name"], set(find_company(rd, s["name"]).by_filing)))
    chosen: list[str] = []
    for combo in itertools.product(*options):
        names = [name for name, _ids in combo]
        if names != result["query"] and (common := set.intersection(*(ids for _name, ids in combo))):
            result["did_you_mean"] = {"query": names, "filings": len(common)}
            chosen = names
            break
    shown: dict[str, int] = {}
    kept = []
    for s in sugg:  # the likeliest few per name, and the ones the query to type uses
        shown[s["for"]] = shown.get(s["for"], 0) + 1
        if shown[s["for"]] <= LIMIT or s["name"] in chosen:
            kept.append(s)
    result["suggestions"] = kept


def deal(db: Any, names: Sequence[str], today: date | None = None) -> DealResult:
    """Filings where every named company appears (any role), split into transactions (newest first), each
    grouped by authority into one timeline with the days between its events."""
    store = as_reader(db)
    per_name = [find_company(store, n) for n in names]
    common = set(per_name[0].by_filing)
    for h in per_name[1:]:
        common &= set(h.by_filing)
    records = store.filing_records(sorted(common))
    for rec in records:
        with_labels(rec)
        rec["match"] = match_json([h.by_filing[rec["id"]] for h in per_name])
        add_deadline(rec, today)
        annotate_durations(rec, today)
    records.sort(key=lambda r: (r["authority"], r["status_date"] or "", r["id"]))
    deals = []
    for n, g in enumerate(reversed(group_deals(records)), 1):  # newest first
        for r in g["filings"]:
            r["deal"] = n
        deals.append(
            {
                "deal": n,
                "from": g["from"],
                "to": g["to"],
                "reasons": g["reasons"],
                "authorities": _authority_summary(sorted(g["filings"], key=lambda r: (r["authority"], r["id"]))),
                "filings": [r["id"] for r in g["filings"]],
            }
        )
    summary = deals[0]["authorities"] if deals else []
    result: DealResult = {
        "query": list(names),
        "found": bool(records),
        "authorities": summary,  # the newest deal's; every deal's in "deals"
        "deals": deals,
        "filings": records,
        "aliases_used": sorted({a for h in per_name for a in h.via_aliases}),
    }
    as_of, from_files = _as_of(store, sorted({r["source"] for r in records}))
    result["as_of"] = as_of
    if from_files:
        result["as_of_files"] = from_files
    if not records:
        result["near_misses"] = [
            {
                "name": h.query,
                "key": h.key,
                "filings_alone": len(h.by_filing),
                "examples": [
                    {"id": r["id"], "title": r["title"], "status": r["status"], "date": r["status_date"]}
                    for r in store.filing_records(_newest(store, list(h.by_filing))[:5], with_events=False)
                ],
            }
            for h in per_name
        ]
        _did_you_mean(store, result, per_name)
        result["coverage"] = source_coverage(store)
        result["coverage_facts"] = COVERAGE_FACTS
        result["store_empty"] = not any(c["records"] for c in result["coverage"])
    return result


def _newest(store: Reader, ids: list[str]) -> list[str]:
    if not ids:
        return []
    recs = store.filing_records(ids, with_events=False)
    recs.sort(key=lambda r: r["status_date"] or "", reverse=True)
    return [r["id"] for r in recs]


def search(db: Any, name: str) -> list[FilingRecord]:
    """All filings of one company, newest first, each with why it matched."""
    store = as_reader(db)
    hits = find_company(store, name)
    ids = _newest(store, list(hits.by_filing))
    recs = store.filing_records(ids, with_events=False)
    for r in recs:
        with_labels(r)
        r["match"] = match_json([hits.by_filing[r["id"]]])
    return recs
