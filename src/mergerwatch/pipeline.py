"""One payload through the pipeline: keep raw -> parse (pure) -> import (one transaction)."""

from __future__ import annotations

import gc
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mergerwatch.core.errors import ParseError
from mergerwatch.core.model import Filing
from mergerwatch.sources.base import ParseResult, Payload, Source

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from mergerwatch.store import ImportReport, Store
    from mergerwatch.store.rows import CheckedFiling, PreparedFiling

MatchKey = Callable[[Filing], str | None]


def match_key_for(source: Source) -> MatchKey | None:
    return getattr(source, "match_key", None)


@dataclass
class PayloadOutcome:
    raw_id: int
    report: ImportReport
    records: int
    warnings: list[str] = field(default_factory=list)
    refused: bool = False  # records prepared by the worker that the store did not take (PreparedAhead.refused)


def zero_is_plausible(payload: Payload, result: ParseResult) -> bool:
    """One rule for every source: zero records is an answer only when the document says so (a declared count of
    0), or when the request allowed an empty page (a narrow window, a page past the end) and the document is a
    recognised answer (it declares a count, or the parser saw its envelope). A bare ``{}`` or ``[]`` never is."""
    if result.declared_total == 0:
        return True
    return not payload.expect_records and (result.declared_total is not None or result.empty_ok)


def parse_checked(source: Source, payload: Payload) -> ParseResult:
    """Parse, and treat zero records as an error unless the payload or the document declared it possible."""
    result = source.parse(payload)
    if not result.filings and not result.notices and not zero_is_plausible(payload, result):
        raise ParseError(
            source.name,
            f"{payload.url} parsed to zero records where records were expected",
            "the page layout may have changed; the raw payload was kept for re-parsing",
        )
    return result


