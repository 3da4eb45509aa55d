"""A worker process that parses the next payloads and prepares their records for the store while this process stores
the ones before (``ingest``, ``reparse``): parsing and preparing were half of an ingest. Off with
MERGERWATCH_WORKERS=0, on one CPU, or for a few files; the result is the same either way."""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mergerwatch.core.payload import Payload
from mergerwatch.ingest.pipeline import GroupCommit, match_key_for, parse_checked

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from mergerwatch.store.write.rows import CheckedFiling, PreparedFiling


@dataclass
class Prepared:
    """A payload parsed and its records prepared for the store (store.prepare) by a worker process; or, for a
    payload the store keeps already (``check``: reparse), what tells whether it holds them as they are."""

    records: list[PreparedFiling]
    warnings: list[str]
    body_zlib: bytes | None = None  # the payload's body as the store keeps it (Store.save_payload)
    fts: bool = True  # the records' name index entries are for an FTS5 index (Store.name_index)
    checked: list[CheckedFiling] | None = None  # instead of records (rows.check, Store.import_unchanged)

    @property
    def count(self) -> int:
        return len(self.records) if self.checked is None else len(self.checked)


def prepare_payload(payload: Payload, fts: bool = True, check: bool = False) -> Prepared | None:
    """In the worker: parse (by the payload's own source, with the zero-record rule) and prepare, or with ``check``
    make what import_unchanged compares. None when anything fails: the main process then reads that payload itself,
    so its error is reported and kept exactly as it is without a worker."""
    from mergerwatch.sources import get_source
    from mergerwatch.store.write import rows

    try:
        source = get_source(payload.source)
        result = parse_checked(source, payload)
        if check:
            return Prepared([], result.warnings, None, fts, rows.check(result.filings))
        records = rows.prepare(result.filings, match_key_for(source), fts)
        return Prepared(records, result.warnings, rows.compress_body(payload.body), fts)
    except Exception:
        return None


def _worker_init() -> None:
    # Ctrl-C is the main process's to handle (it stops the worker); a worker never prints a traceback for it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with(os.getppid())


