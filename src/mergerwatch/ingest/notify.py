"""Watch-list alerts after a refresh: changes touching a watch become alert rows, posted to a webhook and written to
an Atom feed.

An alert is a row first and a delivery second: a webhook that fails or times out never fails the
refresh, and the alert stays undelivered (and is reported again) until a later run delivers it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mergerwatch import __version__
from mergerwatch.core.errors import UsageError
from mergerwatch.core.redaction import redact, url_origin
from mergerwatch.core.textsafe import clean, safe_url
from mergerwatch.core.vocabulary import status_label
from mergerwatch.query.changes import events_observed_since
from mergerwatch.query.watches import watched_records
from mergerwatch.render.atom import atom_feed
from mergerwatch.store import schema as t
from mergerwatch.store.read.columns import OBSERVED_SQL
from mergerwatch.store.write.sql import now_iso
from mergerwatch.store.write.store import Store

if TYPE_CHECKING:
    import httpx

WEBHOOK_ATTEMPTS = 3
WEBHOOK_TIMEOUT = 10.0
ATOM_ENTRIES = 200


def check_webhook(url: str | None) -> str | None:
    """A webhook must be an http(s) URL with a host; anything else is a usage error when configured."""
    if not url:
        return None
    import httpx  # only when a webhook is configured: the read path never needs the HTTP stack

    if safe_url(url) != url.strip() or not httpx.URL(url.strip()).host:
        raise UsageError(
            f"--webhook / MERGERWATCH_WEBHOOK must be an http:// or https:// URL, not {url_origin(url)!s}"
            if "://" in url
            else "--webhook / MERGERWATCH_WEBHOOK must be an http:// or https:// URL (got a bare path or word)"
        )
    return url.strip()


# --- alerts after a refresh ------------------------------------------------------------------------


def collect_alerts(store: Store, observed_from: str) -> int:
    """Turn events first seen at or after ``observed_from`` that touch a watched deal into alert rows."""
    fresh = events_observed_since(store, observed_from)
    if not fresh:
        return 0
    created = 0
    for w in store.reader().watches():
        by_id = {r["id"]: r for r in watched_records(store, w, among=set(fresh))}
        for fid in set(by_id) & set(fresh):
            rec = by_id[fid]
            for ev in rec["events"]:
                eid = _event_id(store, fid, ev)
                if eid is None or eid not in fresh[fid]:
                    continue
                body = alert_body(w["label"], rec, ev)
                with store.write() as conn:
                    dup = conn.execute(
                        sa.select(t.alerts.c.id).where(t.alerts.c.watch_id == w["id"], t.alerts.c.event_id == eid)
                    ).first()
                    if not dup:
                        conn.execute(
                            t.alerts.insert().values(watch_id=w["id"], event_id=eid, created_at=now_iso(), body=body)
                        )
                        created += 1
    return created


def _event_id(store: Store, fid: str, ev: dict[str, Any]) -> int | None:
    sql = "SELECT e.id FROM status_events e JOIN filings f ON f.pk = e.filing_pk WHERE f.id = ? AND e.status_raw = ? "
    sql += f"AND {OBSERVED_SQL} = ?"
    params = [fid, ev["status_raw"], ev["observed_at"]]
    if ev["date"]:
        sql += " AND e.event_date = ?"
        params.append(ev["date"])
    rows = store.reader().rows(sql, params)
    return int(rows[0][0]) if rows else None


def alert_body(label: str, rec: dict[str, Any], ev: dict[str, Any]) -> dict[str, Any]:
    words = status_label(ev["status"], ev.get("detail"))
    link = safe_url(rec["url"]) or ""
    text = clean(
        f"mergerwatch: {label}: {rec['authority']} {rec['case_ref'] or ''}: {words} "
        f"({ev['status_raw']}, {ev['date'] or 'no date'}) {link}",
        one_line=True,
    ).strip()
    return {
        "text": text,  # Slack-compatible
        "watch": label,
        "filing_id": rec["id"],
        "authority": rec["authority"],
        "case_ref": rec["case_ref"],
        "title": rec["title"],
        "status": ev["status"],
        "status_label": words,
        "status_raw": ev["status_raw"],
        "date": ev["date"],
        "deadline": ev["deadline"],
        "url": link or None,
        "observed_at": ev["observed_at"],
    }


def pending_alerts(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.alerts).where(t.alerts.c.delivered_at.is_(None)).order_by(t.alerts.c.id)).all()
    return [dict(r._mapping) for r in rows]


def deliver(
    store: Store,
    webhook: str | None,
    atom: Path | None,
    transport: httpx.BaseTransport | None = None,
    sleep=time.sleep,
    terminal: bool = False,
) -> dict[str, Any]:
    """Deliver every undelivered alert. Never raises: failures are recorded and retried next run.
    With ``terminal`` the caller prints the alerts; with no webhook and no feed that printing is the delivery."""
    report: dict[str, Any] = {"pending": 0, "delivered": 0, "failed": 0, "errors": []}
    alerts = pending_alerts(store)
    report["pending"] = len(alerts)
    if atom is not None:
        try:
            write_atom(store, atom)
        except OSError as exc:
            report["errors"].append(f"could not write the Atom feed {atom}: {exc}")
    if not alerts:
        return report
    if not webhook:
        if atom is not None or terminal:  # the feed, or the terminal, is the delivery channel
            _mark(store, [a["id"] for a in alerts], None)
            report["delivered"] = len(alerts)
        return report
    import httpx

    with httpx.Client(
        transport=transport, timeout=WEBHOOK_TIMEOUT, verify=True, headers={"User-Agent": f"mergerwatch/{__version__}"}
    ) as client:
        for a in alerts:
            err = None
            for attempt in range(WEBHOOK_ATTEMPTS):
                try:
                    r = client.post(webhook, json=a["body"])
                    if r.status_code < 300:
                        err = None
                        break
                    err = f"HTTP {r.status_code}"
                    if 400 <= r.status_code < 500 and r.status_code not in (408, 429):
                        break  # the receiver refused this request: the same request will be refused again
                except httpx.HTTPError as exc:
                    err = type(exc).__name__
                if attempt + 1 < WEBHOOK_ATTEMPTS:
                    sleep(min(2.0**attempt, 10.0))
            if err is None:
                _mark(store, [a["id"]], None)
                report["delivered"] += 1
            else:
                msg = redact(f"webhook {url_origin(webhook)} failed: {err}")
                _mark(store, [a["id"]], msg)
                report["failed"] += 1
                report["errors"].append(msg)
    return report


def _mark(store: Store, ids: list[int], error: str | None) -> None:
    with store.write() as conn:
        for i in ids:
            vals: dict[str, Any] = {"attempts": t.alerts.c.attempts + 1, "last_error": error}
            if error is None:
                vals["delivered_at"] = now_iso()
            conn.execute(t.alerts.update().where(t.alerts.c.id == i).values(**vals))


def write_atom(store: Store, path: Path) -> None:
    """An Atom 1.0 feed of the newest alerts, replacing the file at ``path`` whole (written beside it, then moved)."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.alerts).order_by(t.alerts.c.id.desc()).limit(ATOM_ENTRIES)).all()
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_bytes(atom_feed(rows, str(store.url), now_iso()))
    tmp.replace(path)
