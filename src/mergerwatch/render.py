"""How records look to a person: rich tables and timelines in the terminal, CSV, a self-contained HTML page."""

from __future__ import annotations

import csv
import html
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mergerwatch.textsafe import clean, safe_url
from mergerwatch.vocabulary import status_label, status_words

STATUS_STYLE = {
    "cleared": "green",
    "cleared_with_remedies": "yellow",
    "prohibited": "bold red",
    "abandoned": "red",
    "challenged": "bold magenta",
    "in_depth_review": "magenta",
    "notified": "cyan",
    "under_review": "cyan",
    "pre_notification": "cyan",
    "referred": "blue",
    "closed_no_jurisdiction": "dim",
    "closed": "dim",
    "revoked": "red",
    "dissolution_ordered": "bold red",
    "unknown": "bold yellow",
}
STATUS_COLOUR = {  # for the HTML page
    "cleared": "#2e7d32",
    "cleared_with_remedies": "#b28704",
    "prohibited": "#c62828",
    "abandoned": "#ad1457",
    "challenged": "#6a1b9a",
    "in_depth_review": "#8e24aa",
    "notified": "#0277bd",
    "under_review": "#0277bd",
    "pre_notification": "#0277bd",
    "referred": "#283593",
    "unknown": "#ef6c00",
}


def T(value: Any, style: str = "") -> Text:
    """Outside text as a rich Text: never markup, never a control sequence."""
    return Text(clean(value), style=style)


def records_table(records: list[dict[str, Any]], title: str | None = None) -> Table:
    table = Table(title=T(title) if title else None, show_lines=False, expand=False)
    for col in ("id", "authority", "case", "status", "date", "title"):
        table.add_column(col, overflow="fold")
    for r in records:
        label = (
            status_label(r["status"], r.get("detail"))
            if r["status"]
            else f"notice: {r.get('classification', {}).get('kind', '')}"
        )
        table.add_row(
            T(r["id"]),
            T(r["authority"]),
            T(r.get("case_ref") or ""),
            T(label, STATUS_STYLE.get(r["status"] or "", "dim")),
            T(r.get("status_date") or ""),
            T(r["title"]),
        )
    return table


def filing_panel(r: dict[str, Any]) -> Panel:
    lines = Table.grid(padding=(0, 1))
    lines.add_column(style="bold")
    lines.add_column(overflow="fold")
    lines.add_row("authority", T(f"{r['authority']} ({r['jurisdiction']})"))
    lines.add_row("case", T(r.get("case_ref") or "-"))
    lines.add_row(
        "status",
        T(status_words(r["status"], r.get("detail"), r.get("status_date")), STATUS_STYLE.get(r["status"], "")),
    )
    lines.add_row("authority's words", T(r["status_raw"]))
    if r.get("deadline"):
        lines.add_row("deadline", T(r["deadline"]))
    if r.get("next_deadline"):
        from mergerwatch.deadlines import describe

        lines.add_row("next deadline", T(describe(r["next_deadline"])))
    for p in r["parties"]:
        lines.add_row(T(p["role"]), T(p["name"]))
    lines.add_row("source", T(f"{r['source']} : {r['source_id']}"))
    if r.get("url"):
        lines.add_row("link", T(r["url"]))
    if r.get("match"):
        for reason in r["match"]["reasons"]:
            lines.add_row("matched", T(reason))
    events = Table(title="history", show_edge=False)
    for col in ("date", "status", "authority's words", "deadline", "seen"):
        events.add_column(col, overflow="fold")
    for e in r.get("events", []):
        events.add_row(
            T(e["date"] or ""),
            T(status_label(e["status"], e.get("detail")), STATUS_STYLE.get(e["status"] or "", "dim")),
            T(e["status_raw"]),
            T(e.get("deadline") or ""),
            T((e.get("observed_at") or "")[:16]),
        )
    return Panel(Group(lines, events), title=T(r["title"]), title_align="left", expand=False)


