"""The command line: thin typer commands over plain functions.

Contract: ``mergerwatch [--db PATH] COMMAND``; every command that prints records takes ``--json`` and
then prints only JSON on stdout. Errors go to stderr as a sentence, never a traceback unless ``--debug``.
Exit codes: 0 ok, 1 a source or the command failed, 2 usage error, 3 another refresh holds the lock.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from mergerwatch import __version__
from mergerwatch.errors import MergerwatchError, SourceError, UsageError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Where does this deal stand with the competition authorities?",
)
alias_app = typer.Typer(no_args_is_help=True, help="Aliases and groupings used by every name query.")
watch_app = typer.Typer(no_args_is_help=True, help="Deals to watch: changes are reported after each refresh.")
app.add_typer(alias_app, name="alias")
app.add_typer(watch_app, name="watch")

# Under cron or a pipe there is no terminal width: use a wide one rather than wrapping at 80.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]


class State:
    db: str | None = None
    debug: bool = False


STATE = State()


def _store():  # imported late: `--help` stays fast
    from mergerwatch.store import Store

    return Store(STATE.db)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database path or SQLAlchemy URL (else $MERGERWATCH_DB, else the per-user data directory)."
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each request and retry.")] = False,
) -> None:
    STATE.db = db
    STATE.debug = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else (logging.INFO if verbose else logging.WARNING),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"mergerwatch {__version__}")


# --- records ---------------------------------------------------------------------------------------


@app.command()
def show(
    ident: Annotated[str, typer.Argument(metavar="ID", help="A filing id as printed by search/deal/ingest.")],
    as_json: JsonOpt = False,
) -> None:
    """One filing with its full status history."""
    store = _store()
    fid = store.find_filing_id(ident)
    if fid is None:
        raise MergerwatchError(f"no filing with id '{ident}' in {store.url}; `mergerwatch search NAME` lists ids")
    rec = store.filing_records([fid])[0]
    if as_json:
        _print_json(rec)
    else:
        from mergerwatch.render import filing_panel

        out.print(filing_panel(rec))


@app.command()
def search(
    name: Annotated[str, typer.Argument(help="A company name, written any way.")], as_json: JsonOpt = False
) -> None:
    """All filings of one company, newest first, with why each matched."""
    from mergerwatch.deals import search as do_search
    from mergerwatch.render import records_table

    recs = do_search(_store(), name)
    if as_json:
        _print_json(recs)
        return
    if not recs:
        err.print(f"No filing names '{name}'. Try another spelling, or `mergerwatch alias add`.")
        raise typer.Exit(0)
    out.print(records_table(recs, title=f"Filings naming '{name}'"))
    for r in recs[:20]:
        out.print(f"[dim]{r['id']}: {r['match']['reasons'][0]}[/dim]")


@app.command()
def deal(
    names: Annotated[list[str], typer.Argument(help="Two or more company names (one also works).")],
    as_json: JsonOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="One CSV row per status event.")] = False,
    html_file: Annotated[Path | None, typer.Option("--html", help="Write a self-contained timeline page.")] = None,
) -> None:
    """Where a deal stands: every filing naming all the companies, grouped by authority, as one timeline."""
    from mergerwatch.deals import deal as do_deal
    from mergerwatch.render import deal_csv, deal_html, print_deal

    names = _split_names(names)
    result = do_deal(_store(), names)
    if html_file:
        html_file.write_text(deal_html(result), encoding="utf-8")
        if not (as_json or as_csv):
            err.print(f"timeline written to {html_file}")
    if as_json:
        _print_json(result)
    elif as_csv:
        sys.stdout.write(deal_csv(result))
    else:
        print_deal(out, result)


def _split_names(names: list[str]) -> list[str]:
    """`deal "Nvidia / Groq"` and `deal nvidia groq` mean the same."""
    if len(names) == 1 and "/" in names[0]:
        return [n.strip() for n in names[0].split("/") if n.strip()]
    return names


@app.command()
def sources(as_json: JsonOpt = False) -> None:
    """Registered sources with their last refresh, record counts and warnings."""
    from mergerwatch.sources import REGISTRY

    store = _store()
    counts = store.counts_by_source()
    rows = []
    now = datetime.now(UTC)
    for name, src in REGISTRY.items():
        hist = store.source_history(name, limit=10)
        last_ok = next((h for h in hist if h["ok"]), None)
        age = None
        if last_ok and last_ok["finished_at"]:
            age = (now - datetime.fromisoformat(last_ok["finished_at"])).total_seconds() / 86400
        recent = hist[:3]
        warnings = []
        if len(recent) == 3 and not any(h["ok"] for h in recent):
            warnings.append(f"failed on the last {len(recent)} runs: {recent[0]['error_text']}")
        elif len(recent) == 3 and all(h["records"] == 0 for h in recent):
            warnings.append("returned nothing on the last 3 runs")
        elif recent and not recent[0]["ok"]:
            warnings.append(f"last run failed: {recent[0]['error_text']}")
        rows.append(
            {
                "source": name,
                "title": src.title,
                "authority": src.authority,
                "jurisdiction": src.jurisdiction,
                "records": counts.get(name, 0),
                "last_refresh": hist[0]["finished_at"] if hist else None,
                "last_success": last_ok["finished_at"] if last_ok else None,
                "age_days": round(age, 2) if age is not None else None,
                "warnings": warnings,
                "state": store.all_state(name),
            }
        )
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"sources ({store.url})")
    for col in ("source", "authority", "records", "last success", "age (days)", "warnings"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            r["source"],
            r["authority"],
            str(r["records"]),
            r["last_success"] or "never",
            "" if r["age_days"] is None else f"{r['age_days']:.1f}",
            "[yellow]" + "; ".join(r["warnings"]) + "[/yellow]" if r["warnings"] else "",
        )
    out.print(table)


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
    from mergerwatch.pipeline import parse_checked
    from mergerwatch.render import records_table
    from mergerwatch.sources import get_source

    src = get_source(source)
    body = _read_file(file, source)
    payload = src.payload_for_file(body, str(file.resolve()))
    result = parse_checked(src, payload)
    for w in result.warnings:
        err.print(f"warning: {w}")
    recs = [f.to_record() for f in result.filings] + result.notices
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
    from mergerwatch.pipeline import GroupCommit
    from mergerwatch.sources import get_source

    src = get_source(source)
    store = _store()
    results, failed = [], 0
    outcomes: list[tuple[Path, Any]] = []
    with GroupCommit(store) as group:
        for f in files:
            try:
                payload = src.payload_for_file(_read_file(f, source), str(f.resolve()))
                outcomes.append((f, group.add(src, payload)))
            except SourceError as exc:
                outcomes.append((f, exc))
    for f, outcome in outcomes:
        if isinstance(outcome, SourceError):
            failed += 1
            err.print(f"error: {f}: {outcome}")
            results.append({"file": str(f), "ok": False, "error": str(outcome)})
            continue
        for w in outcome.warnings:
            err.print(f"warning: {w}")
        rep = outcome.report
        results.append(
            {
                "file": str(f),
                "ok": True,
                "records": outcome.records,
                "inserted": rep.inserted,
                "updated": rep.updated,
                "unchanged": rep.unchanged,
                "events": rep.events,
                "ids": [fid for fid, _a in rep.actions],
                "actions": [{"id": fid, "action": a} for fid, a in rep.actions],
            }
        )
    if as_json:
        _print_json(results)
    else:
        for r in results:
            if r["ok"]:
                out.print(
                    f"{r['file']}: {r['records']} record(s): {r['inserted']} new, {r['updated']} updated, "
                    f"{r['unchanged']} unchanged, {r['events']} event(s)"
                )
    if failed:
        raise typer.Exit(1)


@app.command()
def reparse(
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    only_failed: Annotated[bool, typer.Option("--failed", help="Only payloads that failed to parse.")] = False,
) -> None:
    """Parse the stored raw payloads again (after a parser fix), offline."""
    from mergerwatch.pipeline import GroupCommit
    from mergerwatch.sources import get_source

    store = _store()
    done = bad = 0
    with GroupCommit(store) as group:
        for p in store.payloads(source, "error" if only_failed else None):
            src = get_source(p["source"])
            try:
                group.add(src, store.payload(p["id"]))
                done += 1
            except SourceError as exc:
                bad += 1
                err.print(f"payload {p['id']} ({p['url']}): {exc}")
    out.print(f"re-parsed {done} payload(s); {bad} still failing")
    if bad:
        raise typer.Exit(1)


# --- refresh and operations -----------------------------------------------------------------------


@app.command()
def refresh(
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="Only these sources (repeatable).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Re-read items published/edited since DATE.")] = None,
    full: Annotated[bool, typer.Option("--full", help="Full backfill (resumable across nights).")] = False,
    replay: Annotated[Path | None, typer.Option("--replay", help="Serve recorded responses from DIR.")] = None,
    record: Annotated[Path | None, typer.Option("--record", help="Save every live response under DIR.")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for a running refresh instead of exiting 3.")] = False,
    case: Annotated[
        str | None, typer.Option("--case", help="Fetch only this case (ec-mergers: M.11234; cma-mergers: slug).")
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
    as_json: JsonOpt = False,
) -> None:
    """Fetch every source (or the named ones), store what changed, report per source."""
    from mergerwatch.alerts import collect_alerts, deliver
    from mergerwatch.refresh import make_client, run_refresh

    since_d = _parse_date(since) if since else None
    if replay and record:
        raise UsageError("--replay and --record cannot be combined")
    store = _store()
    client = make_client(store, replay, record)
    progress_cb, done_cb, stop = _progress(as_json)
    try:
        if case:
            if not source or any(n not in ("ec-mergers", "cma-mergers") for n in source):
                raise UsageError("--case goes with --source ec-mergers or --source cma-mergers")
        run = run_refresh(store, client, source or None, since_d, full, wait, case, progress_cb, done_cb)
    finally:
        stop()
        client.close()
    collect_alerts(store, run.started_at)
    delivery = deliver(store, webhook, atom)
    summary = {
        "run_id": run.run_id,
        "ok": run.ok,
        "sources": [r.as_dict() for r in run.results],
        "alerts": delivery,
        "requests": client.requests_made,
    }
    if as_json:
        _print_json(summary)
    else:
        _print_run(summary)
        _print_watch_changes(store, run.started_at)
    if delivery["errors"]:
        for e in delivery["errors"]:
            err.print(f"warning: {e} (kept; retried on the next run)")
    raise typer.Exit(run.exit_code)


def _progress(quiet: bool):
    """A progress display on a terminal; plain log lines under cron."""
    if quiet:
        return None, None, lambda: None
    if err.is_terminal:
        from rich.progress import Progress, SpinnerColumn, TextColumn

        prog = Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err, transient=True)
        prog.start()
        tasks: dict[str, int] = {}

        def on_payload(name: str, res: Any) -> None:
            if name not in tasks:
                tasks[name] = prog.add_task(name)
            prog.update(tasks[name], description=f"{name}: {res.payloads} page(s), {res.records} record(s)")

        return on_payload, None, prog.stop

    def done(res: Any) -> None:
        state = "ok" if res.ok else "FAILED"
        err.print(
            f"{datetime.now(UTC).isoformat(timespec='seconds')} {res.source}: {state}, {res.payloads} page(s), "
            f"{res.report.inserted} new, {res.report.updated} updated, {res.report.unchanged} unchanged",
            soft_wrap=True,
        )

    return None, done, lambda: None


def _print_run(summary: dict[str, Any]) -> None:
    table = Table(title=f"refresh run {summary['run_id']}")
    for col in ("source", "result", "fetched", "new", "updated", "unchanged", "events", "time (s)"):
        table.add_column(col)
    for r in summary["sources"]:
        table.add_row(
            r["source"],
            "[green]ok[/green]" if r["ok"] else "[red]failed[/red]",
            str(r["fetched"]),
            str(r["new"]),
            str(r["updated"]),
            str(r["unchanged"]),
            str(r["events"]),
            f"{r['seconds']:.1f}",
        )
    out.print(table)
    for r in summary["sources"]:
        for e in r["errors"]:
            err.print(f"[red]error[/red]: {e}", soft_wrap=True)
        for n in r["notes"]:
            err.print(f"note: {n}", soft_wrap=True)


def _print_watch_changes(store: Any, started_at: str) -> None:
    from mergerwatch.alerts import pending_alerts

    alerts = pending_alerts(store)
    if alerts:
        out.print(f"[bold reverse] {len(alerts)} change(s) on watched deals [/bold reverse]")
        for a in alerts:
            out.print(f"  {a['body']['text']}")


@app.command()
def changes(
    since: Annotated[str, typer.Option("--since", help="DATE, ISO time, or 12h / 1d / 2w.")] = "1d",
    as_json: JsonOpt = False,
) -> None:
    """Status changes observed since then, newest first, grouped by deal (for a morning e-mail)."""
    from mergerwatch.deals import changes as do_changes
    from mergerwatch.deals import parse_since

    try:
        cutoff = parse_since(since)
    except ValueError:
        raise UsageError(f"--since takes a date, an ISO time or 12h/1d/2w, not '{since}'") from None
    groups = do_changes(_store(), cutoff)
    if as_json:
        _print_json({"since": cutoff.isoformat(), "deals": groups})
        return
    if not groups:
        out.print(f"No status changes since {cutoff.isoformat(timespec='minutes')}.")
        return
    for g in groups:
        out.print(f"[bold]{g['deal']}[/bold]")
        for c in g["changes"]:
            out.print(
                f"  {c['date'] or '':10} {c['authority']:5} {c['case_ref'] or '':14} "
                f"{c['status'] or 'information':22} {c['status_raw']}  [dim]{c['url'] or ''}[/dim]"
            )


@app.command()
def doctor(
    source: Annotated[list[str] | None, typer.Option("--source", "-s")] = None, as_json: JsonOpt = False
) -> None:
    """Live check: fetch one small page per source and say whether the parser still understands it."""
    from mergerwatch.http import Client, contact_from_env
    from mergerwatch.sources import REGISTRY, get_source
    from mergerwatch.sources.base import FetchContext
    from mergerwatch.store import Store

    store = Store("sqlite://")  # an in-memory store: a check never writes to the user's data
    client = Client(contact_from_env(required=True), validators=None)
    results = []
    for name in source or list(REGISTRY):
        src = get_source(name)
        try:
            ok, msg = src.doctor(FetchContext(client=client, state=store))
        except (SourceError, Exception) as exc:  # every source is checked whatever one does
            ok, msg = False, str(exc)
        results.append({"source": name, "ok": ok, "message": msg})
    if as_json:
        _print_json(results)
    else:
        for r in results:
            out.print(
                f"{'[green]ok[/green]' if r['ok'] else '[red]FAIL[/red]'}  {r['source']}: {r['message']}",
                soft_wrap=True,
            )
    raise typer.Exit(0 if all(r["ok"] for r in results) else 1)


@app.command()
def demo(as_json: JsonOpt = False) -> None:
    """Build a local demo database from recorded real responses (no network, no key) and answer a deal query."""
    from mergerwatch.demo import run_demo

    run_demo(STATE.db, out, as_json)


# --- aliases and watches ----------------------------------------------------------------------------


@alias_app.command("add")
def alias_add(
    name: str,
    alias: str,
    reason: Annotated[str | None, typer.Option("--reason", help="Why these are the same company.")] = None,
) -> None:
    """Treat ALIAS as another name of NAME in every query."""
    _store().add_alias(name, alias, reason)
    out.print(f"alias added: '{alias}' = '{name}'")


@alias_app.command("list")
def alias_list(as_json: JsonOpt = False) -> None:
    """List aliases."""
    rows = _store().aliases()
    if as_json:
        _print_json([{k: r[k] for k in ("name", "alias", "reason", "created_at")} for r in rows])
        return
    for r in rows:
        out.print(f"{r['name']} = {r['alias']}" + (f"  ({r['reason']})" if r["reason"] else ""))


@alias_app.command("remove")
def alias_remove(name: str, alias: Annotated[str | None, typer.Argument()] = None) -> None:
    """Remove one alias of NAME, or all of them."""
    n = _store().remove_alias(name, alias)
    out.print(f"{n} alias(es) removed")


@watch_app.command("add")
def watch_add(names: Annotated[list[str], typer.Argument(help="The companies of the deal.")]) -> None:
    """Watch a deal: its changes are reported after each refresh."""
    from mergerwatch.alerts import add_watch

    out.print(f"watching: {add_watch(_store(), _split_names(names))}")


@watch_app.command("list")
def watch_list(as_json: JsonOpt = False) -> None:
    """List watched deals."""
    from mergerwatch.alerts import list_watches

    rows = list_watches(_store())
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        out.print(
            f"{r['id']}: {r['label']}"
            + (f"  ({r['undelivered_alerts']} undelivered)" if r["undelivered_alerts"] else "")
        )


@watch_app.command("remove")
def watch_remove(ident: Annotated[str, typer.Argument(help="The id or label from `watch list`.")]) -> None:
    """Stop watching a deal."""
    from mergerwatch.alerts import remove_watch

    n = remove_watch(_store(), ident)
    if not n:
        raise MergerwatchError(f"no watch '{ident}'; `mergerwatch watch list` shows them")
    out.print("removed")


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"expected a date like 2026-11-01, not '{value}'") from None


def main() -> None:
    try:
        rc = app(standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted")
        sys.exit(130)
    except MergerwatchError as exc:
        if STATE.debug or os.environ.get("MERGERWATCH_DEBUG"):
            raise
        err.print(f"error: {exc}", soft_wrap=True, markup=False, highlight=False)
        sys.exit(exc.exit_code)
    except Exception as exc:
        import click

        if isinstance(exc, click.exceptions.UsageError):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if STATE.debug or os.environ.get("MERGERWATCH_DEBUG"):
            raise
        from mergerwatch.http import redact

        err.print(
            redact(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)"),
            soft_wrap=True,
            markup=False,
            highlight=False,
        )
        sys.exit(1)
