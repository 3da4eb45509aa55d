"""The tables of the read and operation commands (deadlines, stats, sources, a refresh run) and their line-by-line
forms (changes, an ingest's files, clocks). Outside text goes in as Text or cleaned: never markup."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from mergerwatch.core.textsafe import clean
from mergerwatch.render.console import T

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import ChangeGroup, ClockRecord, FilingRecord, SourceHealth, StatsRow


def deadlines_table(recs: list[FilingRecord]) -> Table:
    table = Table(title="Open reviews, soonest deadline first", show_lines=False)
    for col in ("deadline", "when", "authority", "case", "status", "title"):
        table.add_column(col)
    for r in recs:
        dl: Any = r.get("next_deadline") or {}
        when = dl.get("when", "no deadline known")
        if "day" in dl:
            when += f" (day {dl['day']} of {dl['of']})"
        kind = f" {dl['kind']}" if dl else ""
        table.add_row(
            Text(f"{dl.get('date', '-')}{kind}"),
            Text(when),
            T(clean(r["authority"], one_line=True)),
            T(clean(r.get("case_ref") or "", one_line=True)),
            Text(r.get("status_label") or r["status"]),
            T(clean(r["title"], one_line=True)),
        )
    return table


def stats_table(rows: list[StatsRow], by: str) -> Table:
    table = Table(title=f"Merger control statistics by authority and {by}")
    for col in ("authority", by, "cases", "", "cleared", "remedies", "phase 2", "prohibited", "abandoned",
                "referred", "median days (p1 / p2)", "p90 days (p1 / p2)"):  # fmt: skip
        table.add_column(col, justify="right" if col not in ("authority", by, "") else "left")
    top = max(r["cases"] for r in rows)
    for r in rows:
        d = r["durations"]

        def pct(k: str, r: StatsRow = r) -> str:
            return f"{r['outcomes'][k]} ({r['shares'][k]:.0%})"

        med = " / ".join(str((d.get(f"phase_{p}") or {}).get("median_days", "-")) for p in (1, 2))
        p90 = " / ".join(str((d.get(f"phase_{p}") or {}).get("p90_days", "-")) for p in (1, 2))
        bar = "█" * max(1, round(20 * r["cases"] / top))
        table.add_row(
            T(r["authority"]), T(str(r[by])), str(r["cases"]), Text(bar, style="cyan"), pct("cleared"),  # type: ignore[literal-required]
            pct("cleared_with_remedies"), f"{r['phase_2_opened']} ({r['phase_2_share']:.0%})", pct("prohibited"),
            pct("abandoned"), pct("referred"), med, p90,
        )  # fmt: skip
    return table


def sources_table(rows: list[SourceHealth], where: str) -> Table:
    table = Table(title=T(f"sources ({where})"))
    for col in ("source", "authority", "records", "last success", "age (days)", "warnings"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            r["source"],
            r["authority"],
            str(r["records"]),
            r["last_success"] or "never",
            "" if r["age_days"] is None else f"{r['age_days']:.1f}",
            Text(clean("; ".join(r["warnings"])), style="yellow"),
        )
    return table


def run_table(summary: dict[str, Any]) -> Table:
    table = Table(title=f"refresh run {summary['run_id']}")
    for col in ("source", "result", "fetched", "new", "updated", "unchanged", "events", "time (s)"):
        table.add_column(col)
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
