"""The command line: thin typer commands over plain functions, one module per group of commands.

Contract: ``mergerwatch [--db PATH] COMMAND``; every command that prints records takes ``--json`` and then prints only
JSON on stdout. Errors go to stderr as one sentence, never a traceback unless ``--debug``. Exit statuses:
core/errors.py ExitStatus. A command checks its arguments, calls one function of query/ or ingest/, and hands the
result to one renderer (render/); the modules it calls are named at the top of its module (core/lazy.py).

No ``from __future__ import annotations`` here: typer would then eval() the string annotations of every command on
each start (about 20 ms, benchmarks/bench_read.py).
"""

import logging
import os
import sys
from typing import Annotated

import typer

from mergerwatch import __version__
from mergerwatch.cli.common import STATE, app
from mergerwatch.core.errors import ExitStatus, MergerwatchError, UsageError
from mergerwatch.core.lazy import lazy

console = lazy("mergerwatch.render.console")
exiting = lazy("mergerwatch.core.exiting")
config = lazy("mergerwatch.core.config")
redaction = lazy("mergerwatch.core.redaction")
textsafe = lazy("mergerwatch.core.textsafe")

# The command modules, in the order `--help` lists their commands; importing one registers its commands on ``app``.
from mergerwatch.cli import records  # noqa: E402, F401, I001  (read: show, search, deal, list, stats, changes)
from mergerwatch.cli import timing  # noqa: E402, F401  (clock, deadlines)
from mergerwatch.cli import operate  # noqa: E402, F401  (refresh, sources, doctor, demo, version)
from mergerwatch.cli import offline  # noqa: E402, F401  (parse, ingest, reparse)
from mergerwatch.cli import lists  # noqa: E402, F401  (alias, watch)

__all__ = ["app", "main", "run"]


def _version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"mergerwatch {__version__}\n")
        raise typer.Exit(ExitStatus.OK)


class _RedactingFilter(logging.Filter):
    """Every log line passes through the redactor, whatever built it (a server's error body included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = textsafe.clean(redaction.redact(record.getMessage()))
        record.args = None
        return True


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
    config.load()  # a broken config file is a usage error here, before any command runs
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_RedactingFilter())
    logging.basicConfig(
        level=logging.DEBUG if debug else (logging.INFO if verbose else logging.WARNING), handlers=[handler]
    )


def _click_error(exc: BaseException) -> int | None:
    """Typer's parser errors, recognised by shape: typer 0.29 bundles its own click, older ones use the click
    package; neither is imported here. Returns the exit code, or None when ``exc`` is not one of them."""
    code = getattr(exc, "exit_code", None)
    if not isinstance(code, int) or not hasattr(exc, "format_message"):
        return None
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        sys.stdout.write(ctx.get_help() + "\n")
        return ExitStatus.USAGE
    message = textsafe.clean(exc.format_message(), one_line=True)
    if code == ExitStatus.USAGE:
        where = getattr(ctx, "command_path", None) or "mergerwatch"
        console.say(("error: ", "red"), f"{message} (see '{where} --help')", console=console.err)
    else:
        console.say(("error: ", "red"), message, console=console.err)
    return code


def run() -> None:
    """The installed command (and ``python -m mergerwatch``): main, then out without Python's shutdown (exiting)."""
    exiting.arm()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exiting.exit_code(exc.code)
    exiting.leave(code)


def _debugging() -> bool:
    return STATE.debug or bool(os.environ.get("MERGERWATCH_DEBUG"))


# Options of the whole command, accepted wherever a user puts them (`list --db X` as `--db X list`).
_GLOBAL_FLAGS = ("--debug", "--verbose", "-v")
_GLOBAL_VALUED = ("--db",)


def global_options_first(argv: list[str]) -> list[str]:
    """``argv`` with the whole command's options moved in front of the command, in their order; nothing after ``--``
    moves, and an option's value stays with it."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg in _GLOBAL_FLAGS:
            front.append(arg)
        elif arg in _GLOBAL_VALUED and i + 1 < len(argv):
            front.extend(argv[i : i + 2])
            i += 1
        elif arg.startswith(tuple(f"{o}=" for o in _GLOBAL_VALUED)):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def check_text(argv: list[str]) -> None:
    """An argument that is not text in the terminal's encoding (bytes Python kept as surrogates) is a usage error,
    named in one line: a company name or a case with a stray byte would fail later, printed or stored. A path that
    exists is let through: a file name may be any bytes."""
    for arg in argv:
        if any("\udc80" <= ch <= "\udcff" for ch in arg) and not os.path.exists(arg):
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise UsageError(f"'{shown}' is not valid UTF-8 text: type it again in plain characters")


def _disk_full(exc: BaseException) -> bool:
    """The error, or one it came from, is a full disk (SQLite's "database or disk is full", ENOSPC)."""
    import errno

    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OSError) and cur.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "database or disk is full" in str(cur).lower() or "no space left on device" in str(cur).lower():
            return True
        cur = getattr(cur, "orig", None) or cur.__cause__ or cur.__context__
    return False


def _disk_full_words() -> str:
    """One sentence naming the store and its disk: nothing was lost (SQLite rolled the write back)."""
    import shutil

    from mergerwatch.store.location import resolve_db_url, sqlite_path

    try:
        path = sqlite_path(resolve_db_url(STATE.db))
    except Exception:
        path = None
    if path is None:
        return "the database's disk is full: nothing stored was lost (the write was rolled back); free space there"
    folder = os.path.dirname(os.path.abspath(path))
    try:
        free = f"{shutil.disk_usage(folder).free / 1e6:.0f} MB free"
    except OSError:
        free = "space unknown"
    return (
        f"the disk holding the store {path} is full ({free} in {folder}): nothing stored was lost, the write "
        "was rolled back; free some space there and run the command again"
    )


def main() -> None:
    try:
        check_text(sys.argv[1:])
        rc = app(args=global_options_first(sys.argv[1:]), standalone_mode=False)
        if rc == ExitStatus.INTERRUPTED:  # typer returns Ctrl-C as this code without a word (older ones raise it)
            console.say("interrupted", console=console.err)
        sys.exit(rc if isinstance(rc, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        console.say("interrupted", console=console.err)
        sys.exit(ExitStatus.INTERRUPTED)
    except MergerwatchError as exc:
        if _debugging():
            raise
        console.say(("error: ", "red"), str(exc), console=console.err)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(ExitStatus.FAILED)
    except Exception as exc:
        code = _click_error(exc)
        if code is not None:
            sys.exit(code)
        if _disk_full(exc) and not _debugging():
            console.say(("error: ", "red"), _disk_full_words(), console=console.err)
            sys.exit(ExitStatus.FAILED)
        if type(exc).__name__ == "Exit" and isinstance(getattr(exc, "exit_code", None), int):
            sys.exit(exc.exit_code)  # click's own Exit, raised by --help of an older typer
        if _debugging():
            raise
        console.say(
            ("error: ", "red"),
            redaction.redact(f"unexpected {type(exc).__name__}: {exc} (run with --debug for details)"),
            console=console.err,
        )
        sys.exit(ExitStatus.FAILED)
