"""`deal --html`: a page a lawyer can forward, self-contained (inline CSS and SVG, nothing loaded from the network),
every scraped string escaped, links only http(s)."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from mergerwatch.core.textsafe import clean, safe_url
from mergerwatch.core.vocabulary import OPEN, status_label, status_words
from mergerwatch.query.deadlines import describe
from mergerwatch.render.terminal import deals_of, elapsed_words

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
    deals = deals_of(result)
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
    words = [elapsed_words(line["elapsed"])] if line.get("elapsed") else []
    if line.get("next_deadline"):
        words.append(describe(line["next_deadline"]))
    return "; ".join(words)


def _as_of(result: dict[str, Any]) -> str:
    as_of = result.get("as_of") or {}
    if not as_of:
        return ""
    files = set(result.get("as_of_files") or ())
    items = [
        f"{k}: {v[:16].replace('T', ' ') + ' UTC' if v else 'never refreshed'}"
        + (" (its newest stored file; never refreshed)" if k in files else "")
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
        if r["status"] in OPEN:
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
