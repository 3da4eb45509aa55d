"""Watch-list alerts (webhook retried until delivered, Atom feed always valid XML) and the change report."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from mergerwatch.core.dates import parse_since
from mergerwatch.core.model import Filing, Party, Role, Status
from mergerwatch.ingest.notify import collect_alerts, deliver, pending_alerts, write_atom
from mergerwatch.query.changes import changes
from mergerwatch.store.write.sql import now_iso

from .conftest import cli_json, run_cli
from .loopback import LoopbackServer, Reply, Script


def _filing(status: Status, raw: str, title: str = "20260001: Acme Widgets Inc.; Beta\x07 Corp <b>&amp;</b>") -> Filing:
    return Filing(
        source="ftc-early-termination",
        source_id="w1",
        authority="FTC",
        jurisdiction="US",
        case_ref="20260001",
        title=title,
        parties=[Party(name="Acme Widgets Inc.", role=Role.acquirer), Party(name="Beta Corp", role=Role.target)],
        status=status,
        status_raw=raw,
        status_date=None,
        parser_version="t",
    )


def test_webhook_failure_never_loses_the_alert(store, tmp_path):
    store.add_watch(["Acme Widgets", "Beta"])
    start = now_iso()
    store.import_filings([_filing(Status.cleared, "Early termination granted")])
    assert collect_alerts(store, start) == 1
    assert collect_alerts(store, start) == 0  # not twice
    script = Script({"/hook": [Reply(500, b"down"), Reply(500, b"down"), Reply(500, b"down"), Reply(200, b"ok")]})
    with LoopbackServer(script) as srv:
        first = deliver(store, f"{srv.url}/hook", None, sleep=lambda s: None)
        assert first["failed"] == 1 and "HTTP 500" in first["errors"][0]
        assert len(pending_alerts(store)) == 1  # kept for the next run
        second = deliver(store, f"{srv.url}/hook", None, sleep=lambda s: None)
    assert second["delivered"] == 1 and pending_alerts(store) == []
    sent = [h for h in script.hits if h[0] == "/hook"]
    assert len(sent) == 4  # three bounded attempts, then one more on the next run


def test_webhook_timeout_does_not_raise(store):
    store.add_watch(["Acme Widgets", "Beta"])
    start = now_iso()
    store.import_filings([_filing(Status.cleared, "Early termination granted")])
    collect_alerts(store, start)
    import mergerwatch.ingest.notify as al

    al.WEBHOOK_TIMEOUT = 0.3
    try:
        with LoopbackServer(Script({"/hook": [Reply(200, b"ok", delay=1.0)]})) as srv:
            rep = deliver(store, f"{srv.url}/hook", None, sleep=lambda s: None)
    finally:
        al.WEBHOOK_TIMEOUT = 10.0
    assert rep["failed"] == 1 and "Timeout" in rep["errors"][0]


def test_atom_feed_is_valid_xml_whatever_the_text(store, tmp_path):
    store.add_watch(["Acme Widgets", "Beta"])
    start = now_iso()
    store.import_filings([_filing(Status.challenged, "FTC sues to block \x00\x1b <script>alert(1)</script> ]]>")])
    collect_alerts(store, start)
    feed = tmp_path / "alerts.xml"
    write_atom(store, feed)
    root = ET.parse(feed).getroot()  # parses: valid XML
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert len(titles) == 1 and "<script>" in titles[0] and "\x00" not in titles[0]


def test_changes_grouped_by_deal_newest_first(db):
    from mergerwatch.store.write.store import Store

    s = Store(db)
    s.import_filings([_filing(Status.notified, "Notified")])
    s.import_filings([_filing(Status.cleared, "Early termination granted")])
    groups = changes(s, parse_since("1d"))
    assert len(groups) == 1 and groups[0]["deal"] == "Acme Widgets Inc. / Beta Corp"
    assert [c["status"] for c in groups[0]["changes"]] == ["cleared", "notified"]
    out = cli_json("changes", "--since", "1d", db=db)
    assert out["deals"][0]["changes"][0]["status"] == "cleared"
    r = run_cli("changes", "--since", "yesterday-ish", db=db)
    assert r.returncode == 2 and "--since takes" in r.stderr


def test_watch_commands(db):
    assert run_cli("watch", "add", "nvidia", "groq", db=db).returncode == 0
    rows = cli_json("watch", "list", db=db)
    assert rows[0]["label"] == "nvidia / groq"
    assert run_cli("watch", "remove", "nvidia / groq", db=db).returncode == 0
    assert cli_json("watch", "list", db=db) == []


def test_alerts_printed_with_no_other_sink_are_delivered_once(store):
    store.add_watch(["Acme Widgets", "Beta"])
    start = now_iso()
    store.import_filings([_filing(Status.cleared, "Early termination granted")])
    collect_alerts(store, start)
    assert len(pending_alerts(store)) == 1
    rep = deliver(store, None, None, terminal=True)
    assert rep["delivered"] == 1 and pending_alerts(store) == []  # not printed again after the next refresh
    assert store.reader().watches()[0]["undelivered_alerts"] == 0


def test_watch_list_counts_only_failed_deliveries(store):
    store.add_watch(["Acme Widgets", "Beta"])
    start = now_iso()
    store.import_filings([_filing(Status.cleared, "Early termination granted")])
    collect_alerts(store, start)
    assert store.reader().watches()[0]["undelivered_alerts"] == 0  # waiting for its first delivery is no failure
    script = Script({"/hook": [Reply(503, b"down")]})
    with LoopbackServer(script) as srv:
        deliver(store, f"{srv.url}/hook/T0KEN/secret", None, sleep=lambda s: None)
    assert store.reader().watches()[0]["undelivered_alerts"] == 1


def test_webhook_4xx_is_not_retried_and_its_path_is_never_shown(store):
    import sqlalchemy as sa

    from mergerwatch.store import schema as t

    store.add_watch(["Acme Widgets", "Beta"])
    start = now_iso()
    store.import_filings([_filing(Status.cleared, "Early termination granted")])
    collect_alerts(store, start)
    script = Script({"/hook": [Reply(404, b"no such hook")]})
    with LoopbackServer(script) as srv:
        rep = deliver(store, f"{srv.url}/hook/T0KEN/secret?sig=abc", None, sleep=lambda s: None)
    assert len([h for h in script.hits if h[0].startswith("/hook")]) == 1  # a 404 is not retried
    assert rep["failed"] == 1 and "T0KEN" not in rep["errors"][0] and "sig=abc" not in rep["errors"][0]
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(t.alerts.c.last_error)).scalar()
    assert "HTTP 404" in stored and "T0KEN" not in stored


def test_webhook_must_be_http(tmp_path):
    import pytest

    from mergerwatch.core.errors import UsageError
    from mergerwatch.ingest.notify import check_webhook

    assert check_webhook("https://hooks.example.org/x") == "https://hooks.example.org/x"
    for bad in ("file:///etc/passwd", "ftp://x/y", "javascript:alert(1)", "/tmp/hook", "hooks.example.org"):
        with pytest.raises(UsageError):
            check_webhook(bad)
