"""The read commands over records: show, search, deal, list, stats, changes. Each checks what was typed, asks one
function of query/, and hands the answer to one renderer (render/)."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from mergerwatch.cli.common import CsvOpt, JsonOpt, app, names, one_output, reader, when
from mergerwatch.core import registry
from mergerwatch.core.errors import MergerwatchError, UsageError
from mergerwatch.core.lazy import lazy
from mergerwatch.core.textsafe import clean

console = lazy("mergerwatch.render.console")
vocabulary = lazy("mergerwatch.core.vocabulary")
terminal = lazy("mergerwatch.render.terminal")
tables = lazy("mergerwatch.render.tables")
output = lazy("mergerwatch.render.output")
html = lazy("mergerwatch.render.html")
charts = lazy("mergerwatch.render.charts")
deals = lazy("mergerwatch.query.deals")
deadlines = lazy("mergerwatch.query.deadlines")
timeline = lazy("mergerwatch.query.timeline")
listing = lazy("mergerwatch.query.listing")
stats_q = lazy("mergerwatch.query.stats")
changes_q = lazy("mergerwatch.query.changes")


def _write(path: Path, data: bytes, what: str) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise MergerwatchError(f"cannot write the {what} {path}: {exc.strerror}") from None


@app.command()
def show(
    ident: Annotated[str, typer.Argument(metavar="ID", help="A filing id as printed by search/deal/ingest.")],
    as_json: JsonOpt,
) -> None:
    """One filing with its full status history."""
    if not ident.strip():
        raise UsageError("give a filing id (SOURCE:ID, as `mergerwatch search NAME` prints it)")
    rd = reader(demo=True)
    fid = rd.find_filing_id(ident.strip())
    if fid is None:
        raise MergerwatchError(
            f"no filing with id '{clean(ident, one_line=True)}' in {rd.url}; `mergerwatch search NAME` lists ids"
        )
    rec = timeline.annotate_durations(vocabulary.with_labels(deadlines.add_deadline(rd.filing_records([fid])[0])))
    if as_json:
        output.print_json(rec)
    else:
        console.out.print(terminal.filing_panel(rec))


@app.command()
def search(name: Annotated[str, typer.Argument(help="A company name, written any way.")], as_json: JsonOpt) -> None:
    """All filings of one company, newest first, with why each matched."""
    (name,) = names([name], "a company name", split=False)
    rd = reader(demo=True)
    recs = deals.search(rd, name)
    if as_json:
        output.print_json(recs)
        return
    if not recs:
        hint = (
            "The store is empty: run `mergerwatch refresh` or `mergerwatch demo` first."
            if not rd.counts_by_source()
            else "Try another spelling, or `mergerwatch alias add`."
        )
        console.say(f"No filing names '{name}'. {hint}", console=console.err)
        return
    console.out.print(terminal.records_table(recs, title=f"Filings naming '{name}'"))
    for r in recs[:20]:
        console.say((f"{r['id']}: {r['match']['reasons'][0]}", "dim"))


@app.command()
def deal(
    companies: Annotated[list[str], typer.Argument(metavar="NAMES", help="Two or more company names (one works).")],
    as_json: JsonOpt,
    as_csv: Annotated[bool, typer.Option("--csv", help="One CSV row per status event.")] = False,
    html_file: Annotated[Path | None, typer.Option("--html", help="Write a self-contained timeline page.")] = None,
) -> None:
    """Where a deal stands: every filing naming all the companies, grouped by authority, as one timeline."""
    one_output(**{"--json": as_json, "--csv": as_csv})
    result = deals.deal(reader(demo=True), names(companies))
    if html_file:
        _write(html_file, html.deal_html(result).encode("utf-8"), "timeline page")
        if not (as_json or as_csv):
            console.say(f"timeline written to {html_file}", console=console.err)
    if as_json:
        output.print_json(result)
    elif as_csv:
        sys.stdout.write(output.deal_csv(result))
    else:
        terminal.print_deal(console.out.get(), result)


def _filters(
    authority: list[str] | None,
    status: list[str] | None,
    open_only: bool,
    phase: int | None,
    procedure: str | None,
    since: str | None,
    until: str | None,
    by: tuple[str, str],
    sector: str | None,
    party: str | None,
):
    """The filters `list` and `stats` share, checked as a user typed them."""
    outcomes = []
    for st in status or []:
        code = vocabulary.outcome_code(st)
        if code is None:
            known = ", ".join(vocabulary.OUTCOME_LABELS[o] for o in vocabulary.OUTCOMES)
            raise UsageError(f"unknown status '{st}'; known (a label or its code, any case): {known}")
        outcomes.append(code)
    known_authorities = registry.authorities()
    for a in authority or []:
        if a.upper() not in known_authorities:
            raise UsageError(f"unknown authority '{a}'; known: {', '.join(known_authorities)}")
    if phase is not None and phase not in (1, 2):
        raise UsageError("--phase takes 1 or 2")
    if by[0] not in ("notified", "decided", "seen"):
        raise UsageError(f"{by[1]} takes notified, decided or seen")
    if party is not None:
        (party,) = names([party], "a company name", split=False)
    return listing.Filters(
        authorities=list(authority or []),
        statuses=outcomes,
        open_only=open_only,
        phase=phase,
        procedure=procedure,
        since=when(since, "--since").date() if since else None,
        until=when(until, "--until").date() if until else None,
        by=by[0],
        sector=sector,
        party=party,
    )


@app.command("list")
def list_cmd(
    as_json: JsonOpt,
    authority: Annotated[
        list[str] | None, typer.Option("--authority", "-a", help="FTC, DOJ, US, EC, CMA (repeatable).")
    ] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="Vocabulary status, e.g. in_depth_review (repeatable).")
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Reviews not yet decided.")] = False,
    phase: Annotated[int | None, typer.Option("--phase", help="1 or 2: the phase the case reached.")] = None,
    procedure: Annotated[
        str | None, typer.Option("--procedure", help="EC: normal, simplified, super_simplified.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date (2026-01-01, 30d, 2w).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this date.")] = None,
    by: Annotated[
        str, typer.Option("--by", help="Which date --since/--until read: notified, decided, seen.")
    ] = "decided",
    sector: Annotated[str | None, typer.Option("--sector", help="EC NACE or CMA market sector (a word of it).")] = None,
    party: Annotated[str | None, typer.Option("--party", help="A company or person (the deal matcher).")] = None,
    sort: Annotated[str, typer.Option("--sort", help="date, authority, status, deadline or title.")] = "date",
    limit: Annotated[int, typer.Option("--limit", help="At most this many (0: all).")] = 50,
    as_csv: CsvOpt = False,
) -> None:
    """Filings that match every filter given, newest first."""
    one_output(**{"--json": as_json, "--csv": as_csv})
    if sort not in listing.SORTS:
        raise UsageError(f"--sort takes one of {', '.join(listing.SORTS)}")
    if limit < 0:
        raise UsageError("--limit takes 0 (all) or more")
    f = _filters(authority, status, open_only, phase, procedure, since, until, (by, "--by"), sector, party)
    f.sort, f.limit = sort, limit or None
    recs = [vocabulary.with_labels(r) for r in listing.list_filings(reader(demo=True), f)]
    if as_json:
        output.print_json(recs)
    elif as_csv:
        output.write_csv(listing.CSV_COLUMNS, listing.csv_rows(recs))
    elif not recs:
        console.say("No filing matches those filters.", console=console.err)
    else:
        console.out.print(terminal.records_table(recs, title=f"{len(recs)} filing(s)"))


@app.command()
def stats(
    as_json: JsonOpt,
    authority: Annotated[list[str] | None, typer.Option("--authority", "-a", help="Only these (repeatable).")] = None,
    status: Annotated[list[str] | None, typer.Option("--status", help="Only these statuses (repeatable).")] = None,
    phase: Annotated[int | None, typer.Option("--phase", help="1 or 2.")] = None,
    procedure: Annotated[str | None, typer.Option("--procedure", help="EC procedure.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Decided (or --date-by) from this date.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this date.")] = None,
    date_by: Annotated[str, typer.Option("--date-by", help="notified, decided or seen.")] = "decided",
    sector: Annotated[str | None, typer.Option("--sector", help="A word of the sector.")] = None,
    party: Annotated[str | None, typer.Option("--party", help="A company or person.")] = None,
    by: Annotated[str, typer.Option("--by", help="Group by year, sector, procedure or phase.")] = "year",
    html_file: Annotated[
        Path | None, typer.Option("--html", help="Also write the charts and the table as a self-contained page.")
    ] = None,
    png_file: Annotated[Path | None, typer.Option("--png", help="Also write the charts as a PNG image.")] = None,
) -> None:
    """Per authority and year: cases, outcomes and their shares, Phase 2 openings, median and p90 durations."""
    if by not in ("year", "sector", "procedure", "phase"):
        raise UsageError("--by takes year, sector, procedure or phase")
    f = _filters(authority, status, False, phase, procedure, since, until, (date_by, "--date-by"), sector, party)
    f.limit = None
    rows = stats_q.statistics(stats_q.stat_rows(reader(demo=True), f), by)
    for path, kind in ((html_file, "html"), (png_file, "png")):
        if path is None:
            continue
        if not rows:
            raise MergerwatchError(f"no filing matches those filters: nothing to draw in {path}")
        data = charts.stats_html(rows, by).encode("utf-8") if kind == "html" else charts.stats_png(rows, by)
        _write(path, data, f"{kind} file")
        if not as_json:
            console.say(f"charts written to {path}", console=console.err)
    if as_json:
        output.print_json(rows)
    elif not rows:
        console.say("No filing matches those filters.", console=console.err)
    else:
        console.out.print(tables.stats_table(rows, by))


@app.command()
def changes(
    as_json: JsonOpt,
    since: Annotated[str, typer.Option("--since", help="12h, 1d, 2w, a date (2026-11-01) or an ISO time.")] = "1d",
) -> None:
    """Status changes observed since then, newest first, grouped by deal (for a morning e-mail)."""
    cutoff = when(since)
    groups = changes_q.changes(reader(demo=True), cutoff)
    if as_json:
        output.print_json({"since": cutoff.isoformat(), "deals": groups})
    elif not groups:
        console.say(f"No status changes since {cutoff.isoformat(timespec='minutes')}.")
    else:
        for line in tables.change_lines(groups):
            console.out.print(line, soft_wrap=True)
