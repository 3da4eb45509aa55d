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

from mergerwatch.core.textsafe import clean, safe_url
from mergerwatch.core.vocabulary import status_label, status_words

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
    if r.get("elapsed"):
        lines.add_row("elapsed", T(elapsed_words(r["elapsed"])))
    if r.get("next_deadline"):
        from mergerwatch.query.deadlines import describe

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
    for col in ("date", "+days", "status", "authority's words", "deadline", "seen"):
        events.add_column(col, overflow="fold", justify="right" if col == "+days" else "left")
    for e in r.get("events", []):
        gap = e.get("days_after_previous")
        events.add_row(
            T(e["date"] or ""),
            T("" if gap is None else f"+{gap}", "dim"),
            T(status_label(e["status"], e.get("detail")), STATUS_STYLE.get(e["status"] or "", "dim")),
            T(e["status_raw"]),
            T(e.get("deadline") or ""),
            T((e.get("observed_at") or "")[:16]),
        )
    return Panel(Group(lines, events), title=T(r["title"]), title_align="left", expand=False)


def elapsed_words(el: dict[str, Any]) -> str:
    """'in Phase 2 (in-depth review) for 45 days, since 2026-02-10'."""
    phase = f"Phase {el['phase']} ({el['stage']})" if el.get("phase") else str(el.get("stage") or "this stage")
    return f"in {phase} for {el['days']} day(s), since {el['since']}"


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


def _deals_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The result's deals; a result without them (written by hand, or by an older mergerwatch) is one deal."""
    if result.get("deals"):
        return result["deals"]
    ids = [r["id"] for r in result["filings"]]
    return [{"deal": 1, "from": None, "to": None, "reasons": [], "authorities": result["authorities"], "filings": ids}]


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
    deals = _deals_of(result)
    by_id = {r["id"]: r for r in result["filings"]}
    if len(deals) > 1:
        console.print(T(f"{len(deals)} separate transactions of {q}, newest first", "bold"))
    for d in deals:
        title = f"Where {q} stands" if len(deals) == 1 else f"Deal {d['deal']}: {d['from']} to {d['to']}"
        summary = Table(title=T(title))
        for col in ("authority", "case", "status", "since", "elapsed", "filings"):
            summary.add_column(col, overflow="fold")
        for s in d["authorities"]:
            el = s.get("elapsed")
            summary.add_row(
                T(s["authority"]),
                T(", ".join(s["case_refs"])),
                T(status_words(s["status"], s.get("detail"), s["status_date"]), STATUS_STYLE.get(s["status"], "")),
                T(s["status_date"] or ""),
                T(f"{el['days']} days in this stage" if el else ""),
                str(len(s["filings"])),
            )
        console.print(summary)
        if len(deals) > 1:
            console.print(T("grouped: " + "; ".join(d["reasons"]), "dim"))
        filings = [by_id[i] for i in d["filings"] if i in by_id]
        console.print(timeline_chart(filings))
        for r in filings:
            console.print(filing_panel(r))
    if result.get("as_of"):
        console.print(T("as of: " + ", ".join(f"{k} {v or 'never refreshed'}" for k, v in result["as_of"].items()),
                        "dim"))  # fmt: skip


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


LEGEND = (
    ("notified / under review", "notified"),
    ("Phase 2 / in-depth", "in_depth_review"),
    ("cleared", "cleared"),
    ("cleared with remedies", "cleared_with_remedies"),
    ("challenged", "challenged"),
    ("prohibited", "prohibited"),
    ("abandoned", "abandoned"),
    ("referred", "referred"),
    ("not known", "unknown"),
)
OPEN_STATUSES = ("pre_notification", "notified", "under_review", "in_depth_review")


