"""Per-deal lookup: company matching against the store, cross-authority grouping, timelines,
honest "nothing found" answers, and the change report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from mergerwatch.core.names import NameMatch, NormalisedName, blocking_tokens, normalise_name, score_names
from mergerwatch.core.registry import PROFILES
from mergerwatch.core.vocabulary import status_label, with_labels
from mergerwatch.store.read.columns import OBSERVED_SINCE_SQL
from mergerwatch.store.read.reader import Reader, as_reader
from mergerwatch.timeline import parse_since

# Every function here takes the query room (a Reader) or a Store (whose reader is then used): the answer path
# runs plain SQL on the driver and never imports SQLAlchemy.

# Candidates scored per name at most: blocking keeps far fewer on real names.
MAX_CANDIDATES = 5000

COVERAGE_FACTS = [
    "HSR filings themselves are confidential in the US: only early-termination grants, press releases, court "
    "filings and Federal Register notices are public, so 'no US record' does not mean 'no HSR filing'.",
    "US early termination was suspended from 4 Feb 2021 until the new HSR rules of 10 Feb 2025 (only 8 "
    "exceptional notices in that window).",
    "Some deal structures (licences, acqui-hires of a team, minority stakes) may not be notifiable in a given "
    "regime, or are reviewed only if an authority calls them in.",
]


@dataclass
class Match:
    query: str
    filing_id: str
    party: str
    role: str
    score: float
    kind: str  # exact | alias | fuzzy
    reason: str


@dataclass
class CompanyHits:
    query: str
    key: str
    by_filing: dict[str, Match] = field(default_factory=dict)
    via_aliases: list[str] = field(default_factory=list)


def _expansions(rd: Reader, name: str) -> list[tuple[NormalisedName, str]]:
    """The name itself plus every alias the user recorded, in either direction."""
    q = normalise_name(name)
    out = [(q, "")]
    seen = {q.key}
    for r in rd.aliases_of(q.key):
        other, other_name = (r["alias_norm"], r["alias"]) if r["name_norm"] == q.key else (r["name_norm"], r["name"])
        if other not in seen:
            seen.add(other)
            why = f"alias '{r['name']}' = '{r['alias']}'" + (f" ({r['reason']})" if r["reason"] else "")
            out.append((normalise_name(other_name), why))
    return out


def _candidates(rd: Reader, toks: list[str]) -> list[tuple[Any, ...]]:
    """Blocking: parties holding the query's rarest word and every other distinctive word of it. Every rule
    of score_names needs all of the query's words (a spelling variant aside), so nothing it could accept is lost
    but one-word typos in multi-word names."""
    counts = rd.token_counts(toks)
    if not counts:
        return []
    ordered = sorted(toks, key=lambda tk: counts.get(tk, 0))
    rarest, others = ordered[0], [tk for tk in ordered[1:] if tk in counts]
    if counts.get(rarest, 0) == 0:
        return []  # a word no party has: nothing can hold all the words
    return rd.parties_with_tokens([rarest, *others[:4]], MAX_CANDIDATES)


def find_company(db: Any, name: str) -> CompanyHits:
    rd = as_reader(db)
    q = normalise_name(name)
    hits = CompanyHits(query=name, key=q.key)
    for nn, via in _expansions(rd, name):
        if via:
            hits.via_aliases.append(via)
        rows = rd.parties_named(nn.key)
        toks = blocking_tokens(nn.key)
        if toks:
            rows += _candidates(rd, toks)
        for filing_id, party, role, norm, legal_form in rows:
            m = score_names(nn, NormalisedName(norm, legal_form))
            if m is None:
                continue
            kind = "alias" if via else m.kind
            reason = f"{via}; {m.reason}" if via else m.reason
            match = Match(name, filing_id, party, role, m.score, kind, f"'{name}' -> {party} ({role}): {reason}")
            best = hits.by_filing.get(filing_id)
            if best is None or match.score > best.score:
                hits.by_filing[filing_id] = match
    return hits


def _match_json(matches: Sequence[Match]) -> dict[str, Any]:
    return {
        "score": round(min(m.score for m in matches), 1),
        "kind": "exact"
        if all(m.kind == "exact" for m in matches)
        else ("alias" if any(m.kind == "alias" for m in matches) else "fuzzy"),
        "reasons": [m.reason for m in matches],
        "parties": [
            {"query": m.query, "name": m.party, "role": m.role, "score": round(m.score, 1), "kind": m.kind}
            for m in matches
        ],
    }


def source_coverage(db: Any) -> list[dict[str, Any]]:
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


def _authority_summary(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per authority: where its newest filing stands, with every case reference and filing."""
    authorities: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        authorities[rec["authority"]].append(rec)
    summary = []
    for auth, recs in authorities.items():
        latest = max(recs, key=lambda r: (r["status_date"] or "", r["id"]))
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