class StoringFailed(Exception):
    """A payload parsed but its writes failed part-way, inside a group that has no savepoint to undo them."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def process_payload(
    store: Store,
    source: Source,
    payload: Payload,
    observed_at: str | None = None,
    savepoint: bool = True,
    prepared: Prepared | None = None,
) -> PayloadOutcome:
    """Parse (pure, in memory), then keep the raw payload, import its records and save its HTTP validators in
    one transaction. A payload that fails to parse or to import is still kept, marked with the error, so
    ``reparse`` can read it again; validators are saved only with the stored records. Without ``savepoint``
    (inside a GroupCommit) a failure after the writes began raises StoringFailed: the caller undoes the group.
    With ``prepared`` (parsed and prepared by a worker, PreparedAhead) it is not parsed here first."""
    result = None
    if prepared is None:
        try:
            result = parse_checked(source, payload)
        except ParseError as exc:
            store.save_payload(payload, status="error", error=str(exc))
            raise
        except Exception as exc:
            store.save_payload(payload, status="error", error=f"{type(exc).__name__}: {exc}")
            raise
    try:
        raw_id, report, refused = _store_step(store, source, payload, result, prepared, observed_at, savepoint)
    except Exception as exc:
        if not savepoint:
            raise StoringFailed(exc) from exc
        store.save_payload(payload, status="error", error=f"storing failed: {type(exc).__name__}: {exc}")
        raise
    if prepared is not None:
        return PayloadOutcome(raw_id, report, prepared.count, prepared.warnings, refused)
    assert result is not None
    return PayloadOutcome(raw_id, report, len(result.filings), result.warnings)


LOCK_RETRIES = 5


def _store_step(
    store: Store,
    source: Source,
    payload: Payload,
    result: ParseResult | None,
    prepared: Prepared | None,
    observed_at: str | None,
    savepoint: bool,
) -> tuple[int, ImportReport, bool]:
    """One payload's writes in one transaction: the records parsed here (``result``), or the ones a worker
    prepared, inserted by import_new when they are all new, or (``reparse``) checked, nothing written, by
    import_unchanged when the store holds them all as they are; a prepared batch that is neither (a re-read file, a
    notice seen on another surface, a record a parser fix changed) is parsed here after all and imported as usual
    (the third value says so).
    Another process's long write (a reader never blocks us, a writer can) is waited out a few more times past
    the busy timeout instead of failing the source."""
    import sqlalchemy as sa  # loaded by the store already: this module is imported before it (PreparedAhead.start)

    for attempt in range(LOCK_RETRIES + 1):
        try:
            with store.write(savepoint=savepoint):
                records = prepared.count if prepared else len(result.filings) if result else 0
                body_zlib = prepared.body_zlib if prepared else None
                raw_id = store.save_payload(payload, status="ok", records=records, body_zlib=body_zlib)
                report = None
                if prepared is not None and prepared.checked is not None:
                    report = store.import_unchanged(prepared.checked)
                elif prepared is not None and prepared.fts == store.name_index:
                    # Records prepared for the other form of name index (never, but cheap to rule out) are refused.
                    report = store.import_new(prepared.records, observed_at, payload_id=raw_id)
                refused = prepared is not None and report is None
                if report is None:
                    result = result or parse_checked(source, payload)
                    report = store.import_filings(
                        result.filings, observed_at, match_key=match_key_for(source), payload_id=raw_id
                    )
                if payload.validators:
                    store.set_validators(*payload.validators)
            return raw_id, report, refused
        except sa.exc.OperationalError as exc:
            locked = "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower()
            if not locked or attempt == LOCK_RETRIES or store.in_transaction:
                raise
            time.sleep(min(2.0**attempt, 15.0))
    raise AssertionError("unreachable")


class GroupCommit:
    """Several payloads per transaction where nothing waits on the database between them (``ingest`` and
    ``reparse`` of many files): a commit per ``records`` records instead of one per payload (a page of 50
    notices costs about a fifth more when committed alone; benchmarks/bench_ftc_ingest.py).

    A batch job: payloads run without a savepoint each, and garbage collection is frozen while the group is
    open (collecting cost a tenth of ingest): only the youngest generation is collected, every ``COLLECT_EVERY``
    payloads, for the cycles parsing leaves behind (a BeautifulSoup tree is one: 300 RSS feeds held 450 MB
    without it). A payload that fails to
    parse has written nothing and is only recorded; one whose writes fail part-way undoes the group, which is
    then done again payload by payload, each in its own savepoint, so the others are still stored. A group
    holds the write lock for about two seconds; other writers wait for it (busy timeout 30 s)."""

    def __init__(self, store: Store, records: int = 10_000) -> None:
        self.store = store
        self.limit = records
        self.pending = 0
        self._tx: AbstractContextManager[Any] | None = None
        self._done: list[tuple[Source, Payload]] = []  # this group's payloads, for a redo
        self._gc: bool | None = None
        self._added = 0

    COLLECT_EVERY = 16

    def __enter__(self) -> GroupCommit:
        self._gc = gc.isenabled()
        gc.freeze()  # what is alive now (modules, caches) is never scanned again
        gc.disable()
        return self

    def add(self, source: Source, payload: Payload, prepared: Prepared | None = None) -> PayloadOutcome:
        self._added += 1  # counted before: a payload that fails to parse leaves its cycles too
        if self._added % self.COLLECT_EVERY == 0:
            gc.collect(0)  # what the last payloads allocated and still hold, not the frozen rest
        if self._tx is None:
            self._tx = self.store.write()
            self._tx.__enter__()
        try:
            out = process_payload(self.store, source, payload, savepoint=False, prepared=prepared)
        except StoringFailed as exc:
            out = self._redo(source, payload, exc)
        self._done.append((source, payload))
        self.pending += max(out.records, 1)
        if self.pending >= self.limit:
            self.commit()
        return out

    def _redo(self, source: Source, payload: Payload, exc: StoringFailed) -> PayloadOutcome:
        """Undo the group, do its earlier payloads again one savepoint each, then this one (which raises)."""
        tx, self._tx = self._tx, None
        assert tx is not None
        tx.__exit__(type(exc.cause), exc.cause, exc.cause.__traceback__)  # rolls back; the cause is ours to handle
        self._tx = self.store.write()
        self._tx.__enter__()
        for src, p in self._done:
            process_payload(self.store, src, p)
        return process_payload(self.store, source, payload)

    def commit(self) -> None:
        tx, self._tx, self.pending, self._done = self._tx, None, 0, []
        if tx is not None:
            tx.__exit__(None, None, None)

    def __exit__(self, *exc: Any) -> None:
        tx, self._tx, self._done = self._tx, None, []
        try:
            if tx is not None:
                tx.__exit__(*exc)
        finally:
            gc.unfreeze()
            if self._gc:
                gc.enable()


# --- records prepared by a worker process ------------------------------------------------------------------------


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
    from mergerwatch.store import rows

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
            held += len(p.body) if isinstance(p, Payload) else 0
            n = len(self._pending)
            if n >= self.at_start or (n >= self.window and held >= self.START_BYTES):
                break

    def close(self) -> None:
        """Stop the worker, waiting at most for the payload it is on: left to the interpreter's exit, the pool's
        manager thread can write to a closed pipe and print a traceback."""
        pool, self._pool = self._pool, None
        if pool is not None:
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
                while len(pending) >= self.window:
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
        if not self._alive or not isinstance(p, Payload):
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
