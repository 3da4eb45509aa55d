"""The command line: thin typer commands over plain functions.

Contract: ``mergerwatch [--db PATH] COMMAND``; every command that prints records takes ``--json`` and
then prints only JSON on stdout. Errors go to stderr as a sentence, never a traceback unless ``--debug``.
Exit codes: 0 ok, 1 a source or the command failed, 2 usage error, 3 another refresh holds the lock.

No ``from __future__ import annotations`` here: typer would then eval() the string annotations of every
command on each start (about 20 ms, benchmarks/bench_read.py).
"""

import json
import logging
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mergerwatch import __version__
from mergerwatch.core.errors import MergerwatchError, SourceError, UsageError
from mergerwatch.core.redaction import redact
from mergerwatch.core.textsafe import clean

if TYPE_CHECKING:
    from rich.console import Console

# Help is plain text (rich_markup_mode=None): typer's rich help pulls in markdown-it and doubles the time of
# `--help` (benchmarks/bench_read.py), and our docstrings are then never read as markup.
app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Where does this deal stand with the competition authorities?",
)
alias_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="Aliases and groupings used by every name query."
)
watch_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="Deals to watch: changes are reported after each refresh."
)
app.add_typer(alias_app, name="alias")
app.add_typer(watch_app, name="watch")

# Under cron or a pipe there is no terminal width: use a wide one rather than wrapping at 80.
# Markup, emoji codes and highlighting are off: scraped text and what a user typed are printed as data, never
# interpreted ("[/i]" in a company name, "[link=file:...]" in a title); our own styling uses Text objects.
_PLAIN = {"markup": False, "emoji": False, "highlight": False}


class _LazyConsole:
    """A rich Console made on first use: `--help`, `--json` and the CSV outputs never import rich."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def get(self) -> "Console":
        if self._console is None:
            from rich.console import Console

            tty = (sys.stderr if self._stderr else sys.stdout).isatty()
            self._console = Console(stderr=self._stderr, width=None if tty else 200, **_PLAIN)  # type: ignore[arg-type]
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


out = _LazyConsole()
err = _LazyConsole(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]


def say(*parts: str | tuple[str, str], console: "_LazyConsole | None" = None) -> None:
    """Print a line made of outside text (cleaned) and (text, style) pieces of our own."""
    from rich.text import Text

    line = Text()
    for p in parts:
        if isinstance(p, tuple):
            line.append(clean(p[0]), style=p[1])
        else:
            line.append(clean(p))
    (console or out).print(line, soft_wrap=True)


def warn(message: str, label: str = "warning", style: str = "yellow") -> None:
    say((f"{label}: ", style), redact(message), console=err)


class State:
    db: str | None = None
    debug: bool = False


STATE = State()


def _store():  # imported late: `--help` stays fast
    from mergerwatch.store import Store

    return Store(STATE.db)


def _reader():
    """The read-only query room: plain SQL on the driver, no SQLAlchemy when the store is current SQLite."""
    from mergerwatch.store.read.reader import open_reader

    return open_reader(STATE.db)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"mergerwatch {__version__}\n")
        raise typer.Exit(0)


def _names(names: list[str] | None, what: str = "company names", split: bool = True) -> list[str]:
    """`deal "Nvidia / Groq"` and `deal nvidia groq` mean the same; empty or blank names are refused."""
    names = list(names or [])
    if split and len(names) == 1 and "/" in names[0]:
        names = names[0].split("/")
    cleaned = [" ".join(clean(n, one_line=True).split()) for n in names]
    if not cleaned or any(not n for n in cleaned):
        raise UsageError(f"give {what} that are not empty, e.g. mergerwatch deal nvidia groq")
    return cleaned


def _when(value: str, option: str = "--since") -> datetime:
    """One grammar for every --since/--until: 12h, 1d, 2w, 2026-11-01 or an ISO time."""
    from mergerwatch.core.dates import parse_since

    try:
        return parse_since(value)
    except ValueError:
        raise UsageError(f"{option} takes 12h, 1d, 2w, a date like 2026-11-01 or an ISO time, not '{value}'") from None


def _one_output(**flags: bool) -> None:
    chosen = [name for name, on in flags.items() if on]
    if len(chosen) > 1:
        raise UsageError(f"choose one output format: {' or '.join(chosen)}, not both")


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help="Database path or SQLAlchemy URL (else $MERGERWATCH_DB, else the per-user data directory).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each request and retry.")] = False,
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    STATE.db = db
    STATE.debug = debug
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_RedactingFilter())
    logging.basicConfig(
        level=logging.DEBUG if debug else (logging.INFO if verbose else logging.WARNING), handlers=[handler]
    )


class _RedactingFilter(logging.Filter):
    """Every log line passes through the redactor, whatever built it (a server's error body included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = clean(redact(record.getMessage()))
        record.args = None
        return True


@app.command()
def version() -> None:
    """Print the version."""
    sys.stdout.write(f"mergerwatch {__version__}\n")


# --- records ---------------------------------------------------------------------------------------


@app.command()
def show(
    ident: Annotated[str, typer.Argument(metavar="ID", help="A filing id as printed by search/deal/ingest.")],
    as_json: JsonOpt = False,
) -> None:
    """One filing with its full status history."""
    from mergerwatch.core.vocabulary import with_labels

    if not ident.strip():
        raise UsageError("give a filing id, e.g. mergerwatch show ftc-early-termination:20262268")
    store = _reader()
    fid = store.find_filing_id(ident.strip())
    if fid is None:
        raise MergerwatchError(
            f"no filing with id '{clean(ident, one_line=True)}' in {store.url}; `mergerwatch search NAME` lists ids"
        )
    from mergerwatch.query.deadlines import add_deadline
    from mergerwatch.query.timeline import annotate_durations

    rec = annotate_durations(with_labels(add_deadline(store.filing_records([fid])[0])))
    if as_json:
        _print_json(rec)
    else:
        from mergerwatch.render.terminal import filing_panel

        out.print(filing_panel(rec))


@app.command()
def search(
    name: Annotated[str, typer.Argument(help="A company name, written any way.")], as_json: JsonOpt = False
) -> None:
    """All filings of one company, newest first, with why each matched."""
    from mergerwatch.query.deals import search as do_search
    from mergerwatch.render.terminal import records_table

    (name,) = _names([name], "a company name", split=False)
    store = _reader()
    recs = do_search(store, name)
    if as_json:
        _print_json(recs)
        return
    if not recs:
        hint = (
            "The store is empty: run `mergerwatch refresh` or `mergerwatch demo` first."
            if not store.counts_by_source()
            else "Try another spelling, or `mergerwatch alias add`."
        )
        say(f"No filing names '{name}'. {hint}", console=err)
        raise typer.Exit(0)
    out.print(records_table(recs, title=f"Filings naming '{name}'"))
    for r in recs[:20]:
        say((f"{r['id']}: {r['match']['reasons'][0]}", "dim"))


@app.command()
def deal(
    names: Annotated[list[str], typer.Argument(help="Two or more company names (one also works).")],
    as_json: JsonOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="One CSV row per status event.")] = False,
    html_file: Annotated[Path | None, typer.Option("--html", help="Write a self-contained timeline page.")] = None,
) -> None:
    """Where a deal stands: every filing naming all the companies, grouped by authority, as one timeline."""
    from mergerwatch.query.deals import deal as do_deal

    _one_output(**{"--json": as_json, "--csv": as_csv})
    names = _names(names)
    result = do_deal(_reader(), names)
    if html_file:
        from mergerwatch.render.html import deal_html

        try:
            html_file.write_text(deal_html(result), encoding="utf-8")
        except OSError as exc:
            raise MergerwatchError(f"cannot write the timeline page {html_file}: {exc.strerror}") from None
        if not (as_json or as_csv):
            say(f"timeline written to {html_file}", console=err)
    if as_json:
        _print_json(result)
    elif as_csv:
        from mergerwatch.render.output import deal_csv

        sys.stdout.write(deal_csv(result))
    else:
        from mergerwatch.render.terminal import print_deal

        print_deal(out.get(), result)


