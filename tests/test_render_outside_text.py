"""Text from outside is data: never terminal markup, an escape sequence, or a link with another scheme.

A real FTC API page (fixtures/) with hostile strings put into every text field, stored and shown through
search, show, deal, changes and sources: the words come out literally, the control sequences do not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mergerwatch.core.textsafe import clean, safe_url
from mergerwatch.ingest.notify import alert_body, write_atom
from mergerwatch.render.html import deal_html

from .conftest import FIXTURES

API = FIXTURES / "ftc-early-termination" / "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json"
ESC_COLOUR = "\x1b[31m"
OSC8 = "\x1b]8;;file:///etc/passwd\x1b\\"
HOSTILE = {
    "acquiring-party": f"Acme [/i] Holdings {ESC_COLOUR}Red\x1b[0m Inc.",
    "acquired-party": f"[link=file:///etc/passwd]Evil[/link] Corp {OSC8}Click\x1b]8;;\x1b\\ :smile: LLC",
    "acquired-entities": ["[bold]Widget[/bold] Co \u202eevil\u202c", "Plain Subsidiary LLC"],
    "title": "20262326: Acme [/i] Holdings / Widget Co [/x] [red]",
}


def _hostile_page(tmp: Path) -> Path:
    doc = json.loads(API.read_text())
    for item in doc["data"]:
        item["attributes"].update(HOSTILE)
    p = tmp / "hostile.json"
    p.write_text(json.dumps(doc))
    return p


def _cli(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MERGERWATCH_DB": str(tmp / "mw.db"), "FORCE_COLOR": "1", "COLUMNS": "250"}
    cmd = [sys.executable, "-m", "mergerwatch", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def _assert_safe(r: subprocess.CompletedProcess) -> None:
    both = r.stdout + r.stderr
    assert "Traceback" not in both and r.returncode == 0, both
    assert ESC_COLOUR + "Red" not in both  # our own colours may be there, the scraped ones never
    assert "\x1b]8;" not in both  # no hyperlink sequence at all
    assert "\u202e" not in both


def test_hostile_text_in_every_field_is_shown_literally(tmp_path):
    page = _hostile_page(tmp_path)
    r = _cli(tmp_path, "ingest", "ftc-early-termination", str(page))
    _assert_safe(r)
    for args in (
        ("search", "Acme [/i] Holdings Red Inc."),
        ("search", "[/x]"),
        ("show", "ftc-early-termination:2e83d2ab-8ef3-47e0-8fad-d87c16095312"),
        ("deal", "Acme [/i] Holdings Red Inc.", "[link=file:///etc/passwd]Evil[/link] Corp Click :smile: LLC"),
        ("changes", "--since", "1d"),
        ("sources",),
    ):
        r = _cli(tmp_path, *args)
        _assert_safe(r)
    r = _cli(
        tmp_path, "deal", "Acme [/i] Holdings Red Inc.", "[link=file:///etc/passwd]Evil[/link] Corp Click :smile: LLC"
    )
    assert "[/i]" in r.stdout and "[link=file:///etc/passwd]Evil[/link]" in r.stdout
    r = _cli(tmp_path, "changes", "--since", "1d")
    assert "Acme [/i] Holdings" in r.stdout
    r = _cli(tmp_path, "search", "[/x]")
    assert "[/x]" in r.stderr  # the query is echoed as typed


def test_urls_are_printed_whole(tmp_path):
    r = _cli(tmp_path, "refresh", "--replay", str(tmp_path))  # nothing recorded: every source fails
    assert "Traceback" not in r.stdout + r.stderr
    assert "conditions[agencies][]" in r.stderr  # brackets in URLs are not eaten as markup


def test_only_http_urls_become_links():
    assert safe_url("https://example.org/x") == "https://example.org/x"
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", " JAVASCRIPT:x", "ftp://x/y", ""):
        assert safe_url(bad) is None
    rec = {
        "id": "x:1",
        "authority": "EC",
        "case_ref": "M.1",
        "title": "A / B",
        "parties": [],
        "url": "javascript:alert(document.cookie)",
        "events": [],
        "status": "cleared",
        "status_date": "2025-01-01",
        "match": {"reasons": ["test"]},
    }
    page = deal_html(
        {
            "query": ["a", "b"],
            "found": True,
            "authorities": [
                {"authority": "EC", "case_refs": ["M.1"], "status": "cleared", "status_date": None, "detail": None}
            ],
            "filings": [rec],
        }
    )
    assert "href='javascript" not in page and "javascript:alert" in page  # shown as text, not a link
    body = alert_body(
        "a / b",
        {**rec, "url": "javascript:alert(1)"},
        {"status": "cleared", "status_raw": "x", "date": None, "deadline": None, "observed_at": "t"},
    )
    assert body["url"] is None and "javascript" not in body["text"]


def test_atom_link_is_http_only(tmp_path, store):
    from datetime import date

    from mergerwatch.core.model import Filing, Status
    from mergerwatch.store import schema as t

    f = Filing(source="ec-mergers", source_id="M.1", authority="EC", jurisdiction="EU", title="A / B",
               status=Status.cleared, status_raw="x", deadline=date(2025, 1, 1))  # fmt: skip
    store.import_filings([f])  # two events (the status and the deadline) for the alerts to point at
    with store.engine.connect() as conn:
        event_ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM status_events ORDER BY id")]
    with store.write() as conn:
        wid = conn.execute(
            t.watches.insert().values(label="a / b", names=["a", "b"], created_at="2026-01-01")
        ).inserted_primary_key[0]
        rec = {"id": "x:1", "authority": "EC", "case_ref": "M.1", "title": "A / B"}
        for n, url in enumerate(("javascript:alert(1)", "https://competition-cases.ec.europa.eu/cases/M.1")):
            ev = {"status": "cleared", "status_raw": "x", "date": None, "deadline": None, "observed_at": "t"}
            body = alert_body("a / b", {**rec, "url": url}, ev)
            conn.execute(
                t.alerts.insert().values(watch_id=wid, event_id=event_ids[n], created_at="2026-01-02", body=body)
            )
    feed = tmp_path / "a.xml"
    write_atom(store, feed)
    text = feed.read_text()
    assert "javascript" not in text
    assert 'href="https://competition-cases.ec.europa.eu/cases/M.1"' in text


def test_clean_strips_controls_and_keeps_words():
    assert clean(f"A{ESC_COLOUR}B\x07C\u202eD\n") == "ABCD\n"
    assert clean(f"{OSC8}Click\x1b]8;;\x1b\\ x") == "Click x"
    assert clean("line\nbreak", one_line=True) == "line break"
