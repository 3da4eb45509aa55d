"""One payload through the pipeline: keep raw -> parse (pure) -> import (one transaction); and groups of payloads
sharing a commit (``ingest``, ``reparse``). The records a worker prepared (ingest/worker.py) are taken as they are."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mergerwatch.core.errors import ParseError
from mergerwatch.core.model import Filing
from mergerwatch.sources.base import ParseResult, Payload, Source

if TYPE_CHECKING:
    from mergerwatch.ingest.worker import Prepared
    from mergerwatch.store.write.sql import ImportReport
    from mergerwatch.store.write.store import Store

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
    """Parse, and treat zero records as an error unless the payload or the document declared it possible; a page
    that declares more entries than its start and lists none is an error whatever was asked."""
    result = source.parse(payload)
    declared, start = result.declared_total, result.page_start or 0
    if result.page_items == 0 and declared is not None and declared > start:
        raise ParseError(
            source.name,
            f"{payload.url} declares {declared} entr{'y' if declared == 1 else 'ies'} and lists none",
            "the answer is broken or cut short; the raw payload was kept, run the refresh again later",
        )
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

    # The group keeps its payloads for a redo: past this many bytes of them it commits, whatever the records (the
    # French decisions file, 4,000 decisions of 30 KB each, held 120 MB in one group before).
    HELD_BYTES = 32 << 20

    def __init__(self, store: Store, records: int = 10_000) -> None:
        self.store = store
        self.limit = records
        self.pending = 0
        self.held = 0
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
        self.held += len(payload.body)
        if self.pending >= self.limit or self.held >= self.HELD_BYTES:
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
        tx, self._tx, self.pending, self._done, self.held = self._tx, None, 0, [], 0
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
