"""The values a record's ``extra`` repeats from the record itself, left out of the store and put back on reading.

An FTC notice's extra holds its transaction number, which is its case_ref, and its Acquired Entities, which are
its target parties (the parser makes both from the same fields): 60 to 100 bytes of a filings row that say nothing
new (issue 17: no duplicated lists in the store). ``stored_extra`` leaves out a value only where ``full_extra``
makes the same extra again, keys in the same order; anything else (a list the parties do not repeat, a record
merged from surfaces that disagree) is stored as it came. Reading puts the values back for every record of such a
source whose stored extra lacks them, so the rule rests on the parser always writing them: every FTC record has
both (the transaction number where there is one, as case_ref has it), which tests/test_extra_codec.py checks over
every FTC fixture. Rows written before this kept both and read as they are.
"""

from __future__ import annotations

from typing import Any

FTC = "ftc-early-termination"


def repeats(source: str) -> bool:
    """Whether this source's extras may hold values the store leaves out."""
    return source == FTC


def shortened(source: str, extra: dict[str, Any]) -> bool:
    """Whether a stored extra may lack values that full_extra puts back."""
    return source == FTC and not ("transaction_number" in extra and "acquired_entities" in extra)


def full_extra(source: str, extra: dict[str, Any], case_ref: str | None, targets: list[str]) -> dict[str, Any]:
    """A stored extra as the record had it; ``targets``: the names of its target parties, in their order."""
    if not shortened(source, extra):
        return extra
    front: dict[str, Any] = {}
    if case_ref and "transaction_number" not in extra:
        front["transaction_number"] = case_ref
    if "acquired_entities" not in extra:
        front["acquired_entities"] = targets
    return {**front, **extra}


def stored_extra(source: str, extra: dict[str, Any], case_ref: str | None, targets: list[str]) -> dict[str, Any]:
    """``extra`` as the store keeps it beside this case_ref and these target parties (names, in order)."""
    if source != FTC or "acquired_entities" not in extra:
        return extra  # (reading would add a list the record did not have)
    # Only a leading run is left out (the parser writes both values first): put back in front, it reads the same,
    # keys in order (the --json output prints them in their order).
    keys = iter(extra)
    first = next(keys)
    if first == "transaction_number":
        if extra[first] != case_ref or not case_ref:
            return extra
        second = next(keys, None)
    elif case_ref:
        return extra  # reading would put a transaction number in front of it
    else:
        first, second = "", first
    drop = (first, second) if second == "acquired_entities" and extra[second] == targets else (first,)
    return {k: v for k, v in extra.items() if k not in drop} if any(drop) else extra