def timeline_chart(filings: list[dict[str, Any]], width: int = 60) -> Text:
    """One row per authority on a shared date axis, a marker per status event."""
    points = [(a, e) for r in filings for e in r.get("events", []) if e["date"] for a in [r["authority"]]]
    out = Text()
    if not points:
        return out
    days = [date.fromisoformat(e["date"]).toordinal() for _a, e in points]
    lo, hi = min(days), max(days)
    span = max(hi - lo, 1)
    rows: dict[str, list[str]] = {}
    styles: dict[str, list[str]] = {}
    for auth, e in points:
        pos = int((date.fromisoformat(e["date"]).toordinal() - lo) / span * (width - 1))
        row = rows.setdefault(auth, ["─"] * width)
        sty = styles.setdefault(auth, [""] * width)
        row[pos] = "●" if e["status"] else "○"
        sty[pos] = STATUS_STYLE.get(e["status"] or "", "dim")
    for auth in sorted(rows):
        out.append(f"{clean(auth, one_line=True):>6} ")
        for ch, st in zip(rows[auth], styles[auth], strict=True):
            out.append(ch, style=st)
        out.append("\n")
    first, last = date.fromordinal(lo).isoformat(), date.fromordinal(hi).isoformat()
    out.append(" " * 7 + first + " " * max(1, width - len(first) - len(last)) + last + "\n", style="dim")
    return out


def print_deal(console: Console, result: dict[str, Any]) -> None:
    q = clean(" + ".join(result["query"]), one_line=True)
    if not result["found"]:
        console.print(T(f"No filing names all of: {q}", "bold"))
        if result.get("store_empty"):
            console.print(
                T("The store is empty: run `mergerwatch refresh` to fetch the sources, or `mergerwatch demo`.")
            )
        for nm in result.get("near_misses", []):
            console.print(T(f"  '{clean(nm['name'], one_line=True)}' alone: {nm['filings_alone']} filing(s)"))
            for ex in nm["examples"]:
                line = Text(f"     {ex['date'] or '?':10}  {status_label(ex['status']):22} ")
                line.append(clean(ex["title"], one_line=True))
                line.append("  " + clean(ex["id"], one_line=True), style="dim")
                console.print(line)
        cov = Table(title="sources searched")
        for col in ("source", "authority", "records", "last success"):
            cov.add_column(col)
        for c in result.get("coverage", []):
            cov.add_row(T(c["source"]), T(c["authority"]), str(c["records"]), T(c["last_success"] or "never"))
        console.print(cov)
        for fact in result.get("coverage_facts", []):
            console.print(T(f"- {fact}", "dim"))
        return
    summary = Table(title=T(f"Where {q} stands"))
    for col in ("authority", "case", "status", "since", "filings"):
        summary.add_column(col, overflow="fold")
    for s in result["authorities"]:
        summary.add_row(
            T(s["authority"]),
            T(", ".join(s["case_refs"])),
            T(status_words(s["status"], s.get("detail"), s["status_date"]), STATUS_STYLE.get(s["status"], "")),
            T(s["status_date"] or ""),
            str(len(s["filings"])),
        )
    console.print(summary)
    console.print(timeline_chart(result["filings"]))
    for r in result["filings"]:
        console.print(filing_panel(r))


def deal_csv(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "authority",
            "case_ref",
            "filing_id",
            "title",
            "event_date",
            "status",
            "status_raw",
            "deadline",
            "current_status",
            "url",
            "match",
        ]
    )
    for r in result["filings"]:
        for e in r["events"] or [{}]:
            w.writerow(
                [
                    r["authority"],
                    r["case_ref"],
                    r["id"],
                    r["title"],
                    e.get("date"),
                    e.get("status"),
                    e.get("status_raw"),
                    e.get("deadline"),
                    r["status"],
                    e.get("url") or r["url"],
                    " | ".join(r["match"]["reasons"]),
                ]
            )
    return buf.getvalue()


