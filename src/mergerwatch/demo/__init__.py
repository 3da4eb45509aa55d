"""The offline demo: a store built from recorded responses shipped inside the package, then deal queries.

Each response (demo/responses/, listed in its manifest.json, rebuilt by scripts/build_demo_responses.py) is a body
in its source's own wire format, stored as `ingest` stores a file but dated by its recording: the payload's fetch
time and the events' "seen" time are the recording's, so nothing recorded looks fresh. The manifest says of each
whether it is a real response, rebuilt from a real one's values, real rows in the real envelope or the publisher's
own example of a real case; the demo prints that with each source.

Must not import the fetch layer: the demo never touches the network. Printing is render/demo.py's.
"""

from __future__ import annotations

import gzip
import json
import shlex
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib.resources import files
from pathlib import Path
from typing import Any

from mergerwatch.core.errors import SourceError, UsageError
from mergerwatch.core.payload import Payload
from mergerwatch.ingest.pipeline import process_payload
from mergerwatch.query.deals import deal
from mergerwatch.sources import get_source
from mergerwatch.store.location import demo_db_path, reading_url
from mergerwatch.store.write.store import Store

# Deals the recordings hold, each answered by the demo: a US early termination, an FTC order, an EC decision, an
# Australian Phase 2 review with its published deadline.
DEMO_QUERIES = [
    ["Navitas Semiconductor", "Claros"],
    ["Exxon", "Pioneer"],
    ["S&P Global", "IHS Markit"],
    ["Insurance Australia Group", "RAC Insurance"],
]

# What each kind of recording is, as the demo says it.
KIND_WORDS = {
    "real": "real response recorded {recorded}",
    "rebuilt": "rebuilt from the values of a real response of {recorded}",
    "rows": "real rows in the source's envelope, newest {recorded}",
    "example": "the publisher's own example of a real case ({recorded})",
}


@dataclass(frozen=True)
class Recording:
    source: str
    file: str
    recorded: date
    kind: str
    url: str
    about: str

    def words(self) -> str:
        return KIND_WORDS[self.kind].format(recorded=self.recorded.isoformat())


def recordings() -> list[Recording]:
    """The shipped recordings, oldest first within each source (the manifest's order)."""
    manifest = json.loads((files("mergerwatch.demo") / "responses" / "manifest.json").read_text(encoding="utf-8"))
    return [
        Recording(m["source"], m["file"], date.fromisoformat(m["recorded"]), m["kind"], m["url"], m["about"])
        for m in manifest
    ]


def _body(rec: Recording) -> bytes:
    raw = (files("mergerwatch.demo") / "responses" / rec.file).read_bytes()
    return gzip.decompress(raw) if rec.file.endswith(".gz") else raw  # our own files, a few MB at most


DEMO_MARK = ("_store", "demo")
# What the demo wrote, counted when it finished: a store whose counts differ holds something the user added.
DEMO_WROTE = ("_store", "demo_wrote")
_COUNTED = ("raw_payloads", "filings", "status_events", "runs", "run_sources", "watches", "aliases", "alerts",
            "http_validators")  # fmt: skip


def _what_is_held(store: Store) -> str:
    """Rows and the newest id of every table a user's command can add to, and the sources' own state."""
    rd = store.reader()
    parts = []
    for table in _COUNTED:
        key = "url" if table == "http_validators" else "id"
        n, top = rd.rows(f"SELECT count(*), max({key}) FROM {table}")[0]
        parts.append(f"{table}={n}:{top or ''}")
    state = rd.rows("SELECT count(*) FROM source_state WHERE source <> '_store'")[0][0]
    return ";".join([*parts, f"source_state={state}"])


def _demo_store_untouched(target: str) -> bool:
    """True for a demo store holding only what the demo wrote; False for one with anything else in it."""
    store = Store(target)
    try:
        if store.get_state(*DEMO_MARK) != "1":
            return False
        return store.get_state(*DEMO_WROTE) == _what_is_held(store)
    finally:
        store.close()


