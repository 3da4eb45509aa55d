"""The offline demo: a refresh replayed from recordings shipped inside the package, then a deal query.

The recordings are real captured responses (see demo/recordings/README.md for which sample each one is
and which request it answers), served by the same replay transport that `refresh --replay` uses.
"""

from __future__ import annotations

import json
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from rich.console import Console

from mergerwatch.core.errors import UsageError
from mergerwatch.ingest.refresh import make_client, run_refresh
from mergerwatch.query.deals import deal
from mergerwatch.render.terminal import print_deal
from mergerwatch.sources import all_sources
from mergerwatch.store.write.store import Store

# Real deals present in the recordings.
DEMO_QUERIES: list[list[str]] = [["Navitas Semiconductor", "Claros"], ["Exxon", "Pioneer"]]


def recorded_sources(rec_dir: Path) -> list[str]:
    """The sources whose every host has recordings shipped here (a folder per host)."""
    hosts = {p.name for p in rec_dir.iterdir() if p.is_dir()}
    return [name for name, src in all_sources().items() if src.hosts and set(src.hosts) <= hosts]


def demo_db_path() -> Path:
    return Path(user_data_dir("mergerwatch", appauthor=False)) / "demo.db"


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


def _demo_store_untouched(target: str) -> bool | None:
    """True: a demo store holding only what the demo wrote; False: a store with anything else in it; None: no store."""
    store = Store(target)
    try:
        if store.get_state(*DEMO_MARK) != "1":
            return False
        return store.get_state(*DEMO_WROTE) == _what_is_held(store)
    finally:
        store.close()


def run_demo(db: str | None, console: Console, as_json: bool = False, force: bool = False) -> dict[str, Any]:
    """Build the demo store. Without ``db`` it is the demo's own file; a ``db`` that exists and is not a demo
    store is refused unless ``force``: the demo never replaces a user's data by accident."""
    target = db or str(demo_db_path())
    if db is None:
        demo_db_path().parent.mkdir(parents=True, exist_ok=True)
    if "://" not in target:
        p = Path(target).expanduser()
        if p.exists() and p.stat().st_size and not force and not _demo_store_untouched(target):
            raise UsageError(
                f"{p} holds data the demo did not write (ingested files, watches, refreshes); the demo will not "
                "replace it: add --force to replace it, or give the demo another file with --db"
            )
        for suffix in ("", "-wal", "-shm"):
            Path(str(p) + suffix).unlink(missing_ok=True)
    elif not force:
        raise UsageError("the demo writes only to a file; --db with a database URL needs --force")
    store = Store(target)
    store.set_state(*DEMO_MARK, "1")
    with as_file(files("mergerwatch.demo") / "recordings") as rec_dir:
        client = make_client(store, replay=Path(rec_dir))
        run = run_refresh(store, client, recorded_sources(Path(rec_dir)))
        client.close()
    store.set_state(*DEMO_WROTE, _what_is_held(store))
    answers = [deal(store, q) for q in DEMO_QUERIES]
    summary = {"database": store.url, "sources": [r.as_dict() for r in run.results], "deals": answers}
    if as_json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        console.print(f"[bold]Demo database:[/bold] {store.url}")
        for r in run.results:
            state = "ok" if r.ok else "failed: " + "; ".join(r.errors)
            console.print(f"  {r.source}: {r.records} record(s) from {r.payloads} recorded response(s), {state}")
        for a in answers:
            console.print()
            console.print(f"[bold]$ mergerwatch deal {' '.join(repr(n) for n in a['query'])}[/bold]")
            print_deal(console, a)
        console.print(f"\nTry: mergerwatch --db {target} search 'Axel Springer'")
    return summary
