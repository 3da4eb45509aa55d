"""Merger vs not-merger classification measured on a hand-labelled set built from real captures."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload
from mergerwatch.sources.classify import MERGER, MERGER_INFO, NOT_MERGER, UNDETERMINED, classify_fr, parties_from_text

from .conftest import FIXTURES

LABELS = json.loads((Path(__file__).parent / "labelled" / "us_enforcement.json").read_text())
PRESS = FIXTURES / "ftc-press" / "rss_press-release-competition_2025-04-03.xml"
TEXTS = FIXTURES / "texts" / "fr_doj_tunney_act_notice_texts.excerpts.txt"


def _binary(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Precision/recall of 'merger' (merger or merger_info) against 'not_merger'; undetermined is no answer."""
    is_m = {MERGER, MERGER_INFO}
    tp = sum(1 for lab, pred in pairs if lab in is_m and pred in is_m)
    fp = sum(1 for lab, pred in pairs if lab not in is_m and pred in is_m)
    fn = sum(1 for lab, pred in pairs if lab in is_m and pred not in is_m)
    tn = sum(1 for lab, pred in pairs if lab == NOT_MERGER and pred == NOT_MERGER)
    fp_n = sum(1 for lab, pred in pairs if lab in is_m and pred == NOT_MERGER)
    fn_n = sum(1 for lab, pred in pairs if lab == NOT_MERGER and pred != NOT_MERGER)
    return {
        "merger_precision": tp / (tp + fp) if tp + fp else 1.0,
        "merger_recall": tp / (tp + fn) if tp + fn else 1.0,
        "not_merger_precision": tn / (tn + fp_n) if tn + fp_n else 1.0,
        "not_merger_recall": tn / (tn + fn_n) if tn + fn_n else 1.0,
        "undetermined": sum(1 for _lab, pred in pairs if pred == UNDETERMINED) / len(pairs),
    }


def _per_class(pairs: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    out = {}
    for cls in sorted({lab for lab, _ in pairs} | {p for _, p in pairs}):
        tp = sum(1 for lab, p in pairs if lab == cls and p == cls)
        pp = sum(1 for _lab, p in pairs if p == cls)
        ll = sum(1 for lab, _p in pairs if lab == cls)
        out[cls] = (tp / pp if pp else 1.0, tp / ll if ll else 1.0)
    return out


def test_ftc_press_classification_meets_the_goal(capsys):
    src = get_source("ftc-press")
    res = src.parse(Payload(src.name, "x", PRESS.read_bytes()))
    got = {f.id: f.extra["classification"]["kind"] for f in res.filings}
    got |= {n["id"]: n["classification"]["kind"] for n in res.notices}
    assert len(got) == len(LABELS["ftc_press"]) == 30  # no item silently dropped
    pairs = [(x["label"], got[x["id"]]) for x in LABELS["ftc_press"]]
    m = _binary(pairs)
    with capsys.disabled():
        print(f"\nFTC press (30 real items, title + body): {json.dumps({k: round(v, 3) for k, v in m.items()})}")
        print(f"  per class (precision, recall): {_per_class(pairs)}")
    assert m["merger_precision"] >= 0.9 and m["merger_recall"] >= 0.9
    assert m["not_merger_precision"] >= 0.9 and m["not_merger_recall"] >= 0.9


def test_federal_register_titles_never_guess(capsys):
    pairs = []
    for x in LABELS["federal_register"]:
        d = classify_fr(x["title"], x["abstract"], None)
        pairs.append((x["label"], d.kind))
    m = _binary(pairs)
    decided = [(lab, p) for lab, p in pairs if p != UNDETERMINED]
    md = _binary(decided)
    with capsys.disabled():
        print(
            "\nFederal Register (86 real notices, title + abstract, no body): "
            + json.dumps({k: round(v, 3) for k, v in m.items()})
        )
        print(f"  on the {len(decided)} decided items: {json.dumps({k: round(v, 3) for k, v in md.items()})}")
        print(f"  predictions: {Counter(p for _, p in pairs)}")
    # A wrong merger event is worse than a missing one: what the titles decide must be right.
    assert md["merger_precision"] >= 0.9 and md["not_merger_precision"] >= 0.9
    # Tunney Act notices are never decided from their title alone.
    tunney = [
        p
        for x, (_lab, p) in zip(LABELS["federal_register"], pairs, strict=True)
        if "Proposed Final Judgment" in x["title"]
    ]
    assert tunney and set(tunney) == {UNDETERMINED}


def test_federal_register_body_text_decides_tunney_notices():
    blocks = TEXTS.read_text().split("\n=== ")
    neenah = next(b for b in blocks if "Neenah" in b)
    d = classify_fr(
        "United States v. Neenah Enterprises, Inc., et al.; Proposed Final Judgment and Competitive Impact Statement",
        None,
        neenah,
    )
    assert d.kind == MERGER and d.status and d.status.value == "cleared_with_remedies"
    assert [p.name for p in d.parties][:1] == ["Neenah Enterprises"]
    conduct = (
        "The Complaint alleges that the defendants agreed to fix wages in violation of Section 1 of the Sherman Act."
    )
    assert (
        classify_fr(
            "United States v. X Corp.; Proposed Final Judgment and Competitive Impact Statement", None, conduct
        ).kind
        == NOT_MERGER
    )
    penalty = "The Complaint alleges that Defendant violated Section 7A of the Clayton Act, the Hart-Scott-Rodino Act."
    assert (
        classify_fr("United States v. Y; Proposed Final Judgment and Competitive Impact Statement", None, penalty).kind
        == NOT_MERGER
    )


def test_parties_from_wordings():
    assert [p.name for p in parties_from_text("FTC Approves Final Order in Exxon-Pioneer Deal")] == ["Exxon", "Pioneer"]
    assert [
        p.name
        for p in parties_from_text(
            "x", "sued to block GTCR BC Holdings, LLC’s (GTCR) acquisition of Surmodics, Inc. (Surmodics), alleging"
        )
    ] == ["GTCR BC Holdings, LLC", "Surmodics, Inc"]
    assert [
        p.name
        for p in parties_from_text(
            "Medtronic/Intersect ENT; Analysis of Agreement Containing Consent Orders To Aid Public Comment"
        )
    ] == ["Medtronic", "Intersect ENT"]
    assert [
        p.name
        for p in parties_from_text(
            "United States v. Safran S.A., et al.; Proposed Final Judgment and Competitive Impact Statement"
        )
    ] == ["Safran S.A"]
    assert parties_from_text("FTC Hosts Virtual Workshop on Predatory Pricing") == []