def deal_html(result: dict[str, Any], today: date | None = None) -> str:
    """A page a lawyer can forward: self-contained (inline CSS and SVG, nothing loaded from the network), every
    scraped string escaped, links only http(s). As-of dates per source, a legend, one bar per authority from
    opening to decision (to the next deadline while open), the authority's own words and links."""
    e = _h
    today = today or date.today()
    q = " + ".join(result["query"])
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>mergerwatch: {e(q)}</title><style>",
        "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1000px}"
        "table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
        "h2{margin-top:2em}.s{font-weight:600}.n{text-align:right}.m{color:#666;font-size:12px}"
        ".k{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 12px;vertical-align:-1px}"
        "</style></head><body>",
        f"<h1>Where {e(q)} stands</h1>",
        f"<p class='m'>Page made {e(today.isoformat())} by mergerwatch from public notices. {_as_of(result)}</p>",
    ]
    if not result["found"]:
        parts.append("<p>No filing names all of these companies.</p><ul>")
        for f in result.get("coverage_facts", []):
            parts.append(f"<li>{e(f)}</li>")
        parts.append("</ul></body></html>")
        return "".join(parts)
    keys = "".join(f"<span class='k' style='background:{STATUS_COLOUR[c]}'></span>{e(label)}" for label, c in LEGEND)
    parts.append(
        f"<p class='m'>{keys}<br>Bars run from the first public event to the decision, or to the next deadline "
        "while the review is open (lighter). Dots are events; hover for the authority's words.</p>"
    )
    by_id = {r["id"]: r for r in result["filings"]}
    deals = _deals_of(result)
    if len(deals) > 1:
        parts.append(f"<p><b>{len(deals)} separate transactions</b> of these parties, newest first.</p>")
    for d in deals:
        filings = [by_id[i] for i in d["filings"] if i in by_id]
        if len(deals) > 1:
            parts.append(f"<h2>Deal {d['deal']}: {e(d.get('from') or '?')} to {e(d.get('to') or '?')}</h2>")
            parts.append(f"<p class='m'>Grouped: {e('; '.join(d['reasons']))}</p>")
        parts.append(_svg_bars(filings, today))
        parts.append(
            "<table><tr><th>authority</th><th>case</th><th>status</th><th>since</th><th>the authority's words</th>"
            "<th>elapsed / next deadline</th></tr>"
        )
        for line in d["authorities"]:
            parts.append(
                f"<tr><td>{e(line['authority'])}</td><td>{e(', '.join(line['case_refs']))}</td>"
                f"<td class='s'>{e(status_words(line['status'], line.get('detail'), line['status_date']))}</td>"
                f"<td>{e(line['status_date'] or '')}</td><td>{e(line.get('status_raw') or '')}</td>"
                f"<td>{e(_timing(line))}</td></tr>"
            )
        parts.append("</table>")
        parts += [_html_filing(r) for r in filings]
    parts.append(
        "<p><small>US HSR filings are confidential: absence of a US record says nothing about a filing. "
        "Dates are those the authorities published; check the linked notices before relying on them.</small></p>"
        "</body></html>"
    )
    return "".join(parts)


def _timing(line: dict[str, Any]) -> str:
    from mergerwatch.query.deadlines import describe

    words = [elapsed_words(line["elapsed"])] if line.get("elapsed") else []
    if line.get("next_deadline"):
        words.append(describe(line["next_deadline"]))
    return "; ".join(words)


def _as_of(result: dict[str, Any]) -> str:
    as_of = result.get("as_of") or {}
    if not as_of:
        return ""
    items = [
        f"{k}: {v[:16].replace('T', ' ') + ' UTC' if v else 'never refreshed (files ingested)'}"
        for k, v in as_of.items()
    ]
    return "As of each source's last successful refresh: " + _h("; ".join(items)) + "."