def deal_html(result: dict[str, Any]) -> str:
    """A self-contained page (inline CSS and SVG, nothing loaded from the network); every scraped string escaped."""
    e = _h
    q = " + ".join(result["query"])
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>mergerwatch: {e(q)}</title><style>",
        "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
        "h2{margin-top:2em}.s{font-weight:600}</style></head><body>",
        f"<h1>Where {e(q)} stands</h1>",
    ]
    if not result["found"]:
        parts.append("<p>No filing names all of these companies.</p><ul>")
        for f in result.get("coverage_facts", []):
            parts.append(f"<li>{e(f)}</li>")
        parts.append("</ul></body></html>")
        return "".join(parts)
    parts.append(_svg_timeline(result["filings"]))
    parts.append("<table><tr><th>authority</th><th>case</th><th>status</th><th>since</th></tr>")
    for s in result["authorities"]:
        parts.append(
            f"<tr><td>{e(s['authority'])}</td><td>{e(', '.join(s['case_refs']))}</td>"
            f"<td class='s'>{e(status_words(s['status'], s.get('detail'), s['status_date']))}</td>"
            f"<td>{e(s['status_date'] or '')}</td></tr>"
        )
    parts.append("</table>")
    for r in result["filings"]:
        parts.append(f"<h2>{e(r['authority'])} {e(r['case_ref'] or '')}: {e(r['title'])}</h2><p>")
        parts.append("<br>".join(f"{e(p['role'])}: {e(p['name'])}" for p in r["parties"]))
        link = safe_url(r.get("url"))
        if link:
            parts.append(f"<br><a href='{e(link)}' rel='noreferrer'>{e(link)}</a>")
        elif r.get("url"):
            parts.append(f"<br>{e(clean(r['url']))}")
        parts.append("<br><small>" + e(" | ".join(r["match"]["reasons"])) + "</small></p>")
        parts.append("<table><tr><th>date</th><th>status</th><th>authority's words</th><th>deadline</th></tr>")
        for ev in r["events"]:
            parts.append(
                f"<tr><td>{e(ev['date'] or '')}</td><td>{e(status_label(ev['status'], ev.get('detail')))}</td>"
                f"<td>{e(ev['status_raw'])}</td><td>{e(ev.get('deadline') or '')}</td></tr>"
            )
        parts.append("</table>")
    parts.append(
        "<p><small>Made by mergerwatch from public notices. US HSR filings are confidential: "
        "absence of a US record says nothing about a filing.</small></p></body></html>"
    )
    return "".join(parts)


def _h(value: Any) -> str:
    return html.escape(clean(value))


def _svg_timeline(filings: list[dict[str, Any]]) -> str:
    e = _h
    pts = [(r["authority"], ev) for r in filings for ev in r["events"] if ev["date"]]
    if not pts:
        return ""
    days = [date.fromisoformat(ev["date"]).toordinal() for _a, ev in pts]
    lo, hi = min(days), max(days)
    span = max(hi - lo, 1)
    auths = sorted({a for a, _ in pts})
    w, left, row_h = 760, 70, 34
    h = row_h * len(auths) + 40
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{w + left + 20}' height='{h}' role='img' "
        f"aria-label='timeline'>"
    ]
    for i, a in enumerate(auths):
        y = 20 + i * row_h
        out.append(
            f"<text x='0' y='{y + 5}' font-size='13'>{e(a)}</text>"
            f"<line x1='{left}' y1='{y}' x2='{left + w}' y2='{y}' stroke='#bbb'/>"
        )
    for a, ev in pts:
        x = left + (date.fromisoformat(ev["date"]).toordinal() - lo) / span * w
        y = 20 + auths.index(a) * row_h
        colour = STATUS_COLOUR.get(ev["status"] or "", "#888")
        label = f"{ev['date']}: {status_label(ev['status'], ev.get('detail'))} - {ev['status_raw']}"
        out.append(f"<circle cx='{x:.1f}' cy='{y}' r='6' fill='{colour}'><title>{e(label)}</title></circle>")
    out.append(
        f"<text x='{left}' y='{h - 5}' font-size='11'>{date.fromordinal(lo).isoformat()}</text>"
        f"<text x='{left + w - 70}' y='{h - 5}' font-size='11'>{date.fromordinal(hi).isoformat()}</text></svg>"
    )
    return "".join(out)


def deadlines_ics(records: list[dict[str, Any]]) -> bytes:
    """An iCalendar file with one all-day event per deadline: authority, case, status, link. Outside text is
    data here too: icalendar escapes it, and only http(s) links are written."""
    from icalendar import Calendar, Event

    from mergerwatch.deadlines import describe

    cal = Calendar()
    cal.add("prodid", "-//mergerwatch//deadlines//EN")
    cal.add("version", "2.0")
    for r in records:
        dl = r.get("next_deadline")
        if not dl:
            continue
        ev = Event()
        day = date.fromisoformat(dl["date"])
        ev.add("uid", f"{r['id']}:{dl['date']}@mergerwatch")
        ev.add("dtstamp", datetime.now(UTC))
        ev.add("dtstart", day)
        ev.add("dtend", day + timedelta(days=1))
        case = clean(r.get("case_ref") or "", one_line=True)
        ev.add("summary", clean(f"{r['authority']} {case}: {r['title']} — deadline ({dl['kind']})", one_line=True))
        lines = [describe(dl), f"status: {r.get('status_label') or r['status']}", f"mergerwatch show {r['id']}"]
        url = safe_url(r.get("url") or "")
        if url:
            ev.add("url", url)
            lines.append(url)
        ev.add("description", clean("\n".join(lines)))
        cal.add_component(ev)
    return cal.to_ical()
