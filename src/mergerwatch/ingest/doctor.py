"""`mergerwatch doctor`: fetch one small page per source, live, and say whether its parser still understands it.

A check, not a nightly run: nothing is written to the user's store (source state lives in memory), a short connect
timeout, one retry, no long Retry-After sleeps, every source at once (each host keeps its pace), so an offline
machine answers within seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from mergerwatch.core.redaction import redact
from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import contact_from_env
from mergerwatch.sources import all_sources, get_source, host_rules
from mergerwatch.sources.base import FetchContext


class MemoryState:
    """Source state for a check: in memory, shared safely by the sources checked in parallel."""

    def __init__(self) -> None:
        self._d: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get_state(self, source: str, key: str) -> str | None:
        with self._lock:
            return self._d.get((source, key))

    def set_state(self, source: str, key: str, value: str | None) -> None:
        with self._lock:
            if value is None:
                self._d.pop((source, key), None)
            else:
                self._d[(source, key)] = value


def check_sources(names: list[str] | None, on_done: Callable[[str, bool], None] | None = None) -> list[dict[str, Any]]:
    """``{"source", "ok", "message", "offline"}`` per source checked (every source when ``names`` is empty);
    ``on_done`` is told of each as it is checked."""
    names = names or list(all_sources())
    for name in names:
        get_source(name)
    state = MemoryState()
    rules = {h: replace(r, retries=1, max_wait=10.0, deadline=min(r.deadline, 60.0)) for h, r in host_rules().items()}
    client = Client(contact_from_env(required=True), validators=None, rules=rules, connect_timeout=5.0)

    def check(name: str) -> dict[str, Any]:
        src = get_source(name)
        try:
            ok, msg = src.doctor(FetchContext(client=client, state=state))
        except Exception as exc:  # every source is checked whatever one does
            ok, msg = False, str(exc)
        msg = msg.removeprefix(f"{name}: ")  # the line names the source already
        if on_done and not client.cancelled:
            on_done(name, ok)
        return {"source": name, "ok": ok, "message": redact(msg), "offline": False}

    # Not a `with` block: on Ctrl-C the main thread leaves at once (the process exits without waiting for the
    # checks still sleeping or connecting: core/exiting.py), instead of waiting for every source to finish.
    pool = ThreadPoolExecutor(max_workers=len(names))
    try:
        results = list(pool.map(check, names))
    except BaseException:
        client.cancel()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        client.close()
    if client.answered == 0 and client.unreachable:  # no host answered: the machine, not the sources
        for r in results:
            r["offline"] = not r["ok"]
    return results
