""" "Did you mean": the names the store holds for a company name that found nothing as typed, when the difference is
one of writing, not of company: two words written as one ("ExxonMobil" for Exxon Mobil Corporation) or one as two,
and abbreviations (initials, "IBM"; words cut short, "Pioneer Nat Res"). ``&`` and "and" are one already
(core/names.py). Asked only when a query found nothing: nothing here runs on the answers that do."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from mergerwatch.core.names import normalise_name
from mergerwatch.store.read.reader import as_reader

LIMIT = 3  # names suggested for one name at most
CANDIDATES = 400  # parties read for one abbreviation at most
MIN_SPLIT = 3  # a word split in two gives words of at least this many letters


def _compact(key: str) -> str:
    return key.replace(" ", "")


def _initials(key: str) -> str:
    return "".join(w[0] for w in key.split() if w != "and")


def _shortens(short: str, word: str) -> bool:
    """``short`` is ``word`` cut short or with letters left out ("nat", "intl" for "international"), from its start."""
    if not short or short[0] != word[0] or len(short) >= len(word):
        return False
    it = iter(word)
    return all(ch in it for ch in short)


def _abbreviates(query: list[str], words: list[str]) -> bool:
    """Each query word is a word of the name or shortens one, in order, one at least shortened, and the name has
    few words more."""
    if len(words) > len(query) + 2:
        return False
    it = iter(words)
    matched = [next((w for w in it if w == q or _shortens(q, w)), None) for q in query]
    return None not in matched and matched != query


# "s and p global" (typed "S & P Global") for S&P GLOBAL ("sp global"): letters joined by "&" are one word
_SPACED_AMPERSAND = re.compile(r"\b([a-z0-9]{1,3}) and ([a-z0-9]{1,3})\b")


def _candidates(rd: Any, key: str) -> list[tuple[str, str, str, str]]:
    """(kind, filing id, name, norm) of the parties that the name ``key`` may have meant."""
    words = key.split()
    out: list[tuple[str, str, str, str]] = []
    joined = _SPACED_AMPERSAND.sub(r"\1\2", key)
    if joined != key:
        out += [("written with &", r[0], r[1], r[3]) for r in rd.parties_named(joined)]
    if len(words) >= 2:  # "exxon mobil" for EXXONMOBIL
        out += [("written as one word", r[0], r[1], r[3]) for r in rd.parties_named(_compact(key))]
    if len(words) == 1 and len(key) >= 2 * MIN_SPLIT:  # "exxonmobil" for Exxon Mobil Corporation
        halves = [(key[:i], key[i:]) for i in range(MIN_SPLIT, len(key) - MIN_SPLIT + 1)]
        known = rd.token_counts([h for pair in halves for h in pair])
        for left, right in halves:
            if left in known and right in known:
                rows = rd.parties_with_tokens([left, right], CANDIDATES)
                out += [("written as two words", r[0], r[1], r[3]) for r in rows if _compact(r[3]).startswith(key)]
    if len(words) == 1 and 2 <= len(key) <= 5 and key.isalpha():  # "ibm" for International Business Machines
        rows = rd.parties_with_prefixes(list(key), CANDIDATES)
        out += [("initials", r[0], r[1], r[3]) for r in rows if _initials(r[3]) == key]
    if any(len(w) >= 3 for w in words):  # "pioneer nat res" for Pioneer Natural Resources, "intl" for international
        rows = rd.parties_with_prefixes([w[:3] for w in words], CANDIDATES)
        out += [("abbreviated", r[0], r[1], r[3]) for r in rows if r[3] != key and _abbreviates(words, r[3].split())]
    return out


def suggest(db: Any, name: str, found: Collection[str] = (), limit: int = LIMIT) -> list[dict[str, Any]]:
    """Up to LIMIT names the store holds that ``name`` may have meant: each with why, and how many filings name it.
    Parties of the filings ``found`` (those the name matched as typed) are not suggested again."""
    rd = as_reader(db)
    key = normalise_name(name).key
    by_norm: dict[str, tuple[str, Counter[str]]] = {}
    for kind, filing_id, party, norm in _candidates(rd, key):
        if norm == key or filing_id in found:
            continue
        entry = by_norm.setdefault(norm, (kind, Counter()))
        entry[1][party] += 1
    ranked = sorted(by_norm.items(), key=lambda kv: -sum(kv[1][1].values()))
    return [
        {"name": names.most_common(1)[0][0], "why": kind, "filings": sum(names.values())}
        for _norm, (kind, names) in ranked[:limit]
    ]


def suggestions(
    db: Any, names: Sequence[str], found: Sequence[Collection[str]], limit: int = LIMIT
) -> list[dict[str, Any]]:
    """For each name asked (``found``: the filings it matched as typed), what it may have meant, each suggestion
    with the name it is for."""
    return [{"for": name, **s} for name, ids in zip(names, found, strict=True) for s in suggest(db, name, ids, limit)]
