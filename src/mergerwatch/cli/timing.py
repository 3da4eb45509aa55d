"""Time commands: `clock` (when a statutory period ends, and how it was counted) and `deadlines` (open reviews,
soonest deadline first)."""

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from mergerwatch.cli.common import JsonOpt, app, reader, span_days
from mergerwatch.core.errors import MergerwatchError, UsageError
from mergerwatch.core.lazy import lazy

console = lazy("mergerwatch.render.console")
tables = lazy("mergerwatch.render.tables")
output = lazy("mergerwatch.render.output")
ics_render = lazy("mergerwatch.render.ics")
clocks = lazy("mergerwatch.query.clocks")
deadlines_q = lazy("mergerwatch.query.deadlines")
watches = lazy("mergerwatch.query.watches")


@app.command()
def clock(
    regime: Annotated[
        str,
        typer.Argument(
            help="us-hsr, us-hsr-second-request, eu-phase1, eu-phase2, uk-phase1, uk-phase2, au-phase1, au-phase2, "
            "fr-phase1, fr-phase2, de-phase1 or de-phase2."
        ),
    ],
    start: Annotated[
        str,
        typer.Argument(
            help="The day the period runs from (YYYY-MM-DD): filing, compliance, notification, opening, reference."
        ),
    ],
    as_json: JsonOpt,
    cash_tender: Annotated[bool, typer.Option("--cash-tender", help="US: a cash tender offer (15 / 10 days).")] = False,
    bankruptcy: Annotated[bool, typer.Option("--bankruptcy", help="US: a bankruptcy sale (15 / 10 days).")] = False,
    commitments: Annotated[
        bool,
        typer.Option(
            "--commitments",
            help="EU Phase I: commitments offered (35 working days); Phase II: from day 55 (+15). "
            "FR Phase 1: commitments received (+15 working days).",
        ),
    ] = False,
    referral_request: Annotated[
        bool, typer.Option("--referral-request", help="EU Phase I: a Member State asked for a referral (35).")
    ] = False,
    extension: Annotated[
        int,
        typer.Option(
            "--extension",
            help="EU Phase II: working days of extension (0-20); AU: business days the ACCC extended the timeline by; "
            "FR Phase 2: working days late commitments added (0-20); "
            "DE Phase 2: months the period was extended (agreed, or the month of GWB § 40(2) sentence 7).",
        ),
    ] = 0,
    suspended: Annotated[
        int, typer.Option("--suspended", help="EU Phase II, FR Phase 2: working days the clock stood still.")
    ] = 0,
    extended: Annotated[bool, typer.Option("--extended", help="UK Phase 2: extended under s.39(3).")] = False,
    weeks: Annotated[
        int | None, typer.Option("--weeks", help="UK Phase 2, with --extended: weeks of the extension (1-8; 8).")
    ] = None,
) -> None:
    """When a statutory review period ends, and how it was counted."""
    try:
        day = datetime.strptime(start.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise UsageError(f"START must be a date written YYYY-MM-DD, not '{start}'") from None
    if weeks is not None and not extended:
        raise UsageError("--weeks says how long an extension is: it goes with --extended (uk-phase2)")
    if weeks is not None and not 1 <= weeks <= 8:
        raise UsageError(f"a Phase 2 extension is at most 8 weeks (s.39(3)), at least 1: not {weeks}")
    options = {
        "cash_tender": cash_tender,
        "bankruptcy": bankruptcy,
        "commitments": commitments and regime in ("eu-phase1", "fr-phase1"),
        "commitments_after_day_55": commitments and regime == "eu-phase2",
        "referral_request": referral_request,
        "extension": extension,
        "suspended": suspended,
        "extended": extended,
        "extension_weeks": weeks if extended and weeks is not None else None,
    }
    if commitments and regime not in ("eu-phase1", "eu-phase2", "fr-phase1"):
        options["commitments"] = True  # refused below, by name
    try:
        c = clocks.compute(regime, day, **options)
    except ValueError as exc:
        raise UsageError(f"{exc} (see 'mergerwatch clock --help')") from None
    record = c.as_dict()
    if as_json:
        output.print_json(record)
    else:
        for line in tables.clock_lines(record, c.end.strftime("%A")):
            console.out.print(line, soft_wrap=True)


@app.command()
def deadlines(
    as_json: JsonOpt,
    within: Annotated[
        str | None, typer.Option("--within", help="Only deadlines within this span: 14d, 2w (overdue ones too).")
    ] = None,
    watch: Annotated[bool, typer.Option("--watch", help="Only the deals on the watch list.")] = False,
    ics: Annotated[Path | None, typer.Option("--ics", help="Also write them to this iCalendar file.")] = None,
) -> None:
    """Open reviews with their next deadline, soonest first: published, or computed by statute."""
    days = span_days(within, "--within") if within is not None else None
    rd = reader(demo=True)
    ids = None
    if watch:
        ids = sorted({r["id"] for w in rd.watches() for r in watches.watched_records(rd, w)})
    recs = deadlines_q.open_reviews(rd, days, ids)
    if ics is not None:
        try:
            ics.write_bytes(ics_render.deadlines_ics(recs))
        except OSError as exc:
            raise MergerwatchError(f"cannot write the calendar file {ics}: {exc.strerror}") from None
        if not as_json:
            console.say(
                f"{sum(1 for r in recs if r.get('next_deadline'))} deadline(s) written to {ics}", console=console.err
            )
    if as_json:
        output.print_json(recs)
    elif not recs:
        console.say(
            "No open review" + (f" with a deadline within {days} days." if days is not None else "."),
            console=console.err,
        )
    else:
        console.out.print(tables.deadlines_table(recs))
        for w in tables.deadline_warnings(recs):  # marked "!" in the table
            console.say(("! ", "bold yellow"), (w, "bold yellow"))
