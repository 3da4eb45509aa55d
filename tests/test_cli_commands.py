"""The command-line contract: --help everywhere, --json shapes, clear errors with exit codes."""

from __future__ import annotations

import pytest

from .conftest import FIXTURES, cli_json, run_cli

FTC = FIXTURES / "ftc-early-termination"
RSS25 = FTC / "rss_hsr-early-termination-notices_2025-04-03.xml"
RSS26 = FTC / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"
API = FTC / "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json"
COMMANDS = [
    "show",
    "search",
    "deal",
    "sources",
    "parse",
    "ingest",
    "reparse",
    "refresh",
    "changes",
    "doctor",
    "demo",
    "version",
    "clock",
    "list",
    "stats",
    "deadlines",
    "alias",
    "alias add",
    "alias list",
    "alias remove",
    "watch",
    "watch add",
    "watch list",
    "watch remove",
]


def test_help_everywhere():
    r = run_cli("--help")
    assert r.returncode == 0 and "deal" in r.stdout
    for cmd in COMMANDS:
        r = run_cli(*cmd.split(), "--help")
        assert r.returncode == 0, (cmd, r.stderr)
        assert "Usage" in r.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (API.read_bytes()[:700], "not valid JSON"),
        (b"<!DOCTYPE html><html><body>Access Denied</body></html>", "HTML page"),
        (RSS25.read_bytes()[:5000], "not well-formed XML"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>', "no items"),
    ],
)
def test_parse_bad_input_is_a_clear_error(tmp_path, content, message):
    f = tmp_path / "bad"
    f.write_bytes(content)
    r = run_cli("parse", "ftc-early-termination", str(f), "--json")
    assert r.returncode == 1
    assert message in r.stderr and r.stderr.startswith("error: ftc-early-termination")
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_parse_unknown_source_and_missing_file(tmp_path):
    r = run_cli("parse", "nope", str(API))
    assert r.returncode == 2 and "unknown source 'nope'" in r.stderr and "ftc-early-termination" in r.stderr
    r = run_cli("parse", "ftc-early-termination", str(tmp_path / "missing.json"))
    assert r.returncode == 2 and "cannot read" in r.stderr


def test_xml_entity_expansion_is_refused(tmp_path):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b"<rss><channel><item><title>&b;</title></item></channel></rss>"
    )
    f = tmp_path / "bomb.xml"
    f.write_bytes(bomb)
    r = run_cli("parse", "ftc-early-termination", str(f))
    assert r.returncode == 1 and "hardened XML parser" in r.stderr


def test_parse_json_shape_and_no_database(tmp_path):
    db = tmp_path / "never.db"
    recs = cli_json("parse", "ftc-early-termination", str(RSS26), db=str(db))
    assert not db.exists()
    assert len(recs) == 20
    keys = {
        "id",
        "source",
        "source_id",
        "authority",
        "jurisdiction",
        "case_ref",
        "title",
        "parties",
        "status",
        "status_raw",
        "status_date",
        "url",
    }
    assert keys <= set(recs[0])
    navitas = next(r for r in recs if r["case_ref"] == "20262268")
    assert navitas["parties"] == [
        {"name": "Navitas Semiconductor Corporation", "role": "acquirer"},
        {"name": "Red Cell Partners, LLC", "role": "seller"},
        {"name": "Claros, Inc.", "role": "target"},
    ]
    assert (navitas["status"], navitas["status_raw"], navitas["status_date"]) == (
        "cleared",
        "Early termination granted",
        "2026-09-29",
    )


def test_ingest_show_search(db):
    out = cli_json("ingest", "ftc-early-termination", str(RSS25), str(API), db=db)
    assert [o["inserted"] for o in out] == [20, 2]
    again = cli_json("ingest", "ftc-early-termination", str(RSS25), db=db)
    assert again[0]["unchanged"] == 20 and again[0]["events"] == 0
    rec = cli_json("show", "ftc-early-termination:node-87544", db=db)
    assert rec["case_ref"] == "20241895" and rec["extra"]["slug"] == "20241895-0"
    assert rec["events"] == [
        {
            "status": "cleared",
            "status_raw": "Early termination granted",
            "date": "2024-09-19",
            "detail": "hsr_early_termination",
            "deadline": None,
            "basis": "structured",
            "observed_at": rec["events"][0]["observed_at"],
            "url": rec["url"],
            "status_label": "HSR waiting period terminated early",
            "days_after_previous": None,  # the first dated event
        }
    ]
    assert rec["status_label"] == "HSR waiting period terminated early"
    hits = cli_json("search", "Medical Properties Trust", db=db)
    assert {h["case_ref"] for h in hits} == {"20241895", "20241923"}
    assert all(h["match"]["kind"] == "exact" for h in hits)
    r = run_cli("show", "no-such-id", db=db)
    assert r.returncode == 1 and "no filing with id" in r.stderr


def test_deal_json_csv_html(db, tmp_path):
    cli_json("ingest", "ftc-early-termination", str(RSS26), db=db)
    res = cli_json("deal", "Navitas", "Claros", db=db)
    assert res["found"] and len(res["filings"]) == 1
    f = res["filings"][0]
    assert f["events"] and f["match"]["reasons"][1].startswith("'Claros' -> Claros, Inc. (target)")
    r = run_cli("deal", "Navitas", "Claros", "--csv", db=db)
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith("authority,case_ref")
    assert "20262268" in r.stdout
    page = tmp_path / "deal.html"
    r = run_cli("deal", "Navitas", "Claros", "--html", str(page), db=db)
    assert r.returncode == 0
    text = page.read_text()
    assert "<svg" in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "<script" not in text


def test_deal_not_found_is_honest(db):
    cli_json("ingest", "ftc-early-termination", str(RSS26), db=db)
    res = cli_json("deal", "Nvidia", "Groq", db=db)
    assert not res["found"]
    assert [n["filings_alone"] for n in res["near_misses"]] == [0, 0]
    assert any("confidential" in f for f in res["coverage_facts"])
    assert any(c["source"] == "ftc-early-termination" and c["records"] == 20 for c in res["coverage"])
    r = run_cli("deal", "Nvidia", "Groq", db=db)
    assert r.returncode == 0 and "No filing names all of" in r.stdout


def test_aliases_are_used_and_explained(db):
    cli_json("ingest", "ftc-early-termination", str(RSS26), db=db)
    assert not cli_json("deal", "Navitas", "Claros Semis", db=db)["found"]
    r = run_cli("alias", "add", "Claros, Inc.", "Claros Semis", "--reason", "trade name", db=db)
    assert r.returncode == 0
    res = cli_json("deal", "Navitas", "Claros Semis", db=db)
    assert res["found"]
    assert any("alias" in reason and "trade name" in reason for reason in res["filings"][0]["match"]["reasons"])


def test_errors_never_show_tracebacks_without_debug(tmp_path):
    r = run_cli("--db", "sqlite:////nonexistent-dir/x.db", "sources")
    assert r.returncode == 1 and "Traceback" not in r.stderr and "cannot open the database" in r.stderr
