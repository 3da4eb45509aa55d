"""Autorité de la concurrence: the dataset's metadata names the file; the file is spooled and read one record at a
time, each merger decision its own payload; an unchanged file is not downloaded again; a file that is an HTML page,
cut off, served from an unknown host or half as long as before is refused and kept; saved copies are ingested in
parts; the Phase 1 clock as L430-5 counts it."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.ingest.files import ingest_files
from mergerwatch.ingest.refresh import refresh_source
from mergerwatch.query import clocks
from mergerwatch.sources import adlc_mergers
from mergerwatch.sources.adlc_mergers import AdlcMergers, french_date, iter_array_items, outcome_of, pick_resource
from mergerwatch.sources.adlc_mergers import decisions as adlc_decisions
from mergerwatch.sources.base import FetchContext
from mergerwatch.store.write.store import Store

from .conftest import FIXTURES
from .loopback import LoopbackServer, Reply, Script, free_port

FX = FIXTURES / "adlc-mergers"
RULE = HostRule(min_interval=0.0, timeout=5.0, retries=0, backoff=0.0, max_wait=1.0, deadline=10.0)
RECORDS = json.loads((FX / "decisions_3-records.unwrapped.json").read_text(encoding="utf-8"))
QUIRKS = json.loads((FX / "decisions_dcc-quirks.derived.json").read_text(encoding="utf-8"))
FILE = json.dumps(RECORDS + QUIRKS, ensure_ascii=False, indent=1).encode()  # 4 merger decisions among 6
JSON = {"Content-Type": "application/json"}
LIST = (FX / "merger-list_first-row-24-DCC-101.derived.html").read_bytes()
HTML = {"Content-Type": "text/html; charset=UTF-8"}


def metadata(file_url: str, modified: str = "2026-12-01T03:00:00", size: int = 210_000_000) -> bytes:
    """The dataset's metadata as the data.gouv.fr API gives it (resources with format, title, filesize, url), the
    French file among an English one and a CSV."""
    return json.dumps({"resources": [
        {"format": "csv", "title": "metadonnees.csv", "filesize": 900_000, "url": file_url + ".csv"},
        {"format": "json", "title": "decisions-en.json", "filesize": 90_000_000, "url": file_url + "-en.json"},
        {"format": "json", "title": "decisions.json", "filesize": size, "url": file_url, "last_modified": modified},
    ]}).encode()  # fmt: skip


PORTS: dict[str, int] = {}


def _refresh(store: Store, file_replies: list[Reply], meta: dict | None = None, origin: str | None = None):
    routes: dict[str, list[Reply]] = {"/data/decisions.json": file_replies, "/fr/liste": [Reply(200, LIST, HTML)]}
    script = Script(routes)
    # one port per store: the file's address is part of what tells a changed file from the same one
    with LoopbackServer(script, PORTS.setdefault(str(store.engine.url), free_port())) as srv:
        routes["/api/1/datasets/"] = [Reply(200, metadata(f"{srv.url}/data/decisions.json", **(meta or {})), JSON)]
        client = Client("tests@example.org", rules={}, default_rule=RULE, sleep=lambda s: None, validators=store)
        ctx = FetchContext(client=client, state=store)
        src = AdlcMergers(f"{srv.url}/api/1/datasets/decisions/", (origin or srv.url,), f"{srv.url}/fr/liste")
        try:
            res = refresh_source(store, src, ctx, "2026-12-07T00:00:00+00:00")
        finally:
            client.close()
    return res, [p for p, _h in script.hits], script


def test_each_merger_decision_is_stored_from_the_file_and_an_unchanged_file_is_not_read_again(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    res, hits, _ = _refresh(store, [Reply(200, FILE, {**JSON, "ETag": '"v1"'})])
    assert res.ok, res.errors
    # the French file (not the English one), then the merger list's first page
    assert hits == ["/api/1/datasets/decisions/", "/data/decisions.json", "/fr/liste"]
    assert store.reader().counts_by_source()["adlc-mergers"] == 4 + 1
    kinds = [p["kind"] for p in store.payloads("adlc-mergers")]
    assert kinds == ["decision"] * 4 + ["list"]  # one payload per decision
    res, hits, _ = _refresh(store, [Reply(200, FILE, JSON)])
    assert res.ok and hits == ["/api/1/datasets/decisions/", "/fr/liste"]  # the file has not changed
    res, hits, script = _refresh(store, [Reply(304, b"", {})], meta={"modified": "2026-12-06T03:00:00"})
    assert res.ok and hits[-2] == "/data/decisions.json"
    assert script.hits[-2][1].get("if-none-match") == '"v1"'  # asked conditionally: 304, nothing to read
    assert len(store.payloads("adlc-mergers")) == 5
    store.close()


def test_a_new_file_stores_only_the_decisions_that_changed(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    assert _refresh(store, [Reply(200, FILE, JSON)])[0].ok
    changed = json.loads(FILE)
    changed[1]["dispositifs_dcc"] = "Autorisation"  # unchanged value, but the second quirk gets a new outcome:
    changed[4]["phase_decision_concentration"] = "Phase 1"
    body = json.dumps(changed, ensure_ascii=False, indent=1).encode()
    res, _hits, _ = _refresh(store, [Reply(200, body, JSON)], meta={"modified": "2026-12-02T03:00:00"})
    assert res.ok, res.errors
    assert len(store.payloads("adlc-mergers")) == 6  # the one decision that changed is the one payload added
    store.close()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ((FX / "decisions-and-opinions-list_html-page.excerpt.html").read_bytes(), "HTML page"),
        (FILE[: len(FILE) // 2], "cut off"),
        (b'{"message": "Not found"}', "not the list of decisions"),
        (json.dumps(RECORDS[:1]).encode(), "0 merger decision(s) among 1 record(s)"),
    ],
    ids=["html", "cut-off", "object", "no-merger"],
)
def test_a_file_that_is_not_the_decisions_file_is_refused_and_kept(tmp_path: Path, body: bytes, words: str):
    store = Store(str(tmp_path / "mw.db"))
    res, _hits, _ = _refresh(store, [Reply(200, body, JSON)])
    assert not res.ok and words in " ".join(res.errors), res.errors
    kept = store.payloads("adlc-mergers", "error")
    assert kept and kept[-1]["size"] == len(body)  # the raw file kept whole (under 20 MB)
    assert store.reader().counts_by_source().get("adlc-mergers", 0) == 0
    store.close()


def test_a_file_half_as_long_as_before_is_refused(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    assert _refresh(store, [Reply(200, FILE, JSON)])[0].ok
    one = json.dumps(RECORDS, ensure_ascii=False).encode()  # 1 merger decision where there were 4
    res, _hits, _ = _refresh(store, [Reply(200, one, JSON)], meta={"modified": "2026-12-02T03:00:00"})
    assert not res.ok and "holds 1 merger decision(s) among 3 record(s), where it held 4" in " ".join(res.errors)
    store.close()


def test_a_file_on_another_host_is_not_downloaded(tmp_path: Path):
    store = Store(str(tmp_path / "mw.db"))
    res, hits, _ = _refresh(store, [Reply(200, FILE, JSON)], origin="https://static.data.gouv.fr")
    assert not res.ok and "not from https://static.data.gouv.fr" in " ".join(res.errors)
    assert hits == ["/api/1/datasets/decisions/"]
    assert store.payloads("adlc-mergers", "error")  # the metadata that named it was kept
    store.close()


def test_a_saved_copy_of_the_file_is_ingested_in_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(adlc_mergers, "FILE_PART", 1)  # a part per decision
    saved = tmp_path / "decisions.json"
    saved.write_bytes(FILE)
    out = ingest_files(str(tmp_path / "mw.db"), "adlc-mergers", [saved])
    assert len(out) == 4 and all(not isinstance(o, Exception) for _f, o in out)
    store = Store(str(tmp_path / "mw.db"))
    urls = [p["url"] for p in store.payloads("adlc-mergers")]
    assert [u.rsplit("#", 1)[1] for u in urls] == ["records-2-2", "records-4-4", "records-5-5", "records-6-6"]
    store.close()


def test_records_are_read_whole_across_reads(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(adlc_decisions, "READ", 7)  # every record straddles many reads
    got = list(iter_array_items(io.BytesIO(b'\xef\xbb\xbf [ {"a": "\xc3\xa9t\xc3\xa9"} ,\n{"b": [1, 2]}]\n')))
    assert got == [('{"a": "été"}', {"a": "été"}), ('{"b": [1, 2]}', {"b": [1, 2]})]
    assert list(iter_array_items(io.BytesIO(b"[]"))) == []
    with pytest.raises(adlc_mergers.NotAnArray):
        list(iter_array_items(io.BytesIO(b"<html>")))
    for broken in (b'[{"a": 1}', b'[{"a": 1}] trailing', b'[{"a": ', b"[\xff]"):
        with pytest.raises(ValueError):
            list(iter_array_items(io.BytesIO(broken)))
    with pytest.raises(ValueError, match="larger than"):
        list(iter_array_items(io.BytesIO(b'[{"a": "' + b"x" * 100 + b'"}]'), max_item=20))


def test_outcomes_dates_and_resources():
    assert outcome_of("Autorisation") == (outcome_of("autorisation")[0], "fr_authorisation")
    assert outcome_of("Autorisation sous réserve d'engagements")[1] == "fr_authorisation_remedies"
    assert outcome_of("Interdiction")[1] == "fr_prohibition"
    assert outcome_of("something else")[1] == "fr_unknown"
    assert french_date("du 1er juin 2024relative à") == date(2024, 6, 1)
    assert french_date("24 mai 2024") == date(2024, 5, 24) and french_date("31 février 2024") is None
    assert pick_resource([{"format": "JSON", "title": "decisions-en.json"}]) is None
    assert pick_resource([{"format": "csv", "url": "x"}]) is None


def test_the_phase_1_clock_counts_french_working_days():
    # 2024: 8 May, Ascension (9 May) and Whit Monday (20 May) are not working days
    c = clocks.compute("fr-phase1", date(2024, 5, 6))
    assert (c.end, c.days, c.calendar) == (date(2024, 6, 13), 25, "fr")
    assert clocks.compute("fr-phase1", date(2024, 5, 6), commitments=True).end == date(2024, 7, 4)
    # Phase 2 (L430-7): 65 working days from the opening; 2026: Easter Monday, 1 and 8 May, Ascension, Whit Monday
    assert clocks.compute("fr-phase2", date(2026, 3, 2)).end == date(2026, 6, 8)
    assert clocks.compute("fr-phase2", date(2026, 3, 2), extension=20).days == 85
    with pytest.raises(ValueError):
        clocks.compute("fr-phase2", date(2026, 3, 2), extension=21)
    # the real decision 24-DCC-101 (complete notification 6 May 2024, simplified) was taken within the period
    rec = AdlcMergers().parse(AdlcMergers().payload_for_file((FX / "decision_24-DCC-101.one-record.json")
                                                            .read_bytes(), "x.json")).filings[0]  # fmt: skip
    assert rec.extra["notification_date"] == "2024-05-06" and rec.status_date <= c.end


BOMB = __import__("gzip").compress(b"\0" * (8 * 1024 * 1024))


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply(200, FILE * 40, JSON), "sent more than"),
        (Reply(200, BOMB, {**JSON, "Content-Encoding": "gzip"}), "sent more than"),
        (Reply(200, FILE, JSON, truncate_to=len(FILE) // 3), "decisions.json"),
        (Reply(503, b"<html><body>Service Unavailable</body></html>", {"Content-Type": "text/html"}), "HTTP 503"),
    ],
    ids=["oversized", "gzip-bomb", "truncated", "503"],
)
def test_a_failed_download_of_the_file_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reply: Reply, words: str
):
    """The file (spooled to disk) fails as any answer fails: one sentence naming the source, what arrived kept,
    the stored decisions unchanged."""
    small = HostRule(min_interval=0.0, timeout=5.0, retries=0, backoff=0.0, max_wait=1.0, deadline=10.0,
                     max_body=64 * 1024)  # fmt: skip
    monkeypatch.setattr("tests.test_source_adlc_mergers.RULE", small)
    store = Store(str(tmp_path / "mw.db"))
    assert _refresh(store, [Reply(200, FILE, JSON)])[0].ok
    res, hits, _ = _refresh(store, [reply], meta={"modified": "2026-12-02T03:00:00"})
    assert not res.ok and all(e.startswith("adlc-mergers") for e in res.errors)
    assert words in " ".join(res.errors), res.errors
    assert store.reader().counts_by_source()["adlc-mergers"] == 5
    store.close()


def test_a_french_descriptor_before_a_name_does_not_hide_the_company():
    from mergerwatch.core.names import normalise_name, score_names

    def match(a: str, b: str) -> bool:
        return score_names(normalise_name(a), normalise_name(b)) is not None

    assert match("Transarc", "groupe Transarc") and match("Groupe Lactalis", "Lactalis")
    assert match("Kampexport", "la société Kampexport")
    assert not match("Groupe", "groupe Transarc") and not match("Transarc", "groupe Transdev")


def test_the_command_line_over_french_files_as_a_user_types_it(tmp_path: Path):
    from .conftest import run_cli

    db = str(tmp_path / "mw.db")
    html = FX / "decisions-and-opinions-list_html-page.excerpt.html"
    r = run_cli("parse", "adlc-mergers", str(html))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "adlc-mergers: the page lists 3 decision(s), none of them a merger decision" in r.stderr
    r = run_cli("ingest", "adlc-mergers", str(FX / "decisions_3-records.unwrapped.json"), str(html), db=db)
    assert r.returncode == 1 and "1 record(s)" in r.stdout and "not the merger list" in r.stderr
    r = run_cli("ingest", "adlc-mergers", str(FX / "merger-list_first-row-24-DCC-101.derived.html"), db=db)
    assert r.returncode == 0, r.stderr
    r = run_cli("deal", "Infranity", "Transarc", "--json", db=db)
    assert r.returncode == 0 and json.loads(r.stdout)["authorities"][0]["status"] == "cleared"  # the outcome wins
    r = run_cli("show", "24-DCC-101", db=db)
    assert r.returncode == 0 and "notification complète" in r.stdout
    r = run_cli("list", "--authority", "adlc", "--json", db=db)
    assert r.returncode == 0 and json.loads(r.stdout)[0]["case_ref"] == "24-DCC-101"
    r = run_cli("clock", "fr-phase1", "2024-05-06", "--extension", "3")
    assert r.returncode == 2 and "--extension" in r.stderr and "Traceback" not in r.stderr
