"""Per-deal lookup: company matching against the store, cross-authority grouping, timelines,
honest "nothing found" answers, and the change report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from mergerwatch.catalog import SOURCES
from mergerwatch.matching import NameMatch, NormalisedName, blocking_tokens, normalise_name, score_names
from mergerwatch.store import Store
from mergerwatch.store import schema as t
from mergerwatch.vocabulary import status_label, with_labels

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


def _expansions(store: Store, name: str) -> list[tuple[NormalisedName, str]]:
    """The name itself plus every alias the user recorded, in either direction."""
    q = normalise_name(name)
    out = [(q, "")]
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.aliases).where(sa.or_(t.aliases.c.name_norm == q.key, t.aliases.c.alias_norm == q.key))
        ).all()
    seen = {q.key}
    for r in rows:
        other, other_name = (r.alias_norm, r.alias) if r.name_norm == q.key else (r.name_norm, r.name)
        if other not in seen:
            seen.add(other)
            why = f"alias '{r.name}' = '{r.alias}'" + (f" ({r.reason})" if r.reason else "")
            out.append((normalise_name(other_name), why))
    return out


def _candidates(conn: sa.Connection, cols: tuple[Any, ...], toks: list[str]) -> list[Any]:
    """Blocking: parties holding the query's rarest word and every other distinctive word of it. Every rule
    of score_names needs all of the query's words (a spelling variant aside), so nothing it could accept is lost
    but one-word typos in multi-word names."""
    counts = dict(
        conn.execute(
            sa.select(t.name_tokens.c.token, sa.func.count())
            .where(t.name_tokens.c.token.in_(toks))
            .group_by(t.name_tokens.c.token)
        ).all()
    )
    if not counts:
        return []
    ordered = sorted(toks, key=lambda tk: counts.get(tk, 0))
    rarest, others = ordered[0], [tk for tk in ordered[1:] if tk in counts]
    if counts.get(rarest, 0) == 0:
        return []  # a word no party has: nothing can hold all the words
    postings = [
        sa.select(t.name_tokens.c.filing_pk, t.name_tokens.c.position).where(t.name_tokens.c.token == tk)
        for tk in [rarest, *others[:4]]
    ]
    posting = sa.intersect(*postings) if len(postings) > 1 else postings[0]
    hits = posting.subquery()
    q = (
        sa.select(*cols)
        .select_from(t.parties)
        .join(hits, sa.and_(hits.c.filing_pk == t.parties.c.filing_pk, hits.c.position == t.parties.c.position))
        .join(t.filings, t.filings.c.pk == t.parties.c.filing_pk)
    )
    return list(conn.execute(q.limit(MAX_CANDIDATES)))


PARTY_COLS = (
    t.filings.c.id.label("filing_id"),
    t.parties.c.name,
    t.parties.c.role,
    t.parties.c.norm,
    t.parties.c.legal_form,
)


def find_company(store: Store, name: str) -> CompanyHits:
    q = normalise_name(name)
    hits = CompanyHits(query=name, key=q.key)
    cols = PARTY_COLS
    with store.engine.connect() as conn:
        for nn, via in _expansions(store, name):
            if via:
                hits.via_aliases.append(via)
            rows = list(
                conn.execute(
                    sa.select(*cols)
                    .join_from(t.parties, t.filings, t.filings.c.pk == t.parties.c.filing_pk)
                    .where(t.parties.c.norm == nn.key)
                )
            )
            toks = blocking_tokens(nn.key)
            if toks:
                rows += _candidates(conn, cols, toks)
            for r in rows:
                m = score_names(nn, NormalisedName(r.norm, r.legal_form))
                if m is None:
                    continue
                kind = "alias" if via else m.kind
                reason = f"{via}; {m.reason}" if via else m.reason
                match = Match(
                    name, r.filing_id, r.name, r.role, m.score, kind, f"'{name}' -> {r.name} ({r.role}): {reason}"
                )
                best = hits.by_filing.get(r.filing_id)
                if best is None or match.score > best.score:
                    hits.by_filing[r.filing_id] = match
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


def source_coverage(store: Store) -> list[dict[str, Any]]:
    counts = store.counts_by_source()
    out = []
    for name, (authority, jurisdiction) in SOURCES.items():
        hist = store.source_history(name, limit=1)
        last_ok = next((h for h in store.source_history(name, limit=30) if h["ok"]), None)
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


def deal(store: Store, names: Sequence[str]) -> dict[str, Any]:
    """Filings where every named company appears (any role), grouped by authority into one timeline."""
    per_name = [find_company(store, n) for n in names]
    common = set(per_name[0].by_filing)
    for h in per_name[1:]:
        common &= set(h.by_filing)
    records = store.filing_records(sorted(common))
    for rec in records:
        with_labels(rec)
        rec["match"] = _match_json([h.by_filing[rec["id"]] for h in per_name])
        add_deadline(rec)
    records.sort(key=lambda r: (r["authority"], r["status_date"] or "", r["id"]))
    authorities: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        authorities[rec["authority"]].append(rec)
    summary = []
    for auth, recs in authorities.items():
        latest = max(recs, key=lambda r: (r["status_date"] or "", r["id"]))
        summary.append(
            {
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
        )
    result: dict[str, Any] = {
        "query": list(names),
        "found": bool(records),
        "authorities": summary,
        "filings": records,
        "aliases_used": sorted({a for h in per_name for a in h.via_aliases}),
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


def _newest(store: Store, ids: list[str]) -> list[str]:
    if not ids:
        return []
    recs = store.filing_records(ids, with_events=False)
    recs.sort(key=lambda r: r["status_date"] or "", reverse=True)
    return [r["id"] for r in recs]


def search(store: Store, name: str) -> list[dict[str, Any]]:
    """All filings of one company, newest first, each with why it matched."""
    hits = find_company(store, name)
    ids = _newest(store, list(hits.by_filing))
    recs = store.filing_records(ids, with_events=False)
    for r in recs:
        with_labels(r)
        r["match"] = _match_json([hits.by_filing[r["id"]]])
    return recs


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """``2026-11-01``, an ISO time, or a relative ``1d`` / ``12h`` / ``2w``."""
    now = now or datetime.now(UTC)
    v = value.strip().lower()
    units = {"h": "hours", "d": "days", "w": "weeks"}
    if v[:-1].isdigit() and v[-1:] in units:
        return now - timedelta(**{units[v[-1]]: int(v[:-1])})
    dt = datetime.fromisoformat(v)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def changes(store: Store, since: datetime) -> list[dict[str, Any]]:
    """Status changes observed since ``since``, newest first, grouped by deal (shared acquirer/target)."""
    cutoff = since.astimezone(UTC).isoformat(timespec="microseconds")
    with store.engine.connect() as conn:
        q = (
            sa.select(
                t.status_events,
                t.filings.c.title,
                t.filings.c.authority,
                t.filings.c.case_ref,
                t.filings.c.status.label("current_status"),
                t.filings.c.id.label("filing_id"),
            )
            .join(t.filings, t.filings.c.pk == t.status_events.c.filing_pk)
            .where(t.status_events.c.observed_at >= cutoff)
            .order_by(t.status_events.c.observed_at.desc(), t.status_events.c.id.desc())
        )
        rows = conn.execute(q).all()
        pks = sorted({r.filing_pk for r in rows})
        party_rows = []
        for i in range(0, len(pks), 500):
            party_rows += conn.execute(
                sa.select(t.parties.c.filing_pk, t.parties.c.name, t.parties.c.role, t.parties.c.norm)
                .where(t.parties.c.filing_pk.in_(pks[i : i + 500]))
                .order_by(t.parties.c.position)
            ).all()
    parties: dict[int, list[Any]] = defaultdict(list)
    for p in party_rows:
        parties[p.filing_pk].append(p)
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        ps = parties.get(r.filing_pk, [])
        acq = next((p for p in ps if p.role == "acquirer"), None)
        tgt = next((p for p in ps if p.role == "target"), None)
        key = " / ".join(p.norm for p in (acq, tgt) if p) or r.filing_id
        label = " / ".join(p.name for p in (acq, tgt) if p) or r.title
        g = groups.setdefault(key, {"deal": label, "changes": []})
        g["changes"].append(
            {
                "filing_id": r.filing_id,
                "authority": r.authority,
                "case_ref": r.case_ref,
                "title": r.title,
                "status": r.status,
                "status_label": status_label(r.status, r.detail),
                "detail": r.detail,
                "status_raw": r.status_raw,
                "date": r.event_date,
                "deadline": r.deadline,
                "observed_at": r.observed_at,
                "url": r.url,
                "current_status": r.current_status,
            }
        )
    return list(groups.values())


def events_observed_since(store: Store, observed_from: str) -> dict[str, list[int]]:
    """Filing id -> ids of the events first observed at or after ``observed_from``."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.filings.c.id, t.status_events.c.id)
            .join_from(t.status_events, t.filings, t.filings.c.pk == t.status_events.c.filing_pk)
            .where(t.status_events.c.observed_at >= observed_from)
        ).all()
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


def open_reviews(
    store: Store, within_days: int | None = None, ids: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Open reviews with their next deadline, soonest first (those without one last)."""
    from mergerwatch.deadlines import OPEN

    with store.engine.connect() as conn:
        q = sa.select(t.filings.c.id).where(t.filings.c.status.in_(OPEN))
        if ids is not None:
            q = q.where(t.filings.c.id.in_(list(ids)))
        found = [r[0] for r in conn.execute(q)]
    out = []
    for rec in store.filing_records(found):
        with_labels(add_deadline(rec))
        dl = rec.get("next_deadline")
        if within_days is not None and (dl is None or dl["in_days"] > within_days):
            continue
        out.append(rec)
    out.sort(key=lambda r: (r.get("next_deadline") is None, (r.get("next_deadline") or {}).get("date", ""), r["id"]))
    return out
