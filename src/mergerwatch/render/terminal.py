"""How records look to a person in a terminal: a table of records, one filing with its history, a deal's timeline
per authority. Outside text is shown as data (rich Text objects, never markup), control sequences removed."""

from __future__ import annotations

import shlex
from datetime import date
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mergerwatch.core.dates import human_when
from mergerwatch.core.lazy import lazy
from mergerwatch.core.textsafe import clean
from mergerwatch.core.vocabulary import short_label, status_label, status_words
from mergerwatch.render.console import T
from mergerwatch.render.layout import Col, FitTable

# Only `show` and `deal` print a deadline: the clocks behind it are loaded for them.
deadlines = lazy("mergerwatch.query.deadlines")

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


def records_table(records: list[dict[str, Any]], title: str | None = None) -> FitTable:
    """A row per filing; on a narrow terminal the id goes first (`show` takes the case too)."""
    table = FitTable(
        [Col("id", optional=True), Col("authority"), Col("case", flex=True), Col("status", flex=True, min=15),
         Col("date"), Col("title", flex=True)],
        title=T(title) if title else None,
    )  # fmt: skip
    for r in records:
        label = (
            short_label(r["status"], r.get("detail"))
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
        dl = r["next_deadline"]
        lines.add_row("next deadline", T(deadlines.describe(dl), "bold yellow" if dl.get("warnings") else ""))
    for p in r["parties"]:
        lines.add_row(T(p["role"]), T(p["name"]))
    lines.add_row("source", T(f"{r['source']} : {r['source_id']}"))
    if r.get("url"):
        lines.add_row("link", T(r["url"]))
    if r.get("match"):
        for reason in r["match"]["reasons"]:
            lines.add_row("matched", T(reason))
    events = FitTable(
        [Col("date"), Col("+days", justify="right", optional=True), Col("status", flex=True, min=15),
         Col("authority's words", flex=True), Col("deadline", optional=True), Col("seen", optional=True)],
        title="history",
    )  # fmt: skip
    for e in r.get("events", []):
        gap = e.get("days_after_previous")
        events.add_row(
            T(event_date_words(e)),
            T("" if gap is None else f"+{gap}", "dim"),
            T(short_label(e["status"], e.get("detail")), STATUS_STYLE.get(e["status"] or "", "dim")),
            T(e["status_raw"]),
            T(e.get("deadline") or ""),
            T(human_when(e.get("observed_at"))),
        )
    return Panel(Group(lines, events), title=T(r["title"]), title_align="left", expand=False)


def as_of_words(result: dict[str, Any]) -> str:
    """'<source> today 00:37, <source> 2026-06-23 (its newest stored response; no refresh yet)'."""
    files = set(result.get("as_of_files") or ())
    note = " (its newest stored response; no refresh yet)"
    return ", ".join(
        f"{k} {human_when(v) or 'never refreshed'}{note if k in files else ''}" for k, v in result["as_of"].items()
    )


def event_date_words(e: dict[str, Any]) -> str:
    """An event's date as precise as its source gave it: "2025-12" for a month, "filed 2026-02-25" where the text gave
    none and the filing's date stands in, "undated"."""
    precision, when = e.get("date_precision"), e.get("date") or ""
    if precision == "month" and when:
        return when[:7]
    if precision == "none":
        return f"filed {when}" if when else "undated"
    return when


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


def deals_of(result: dict[str, Any]) -> list[dict[str, Any]]:
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
        dym = result.get("did_you_mean")
        if dym:
            cmd = "mergerwatch deal " + " ".join(shlex.quote(n) for n in dym["query"])
            console.print(T(f"Did you mean: {cmd}  ({dym['filings']} filing(s))", "bold"))
        elif result.get("suggestions"):
            names = "; ".join(f"'{s['name']}' for '{s['for']}' ({s['why']})" for s in result["suggestions"])
            console.print(T(f"The store also holds: {names}"))
        for nm in result.get("near_misses", []):
            console.print(T(f"  '{clean(nm['name'], one_line=True)}' alone: {nm['filings_alone']} filing(s)"))
            for ex in nm["examples"]:
                line = Text(f"     {ex['date'] or '?':10}  {status_label(ex['status']):22} ")
                line.append(clean(ex["title"], one_line=True))
                line.append("  " + clean(ex["id"], one_line=True), style="dim")
                console.print(line)
        cov = FitTable([Col("source"), Col("authority"), Col("records", justify="right"), Col("last success")],
                       title="sources searched")  # fmt: skip
        for c in result.get("coverage", []):
            cov.add_row(T(c["source"]), T(c["authority"]), str(c["records"]),
                        T(human_when(c["last_success"]) or "never"))  # fmt: skip
        console.print(cov)
        for fact in result.get("coverage_facts", []):
            console.print(T(f"- {fact}", "dim"))
        return
    deals = deals_of(result)
    by_id = {r["id"]: r for r in result["filings"]}
    if len(deals) > 1:
        console.print(T(f"{len(deals)} separate transactions of {q}, newest first", "bold"))
    for d in deals:
        title = f"Where {q} stands" if len(deals) == 1 else f"Deal {d['deal']}: {d['from']} to {d['to']}"
        summary = FitTable(
            [Col("authority"), Col("case", flex=True), Col("status", flex=True, min=20), Col("since"),
             Col("elapsed", optional=True), Col("filings", justify="right", optional=True)],
            title=T(title),
        )  # fmt: skip
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
        console.print(timeline_chart(filings, width=max(20, min(60, console.width - 10))))
        for r in filings:
            console.print(filing_panel(r))
    if result.get("as_of"):
        console.print(T("as of: " + as_of_words(result), "dim"))
