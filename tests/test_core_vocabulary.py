"""The vocabulary (core/vocabulary.py): every detail code a parser writes is declared, with what it tells."""

from __future__ import annotations

import json

from mergerwatch.core.vocabulary import DETAILS, STATUSES, detail_info, status_label

from .conftest import FIXTURES


def _details(node, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        if isinstance(node.get("detail"), str):
            out.add(node["detail"])
        for v in node.values():
            _details(v, out)
    elif isinstance(node, list):
        for v in node:
            _details(v, out)
    return out


def test_every_detail_in_the_goldens_is_declared():
    found: set[str] = set()
    for expected in FIXTURES.rglob("*.expected.json"):
        _details(json.loads(expected.read_text()), found)
    assert found, "no golden holds a detail"
    assert sorted(found - set(DETAILS)) == []


def test_a_detail_tells_its_phase_and_an_unlisted_one_reads_as_its_family():
    assert detail_info("ec_art_6_1_c").phase == 2 and detail_info("ec_art_6_1_b").phase == 1
    assert detail_info("mergers-phase-2-something-new").phase == 2  # a CMA outcome no table lists yet
    assert detail_info("mergers-phase-1-something-new").phase == 1
    assert detail_info("no_such_code").phase is None and detail_info(None).phase is None


def test_the_us_never_reads_cleared_where_a_waiting_period_ended():
    assert status_label("cleared", "hsr_early_termination") == "HSR waiting period terminated early"
    assert status_label("cleared", "hsr_waiting_period_expired") == "HSR waiting period expired"
    assert status_label("cleared", "ec_art_6_1_b") == "cleared"
    assert {status_label(s) for s in STATUSES} and status_label(None) == "information"