def _html_filing(r: dict[str, Any]) -> str:
    e = _h
    out = [f"<h3>{e(r['authority'])} {e(r['case_ref'] or '')}: {e(r['title'])}</h3><p>"]
    out.append("<br>".join(f"{e(p['role'])}: {e(p['name'])}" for p in r["parties"]))
    link = safe_url(r.get("url"))
    if link:
        out.append(f"<br><a href='{e(link)}' rel='noreferrer'>{e(link)}</a>")
    elif r.get("url"):
        out.append(f"<br>{e(clean(r['url']))}")
    if r.get("match"):
        out.append("<br><small>" + e(" | ".join(r["match"]["reasons"])) + "</small>")
    out.append(
        "</p><table><tr><th>date</th><th>+days</th><th>status</th><th>the authority's words</th>"
        "<th>deadline</th><th>notice</th></tr>"
    )
    for ev in r["events"]:
        gap = ev.get("days_after_previous")
        ev_link = safe_url(ev.get("url"))
        notice = f"<a href='{e(ev_link)}' rel='noreferrer'>link</a>" if ev_link and ev_link != link else ""
        out.append(
            f"<tr><td>{e(ev['date'] or '')}</td><td class='n'>{'' if gap is None else '+' + str(gap)}</td>"
            f"<td>{e(status_label(ev['status'], ev.get('detail')))}</td><td>{e(ev['status_raw'])}</td>"
            f"<td>{e(ev.get('deadline') or '')}</td><td>{notice}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _h(value: Any) -> str:
    return html.escape(clean(value))


def _svg_bars(filings: list[dict[str, Any]], today: date) -> str:
    """One row per authority: a bar from its first dated event to its decision (or, open, to the next deadline,
    else today, drawn lighter), and a dot per event with the authority's words as its tooltip."""
    e = _h
    rows: dict[str, dict[str, Any]] = {}
    for r in filings:
        row = rows.setdefault(r["authority"], {"events": [], "status": r["status"], "end": None, "open": False})
        row["events"] += [ev for ev in r["events"] if ev.get("date")]
        if r["status"] in OPEN_STATUSES:
            nd = (r.get("next_deadline") or {}).get("date") or r.get("deadline") or today.isoformat()
            row.update(open=True, status=r["status"], end=max(filter(None, [row["end"], nd])))
        elif r.get("status_date"):
            row["end"] = max(filter(None, [row["end"], r["status_date"]]))
            if not row["open"]:
                row["status"] = r["status"]
    dates = [ev["date"][:10] for row in rows.values() for ev in row["events"]]
    dates += [row["end"][:10] for row in rows.values() if row["end"]]
    if not dates:
        return ""
    lo, hi = date.fromisoformat(min(dates)).toordinal(), date.fromisoformat(max(dates)).toordinal()
    span = max(hi - lo, 1)
    w, left, row_h = 760, 70, 34
    h = row_h * len(rows) + 40

    def x(day: str) -> float:
        return left + (date.fromisoformat(day[:10]).toordinal() - lo) / span * w

    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{w + left + 20}' height='{h}' role='img' "
        "aria-label='timeline by authority'>"
    ]
    for i, (auth, row) in enumerate(sorted(rows.items())):
        y = 20 + i * row_h
        out.append(f"<text x='0' y='{y + 5}' font-size='13'>{e(auth)}</text>")
        out.append(f"<line x1='{left}' y1='{y}' x2='{left + w}' y2='{y}' stroke='#eee'/>")
        starts = sorted(ev["date"] for ev in row["events"])
        if starts and row["end"]:
            x0, x1 = x(starts[0]), x(row["end"])
            colour = STATUS_COLOUR.get(row["status"], "#888")
            tip = f"{starts[0]} to {row['end'][:10]}" + (" (open: to the next deadline)" if row["open"] else "")
            out.append(
                f"<rect x='{x0:.1f}' y='{y - 6}' width='{max(x1 - x0, 2):.1f}' height='12' rx='3' fill='{colour}' "
                f"fill-opacity='{0.35 if row['open'] else 0.6}'><title>{e(tip)}</title></rect>"
            )
        for ev in row["events"]:
            colour = STATUS_COLOUR.get(ev["status"] or "", "#888")
            label = f"{ev['date']}: {status_label(ev['status'], ev.get('detail'))} - {ev['status_raw']}"
            out.append(
                f"<circle cx='{x(ev['date']):.1f}' cy='{y}' r='5' fill='{colour}'><title>{e(label)}</title></circle>"
            )
    first, last = date.fromordinal(lo).isoformat(), date.fromordinal(hi).isoformat()
    out.append(
        f"<text x='{left}' y='{h - 5}' font-size='11'>{first}</text>"
        f"<text x='{left + w - 70}' y='{h - 5}' font-size='11'>{last}</text></svg>"
    )
    return "".join(out)


def deadlines_ics(records: list[dict[str, Any]]) -> bytes:
    """An iCalendar file with one all-day event per deadline: authority, case, status, link. Outside text is
    data here too: icalendar escapes it, and only http(s) links are written."""
    from icalendar import Calendar, Event

    from mergerwatch.query.deadlines import describe

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
