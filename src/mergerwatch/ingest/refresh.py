"""One refresh run: lock, every source concurrently (each host keeps its own pace), run log, summary."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from mergerwatch.core.errors import BackfillPaused, HttpError, LockHeld, SourceError, UsageError
from mergerwatch.core.redaction import redact
from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import contact_from_env
from mergerwatch.fetch.transports import RecordingTransport, ReplayTransport
from mergerwatch.ingest.notify import collect_alerts, deliver, pending_alerts
from mergerwatch.ingest.pipeline import process_payload
from mergerwatch.sources import all_sources, get_source, host_rules
from mergerwatch.sources.base import FetchContext, Payload, Source
from mergerwatch.store.write.sql import ImportReport, now_iso
from mergerwatch.store.write.store import Store

# Which source this worker thread is fetching for: a failed response's body is kept under that source.
_current = threading.local()
# The refresh as a whole stops starting requests after this long (a backfill resumes on the next run).
DEFAULT_TIME_LIMIT = 4 * 3600.0

log = logging.getLogger("mergerwatch.ingest.refresh")


@dataclass
class SourceResult:
    source: str
    ok: bool = True
    payloads: int = 0
    records: int = 0
    report: ImportReport = field(default_factory=ImportReport)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    offline: bool = False  # failed because no host could be reached

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "ok": self.ok,
            "fetched": self.payloads,
            "records": self.records,
            "new": self.report.inserted,
            "updated": self.report.updated,
            "unchanged": self.report.unchanged,
            "events": self.report.events,
            "errors": self.errors,
            "notes": self.notes,
            "seconds": round(self.seconds, 2),
        }


@dataclass
class RunResult:
    run_id: int
    started_at: str
    results: list[SourceResult]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    @property
    def offline(self) -> bool:
        """Every source failed to connect: say so once instead of one error per source."""
        return bool(self.results) and all(r.offline for r in self.results)


def make_client(store: Store, replay: Path | None = None, record: Path | None = None) -> Client:
    if replay is not None:
        if not Path(replay).is_dir():
            raise UsageError(f"--replay: {replay} is not a directory of recordings (made by refresh --record)")
        client = Client(
            contact_from_env(required=False),
            transport=ReplayTransport(Path(replay)),
            validators=store,
            rules=host_rules(),
            replay=True,
        )
    else:
        contact = contact_from_env(required=True)
        transport = RecordingTransport(Path(record)) if record is not None else None
        client = Client(contact, transport=transport, validators=store, rules=host_rules())
    client.on_failed_body = lambda url, status, body, message: keep_failed_body(store, url, status, body, message)
    return client


def keep_failed_body(store: Store, url: str, status: int | None, body: bytes, message: str) -> None:
    """An error page, a cut-off body: kept as a failed raw payload of the source being fetched."""
    source = getattr(_current, "source", None)
    if source is None:
        return
    try:
        store.save_payload(
            Payload(source, url, body, status=status or 0, kind="error", expect_records=False),
            status="error",
            error=message,
        )
    except Exception:  # keeping evidence must never hide the error itself
        log.debug("could not keep the failed body of %s", url, exc_info=True)


def refresh_source(
    store: Store,
    source: Source,
    ctx: FetchContext,
    observed: str,
    on_payload: Callable[[str, SourceResult], None] | None = None,
) -> SourceResult:
    res = SourceResult(source.name)
    started = time.monotonic()
    _current.source = source.name
    if ctx.on_failed is None:
        ctx.on_failed = lambda p, msg: store.save_payload(p, status="error", error=msg)
    try:
        for payload in source.fetch(ctx):
            res.payloads += 1
            out = process_payload(store, source, payload, observed)
            res.records += out.records
            res.report.add(out.report)
            res.notes.extend(out.warnings)
            if on_payload:
                on_payload(source.name, res)
    except BackfillPaused as exc:
        res.notes.append(str(exc))
    except SourceError as exc:
        res.ok = False
        res.errors.append(str(exc))
        cause = exc.__context__
        res.offline = isinstance(cause, HttpError) and cause.offline
    except HttpError as exc:
        res.ok = False
        res.offline = exc.offline
        res.errors.append(f"{source.name}: {exc} (the next refresh retries; nothing stored was lost)")
    except (httpx.HTTPError, OSError) as exc:
        res.ok = False
        res.errors.append(redact(f"{source.name}: network error: {exc}"))
    except Exception as exc:  # one broken source never stops the others
        res.ok = False
        res.errors.append(redact(f"{source.name}: unexpected {type(exc).__name__}: {exc}"))
        log.debug("unexpected error in %s", source.name, exc_info=True)
    finally:
        _current.source = None
    res.notes = [redact(n) for n in ctx.notes + res.notes]
    res.errors = [redact(e) for e in res.errors]
    res.seconds = time.monotonic() - started
    return res


def run_refresh(
    store: Store,
    client: Client,
    names: Sequence[str] | None = None,
    since: date | None = None,
    full: bool = False,
    wait: bool = False,
    case: str | None = None,
    on_payload: Callable[[str, SourceResult], None] | None = None,
    on_source_done: Callable[[SourceResult], None] | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
) -> RunResult:
    sources = [get_source(n) for n in names] if names else list(all_sources().values())
    _take_lock(store, wait)
    if time_limit:
        client.run_deadline = time.monotonic() + time_limit
    try:
        run_id = store.start_run(
            {"sources": [s.name for s in sources], "since": since.isoformat() if since else None, "full": full}
        )
        observed = now_iso()
        results: list[SourceResult] = []

        def one(source: Source) -> SourceResult:
            ctx = FetchContext(client=client, state=store, since=since, full=full, case=case)
            started_at = now_iso()
            r = refresh_source(store, source, ctx, observed, on_payload)
            if client.cancelled:  # interrupted: nothing more to say or write of it (the run ends at once)
                return r
            store.record_source_run(
                run_id, source.name, started_at, r.ok, r.payloads, r.records, r.report, r.errors, r.notes
            )
            if on_source_done:
                on_source_done(r)
            return r

        pool = ThreadPoolExecutor(max_workers=max(1, min(len(sources), 6)), thread_name_prefix="source")
        try:
            results = list(pool.map(one, sources))
        except BaseException:  # Ctrl-C: the other sources stop now, not when each has finished (core/exiting.py)
            client.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        run = RunResult(run_id, observed, results)
        store.finish_run(run_id, "ok" if run.ok else ("partial" if any(r.ok for r in results) else "failed"))
        return run
    finally:
        store.release_lock()


def _take_lock(store: Store, wait: bool, poll: float = 2.0, max_wait: float = 6 * 3600) -> None:
    deadline = time.monotonic() + max_wait
    while True:
        try:
            store.acquire_lock()
            return
        except LockHeld:
            if not wait or time.monotonic() > deadline:
                raise
            time.sleep(poll)


@dataclass
class RefreshOptions:
    """What `mergerwatch refresh` was asked for, checked (cli/operate.py)."""

    sources: list[str] | None = None
    since: date | None = None
    full: bool = False
    wait: bool = False
    case: str | None = None
    replay: Path | None = None
    record: Path | None = None
    webhook: str | None = None
    atom: Path | None = None
    time_limit: float | None = DEFAULT_TIME_LIMIT


def nightly(
    db: str | None,
    opts: RefreshOptions,
    on_payload: Callable[[str, SourceResult], None] | None = None,
    on_source_done: Callable[[SourceResult], None] | None = None,
) -> tuple[RunResult, dict[str, Any]]:
    """One refresh as the command runs it: every source (or the ones named), then the watch alerts it raised,
    delivered (a webhook, an Atom feed; printed is delivered when nothing else is configured). The run and the
    summary `refresh --json` prints."""
    store = Store(db)
    client = make_client(store, opts.replay, opts.record)
    try:
        run = run_refresh(
            store, client, opts.sources, opts.since, opts.full, opts.wait, opts.case, on_payload, on_source_done,
            opts.time_limit,
        )  # fmt: skip
    finally:
        client.close()
    collect_alerts(store, run.started_at)
    alerts = pending_alerts(store)
    delivery = deliver(store, opts.webhook, opts.atom, terminal=True)
    summary = {
        "run_id": run.run_id,
        "ok": run.ok,
        "offline": run.offline,
        "sources": [r.as_dict() for r in run.results],
        "alerts": delivery,
        "watched_changes": [a["body"] for a in alerts],
        "requests": client.requests_made,
    }
    return run, summary
