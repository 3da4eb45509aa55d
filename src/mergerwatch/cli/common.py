"""What every command shares: the app and its groups, the options defined once (output formats), the store a command
reads or writes, and the checks of what a user typed (names, dates, spans), each a one-line usage error.

No ``from __future__ import annotations`` in the CLI: typer would eval() the string annotations of every command on
each start (about 20 ms, benchmarks/bench_read.py).
"""

import re
from datetime import datetime
from typing import Annotated, Any

import typer

from mergerwatch.core.errors import UsageError
from mergerwatch.core.lazy import lazy

config = lazy("mergerwatch.core.config")
dates = lazy("mergerwatch.core.dates")
textsafe = lazy("mergerwatch.core.textsafe")
reading = lazy("mergerwatch.store.read.reader")
location = lazy("mergerwatch.store.location")
console = lazy("mergerwatch.render.console")

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


def json_by_default() -> bool:
    """The config file's ``output``, read when a command runs (a broken config file is reported once, by the
    top-level options)."""
    try:
        return config.load().output == "json"
    except UsageError:
        return False


# The output options, defined once; the default output is the config file's. --json comes right after a command's
# arguments (a default made by a function leaves it no default of its own in the signature).
JsonOpt = Annotated[
    bool,
    typer.Option("--json/--text", default_factory=json_by_default, help="Print only JSON on stdout (--text: tables)."),
]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV on stdout.")]


class State:
    """What the top-level options set for the command that follows (cli/__init__.py)."""

    db: str | None = None
    debug: bool = False


STATE = State()


def reader(demo: bool = False) -> Any:
    """The store for reading: plain SQL on the driver, no SQLAlchemy when the store is current SQLite. With ``demo``
    (the record commands), the demo store while the user's own holds no records, said once on stderr."""
    if not demo:
        return reading.open_reader(STATE.db)
    url, note = location.reading_url(STATE.db)
    if note:
        console.warn(note, "note", "dim")
    return reading.open_reader(url)


def names(values: list[str] | None, what: str = "company names", split: bool = True) -> list[str]:
    """`deal "Nvidia / Groq"` and `deal nvidia groq` mean the same; empty or blank names are refused."""
    values = list(values or [])
    if split and len(values) == 1 and "/" in values[0]:
        values = values[0].split("/")
    cleaned = [" ".join(textsafe.clean(n, one_line=True).split()) for n in values]
    if not cleaned or any(not n for n in cleaned):
        raise UsageError(f"give {what} that are not empty, e.g. mergerwatch deal nvidia groq")
    return cleaned


def when(value: str, option: str = "--since") -> datetime:
    """One grammar for every --since/--until: 12h, 1d, 2w, 2026-11-01 or an ISO time."""
    try:
        return dates.parse_since(value)
    except ValueError:
        raise UsageError(f"{option} takes 12h, 1d, 2w, a date like 2026-11-01 or an ISO time, not '{value}'") from None


def span_days(value: str, option: str) -> int:
    """A span such as 14d or 2w, in days."""
    m = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", value)
    if not m:
        raise UsageError(f"{option} takes a span such as 14d or 2w, not '{value}'")
    return int(m.group(1)) * (7 if m.group(2) == "w" else 1)


def one_output(**flags: bool) -> None:
    chosen = [name for name, on in flags.items() if on]
    if len(chosen) > 1:
        raise UsageError(f"choose one output format: {' or '.join(chosen)}, not both")
