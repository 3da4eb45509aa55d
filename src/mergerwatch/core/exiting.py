"""How the installed command ends: its stores closed, its output flushed, then ``os._exit``.

Python's own shutdown frees every object and module one by one after the command's work is done: 0.1-0.17 s
after an ingest of 30,000 notices, 10-20 ms after a `deal` (a tenth of it), work the operating system does at
once when the process ends. What matters at exit is done here first, in this order: every store still open is
closed (SQLite then checkpoints its write-ahead log into the database file and removes it, as at any close), the
``atexit`` functions run (logging's flush, multiprocessing's), stdout and stderr are flushed. While another
non-daemon thread still runs, or where the interpreter offers no way to run the ``atexit`` functions, the process
leaves the ordinary way (which waits for such threads). Only the installed command and ``python -m mergerwatch``
leave this way; ``cli.main`` called in a program raises SystemExit as before.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import Any, NoReturn

from mergerwatch.core.errors import ExitStatus

# What holds a database connection (a Store's engine, the read path's sqlite3 connection) in a process that will
# leave through ``leave``, with the name of the method that closes it. Held strongly: sqlite3 keeps its statement
# cache in a reference cycle, so a connection nobody refers to any more is closed only when the garbage collector
# runs, which it will not do again before os._exit. Other processes (the tests, a program calling cli.main) keep
# nothing here and close as they always did.
_open: list[tuple[Any, str]] = []
_armed = False


def arm() -> None:
    """This process ends through ``leave``: remember what it opens from now on."""
    global _armed
    _armed = True


def opened(handle: Any, close: str = "close") -> None:
    """Remember ``handle`` to call its method ``close`` when the command leaves."""
    if _armed:
        _open.append((handle, close))


def close_all() -> None:
    while _open:
        handle, close = _open.pop()
        try:
            getattr(handle, close)()
        except Exception:  # noqa: S110 - leaving: a failed close loses nothing a commit has not kept
            pass


def exit_code(code: object) -> int:
    """What SystemExit(code) makes the exit status: None is 0, a number itself, anything else is printed and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        sys.stderr.write(f"{code}\n")
    except (OSError, ValueError):
        pass
    return 1


def leave(code: int) -> NoReturn:
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    main = threading.main_thread()
    busy = any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate())
    if busy and code == ExitStatus.INTERRUPTED:
        # Interrupted with threads still at work (a refresh's sources, a doctor's checks, told to stop): out now,
        # not when each has finished (the atexit functions would wait for them). What they were writing was not
        # committed: SQLite and PostgreSQL roll it back; the next refresh takes the lock of a process gone over.
        _flush_and_exit(code)
    if busy or run_exitfuncs is None:
        sys.exit(code)
    close_all()
    run_exitfuncs()
    _flush_and_exit(code)


def _flush_and_exit(code: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (`| true`): 1, as cli.main says for a broken pipe
            code = code or int(stream is sys.stdout)
    os._exit(code)
