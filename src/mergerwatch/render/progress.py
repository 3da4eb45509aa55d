"""Progress of long work on a terminal: a bar per source with its counts (`refresh`, `doctor`) or one bar over the
files or payloads (`ingest`, `reparse`), on stderr, gone when the work is done. Nothing at all in a pipe, under cron
or with --json: the answer printed at the end says what was done. The work calls back; this module only shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mergerwatch.render.console import err

Callback = Callable[..., None] | None


def _live(quiet: bool) -> bool:
    return not quiet and err.is_terminal


def _bars(total_column: bool) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn()]
    if total_column:
        columns.append(MofNCompleteColumn())
    columns.append(TextColumn("{task.fields[counts]}", markup=False))
    prog = Progress(*columns, console=err.get(), transient=True)
    prog.start()
    return prog


def refresh_progress(quiet: bool, names: list[str]) -> tuple[Callback, Callback, Callable[[], None]]:
    """(on a payload, on a source done, stop): a bar per source, its pages and records as they come."""
    if not _live(quiet):
        return None, None, lambda: None
    prog = _bars(total_column=False)
    width = max((len(n) for n in names), default=0)
    tasks = {n: prog.add_task(f"{n:<{width}}", total=None, counts="waiting") for n in names}

    def on_payload(name: str, res: Any) -> None:
        if name in tasks:
            prog.update(tasks[name], counts=f"{res.payloads} page(s), {res.records} record(s)")

    def on_done(res: Any) -> None:
        if res.source in tasks:
            state = "done" if res.ok else "failed"
            prog.update(tasks[res.source], total=1, completed=1,
                        counts=f"{state}: {res.payloads} page(s), {res.records} record(s)")  # fmt: skip

    return on_payload, on_done, prog.stop


def count_progress(quiet: bool, total: int, what: str) -> tuple[Callback, Callable[[], None]]:
    """(one item done, stop): a bar over ``total`` files or payloads (`ingest`, `reparse`)."""
    if not _live(quiet) or total < 2:
        return None, lambda: None
    prog = _bars(total_column=True)
    task = prog.add_task(what, total=total, counts="")
    failed = 0

    def advance(ok: bool = True) -> None:
        nonlocal failed
        failed += not ok
        prog.update(task, advance=1, counts=f"{failed} failed" if failed else "")

    return advance, prog.stop


def check_progress(quiet: bool, names: list[str]) -> tuple[Callback, Callable[[], None]]:
    """(a source checked, stop): a line per source, checking then ok or FAIL (`doctor`)."""
    if not _live(quiet):
        return None, lambda: None
    prog = _bars(total_column=False)
    width = max((len(n) for n in names), default=0)
    tasks = {n: prog.add_task(f"{n:<{width}}", total=None, counts="checking") for n in names}

    def done(name: str, ok: bool) -> None:
        if name in tasks:
            prog.update(tasks[name], total=1, completed=1, counts="ok" if ok else "FAIL")

    return done, prog.stop
