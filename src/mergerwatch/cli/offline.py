"""Offline commands over saved responses and stored payloads: `parse` (print a file's records, touch nothing),
`ingest` (store files as a fetch would) and `reparse` (read the stored payloads again after a parser fix)."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from mergerwatch.cli.common import STATE, JsonOpt, app
from mergerwatch.core.errors import ExitStatus
from mergerwatch.core.lazy import lazy

console = lazy("mergerwatch.render.console")
vocabulary = lazy("mergerwatch.core.vocabulary")
terminal = lazy("mergerwatch.render.terminal")
tables = lazy("mergerwatch.render.tables")
output = lazy("mergerwatch.render.output")
sources = lazy("mergerwatch.sources")
pipeline = lazy("mergerwatch.ingest.pipeline")
files_in = lazy("mergerwatch.ingest.files")
progress = lazy("mergerwatch.render.progress")


@app.command()
def parse(
    source: Annotated[str, typer.Argument(help="Source name, see `mergerwatch sources`.")],
    file: Annotated[Path, typer.Argument(help="A saved response of that source.")],
    as_json: JsonOpt,
) -> None:
    """Parse a saved response offline and print its records. Never touches the database."""
    src = sources.get_source(source)
    files_in.check_files(source, [file])
    recs = []
    for payload in files_in.payloads_of(file, source):  # one, or the parts of a file too large to hold
        result = pipeline.parse_checked(src, payload)
        for w in result.warnings:
            console.warn(w)
        recs += [vocabulary.with_labels(f.to_record()) for f in result.filings] + result.notices
    if as_json:
        output.print_json(recs)
    else:
        console.out.print(terminal.records_table(recs, title=f"{len(recs)} record(s) from {file}"))


@app.command()
def ingest(
    source: Annotated[str, typer.Argument(help="Source name.")],
    files: Annotated[list[Path], typer.Argument(help="Saved responses to store, as a fetch would.")],
    as_json: JsonOpt,
) -> None:
    """Parse saved response files and store them exactly as a fetch would (the file is the provenance)."""
    advance, stop = progress.count_progress(as_json, len(files), f"storing {len(files)} file(s)")
    try:
        outcomes = files_in.ingest_files(STATE.db, source, files, advance)
    finally:
        stop()
    results = [files_in.outcome_record(f, outcome, ids=as_json) for f, outcome in outcomes]
    for f, outcome in outcomes:
        if isinstance(outcome, Exception):
            console.warn(f"{f}: {outcome}", "error", "red")
        else:
            for w in outcome.warnings:
                console.warn(w)
    if as_json:
        output.print_json(results)
    else:
        sys.stdout.writelines(tables.ingest_lines(results))
    if any(not r["ok"] for r in results):
        raise typer.Exit(ExitStatus.FAILED)


@app.command()
def reparse(
    as_json: JsonOpt,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    only_failed: Annotated[bool, typer.Option("--failed", help="Only payloads that failed to parse.")] = False,
    drop_failed: Annotated[
        bool,
        typer.Option("--drop-failed", help="Delete the raw payloads that still fail after this re-parse (listed)."),
    ] = False,
) -> None:
    """Parse the stored raw payloads again (after a parser fix), offline; list the ones that still fail."""
    stops = []

    def bar(total: int):
        advance, stop = progress.count_progress(as_json, total, f"re-parsing {total} payload(s)")
        stops.append(stop)
        return advance

    try:
        done = files_in.reparse(STATE.db, source, only_failed, drop_failed, bar)
    finally:
        for stop in stops:
            stop()
    if as_json:
        output.print_json({"reparsed": done.reparsed, "failing": done.failing, "dropped": done.dropped})
    else:
        for f in done.failing:
            console.warn(f"payload {f['id']} ({f['url']}): {f['error']}", "failing", "red")
        console.say(f"re-parsed {done.reparsed} payload(s); {len(done.failing)} still failing")
        if done.dropped:
            console.say(f"dropped {done.dropped} failing raw payload(s) (listed above)")
        elif done.failing:
            console.say(
                "`mergerwatch reparse --drop-failed` deletes the failing raw payloads listed above", console=console.err
            )
    if done.failing and not drop_failed:
        raise typer.Exit(ExitStatus.FAILED)