@app.command()
def clock(
    regime: Annotated[
        str,
        typer.Argument(
            help="us-hsr, us-hsr-second-request, eu-phase1, eu-phase2, uk-phase1 or uk-phase2.",
        ),
    ],
    start: Annotated[
        str,
        typer.Argument(
            help="The day the period runs from (YYYY-MM-DD): filing, compliance, notification, opening, reference."
        ),
    ],
    cash_tender: Annotated[bool, typer.Option("--cash-tender", help="US: a cash tender offer (15 / 10 days).")] = False,
    bankruptcy: Annotated[bool, typer.Option("--bankruptcy", help="US: a bankruptcy sale (15 / 10 days).")] = False,
    commitments: Annotated[
        bool,
        typer.Option(
            "--commitments", help="EU Phase I: commitments offered (35 working days); Phase II: from day 55 (+15)."
        ),
    ] = False,
    referral_request: Annotated[
        bool, typer.Option("--referral-request", help="EU Phase I: a Member State asked for a referral (35).")
    ] = False,
    extension: Annotated[int, typer.Option("--extension", help="EU Phase II: working days of extension (0-20).")] = 0,
    suspended: Annotated[int, typer.Option("--suspended", help="EU Phase II: working days the clock stood still.")] = 0,
    extended: Annotated[bool, typer.Option("--extended", help="UK Phase 2: extended under s.39(3).")] = False,
    weeks: Annotated[int, typer.Option("--weeks", help="UK Phase 2: weeks of the extension (1-8).")] = 8,
    as_json: JsonOpt = False,
) -> None:
    """When a statutory review period ends, and how it was counted."""
    from mergerwatch.query import clocks

    try:
        day = datetime.strptime(start.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise UsageError(f"START must be a date written YYYY-MM-DD, not '{start}'") from None
    us_only, eu_only = cash_tender or bankruptcy, commitments or referral_request or extension or suspended
    if regime.startswith("us-") and (eu_only or extended) or regime.startswith("eu-") and (us_only or extended):
        raise UsageError(f"those options do not apply to {regime} (see 'mergerwatch clock --help')")
    if regime.startswith("uk-") and (us_only or eu_only):
        raise UsageError(f"those options do not apply to {regime} (see 'mergerwatch clock --help')")
    try:
        if regime == "us-hsr":
            c = clocks.us_hsr(day, cash_tender=cash_tender, bankruptcy=bankruptcy)
        elif regime == "us-hsr-second-request":
            c = clocks.us_hsr_second_request(day, cash_tender=cash_tender, bankruptcy=bankruptcy)
        elif regime == "eu-phase1":
            c = clocks.eu_phase1(day, commitments=commitments, referral_request=referral_request)
        elif regime == "eu-phase2":
            c = clocks.eu_phase2(day, commitments_after_day_55=commitments, extension=extension, suspended=suspended)
        elif regime == "uk-phase1":
            c = clocks.uk_phase1(day)
        elif regime == "uk-phase2":
            c = clocks.uk_phase2(day, extended=extended, extension_weeks=weeks)
        else:
            raise UsageError(f"unknown regime '{regime}'; known: {', '.join(clocks.REGIMES)}")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if as_json:
        _print_json(c.as_dict())
    else:
        say((f"{c.regime}: ", "bold"), (f"ends {c.end.isoformat()} ({c.end.strftime('%A')})", "bold"))
        say(f"  {c.days} {c.unit} from {c.start.isoformat()} ({c.basis})")
        for line in c.counted:
            say(f"  {line}")
    for w in c.warnings:
        warn(w)


@app.command()
def deadlines(
    within: Annotated[
        str | None, typer.Option("--within", help="Only deadlines within this span: 14d, 2w (overdue ones too).")
    ] = None,
    watch: Annotated[bool, typer.Option("--watch", help="Only the deals on the watch list.")] = False,
    ics: Annotated[Path | None, typer.Option("--ics", help="Also write them to this iCalendar file.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Open reviews with their next deadline, soonest first: published, or computed by statute."""
    from mergerwatch.query.deadlines import open_reviews

    days = None
    if within is not None:
        m = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", within)
        if not m:
            raise UsageError(f"--within takes a span such as 14d or 2w, not '{within}'")
        days = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
    store = _reader()
    ids = None
    if watch:
        from mergerwatch.query.watches import watched_records

        watches = store.watches()
        ids = sorted({r["id"] for w in watches for r in watched_records(store, w)})
    recs = open_reviews(store, days, ids)
    if ics is not None:
        from mergerwatch.render.ics import deadlines_ics

        try:
            ics.write_bytes(deadlines_ics(recs))
        except OSError as exc:
            raise MergerwatchError(f"cannot write the calendar file {ics}: {exc.strerror}") from None
        if not as_json:
            say(f"{sum(1 for r in recs if r.get('next_deadline'))} deadline(s) written to {ics}", console=err)
    if as_json:
        _print_json(recs)
        return
    if not recs:
        say("No open review" + (f" with a deadline within {days} days." if days is not None else "."), console=err)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Open reviews, soonest deadline first", show_lines=False)
    for col in ("deadline", "when", "authority", "case", "status", "title"):
        table.add_column(col)
    for r in recs:
        dl = r.get("next_deadline") or {}
        when = dl.get("when", "no deadline known")
        if "day" in dl:
            when += f" (day {dl['day']} of {dl['of']})"
        kind = f" {dl['kind']}" if dl else ""
        table.add_row(
            Text(f"{dl.get('date', '-')}{kind}"),
            Text(when),
            Text(clean(r["authority"], one_line=True)),
            Text(clean(r.get("case_ref") or "", one_line=True)),
            Text(r.get("status_label") or r["status"]),
            Text(clean(r["title"], one_line=True)),
        )
    out.print(table)


@app.command("list")
def list_cmd(
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
    by: Annotated[str, typer.Option("--by", help="Which date --since/--until read: notified, decided, seen.")] = (
        "decided"
    ),
    sector: Annotated[str | None, typer.Option("--sector", help="EC NACE or CMA market sector (a word of it).")] = None,
    party: Annotated[str | None, typer.Option("--party", help="A company or person (the deal matcher).")] = None,
    sort: Annotated[str, typer.Option("--sort", help="date, authority, status, deadline or title.")] = "date",
    limit: Annotated[int, typer.Option("--limit", help="At most this many (0: all).")] = 50,
    as_json: JsonOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="One CSV row per filing.")] = False,
) -> None:
    """Filings that match every filter given, newest first."""
    import csv as _csv

    from mergerwatch.core.vocabulary import with_labels
    from mergerwatch.query.listing import CSV_COLUMNS, SORTS, csv_rows, list_filings
    from mergerwatch.render.terminal import records_table

    _one_output(**{"--json": as_json, "--csv": as_csv})
    if sort not in SORTS:
        raise UsageError(f"--sort takes one of {', '.join(SORTS)}")
    if limit < 0:
        raise UsageError("--limit takes 0 (all) or more")
    f = _filters(authority, status, open_only, phase, procedure, since, until, (by, "--by"), sector, party)
    f.sort, f.limit = sort, limit or None
    recs = [with_labels(r) for r in list_filings(_reader(), f)]
    if as_json:
        _print_json(recs)
    elif as_csv:
        w = _csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS)
        w.writeheader()
        for row in csv_rows(recs):
            w.writerow({k: _csv_cell(v) for k, v in row.items()})
    elif not recs:
        say("No filing matches those filters.", console=err)
    else:
        out.print(records_table(recs, title=f"{len(recs)} filing(s)"))


@app.command()
def stats(
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
    as_json: JsonOpt = False,
) -> None:
    """Per authority and year: cases, outcomes and their shares, Phase 2 openings, median and p90 durations."""
    from mergerwatch.query.stats import stat_rows, statistics

    if by not in ("year", "sector", "procedure", "phase"):
        raise UsageError("--by takes year, sector, procedure or phase")
    f = _filters(authority, status, False, phase, procedure, since, until, (date_by, "--date-by"), sector, party)
    f.limit = None
    rows = statistics(stat_rows(_reader(), f), by)
    for path, kind in ((html_file, "html"), (png_file, "png")):
        if path is None:
            continue
        if not rows:
            raise MergerwatchError(f"no filing matches those filters: nothing to draw in {path}")
        from mergerwatch.render import charts

        data = charts.stats_html(rows, by).encode("utf-8") if kind == "html" else charts.stats_png(rows, by)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise MergerwatchError(f"cannot write the {kind} file {path}: {exc.strerror}") from None
        if not as_json:
            say(f"charts written to {path}", console=err)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        say("No filing matches those filters.", console=err)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Merger control statistics by authority and {by}")
    for col in ("authority", by, "cases", "", "cleared", "remedies", "phase 2", "prohibited", "abandoned",
                "referred", "median days (p1 / p2)", "p90 days (p1 / p2)"):  # fmt: skip
        table.add_column(col, justify="right" if col not in ("authority", by, "") else "left")
    top = max(r["cases"] for r in rows)
    for r in rows:
        o, d = r["outcomes"], r["durations"]

        def pct(k: str, r: dict = r) -> str:
            return f"{r['outcomes'][k]} ({r['shares'][k]:.0%})"

        med = " / ".join(str((d.get(f"phase_{p}") or {}).get("median_days", "-")) for p in (1, 2))
        p90 = " / ".join(str((d.get(f"phase_{p}") or {}).get("p90_days", "-")) for p in (1, 2))
        bar = "█" * max(1, round(20 * r["cases"] / top))
        table.add_row(
            Text(r["authority"]), Text(str(r[by])), str(r["cases"]), Text(bar, style="cyan"), pct("cleared"),
            pct("cleared_with_remedies"), f"{r['phase_2_opened']} ({r['phase_2_share']:.0%})", pct("prohibited"),
            pct("abandoned"), pct("referred"), med, p90,
        )  # fmt: skip
        del o
    out.print(table)


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
    from mergerwatch.core.vocabulary import STATUSES
    from mergerwatch.query.listing import Filters

    known = set(STATUSES)
    for st in status or []:
        if st not in known:
            raise UsageError(f"unknown status '{st}'; known: {', '.join(sorted(known))}")
    if phase is not None and phase not in (1, 2):
        raise UsageError("--phase takes 1 or 2")
    if by[0] not in ("notified", "decided", "seen"):
        raise UsageError(f"{by[1]} takes notified, decided or seen")
    if party is not None:
        (party,) = _names([party], "a company name", split=False)
    return Filters(
        authorities=list(authority or []),
        statuses=list(status or []),
        open_only=open_only,
        phase=phase,
        procedure=procedure,
        since=_when(since, "--since").date() if since else None,
        until=_when(until, "--until").date() if until else None,
        by=by[0],
        sector=sector,
        party=party,
    )


def _csv_cell(value: object) -> object:
    """Outside text never starts a spreadsheet formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not text[1:2].isdigit() else value


@app.command()
def sources(as_json: JsonOpt = False) -> None:
    """Registered sources with their last refresh, record counts and warnings."""
    from mergerwatch.query.health import source_health

    store = _reader()
    rows = source_health(store)
    if as_json:
        _print_json(rows)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"sources ({store.url})"))
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
    out.print(table)
    if not any(r["records"] for r in rows):
        say("The store is empty: run `mergerwatch refresh` (live) or `mergerwatch demo` (offline).", console=err)


# --- offline parsing and ingest -------------------------------------------------------------------


def _read_file(path: Path, source: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{source}: cannot read {path}: {exc.strerror}") from None


@app.command()
def parse(
    source: Annotated[str, typer.Argument(help="Source name, see `mergerwatch sources`.")],
    file: Annotated[Path, typer.Argument(help="A saved response of that source.")],
    as_json: JsonOpt = False,
) -> None:
    """Parse a saved response offline and print its records. Never touches the database."""
    from mergerwatch.core.vocabulary import with_labels
    from mergerwatch.ingest.pipeline import parse_checked
    from mergerwatch.render.terminal import records_table
    from mergerwatch.sources import get_source

    src = get_source(source)
    body = _read_file(file, source)
    payload = src.payload_for_file(body, str(file.resolve()))
    result = parse_checked(src, payload)
    for w in result.warnings:
        warn(w)
    recs = [with_labels(f.to_record()) for f in result.filings] + result.notices
    if as_json:
        _print_json(recs)
    else:
        out.print(records_table(recs, title=f"{len(recs)} record(s) from {file}"))


@app.command()
def ingest(
    source: Annotated[str, typer.Argument(help="Source name.")],
    files: Annotated[list[Path], typer.Argument(help="Saved responses to store, as a fetch would.")],
    as_json: JsonOpt = False,
) -> None:
    """Parse saved response files and store them exactly as a fetch would (the file is the provenance)."""
    from mergerwatch.ingest.pipeline import GroupCommit
    from mergerwatch.ingest.worker import PreparedAhead
    from mergerwatch.sources import get_source

    src = get_source(source)
    for f in files:  # every file readable before anything is stored
        if not f.is_file():
            raise UsageError(f"{source}: cannot read {f}: {'a directory' if f.is_dir() else 'no such file'}")
    results, failed = [], 0
    outcomes: list[tuple[Path, Any]] = []

    def read() -> Any:  # one file in memory at a time (and the worker's window)
        for f in files:
            try:
                yield f, src.payload_for_file(_read_file(f, source), str(f.resolve()))
            except SourceError as exc:
                yield f, exc

    from mergerwatch.store.location import resolve_db_url
    from mergerwatch.store.name_index import expected

    # Files are parsed and their records prepared in a worker process while this one stores the ones before. The
    # worker starts before the store is opened (SQLAlchemy is loaded then), its records prepared for the form of name
    # index a SQLite store has where this SQLite has FTS5; a store with the other form refuses them (parsed again).
    ahead = PreparedAhead(read(), len(files), fts=expected(resolve_db_url(STATE.db)))
    ahead.start()
    try:
        store = _store()
    except BaseException:
        ahead.close()
        raise
    ahead.fts = store.name_index
    with GroupCommit(store) as group:
        try:
            for f, payload, prepared in ahead:
                if isinstance(payload, SourceError):
                    outcomes.append((f, payload))
                    continue
                try:
                    out = group.add(src, payload, prepared)
                except SourceError as exc:
                    outcomes.append((f, exc))
                    continue
                outcomes.append((f, out))
                if out.refused:
                    ahead.refused()
        finally:
            ahead.close()  # the worker stops now, not when the interrupted loop is collected
    for f, outcome in outcomes:
        if isinstance(outcome, SourceError):
            failed += 1
            warn(f"{f}: {outcome}", "error", "red")
            results.append({"file": str(f), "ok": False, "error": str(outcome)})
            continue
        for w in outcome.warnings:
            warn(w)
        rep = outcome.report
        result = {
            "file": str(f),
            "ok": True,
            "records": outcome.records,
            "inserted": rep.inserted,
            "updated": rep.updated,
            "unchanged": rep.unchanged,
            "events": rep.events,
        }
        if as_json:  # a dict per record: 6 MB at the end of a 30,000-notice ingest, for output text never shows
            result["ids"] = [fid for fid, _a in rep.actions]
            result["actions"] = [{"id": fid, "action": a} for fid, a in rep.actions]
        results.append(result)
    if as_json:
        _print_json(results)
    else:
        # One plain line per file (cleaned as say() cleans it): rich costs more than the line for 600 files.
        sys.stdout.writelines(
            clean(
                f"{r['file']}: {r['records']} record(s): {r['inserted']} new, {r['updated']} updated, "
                f"{r['unchanged']} unchanged, {r['events']} event(s)"
            )
            + "\n"
            for r in results
            if r["ok"]
        )
    if failed:
        raise typer.Exit(1)


@app.command()
def reparse(
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    only_failed: Annotated[bool, typer.Option("--failed", help="Only payloads that failed to parse.")] = False,
    drop_failed: Annotated[
        bool,
        typer.Option("--drop-failed", help="Delete the raw payloads that still fail after this re-parse (listed)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Parse the stored raw payloads again (after a parser fix), offline; list the ones that still fail."""
    from mergerwatch.ingest.pipeline import GroupCommit
    from mergerwatch.ingest.worker import PreparedAhead
    from mergerwatch.sources import get_source

    if source:
        get_source(source)  # an unknown source is a usage error, not "re-parsed 0"
    store = _store()
    done = 0
    failing: list[dict[str, Any]] = []
    listed = store.payloads(source, "error" if only_failed else None)
    # A worker process parses the next payloads and checks their records against the store's (import_unchanged)
    # while this one takes the ones before: a payload whose records the store holds as they are is done without
    # parsing it here; any other is parsed here and imported as without a worker.
    ahead = PreparedAhead(((p, store.payload(p["id"])) for p in listed), len(listed), fts=store.name_index, check=True)
    ahead.start()
    with GroupCommit(store) as group:
        try:
            for p, payload, checked in ahead:
                src = get_source(p["source"])
                try:
                    out = group.add(src, payload, checked)
                    done += 1
                except SourceError as exc:
                    failing.append({"id": p["id"], "source": p["source"], "url": p["url"], "error": str(exc)})
                    continue
                if out.refused:
                    ahead.refused()
        finally:
            ahead.close()  # the worker stops now, not when the interrupted loop is collected
    dropped = store.drop_payloads([f["id"] for f in failing]) if drop_failed and failing else 0
    if as_json:
        _print_json({"reparsed": done, "failing": failing, "dropped": dropped})
    else:
        for f in failing:
            warn(f"payload {f['id']} ({f['url']}): {f['error']}", "failing", "red")
        say(f"re-parsed {done} payload(s); {len(failing)} still failing")
        if dropped:
            say(f"dropped {dropped} failing raw payload(s) (listed above)")
        elif failing:
            say("`mergerwatch reparse --drop-failed` deletes the failing raw payloads listed above", console=err)
    if failing and not drop_failed:
        raise typer.Exit(1)


# --- refresh and operations -----------------------------------------------------------------------


@app.command()
def refresh(
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="Only these sources (repeatable).")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Re-read items published/edited since then: 2026-11-01, 1d, 2w.")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Full backfill (resumable across nights).")] = False,
    replay: Annotated[Path | None, typer.Option("--replay", help="Serve recorded responses from DIR.")] = None,
    record: Annotated[Path | None, typer.Option("--record", help="Save every live response under DIR.")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for a running refresh instead of exiting 3.")] = False,
    case: Annotated[
        str | None, typer.Option("--case", help="Fetch only this case (ec-mergers: M.11234; cma-mergers: slug).")
    ] = None,
    party: Annotated[
        str | None, typer.Option("--party", help="sec-edgar: read this listed company's filings (name or ticker).")
    ] = None,
    cik: Annotated[str | None, typer.Option("--cik", help="sec-edgar: read this company's filings (SEC CIK).")] = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook", envvar="MERGERWATCH_WEBHOOK", help="POST watch-list alerts here (JSON, Slack-style text)."
        ),
    ] = None,
    atom: Annotated[
        Path | None,
        typer.Option("--atom", envvar="MERGERWATCH_ATOM", help="Write watch-list alerts to this Atom feed file."),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Stop starting requests after this many minutes (0: no limit).")
    ] = 240.0,
    as_json: JsonOpt = False,
) -> None:
    """Fetch every source (or the named ones), store what changed, report per source."""
    from mergerwatch.ingest.notify import check_webhook, collect_alerts, deliver, pending_alerts
    from mergerwatch.ingest.refresh import make_client, run_refresh
    from mergerwatch.sources import all_sources, get_source

    since_d = _when(since).date() if since else None
    for name in source or []:
        get_source(name)
    if replay and record:
        raise UsageError("--replay and --record cannot be combined")
    if case and (not source or any(get_source(n).one_case is None for n in source)):
        takes = [n for n, s in all_sources().items() if s.one_case]
        raise UsageError(f"--case goes with --source {' or --source '.join(takes)}")
    if party or cik:
        follows = [n for n, s in all_sources().items() if s.follows_companies]
        if case or (party and cik) or not source or len(source) != 1 or source[0] not in follows:
            raise UsageError(f"--party or --cik (one of them) goes with --source {' or '.join(follows)} alone")
        if cik and not cik.strip().isdigit():
            raise UsageError(f"--cik takes the SEC's number of a company (digits), not '{cik}'")
        if party is not None and not party.strip():
            raise UsageError("--party needs a company name")
        case = f"cik:{int(cik)}" if cik else f"party:{party.strip()}"
    if time_limit < 0:
        raise UsageError("--time-limit takes minutes, 0 or more")
    webhook = check_webhook(webhook)
    store = _store()
    client = make_client(store, replay, record)
    progress_cb, done_cb, stop = _progress(as_json)
    try:
        run = run_refresh(
            store, client, source or None, since_d, full, wait, case, progress_cb, done_cb, time_limit * 60 or None
        )
    finally:
        stop()
        client.close()
    collect_alerts(store, run.started_at)
    alerts = pending_alerts(store)
    # Printed (or in the JSON summary) is delivered when nothing else is configured; a webhook or feed still is.
    delivery = deliver(store, webhook, atom, terminal=True)
    summary = {
        "run_id": run.run_id,
        "ok": run.ok,
        "offline": run.offline,
        "sources": [r.as_dict() for r in run.results],
        "alerts": delivery,
        "watched_changes": [a["body"] for a in alerts],
        "requests": client.requests_made,
    }
    if as_json:
        _print_json(summary)
    else:
        _print_run(summary)
        if alerts:
            say((f" {len(alerts)} change(s) on watched deals ", "bold reverse"))
            for a in alerts:
                say(f"  {a['body']['text']}")
    if run.offline:
        warn(
            "no source could be reached: this machine appears to be offline (or its DNS is down); "
            "nothing stored was changed, run the refresh again when connected",
            "offline",
            "red",
        )
    for e in delivery["errors"]:
        warn(f"{e} (kept; retried on the next run)")
    raise typer.Exit(run.exit_code)