def deal(db: Any, names: Sequence[str], today: date | None = None) -> dict[str, Any]:
    """Filings where every named company appears (any role), split into transactions (newest first), each
    grouped by authority into one timeline with the days between its events."""
    from mergerwatch.timeline import annotate_durations, group_deals

    store = as_reader(db)
    per_name = [find_company(store, n) for n in names]
    common = set(per_name[0].by_filing)
    for h in per_name[1:]:
        common &= set(h.by_filing)
    records = store.filing_records(sorted(common))
    for rec in records:
        with_labels(rec)
        rec["match"] = _match_json([h.by_filing[rec["id"]] for h in per_name])
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
    result: dict[str, Any] = {
        "query": list(names),
        "found": bool(records),
        "authorities": summary,  # the newest deal's; every deal's in "deals"
        "deals": deals,
        "filings": records,
        "aliases_used": sorted({a for h in per_name for a in h.via_aliases}),
        "as_of": {src: _last_success(store, src) for src in sorted({r["source"] for r in records})},
    }
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


def search(db: Any, name: str) -> list[dict[str, Any]]:
    """All filings of one company, newest first, each with why it matched."""
    store = as_reader(db)
    hits = find_company(store, name)
    ids = _newest(store, list(hits.by_filing))
    recs = store.filing_records(ids, with_events=False)
    for r in recs:
        with_labels(r)
        r["match"] = _match_json([hits.by_filing[r["id"]]])
    return recs


def changes(db: Any, since: datetime) -> list[dict[str, Any]]:
    """Status changes observed since ``since``, newest first, grouped by deal (shared acquirer/target)."""
    rd = as_reader(db)
    cutoff = since.astimezone(UTC).isoformat(timespec="microseconds")
    rows = rd.events_since(cutoff)
    party_rows = rd.party_rows(sorted({r["filing_pk"] for r in rows}))
    parties: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for p in party_rows:
        parties[p[0]].append(p)
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        ps = parties.get(r["filing_pk"], [])
        acq = next((p for p in ps if p[2] == "acquirer"), None)
        tgt = next((p for p in ps if p[2] == "target"), None)
        key = " / ".join(p[3] for p in (acq, tgt) if p) or r["filing_id"]
        label = " / ".join(p[1] for p in (acq, tgt) if p) or r["title"]
        g = groups.setdefault(key, {"deal": label, "changes": []})
        g["changes"].append(
            {
                "filing_id": r["filing_id"],
                "authority": r["authority"],
                "case_ref": r["case_ref"],
                "title": r["title"],
                "status": r["status"],
                "status_label": status_label(r["status"], r["detail"]),
                "detail": r["detail"],
                "status_raw": r["status_raw"],
                "date": r["event_date"],
                "deadline": r["deadline"],
                "observed_at": r["observed_at"],
                "url": r["url"],
                "current_status": r["current_status"],
            }
        )
    return list(groups.values())


def events_observed_since(db: Any, observed_from: str) -> dict[str, list[int]]:
    """Filing id -> ids of the events first observed at or after ``observed_from``."""
    rows = as_reader(db).rows(
        f"SELECT f.id, e.id FROM status_events e JOIN filings f ON f.pk = e.filing_pk WHERE {OBSERVED_SINCE_SQL}",
        [observed_from, observed_from],
    )
    out: dict[str, list[int]] = defaultdict(list)
    for fid, eid in rows:
        out[fid].append(eid)
    return out


__all__ = ["COVERAGE_FACTS", "NameMatch", "changes", "deal", "find_company", "parse_since", "search"]


def add_deadline(rec: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """An open review's next deadline (published or computed, "day N of M"), on the record itself."""
    from mergerwatch.deadlines import next_deadline

    dl = next_deadline(rec, today)
    if dl is not None:
        rec["next_deadline"] = dl
    return rec


def open_reviews(db: Any, within_days: int | None = None, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Open reviews with their next deadline, soonest first (those without one last)."""
    from mergerwatch.deadlines import OPEN

    store = as_reader(db)
    found = [r["id"] for r in store.filing_rows(statuses=OPEN, ids=ids)]
    out = []
    for rec in store.filing_records(found):
        with_labels(add_deadline(rec))
        dl = rec.get("next_deadline")
        if within_days is not None and (dl is None or dl["in_days"] > within_days):
            continue
        out.append(rec)
    out.sort(key=lambda r: (r.get("next_deadline") is None, (r.get("next_deadline") or {}).get("date", ""), r["id"]))
    return out
