"""Name normalisation and scoring: real names from the fixtures, and a labelled set of pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mergerwatch.core.names import normalise_name, score_names

from .conftest import FIXTURES, cli_json

PAIRS = json.loads((Path(__file__).parent / "labelled" / "name_pairs.json").read_text())["pairs"]


def test_legal_forms_are_kept_as_a_token():
    n = normalise_name("Siemens Aktiengesellschaft")
    assert normalise_name("Watsco, Inc.").key == "watsco" and normalise_name("Watsco, Inc.").legal_form == "inc"
    assert normalise_name("KKR Traviata Co-Invest L.P.").key == "kkr traviata co invest"
    assert normalise_name("IE Holdco S.a r.l.").legal_form == "sarl"
    assert normalise_name("Company Limited").key == "company"  # the last word is never peeled: never empty
    assert normalise_name("Limited").key == "limited"
    assert normalise_name("AT&T Inc.").key == "att"
    assert (n.key, n.legal_form) == ("siemens", "ag")


def test_foo_ag_and_foo_inc_are_told_apart_in_the_reason():
    m = score_names(normalise_name("Foo AG"), normalise_name("Foo Inc."))
    assert m is not None and m.score < 100 and "legal forms differ" in m.reason


def test_short_queries_never_match_on_a_partial_ratio():
    assert score_names(normalise_name("GE"), normalise_name("GE Healthcare Technologies")) is None
    assert score_names(normalise_name("America"), normalise_name("Bank of America")) is None


def test_labelled_pairs_precision_and_recall(capsys):
    tp = fp = fn = tn = 0
    wrong = []
    for a, b, same, why in PAIRS:  # a = as stored by a source, b = as written elsewhere / asked
        got = score_names(normalise_name(b), normalise_name(a)) is not None
        tp += got and same
        fp += got and not same
        fn += (not got) and same
        tn += (not got) and not same
        if got != same:
            wrong.append((a, b, same, why))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    with capsys.disabled():
        print(f"\nname pairs: {len(PAIRS)} labelled; precision {precision:.3f}, recall {recall:.3f}; misses: {wrong}")
    assert precision >= 0.95
    assert recall >= 0.9


def test_deal_finds_target_only_in_acquired_entities_and_keeps_similar_names_apart(db):
    cli_json(
        "ingest",
        "ftc-early-termination",
        str(FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"),
        db=db,
    )
    res = cli_json("deal", "Navitas", "Claros", db=db)
    assert [f["case_ref"] for f in res["filings"]] == ["20262268"]
    # Madison Industries bought ebm-papst; Madison Solutions bought Madison Air Solutions: never one deal
    hits = cli_json("search", "Madison Industries Holdings LLC", db=db)
    assert {h["case_ref"] for h in hits} == {"20262290", "20262246"}  # acquirer in one, seller in the other
    assert all("madison industries" in h["match"]["reasons"][0] for h in hits)
    res = cli_json("deal", "Madison Solutions", "ebm-papst", db=db)
    assert not res["found"]


def test_one_party_written_differently_in_two_sources(db):
    """'Exxon Mobil Corporation' (FTC press body) and 'Exxon' (query) / 'Pioneer Natural Resources'."""
    cli_json("ingest", "ftc-press", str(FIXTURES / "ftc-press" / "rss_press-release-competition_2025-04-03.xml"), db=db)
    res = cli_json("deal", "ExxonMobil Corp", "Pioneer", db=db)
    assert not res["found"]  # "ExxonMobil" as one word is not "Exxon Mobil": an alias is the honest fix
    cli_json("alias", "list", db=db)
    from .conftest import run_cli

    run_cli("alias", "add", "Exxon Mobil Corporation", "ExxonMobil", db=db)
    res = cli_json("deal", "ExxonMobil Corp", "Pioneer", db=db)
    assert res["found"] and res["filings"][0]["status"] == "cleared_with_remedies"


def test_names_of_three_words_and_leading_parts_across_sources(db):
    cli_json("ingest", "ftc-press", str(FIXTURES / "ftc-press" / "rss_press-release-competition_2025-04-03.xml"), db=db)
    cli_json(
        "ingest",
        "federal-register",
        str(FIXTURES / "federal-register" / "fr_documents_search_doj_antitrust.reconstructed.json"),
        db=db,
    )
    hits = cli_json("search", "Hewlett Packard Enterprise", db=db)  # three distinctive words: intersected postings
    assert [h["id"] for h in hits] == ["federal-register:2025-12887"]
    res = cli_json("deal", "GTCR", "Surmodics", db=db)  # "GTCR" is the leading part of "GTCR BC Holdings, LLC"
    assert res["found"] and res["filings"][0]["status"] == "challenged"


@pytest.mark.parametrize(
    ("name", "key", "form"),
    [
        ("IE Holdco S.à r.l.", "ie holdco", "sarl"),
        ("Foo SARL", "foo", "sarl"),
        ("Foo S A R L", "foo", "sarl"),
        ("Foo S.A.R.L.", "foo", "sarl"),
        ("Foo s_a_r_l", "foo", "sarl"),
        ("Foo Sàrl", "foo", "sarl"),
        ("Carl SA", "carl", "sa"),
    ],
)
def test_every_spelling_of_sarl_is_one_legal_form(name, key, form):
    """normalise_name skips the S.à r.l. pattern for names without "rl" or "r l": these all reach it."""
    n = normalise_name(name)
    assert (n.key, n.legal_form) == (key, form)


@pytest.mark.parametrize(
    ("name", "key", "form", "words"),
    [
        # plain ASCII words and single spaces: no punctuation pattern runs
        ("Acme Widgets LLC", "acme widgets", "llc", ("acme", "widgets")),
        ("A.B.C. Holdings Inc.", "abc holdings", "inc", ("abc", "holdings")),
        ("The Company Limited", "company", "ltd", ("company",)),
        ("Acme Acme Corp", "acme acme", "corp", ("acme",)),
        ("S.A.R.L. Foo", "sarl foo", "", ("sarl", "foo")),
        # what the pattern must still see: punctuation, "_", two spaces left by a removed ".", other letters
        ("Acme, Inc.", "acme", "inc", ("acme",)),
        ("ACME_CORP llc", "acme", "corp llc", ("acme",)),
        ("s_ a r l", "s a r l", "", ("s", "a", "r", "l")),
        ("Acme . S . A R L", "acme", "sarl", ("acme",)),
        ("trail .", "trail", "", ("trail",)),
        ("Nestlé S.A.", "nestle", "sa", ("nestle",)),
    ],
)
def test_a_name_of_plain_words_skips_the_punctuation_pattern_and_ends_the_same(name, key, form, words):
    """normalise_name replaces punctuation only in names that have some (most names have none): every path gives
    the key, legal form and index words the pattern gave (these were read from the code before the guard)."""
    n = normalise_name(name)
    assert (n.key, n.legal_form, n.index_tokens) == (key, form, words)


@pytest.mark.parametrize(
    "name",
    [
        "Acme Holdings, Inc.",
        "Société Générale S.A.",
        "Nestlé 2024 Holdings",
        "Ørsted A/S",
        "A" * 90 + " Widgets Ltd",  # a word the index cuts to 80 characters
        "Acme acme ACME Corp",  # a word twice
        "株式会社 東芝",
        "X_Y Partners",
    ],
)
def test_index_words_and_terms_are_what_the_general_rules_make(name):
    """The fast paths of index_tokens_of (a key of at most 80 characters) and name_index.terms_text (plain ASCII
    words) give exactly what the general rules give: the stored index entries do not depend on which path ran."""
    from mergerwatch.core.names import index_tokens_of
    from mergerwatch.store import name_index

    key = normalise_name(name).key
    tokens = index_tokens_of(key)
    assert tokens == tuple({t[:80]: None for t in key.split()})
    assert name_index.terms_text(tokens) == " ".join(name_index.term(t) for t in tokens)
