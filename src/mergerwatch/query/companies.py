"""Finding a company in the store however it is written: the name itself and every alias, exact keys through the
name index, and the fuzzy rules of core/names.py over the candidates the index's rarest words give."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mergerwatch.core.names import NormalisedName, blocking_tokens, normalise_name, score_names
from mergerwatch.store.read.reader import Reader, as_reader

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import MatchRecord

# Candidates scored per name at most: blocking keeps far fewer on real names.
MAX_CANDIDATES = 5000


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


def match_json(matches: Sequence[Match]) -> MatchRecord:
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
