"""Saved responses into the store as a fetch would store them (``ingest``), and the stored payloads read again after a
parser fix (``reparse``): one loop, a worker parsing ahead (ingest/worker.py), payloads grouped into few commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mergerwatch.core.errors import SourceError, UsageError
from mergerwatch.core.payload import Payload
from mergerwatch.fetch.hosts import MB
from mergerwatch.ingest.pipeline import GroupCommit, PayloadOutcome
from mergerwatch.ingest.worker import PreparedAhead
from mergerwatch.sources import get_source
from mergerwatch.store.location import resolve_db_url
from mergerwatch.store.name_index import expected
from mergerwatch.store.write.store import Store


def read_file(path: Path, source: str) -> bytes:
    """The file's bytes, unless it is larger than any answer of its source may be (the hosts' caps): a 300 MB file
    is refused before it is read, as a 300 MB answer is cut off (a command stays bounded in memory)."""
    cap = get_source(source).max_body
    try:
        size = path.stat().st_size
        if size > cap:
            raise SourceError(
                source,
                f"{path.name} is {size / MB:,.0f} MB, more than an answer of this source can be ({cap // MB} MB): "
                "not read",
                "nothing of it was stored; if it is a real answer, please report it",
            )
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{source}: cannot read {path}: {exc.strerror}") from None


def payloads_of(path: Path, source: str) -> Iterator[Payload]:
    """A saved file as its source's payloads: one, read whole within the source's cap, or, for a source whose
    answers are too large to hold (the French decisions file), the parts it reads one record at a time."""
    src = get_source(source)
    parts = src.payloads_from_file(path)
    if parts is None:
        yield src.payload_for_file(read_file(path, source), str(path.resolve()))
        return
    try:
        yield from parts
    except OSError as exc:
        raise UsageError(f"{source}: cannot read {path}: {exc.strerror}") from None


def check_files(source: str, files: Iterable[Path]) -> None:
    """Every file readable before anything is stored (a mistyped path is a usage error, nothing written)."""
    for f in files:
        if not f.is_file():
            raise UsageError(f"{source}: cannot read {f}: {'a directory' if f.is_dir() else 'no such file'}")


def _store_all(
    store: Store, ahead: PreparedAhead
) -> Iterator[tuple[Any, Payload | BaseException, PayloadOutcome | SourceError]]:
    """Each item of ``ahead`` stored in groups of commits: (its key, its payload, the outcome or the error)."""
    with GroupCommit(store) as group:
        try:
            for key, payload, prepared in ahead:
                if isinstance(payload, SourceError):
                    yield key, payload, payload
                    continue
                assert isinstance(payload, Payload)
                try:
                    outcome = group.add(get_source(payload.source), payload, prepared)
                except SourceError as exc:
                    yield key, payload, exc
                    continue
                if outcome.refused:
                    ahead.refused()
                yield key, payload, outcome
        finally:
            ahead.close()  # the worker stops now, not when the interrupted loop is collected


def ingest_files(
    db: str | None, source: str, files: list[Path], on_item: Callable[[bool], None] | None = None
) -> list[tuple[Path, PayloadOutcome | SourceError]]:
    """Store saved responses of ``source``, one file in memory at a time (and the worker's window); each file's
    outcome or error, in the order given (``on_item`` is told of each as it is done). The files are the provenance
    (file:// URLs)."""
    get_source(source)  # an unknown source is a usage error before any file is read
    check_files(source, files)

    def read() -> Iterator[tuple[Path, Payload | SourceError]]:
        for f in files:
            try:
                for payload in payloads_of(f, source):
                    yield f, payload
            except SourceError as exc:
                yield f, exc

    # The worker starts before the store is opened (SQLAlchemy is loaded then), its records prepared for the form of
    # name index a SQLite store has where this SQLite has FTS5; a store with the other form refuses them (parsed
    # again).
    ahead = PreparedAhead(read(), len(files), fts=expected(resolve_db_url(db)))
    ahead.start()
    try:
        store = Store(db)
    except BaseException:
        ahead.close()
        raise
    ahead.fts = store.name_index
    out = []
    for f, _payload, outcome in _store_all(store, ahead):
        out.append((f, outcome))
        if on_item:
            on_item(not isinstance(outcome, SourceError))
    return out


@dataclass
class Reparsed:
    reparsed: int = 0
    failing: list[dict[str, Any]] = field(default_factory=list)
    dropped: int = 0


def reparse(
    db: str | None,
    source: str | None,
    only_failed: bool,
    drop_failed: bool,
    progress: Callable[[int], Callable[[bool], None] | None] | None = None,
) -> Reparsed:
    """Parse the stored payloads again (of ``source``, or the failed ones only); list those still failing and,
    with ``drop_failed``, delete them. A worker checks the records of the next payloads against the store's
    (import_unchanged) while this process takes the ones before: a payload whose records the store holds as they are
    is done without being parsed here. ``progress``, given how many payloads there are, returns what to tell of
    each one done."""
    if source:
        get_source(source)  # an unknown source is a usage error, not "re-parsed 0"
    store = Store(db)
    listed = store.payloads(source, "error" if only_failed else None)
    items = ((p, store.payload(p["id"])) for p in listed)
    ahead = PreparedAhead(items, len(listed), fts=store.name_index, check=True)
    ahead.start()
    out = Reparsed()
    on_item = progress(len(listed)) if progress else None
    for p, _payload, outcome in _store_all(store, ahead):
        if isinstance(outcome, SourceError):
            out.failing.append({"id": p["id"], "source": p["source"], "url": p["url"], "error": str(outcome)})
        else:
            out.reparsed += 1
        if on_item:
            on_item(not isinstance(outcome, SourceError))
    if drop_failed and out.failing:
        out.dropped = store.drop_payloads([f["id"] for f in out.failing])
    return out


def outcome_record(f: Path, outcome: PayloadOutcome | SourceError, ids: bool) -> dict[str, Any]:
    """One file's result as `ingest --json` prints it (``ids``: each record's id and action)."""
    if isinstance(outcome, SourceError):
        return {"file": str(f), "ok": False, "error": str(outcome)}
    rep = outcome.report
    result: dict[str, Any] = {
        "file": str(f),
        "ok": True,
        "records": outcome.records,
        "inserted": rep.inserted,
        "updated": rep.updated,
        "unchanged": rep.unchanged,
        "events": rep.events,
    }
    if ids:  # a dict per record: 6 MB at the end of a 30,000-notice ingest, for output text never shows
        result["ids"] = [fid for fid, _a in rep.actions]
        result["actions"] = [{"id": fid, "action": a} for fid, a in rep.actions]
    return result