def _clear(db: str | None, force: bool) -> str:
    """The demo's target, emptied. Without ``db`` it is the demo's own file; a file that holds anything the demo did
    not write is refused unless ``force``: the demo never replaces a user's data by accident."""
    target = db or str(demo_db_path())
    if db is None:
        demo_db_path().parent.mkdir(parents=True, exist_ok=True)
    if "://" in target:
        if not force:
            raise UsageError("the demo writes only to a file; --db with a database URL needs --force")
        return target
    p = Path(target).expanduser()
    if p.exists() and p.stat().st_size and not force and not _demo_store_untouched(target):
        raise UsageError(
            f"{p} holds data the demo did not write (ingested files, watches, refreshes); the demo will not "
            "replace it: add --force to replace it, or give the demo another file with --db"
        )
    for suffix in ("", "-wal", "-shm"):
        Path(str(p) + suffix).unlink(missing_ok=True)
    return target


def _store_recordings(store: Store) -> list[dict[str, Any]]:
    """Every recording stored as `ingest` would store its file, dated by its recording; a line per source."""
    by_source: dict[str, dict[str, Any]] = {}
    for rec in recordings():
        line = by_source.setdefault(
            rec.source,
            {"source": rec.source, "ok": True, "records": 0, "payloads": 0, "warnings": 0, "errors": [],
             "recordings": []},
        )  # fmt: skip
        line["recordings"].append(
            {"file": rec.file, "recorded": rec.recorded.isoformat(), "kind": rec.kind, "words": rec.words(),
             "url": rec.url, "about": rec.about}
        )  # fmt: skip
        src = get_source(rec.source)
        body = _body(rec)
        at = datetime.combine(rec.recorded, time(12), UTC)  # the recording's day; its hour is not known
        payload = Payload(source=rec.source, url=rec.url, body=body, fetched_at=at, kind=src.sniff(body))
        try:
            outcome = process_payload(store, src, payload, observed_at=at.isoformat())
        except SourceError as exc:
            line["ok"] = False
            line["errors"].append(str(exc))
            continue
        line["payloads"] += 1
        line["warnings"] += len(outcome.warnings)
    counts = store.reader().counts_by_source()
    for line in by_source.values():
        line["records"] = counts.get(line["source"], 0)
    return list(by_source.values())


def commands_to_try(target: str, own_db: bool) -> list[str]:
    """Commands that work as typed after the demo: without --db when a plain command reads the demo store (no store
    named, the user's own without records), else with it."""
    plain = not own_db and reading_url(None)[0] == f"sqlite:///{Path(target).expanduser()}"
    pre = "mergerwatch " if plain else f"mergerwatch --db {shlex.quote(target)} "
    return [
        pre + 'deal "Navitas Semiconductor" Claros',
        pre + 'search "Axel Springer"',
        pre + "stats --authority EC",
        pre + "show M.10108",
        pre + 'list --authority FTC --status "HSR waiting period ended"',
        pre + 'deal "Insurance Australia Group" "RAC Insurance"',
        pre + 'list --authority ACCC --status "in-depth review"',
        "mergerwatch clock eu-phase1 2025-01-10",
        "mergerwatch clock au-phase1 2026-06-22",
        pre + "show 24-DCC-101",
        "mergerwatch clock fr-phase1 2024-05-06",
    ]


def run_demo(db: str | None, force: bool = False) -> dict[str, Any]:
    """Build the demo store (``db``, else the demo's own file) and answer the demo's deal queries."""
    target = _clear(db, force)
    store = Store(target)
    try:
        store.set_state(*DEMO_MARK, "1")
        sources = _store_recordings(store)
        store.set_state(*DEMO_WROTE, _what_is_held(store))
        answers = [deal(store, q) for q in DEMO_QUERIES]
        url = store.url
    finally:
        store.close()
    return {"database": url, "sources": sources, "deals": answers, "try": commands_to_try(target, db is not None)}