def _exit_with(parent: int, every: float = 0.5) -> None:
    """The worker leaves when the process that started it is gone (killed with -9 included: nothing tells a pool
    worker, whose queue the worker itself holds open): a thread that sees its parent change, then ends it."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    # A group's policy (GroupCommit): what it inherited or imported is never scanned again, collection is off, and
    # _prepare_in_worker collects the youngest generation now and then. Forked inside a group, the worker starts
    # with collection off and, before this, never collected the cycles parsing leaves (BeautifulSoup trees).
    gc.freeze()
    gc.disable()


_prepared_here = 0  # payloads this worker process has prepared


def _prepare_in_worker(payload: Payload, fts: bool = True, check: bool = False) -> Prepared | None:
    """prepare_payload as the worker runs it: the youngest generation is collected every COLLECT_EVERY payloads."""
    global _prepared_here
    _prepared_here += 1
    if _prepared_here % GroupCommit.COLLECT_EVERY == 0:
        gc.collect(0)
    return prepare_payload(payload, fts, check)


WORKERS_ENV = "MERGERWATCH_WORKERS"
# Fewer files are done faster than a worker starts: a forked one starts at once; one that imports mergerwatch
# afresh (spawn, forkserver: macOS, Windows, Python 3.14 on Linux) takes ~0.4 s, about 100 FTC pages of overlap.
MIN_PAYLOADS = {"fork": 4}
MIN_PAYLOADS_FRESH = 64


def _min_payloads() -> int:
    import multiprocessing

    return MIN_PAYLOADS.get(multiprocessing.get_start_method(), MIN_PAYLOADS_FRESH)


def _pool(payloads: int) -> ProcessPoolExecutor | None:
    """One worker process when it can pay for itself: a second CPU and enough payloads. MERGERWATCH_WORKERS=0
    turns it off, 1 asks for it whatever the CPUs and payloads (the tests use both)."""
    asked = os.environ.get(WORKERS_ENV, "").strip()
    if asked == "0" or (asked != "1" and (payloads < _min_payloads() or (os.cpu_count() or 1) < 2)):
        return None
    from concurrent.futures import ProcessPoolExecutor

    try:
        return ProcessPoolExecutor(max_workers=1, initializer=_worker_init)
    except (OSError, ImportError, NotImplementedError):  # no processes here (a sandbox, some platforms)
        return None


def _size(p: Payload | BaseException) -> int:
    return len(p.body) if isinstance(p, Payload) else 0


def _held(pending: deque[_Ahead]) -> int:
    return sum(_size(a.payload) for a in pending)


@dataclass(slots=True)
class _Ahead:
    """One payload of PreparedAhead's window: the worker's job for it, or the records this process prepared."""

    key: Any
    payload: Payload | BaseException
    future: Future[Prepared | None] | None
    prepared: Prepared | None = None


class PreparedAhead:
    """``items`` (``count`` of them: a key, and a payload or the error of reading it) in their order, each payload
    parsed and its records prepared by one worker process up to ``window`` payloads ahead of the caller, who stores
    them meanwhile: parsing and preparing were half of ingest. Without a worker (MERGERWATCH_WORKERS=0, one CPU, a
    few files) each payload is prepared in this process as the caller takes it: storing prepared records takes a
    tenth fewer instructions than import_filings when they are new. A payload comes with None when the worker (or
    this process) failed on it, after the worker died, or once the store has refused ``give_up`` prepared batches
    (``refused``: files whose records it holds already, which it parses again itself): the caller then parses it
    itself and imports its records with import_filings. At most ``window`` payloads are held prepared (``at_start``
    until the caller begins); while the caller would wait for the worker, it prepares the newest of them itself.
    Each payload is read by the parser of its own source (Payload.source); with ``check`` (reparse of payloads the
    store keeps) its records are checked rather than prepared (prepare_payload)."""

    def __init__(
        self,
        items: Iterable[tuple[Any, Payload | BaseException]],
        count: int,
        window: int = 8,
        give_up: int = 3,
        fts: bool = True,
        check: bool = False,
        at_start: int = 48,
    ) -> None:
        self.count, self.window, self.give_up, self.check = count, window, give_up, check
        # Payloads handed to the worker by ``start``: while this process loads the store's modules and opens it
        # (0.15-0.3 s), the worker starts 35-37 FTC pages where a window's worth left it idle after 8.
        self.at_start = max(window, at_start)
        self.items = iter(items)
        self.fts = fts  # the form of the store's name index (Store.name_index), which the records are prepared for
        self.misses = 0
        self._alive = True
        self._started = False
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[_Ahead] = deque()

    START_BYTES = 16 << 20  # past the window, no more bodies than this are handed at the start
    # Bodies held in the window, in bytes: a run of large files (dumps, 20 MB answers) is held a few at a time, not
    # a window's worth; a body over WORKER_MAX is parsed here, never copied to the worker (the copy would double it).
    HELD_BYTES = 48 << 20
    WORKER_MAX = 8 << 20

    def start(self) -> None:
        """Start the worker and hand it the first ``at_start`` payloads now: it parses them while this process is still
        loading the store's modules and opening it; the window applies once they are taken.
        Called by iterating if not before; ``close`` stops the worker of one that is never iterated."""
        if self._started:
            return
        self._started = True
        self._pool = _pool(self.count)
        if self._pool is None:
            return
        held = 0  # bytes of the bodies handed: large files (SEC documents, dumps) stop it near a window's worth
        for key, p in self.items:
            self._pending.append(_Ahead(key, p, self._submit(self._pool, p)))
            held += _size(p)
            n = len(self._pending)
            if n >= self.at_start or (n >= self.window and held >= self.START_BYTES) or held >= self.HELD_BYTES:
                break

    def close(self) -> None:
        """Stop the worker, waiting at most for the payload it is on: left to the interpreter's exit, the pool's
        manager thread can write to a closed pipe and print a traceback. Interrupted (Ctrl-C on its way out), the
        worker is ended at once instead: nothing it prepares would be stored."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if isinstance(sys.exc_info()[1], KeyboardInterrupt):
            for proc in list(getattr(pool, "_processes", {}).values()):  # the pool's own table of its workers
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            return
        pool.shutdown(wait=True, cancel_futures=True)

    def refused(self) -> None:
        """The store parsed a prepared payload again (its batch was not all new): after ``give_up`` of them the
        worker only doubles the parsing, so no more payloads are sent to it."""
        self.misses += 1
        if self.misses >= self.give_up:
            self._alive = False

    def __iter__(self) -> Iterator[tuple[Any, Payload | BaseException, Prepared | None]]:
        self.start()
        pool = self._pool
        if pool is None:  # no worker: prepared here, as the main process prepares when the worker lags behind
            for key, p in self.items:
                if self._alive and isinstance(p, Payload):
                    yield key, p, prepare_payload(p, self.fts, self.check)
                else:
                    yield key, p, None
            return
        pending = self._pending
        try:
            for key, p in self.items:
                while pending and (len(pending) >= self.window or _held(pending) + _size(p) > self.HELD_BYTES):
                    yield self._next(pending)
                pending.append(_Ahead(key, p, self._submit(pool, p)))
            while pending:
                yield self._next(pending)
        finally:
            self.close()

    def _next(self, pending: deque[_Ahead]) -> tuple[Any, Payload | BaseException, Prepared | None]:
        """The oldest payload with its records. While the worker is still on it, this process prepares the newest
        payload the worker has not started (its job is cancelled) instead of waiting: parsing costs more than
        storing, so the worker alone would keep the store waiting a third of the time."""
        head = pending[0]
        while head.future is not None and not head.future.done():
            for later in reversed(pending):
                if later is not head and later.future is not None and later.future.cancel():
                    later.future = None
                    if isinstance(later.payload, Payload):
                        later.prepared = prepare_payload(later.payload, self.fts, self.check)
                    break
            else:
                break  # every later job has started (or there is none): wait for the worker
        pending.popleft()
        prepared = head.prepared if head.future is None else self._take(head.future)
        return head.key, head.payload, prepared

    def _submit(self, pool: ProcessPoolExecutor, p: Payload | BaseException) -> Future[Prepared | None] | None:
        if not self._alive or not isinstance(p, Payload) or len(p.body) > self.WORKER_MAX:
            return None
        try:
            return pool.submit(_prepare_in_worker, p, self.fts, self.check)
        except Exception:  # the pool broke (a killed worker): the rest is done in this process
            self._alive = False
            return None

    def _take(self, fut: Future[Prepared | None]) -> Prepared | None:
        try:
            return fut.result()
        except Exception:
            self._alive = False
            return None
