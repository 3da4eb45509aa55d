"""The values a record's ``extra`` repeats from the record itself, left out of the store and put back on reading.

A source whose profile names ``extra_repeats`` (core/registry.py) writes two such values first in every extra: the
case reference under one key and its target parties' names under another (an FTC notice: its transaction number
and its Acquired Entities, which the parser makes from the same fields): 60 to 100 bytes of a filings row that say
nothing new (issue 17: no duplicated lists in the store). ``stored_extra`` leaves out a value only where
``full_extra`` makes the same extra again, keys in the same order; anything else (a list the parties do not repeat, a
record merged from surfaces that disagree) is stored as it came. Reading puts the values back for every record of
such a source whose stored extra lacks them, so the rule rests on the parser always writing them, which
tests/test_store_extra_codec.py checks over every fixture of such a source. Rows written before this kept both and read
as they are.
"""

from __future__ import annotations

from typing import Any

from mergerwatch.core.registry import PROFILES, ExtraRepeats


def _repeats(source: str) -> ExtraRepeats | None:
    p = PROFILES.get(source)
    return p.extra_repeats if p is not None else None


def repeats(source: str) -> bool:
    """Whether this source's extras may hold values the store leaves out."""
    return _repeats(source) is not None


def shortened(source: str, extra: dict[str, Any]) -> bool:
    """Whether a stored extra may lack values that full_extra puts back."""
    r = _repeats(source)
    return r is not None and not (r.case_ref_key in extra and r.targets_key in extra)


def full_extra(source: str, extra: dict[str, Any], case_ref: str | None, targets: list[str]) -> dict[str, Any]:
    """A stored extra as the record had it; ``targets``: the names of its target parties, in their order."""
    r = _repeats(source)
    if r is None or (r.case_ref_key in extra and r.targets_key in extra):
        return extra
    front: dict[str, Any] = {}
    if case_ref and r.case_ref_key not in extra:
        front[r.case_ref_key] = case_ref
    if r.targets_key not in extra:
        front[r.targets_key] = targets
    return {**front, **extra}


def stored_extra(source: str, extra: dict[str, Any], case_ref: str | None, targets: list[str]) -> dict[str, Any]:
    """``extra`` as the store keeps it beside this case_ref and these target parties (names, in order)."""
    r = _repeats(source)
    if r is None or r.targets_key not in extra:
        return extra  # (reading would add a list the record did not have)
    # Only a leading run is left out (the parser writes both values first): put back in front, it reads the same,
    # keys in order (the --json output prints them in their order).
    keys = iter(extra)
    first = next(keys)
    if first == r.case_ref_key:
        if extra[first] != case_ref or not case_ref:
            return extra
        second = next(keys, None)
    elif case_ref:
        return extra  # reading would put a transaction number in front of it
    else:
        first, second = "", first
    drop = (first, second) if second == r.targets_key and extra[second] == targets else (first,)
    return {k: v for k, v in extra.items() if k not in drop} if any(drop) else extra