def _progress(quiet: bool):
    """A progress display on a terminal; plain log lines under cron."""
    if quiet:
        return None, None, lambda: None
    if err.is_terminal:
        from rich.progress import Progress, SpinnerColumn, TextColumn

        prog = Progress(
            SpinnerColumn(), TextColumn("{task.description}", markup=False), console=err.get(), transient=True
        )
        prog.start()
        tasks: dict[str, int] = {}

        def on_payload(name: str, res: Any) -> None:
            if name not in tasks:
                tasks[name] = prog.add_task(name)
            prog.update(tasks[name], description=f"{name}: {res.payloads} page(s), {res.records} record(s)")

        return on_payload, None, prog.stop

    def done(res: Any) -> None:
        state = "ok" if res.ok else "FAILED"
        say(
            f"{datetime.now(UTC).isoformat(timespec='seconds')} {res.source}: {state}, {res.payloads} page(s), "
            f"{res.report.inserted} new, {res.report.updated} updated, {res.report.unchanged} unchanged",
            console=err,
        )

    return None, done, lambda: None


def _print_run(summary: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

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
    out.print(table)
    if summary.get("offline"):
        return  # one line says it (below), not one error per source
    for r in summary["sources"]:
        for e in r["errors"]:
            warn(e, "error", "red")
        for n in r["notes"]:
            warn(n, "note", "")


@app.command()
def changes(
    since: Annotated[str, typer.Option("--since", help="12h, 1d, 2w, a date (2026-11-01) or an ISO time.")] = "1d",
    as_json: JsonOpt = False,
) -> None:
    """Status changes observed since then, newest first, grouped by deal (for a morning e-mail)."""
    from mergerwatch.query.changes import changes as do_changes

    cutoff = _when(since)
    groups = do_changes(_reader(), cutoff)
    if as_json:
        _print_json({"since": cutoff.isoformat(), "deals": groups})
        return
    if not groups:
        say(f"No status changes since {cutoff.isoformat(timespec='minutes')}.")
        return
    for g in groups:
        say((clean(g["deal"], one_line=True), "bold"))
        for c in g["changes"]:
            say(
                clean(
                    f"  {c['date'] or '':10} {c['authority']:5} {c['case_ref'] or '':14} "
                    f"{c['status_label']:22} {c['status_raw']}  ",
                    one_line=True,
                ),
                (clean(c["url"] or "", one_line=True), "dim"),
            )


@app.command()
def doctor(
    source: Annotated[list[str] | None, typer.Option("--source", "-s")] = None, as_json: JsonOpt = False
) -> None:
    """Live check: fetch one small page per source and say whether the parser still understands it."""
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    from mergerwatch.fetch.client import Client
    from mergerwatch.fetch.hosts import contact_from_env
    from mergerwatch.sources import all_sources, get_source, host_rules
    from mergerwatch.sources.base import FetchContext

    names = source or list(all_sources())
    for name in names:
        get_source(name)
    store = _MemoryState()  # a check never writes to the user's data
    # A check, not a nightly run: short connect timeout, one retry, no long Retry-After sleeps; every source at
    # once (each host keeps its pace), so an offline machine answers within seconds.
    rules = {h: replace(r, retries=1, max_wait=10.0, deadline=min(r.deadline, 60.0)) for h, r in host_rules().items()}
    client = Client(contact_from_env(required=True), validators=None, rules=rules, connect_timeout=5.0)

    def check(name: str) -> dict[str, Any]:
        src = get_source(name)
        try:
            ok, msg = src.doctor(FetchContext(client=client, state=store))
        except Exception as exc:  # every source is checked whatever one does
            ok, msg = False, str(exc)
        return {"source": name, "ok": ok, "message": redact(msg)}

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        results = list(pool.map(check, names))
    client.close()
    if as_json:
        _print_json(results)
    else:
        for r in results:
            say(("ok  " if r["ok"] else "FAIL", "green" if r["ok"] else "red"), f"  {r['source']}: {r['message']}")
    raise typer.Exit(0 if all(r["ok"] for r in results) else 1)


@app.command()
def demo(
    force: Annotated[
        bool, typer.Option("--force", help="With --db: replace that database even if it is not a demo store.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Build a demo database from recorded real responses (no network, no key) and answer a deal query.

    Without --db it uses its own file (demo.db in the data directory), never your store."""
    from mergerwatch.demo import run_demo

    run_demo(STATE.db, out, as_json, force=force)


# --- aliases and watches ----------------------------------------------------------------------------


@alias_app.command("add")
def alias_add(
    name: str,
    alias: str,
    reason: Annotated[str | None, typer.Option("--reason", help="Why these are the same company.")] = None,
) -> None:
    """Treat ALIAS as another name of NAME in every query."""
    from mergerwatch.core.names import normalise_name

    name, alias = _names([name, alias], "a name and an alias", split=False)
    if normalise_name(name).key == normalise_name(alias).key:
        raise UsageError(f"'{alias}' and '{name}' are already the same name to mergerwatch; no alias needed")
    _store().add_alias(name, alias, reason)
    say(f"alias added: '{alias}' = '{name}'")


@alias_app.command("list")
def alias_list(as_json: JsonOpt = False) -> None:
    """List aliases."""
    rows = _store().aliases()
    if as_json:
        _print_json([{k: r[k] for k in ("name", "alias", "reason", "created_at")} for r in rows])
        return
    if not rows:
        say("No aliases. `mergerwatch alias add NAME ALIAS` adds one.", console=err)
    for r in rows:
        say(f"{r['name']} = {r['alias']}" + (f"  ({r['reason']})" if r["reason"] else ""))


@alias_app.command("remove")
def alias_remove(name: str, alias: Annotated[str | None, typer.Argument()] = None) -> None:
    """Remove one alias of NAME, or all of them."""
    (name,) = _names([name], "a name", split=False)
    n = _store().remove_alias(name, alias)
    if not n:
        raise MergerwatchError(
            f"no alias {'of' if alias is None else repr(clean(alias, one_line=True)) + ' for'} "
            f"'{name}'; `mergerwatch alias list` shows them"
        )
    say(f"{n} alias(es) removed")


@watch_app.command("add")
def watch_add(
    names: Annotated[list[str] | None, typer.Argument(help="The companies of the deal.")] = None,
    party: Annotated[
        str | None, typer.Option("--party", help="Follow a company: every filing naming it, new or changed.")
    ] = None,
    authority: Annotated[str | None, typer.Option("--authority", help="Follow every case at this authority.")] = None,
    phase: Annotated[int | None, typer.Option("--phase", help="... that reaches this phase (1 or 2).")] = None,
) -> None:
    """Watch a deal (NAME NAME), or follow a rule (--party NAME; --authority EC --phase 2): what changes is
    reported after each refresh."""
    if names and (party or authority or phase):
        raise UsageError("watch either a deal (company names) or a rule (--party / --authority / --phase), not both")
    if party is not None and (authority or phase):
        raise UsageError("--party follows one company; --authority/--phase follow cases: give one rule at a time")
    if phase is not None and phase not in (1, 2):
        raise UsageError("--phase takes 1 or 2")
    if party is not None or authority is not None or phase is not None:
        if party is not None:
            (party,) = _names([party], "a company name", split=False)
        if authority is not None and not authority.strip():
            raise UsageError("--authority takes an authority such as EC, CMA, FTC or DOJ")
        say(f"following: {_store().add_rule(party=party, authority=authority, phase=phase)}")
        return
    if not names:
        raise UsageError("give a deal (watch add nvidia groq) or a rule (--party NAME, --authority EC --phase 2)")
    say(f"watching: {_store().add_watch(_names(names))}")


@watch_app.command("list")
def watch_list(as_json: JsonOpt = False) -> None:
    """List watched deals."""
    rows = _reader().watches()
    if as_json:
        _print_json(rows)
        return
    if not rows:
        say("No watched deals. `mergerwatch watch add NAME NAME` adds one.", console=err)
    for r in rows:
        failed = r["undelivered_alerts"]
        say(
            f"{r['id']}: {r['label']}"
            + (f"  ({failed} failed deliver{'y' if failed == 1 else 'ies'})" if failed else "")
        )


@watch_app.command("remove")
def watch_remove(ident: Annotated[str, typer.Argument(help="The id or label from `watch list`.")]) -> None:
    """Stop watching a deal."""
    n = _store().remove_watch(ident)
    if not n:
        raise MergerwatchError(f"no watch '{clean(ident, one_line=True)}'; `mergerwatch watch list` shows them")
    say("removed")


class _MemoryState:
    """Source state for `doctor`: in memory, shared safely by the sources checked in parallel."""

    def __init__(self) -> None:
        import threading

        self._d: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get_state(self, source: str, key: str) -> str | None:
        with self._lock:
            return self._d.get((source, key))

    def set_state(self, source: str, key: str, value: str | None) -> None:
        with self._lock:
            if value is None:
                self._d.pop((source, key), None)
            else:
                self._d[(source, key)] = value


def _click_error(exc: BaseException) -> int | None:
    """Typer's parser errors, recognised by shape: typer 0.29 bundles its own click, older ones use the click
    package; neither is imported here. Returns the exit code, or None when ``exc`` is not one of them."""
    code = getattr(exc, "exit_code", None)
    if not isinstance(code, int) or not hasattr(exc, "format_message"):
        return None
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        sys.stdout.write(ctx.get_help() + "\n")
        return 2
    message = clean(exc.format_message(), one_line=True)
    if code == 2:
        where = getattr(ctx, "command_path", None) or "mergerwatch"
        say(("error: ", "red"), f"{message} (see '{where} --help')", console=err)
    else:
        say(("error: ", "red"), message, console=err)
    return code


def run() -> None:
    """The installed command (and ``python -m mergerwatch``): main, then out without Python's shutdown (exiting)."""
    from mergerwatch.exiting import arm, exit_code, leave

    arm()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exit_code(exc.code)
    leave(code)


def main() -> None:
    try:
        rc = app(standalone_mode=False)
        if rc == 130:  # typer returns Ctrl-C as this code without a word (older ones raise it: below)
            say("interrupted", console=err)
        sys.exit(rc if isinstance(rc, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        say("interrupted", console=err)
        sys.exit(130)
    except MergerwatchError as exc:
        if STATE.debug or os.environ.get("MERGERWATCH_DEBUG"):
            raise
        say(("error: ", "red"), str(exc), console=err)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:
        code = _click_error(exc)
        if code is not None:
            sys.exit(code)
        if type(exc).__name__ == "Exit" and isinstance(getattr(exc, "exit_code", None), int):
            sys.exit(exc.exit_code)  # click's own Exit, raised by --help of an older typer
        if STATE.debug or os.environ.get("MERGERWATCH_DEBUG"):
            raise
        say(
            ("error: ", "red"),
            redact(f"unexpected {type(exc).__name__}: {exc} (run with --debug for details)"),
            console=err,
        )
        sys.exit(1)
