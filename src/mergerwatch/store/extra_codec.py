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

from collections.abc import Iterable
from typing import Any

FTC = "ftc-early-termination"


def _made(case_ref: str | None, parties: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """What an FTC notice's extra repeats, made from the record: (name, role) parties, in their order."""
    made: dict[str, Any] = {"transaction_number": case_ref} if case_ref else {}
    made["acquired_entities"] = [name for name, role in parties if role == "target"]
    return made


def repeats(source: str) -> bool:
    """Whether this source's extras may hold values the store leaves out."""
    return source == FTC


def shortened(source: str, extra: dict[str, Any]) -> bool:
    """Whether a stored extra may lack values that full_extra puts back."""
    return source == FTC and not ("transaction_number" in extra and "acquired_entities" in extra)


def full_extra(
    source: str, extra: dict[str, Any], case_ref: str | None, parties: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """A stored extra as the record had it."""
    if source != FTC:
        return extra
    missing = {k: v for k, v in _made(case_ref, parties).items() if k not in extra}
    return {**missing, **extra} if missing else extra


def stored_extra(
    source: str, extra: dict[str, Any], case_ref: str | None, parties: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """``extra`` as the store keeps it beside these parties and this case_ref."""
    if source != FTC or not extra:
        return extra
    parties = list(parties)
    made = _made(case_ref, parties)
    kept = {k: v for k, v in extra.items() if k not in made or v != made[k]}
    if len(kept) == len(extra):
        return extra
    back = full_extra(source, kept, case_ref, parties)
    # Only what reads back exactly, order included (the --json output prints keys in their order).
    return kept if back == extra and list(back) == list(extra) else extra
