"""Progress of long work on a terminal (a line per source with its counts), plain log lines under cron, nothing
with --json. The work calls back; this module only shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mergerwatch.render.console import err, say

Callback = Callable[..., None] | None


def refresh_progress(quiet: bool) -> tuple[Callback, Callback, Callable[[], None]]:
    """(on a payload, on a source done, stop): a live display on a terminal; a log line per source otherwise."""
    if quiet:
        return None, None, lambda: None
    if err.is_terminal:
        from rich.progress import Progress, SpinnerColumn, TextColumn

        prog = Progress(
            SpinnerColumn(), TextColumn("{task.description}", markup=False), console=err.get(), transient=True
        )
        prog.start()
        tasks: dict[str, Any] = {}

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
