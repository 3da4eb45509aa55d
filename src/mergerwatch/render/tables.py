"""The tables of the read and operation commands (deadlines, stats, sources, a refresh run) and their line-by-line
forms (changes, an ingest's files, clocks). Outside text goes in as Text or cleaned: never markup."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text

from mergerwatch.core.dates import human_when
from mergerwatch.core.textsafe import clean
from mergerwatch.core.vocabulary import short_label
from mergerwatch.render.console import T
from mergerwatch.render.layout import Col, Compact, FitTable

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import ChangeGroup, ClockRecord, FilingRecord, SourceHealth, StatsRow


def deadline_warnings(recs: list[FilingRecord]) -> list[str]:
    """The distinct warnings of the deadlines shown (a holiday list missing or provisional), for under the table."""
    return list(dict.fromkeys(w for r in recs for w in (r.get("next_deadline") or {}).get("warnings") or ()))


def deadlines_table(recs: list[FilingRecord]) -> FitTable:
    table = FitTable(
        [Col("deadline"), Col("when", flex=True, min=16), Col("authority"), Col("case", flex=True),
         Col("status", flex=True), Col("title", flex=True)],
        title="Open reviews, soonest deadline first",
    )  # fmt: skip
    for r in recs:
        dl: Any = r.get("next_deadline") or {}
        when = dl.get("when", "no deadline known")
        if "day" in dl:
            when += f" (day {dl['day']} of {dl['of']})"
        if dl.get("warnings"):
            when = "! " + when  # the notes under the table say why
        kind = f" {dl['kind']}" if dl else ""
        table.add_row(
            Text(f"{dl.get('date', '-')}{kind}"),
            Text(when),
            T(clean(r["authority"], one_line=True)),
            T(clean(r.get("case_ref") or "", one_line=True)),
            Text(short_label(r["status"], r.get("detail"))),
            T(clean(r["title"], one_line=True)),
        )
    return table


# The outcome columns of `stats`, in order: open, then the outcomes; those marked always are shown even when empty
# (a year of old cases reads "closed", not 0 % everywhere), the others only where some row has one.
_STATS_COLS = (
    ("open", "open", "open", True), ("cleared", "cleared", "clear", True),
    ("cleared_with_remedies", "remedies", "remed", False), ("waiting_period_ended", "HSR ended", "HSR\nended", False),
    ("challenged", "challenged", "chall", True), ("prohibited", "prohibited", "prohib", False),
    ("abandoned", "abandoned", "aband", False), ("referred", "referred", "refer", False),
    ("closed", "closed", "closed", True),
)  # fmt: skip


def stats_table(rows: list[StatsRow], by: str) -> FitTable:
    def count(r: StatsRow, k: str) -> int:
        return int(r["open"]) if k == "open" else int(r["outcomes"].get(k, 0))  # type: ignore[attr-defined]

    shown = [(k, h, short) for k, h, short, always in _STATS_COLS if always or any(count(r, k) for r in rows)]
    any_p2 = any(r["phase_2_opened"] for r in rows)
    cols = [Col("authority", short="auth"), Col(by, flex=True, min=7), Col("cases", justify="right")]
    cols += [Col(h, short=short, justify="right") for _k, h, short in shown]
    cols += [Col("phase 2", short="ph 2", justify="right")] if any_p2 else []
    cols += [Col("days p1", justify="right", optional=True), Col("days p2", justify="right", optional=True),
             Col("", optional=True, style="cyan")]  # fmt: skip
    table = FitTable(cols, title=f"Merger control statistics by authority and {by}")
    top = max(r["cases"] for r in rows)
    for r in rows:
        d = r["durations"]

        def days(p: int, d: dict[str, Any] = d) -> str:
            x = d.get(f"phase_{p}") or {}
            return f"{x['median_days']:g} / {x['p90_days']:g}" if x else "-"

        def cell(n: int, r: StatsRow = r) -> Compact | str:  # the share where it fits
            return Compact(f"{n} {n / r['cases']:.0%}", str(n)) if n else "-"

        table.add_row(
            T(r["authority"]), T(str(r[by])), str(r["cases"]),  # type: ignore[literal-required]
            *[cell(count(r, k)) for k, _h, _s in shown],
            *([cell(r["phase_2_opened"])] if any_p2 else []),
            days(1), days(2), "█" * max(1, round(12 * r["cases"] / top)),
        )  # fmt: skip
    return table


def sources_table(rows: list[SourceHealth], where: str) -> FitTable:
    table = FitTable(
        [Col("source"), Col("authority"), Col("records", justify="right"), Col("last success"),
         Col("age (days)", justify="right", optional=True), Col("warnings", flex=True)],
        title=T(f"sources ({where})"),
    )  # fmt: skip
    for r in rows:
        table.add_row(
            r["source"],
            r["authority"],
            str(r["records"]),
            human_when(r["last_success"]) or "never",
            "" if r["age_days"] is None else f"{r['age_days']:.1f}",
            Text(clean("; ".join(r["warnings"])), style="yellow"),
        )
    return table


def run_table(summary: dict[str, Any]) -> FitTable:
    table = FitTable(
        [Col("source"), Col("result"), Col("fetched", justify="right"), Col("new", justify="right"),
         Col("updated", justify="right"), Col("unchanged", justify="right", optional=True),
         Col("events", justify="right", optional=True), Col("time (s)", justify="right", optional=True)],
        title=f"refresh run {summary['run_id']}",
    )  # fmt: skip
    for r in summary["sources"]:
        table.add_row(
            r["source"],
            Text("ok", style="green") if r["ok"] else Text("failed", style="red"),
            str(r["fetched"]),
            str(r["new"]),
            str(r["updated"]),
            str(r["unchanged"]),
            str(r["events"]),
            f"{r['seconds']:.1f}",
        )
    return table


def change_lines(groups: list[ChangeGroup]) -> Iterable[Text]:
    for g in groups:
        yield T(clean(g["deal"], one_line=True), "bold")
        for c in g["changes"]:
            line = T(
                clean(
                    f"  {c['date'] or '':10} {c['authority']:5} {c['case_ref'] or '':14} "
                    f"{c['status_label']:22} {c['status_raw']}  ",
                    one_line=True,
                )
            )
            line.append(clean(c["url"] or "", one_line=True), style="dim")
            yield line


def clock_lines(c: ClockRecord, weekday: str) -> Iterable[Text]:
    head = Text(f"{c['regime']}: ", style="bold")
    head.append(f"ends {c['end']} ({weekday})", style="bold")
    yield head
    yield T(f"  {c['length']} {c['unit']} from {c['start']} ({c['basis']})")
    for line in c["counted"]:
        yield T(f"  {line}")
    for w in c["warnings"]:  # part of the answer, not a note beside it: a date to check
        yield T(f"  ! {w}", "bold yellow")


def ingest_lines(results: list[dict[str, Any]]) -> Iterable[str]:
    """One plain line per stored file (rich costs more than the line for 600 files)."""
    for r in results:
        if r["ok"]:
            yield (
                clean(
                    f"{r['file']}: {r['records']} record(s): {r['inserted']} new, {r['updated']} updated, "
                    f"{r['unchanged']} unchanged, {r['events']} event(s)"
                )
                + "\n"
            )
