"""Operating commands: `refresh` (the nightly run), `doctor` (a live check of every source), `sources` (how each is
doing), `demo` (a store built from recordings) and `version`."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from mergerwatch import __version__
from mergerwatch.cli.common import STATE, JsonOpt, app, reader, when
from mergerwatch.core import registry
from mergerwatch.core.errors import ExitStatus, UsageError
from mergerwatch.core.lazy import lazy

console = lazy("mergerwatch.render.console")
tables = lazy("mergerwatch.render.tables")
output = lazy("mergerwatch.render.output")
progress = lazy("mergerwatch.render.progress")
health = lazy("mergerwatch.query.health")
sources = lazy("mergerwatch.sources")
refreshing = lazy("mergerwatch.ingest.refresh")
notify = lazy("mergerwatch.ingest.notify")
doctoring = lazy("mergerwatch.ingest.doctor")
demo_mod = lazy("mergerwatch.demo")
render_demo = lazy("mergerwatch.render.demo")

OFFLINE = "no source could be reached: this machine appears to be offline (or its DNS is down)"
_ONE_CASE = "; ".join(f"{p.name}: {p.one_case}" for p in registry.PROFILES.values() if p.one_case)
_FOLLOWERS = [p.name for p in registry.PROFILES.values() if p.follows_companies]


@app.command()
def version() -> None:
    """Print the version."""
    sys.stdout.write(f"mergerwatch {__version__}\n")


def _case_for(source: list[str] | None, case: str | None, party: str | None, cik: str | None) -> str | None:
    """--case, --party and --cik checked against what the sources named can fetch on demand."""
    if case and (not source or any(not registry.PROFILES[n].one_case for n in source)):
        takes = [p.name for p in registry.PROFILES.values() if p.one_case]
        raise UsageError(f"--case goes with --source {' or --source '.join(takes)}")
    if not (party or cik):
        return case
    if case or (party and cik) or not source or len(source) != 1 or source[0] not in _FOLLOWERS:
        raise UsageError(f"--party or --cik (one of them) goes with --source {' or '.join(_FOLLOWERS)} alone")
    if cik and not cik.strip().isdigit():
        raise UsageError(f"--cik takes the SEC's number of a company (digits), not '{cik}'")
    if party is not None and not party.strip():
        raise UsageError("--party needs a company name")
    return f"cik:{int(cik)}" if cik else f"party:{(party or '').strip()}"


@app.command()
def refresh(
    as_json: JsonOpt,
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="Only these sources (repeatable).")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Re-read items published/edited since then: 2026-11-01, 1d, 2w.")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Full backfill (resumable across nights).")] = False,
    replay: Annotated[Path | None, typer.Option("--replay", help="Serve recorded responses from DIR.")] = None,
    record: Annotated[Path | None, typer.Option("--record", help="Save every live response under DIR.")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for a running refresh instead of exiting 3.")] = False,
    case: Annotated[str | None, typer.Option("--case", help=f"Fetch only this case ({_ONE_CASE}).")] = None,
    party: Annotated[
        str | None,
        typer.Option(
            "--party", help=f"{' or '.join(_FOLLOWERS)}: read this listed company's filings (name or ticker)."
        ),
    ] = None,
    cik: Annotated[
        str | None, typer.Option("--cik", help=f"{' or '.join(_FOLLOWERS)}: read this company's filings (its CIK).")
    ] = None,
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
) -> None:
    """Fetch every source (or the named ones), store what changed, report per source."""
    since_d = when(since).date() if since else None
    for name in source or []:
        sources.get_source(name)
    if replay and record:
        raise UsageError("--replay and --record cannot be combined")
    if time_limit < 0:
        raise UsageError("--time-limit takes minutes, 0 or more")
    opts = refreshing.RefreshOptions(
        sources=source or None,
        since=since_d,
        full=full,
        wait=wait,
        case=_case_for(source, case, party, cik),
        replay=replay,
        record=record,
        webhook=notify.check_webhook(webhook),
        atom=atom,
        time_limit=time_limit * 60 or None,
    )
    names = source or list(registry.PROFILES)
    on_payload, on_done, stop = progress.refresh_progress(as_json, names)
    try:
        run, summary = refreshing.nightly(STATE.db, opts, on_payload, on_done)
    finally:
        stop()
    if as_json:
        output.print_json(summary)
    else:
        console.out.print(tables.run_table(summary))
        if not summary["offline"]:  # offline: one line says it (below), not one error per source
            for r in summary["sources"]:
                for e in r["errors"]:
                    console.warn(e, "error", "red")
                for n in r["notes"]:
                    console.warn(n, "note", "")
        if summary["watched_changes"]:
            console.say((f" {len(summary['watched_changes'])} change(s) on watched deals ", "bold reverse"))
            for body in summary["watched_changes"]:
                console.say(f"  {body['text']}")
    if run.offline:
        console.warn(OFFLINE + "; nothing stored was changed, run the refresh again when connected", "offline", "red")
    for e in summary["alerts"]["errors"]:
        console.warn(f"{e} (kept; retried on the next run)")
    raise typer.Exit(run.exit_code)


@app.command()
def doctor(as_json: JsonOpt, source: Annotated[list[str] | None, typer.Option("--source", "-s")] = None) -> None:
    """Live check: fetch one small page per source and say whether the parser still understands it."""
    names = source or list(registry.PROFILES)
    done, stop = progress.check_progress(as_json, names)
    try:
        results = doctoring.check_sources(source, done)
    finally:
        stop()
    if as_json:
        output.print_json(results)
    elif results and all(r["offline"] for r in results):
        console.warn(OFFLINE + "; run the check again when connected", "offline", "red")
    else:
        for r in results:
            console.say(
                ("ok  " if r["ok"] else "FAIL", "green" if r["ok"] else "red"), f"  {r['source']}: {r['message']}"
            )
    raise typer.Exit(ExitStatus.OK if all(r["ok"] for r in results) else ExitStatus.FAILED)


@app.command("sources")
def sources_cmd(as_json: JsonOpt) -> None:
    """Registered sources with their last refresh, record counts and warnings."""
    rd = reader(demo=True)
    rows = health.source_health(rd)
    if as_json:
        output.print_json(rows)
        return
    console.out.print(tables.sources_table(rows, rd.url))
    if not any(r["records"] for r in rows):
        console.say(
            "The store is empty: run `mergerwatch refresh` (live) or `mergerwatch demo` (offline).",
            console=console.err,
        )


@app.command()
def demo(
    as_json: JsonOpt,
    force: Annotated[
        bool, typer.Option("--force", help="Replace that store even if it holds what the demo did not write.")
    ] = False,
) -> None:
    """Build a demo store from responses recorded from the authorities (no network, no key) and answer deal queries.

    Without --db it uses its own file (demo.db in the data directory), never your store; your commands read it until
    your own store has records."""
    result = demo_mod.run_demo(STATE.db, force=force)
    if as_json:
        output.print_json(result)
    else:
        render_demo.print_demo(console.out, result)
