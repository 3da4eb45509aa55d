"""The client's bounds against loopback servers (issue 35): a deadline that covers the status line and headers, a
body decoded chunk by chunk within the cap (a gzip bomb costs the cap), recordings kept as they came (compressed)
and replayed as they were, each streamed."""

from __future__ import annotations

import gzip
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from mergerwatch.core.errors import HttpError
from mergerwatch.fetch.client import Client
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.fetch.transports import RecordingTransport, ReplayTransport

from .loopback import LoopbackServer, Reply, Script

MB = 1024 * 1024


def _client(rule: HostRule, **kw) -> Client:
    return Client("tests@example.org", rules={}, default_rule=rule, sleep=lambda s: None, **kw)


def _bomb(size: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join(c.compress(b"\0" * MB) for _ in range(size // MB)) + c.flush()


@pytest.mark.slow
def test_headers_sent_a_byte_at_a_time_are_bounded_by_the_deadline():
    rule = HostRule(min_interval=0, timeout=5.0, retries=1, backoff=0, max_wait=1, deadline=1.5)
    script = Script({"/": [Reply(200, b'{"a": 1}', head_trickle=0.2)]})
    with LoopbackServer(script) as srv:
        client = _client(rule)
        started = time.monotonic()
        with pytest.raises(HttpError, match="did not finish sending within 2 s"):
            client.get(srv.url + "/")
        # two attempts of 1.5 s each, however slowly the headers come (each byte restarts httpx's read timeout)
        assert time.monotonic() - started < 4.5
        client.close()


def test_a_gzip_bomb_costs_the_cap_and_no_more():
    rule = HostRule(min_interval=0, timeout=5.0, retries=0, backoff=0, max_body=2 * MB, deadline=30)
    body = _bomb(200 * MB)
    script = Script({"/": [Reply(200, body, {"Content-Encoding": "gzip", "Content-Type": "application/json"})]})
    kept: list[bytes] = []
    with LoopbackServer(script) as srv:
        client = _client(rule)
        client.on_failed_body = lambda url, status, b, msg: kept.append(b)
        tracemalloc.start()
        try:
            with pytest.raises(HttpError, match="sent more than 2 MB"):
                client.get(srv.url + "/")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            client.close()
    assert peak < 12 * MB, f"{peak / MB:.0f} MB held for a 2 MB cap"  # the server's copy of the bomb included
    assert kept and 0 < len(kept[0]) <= MB and set(kept[0]) == {0}  # what came first is kept


def test_raw_deflate_and_zlib_deflate_both_read():
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    bodies = [raw.compress(b'{"ok": 1}') + raw.flush(), zlib.compress(b'{"ok": 1}')]
    rule = HostRule(min_interval=0, timeout=5.0, retries=0)
    for body in bodies:
        script = Script({"/": [Reply(200, body, {"Content-Encoding": "deflate"})]})
        with LoopbackServer(script) as srv:
            client = _client(rule)
            assert client.get(srv.url + "/").content == b'{"ok": 1}'
            client.close()


def test_an_unknown_content_encoding_is_a_clear_failure():
    rule = HostRule(min_interval=0, timeout=5.0, retries=0)
    script = Script({"/": [Reply(200, b"\x1b\x2c", {"Content-Encoding": "zstd-nonesuch"})]})
    with LoopbackServer(script) as srv:
        client = _client(rule)
        with pytest.raises(HttpError, match="content encoding mergerwatch does not read"):
            client.get(srv.url + "/")
        client.close()


def test_record_keeps_a_gzip_answer_as_it_came_and_replay_gives_it_back(tmp_path: Path):
    rule = HostRule(min_interval=0, timeout=5.0, retries=0)
    body = b'{"results": [1, 2, 3]}' * 100
    script = Script({"/feed": [Reply(200, gzip.compress(body), {"Content-Encoding": "gzip"})]})
    with LoopbackServer(script) as srv:
        client = _client(rule, transport=RecordingTransport(tmp_path))
        assert client.get(srv.url + "/feed").content == body  # was: "Error -3 while decompressing data"
        client.close()
        url = srv.url + "/feed"
    (stored,) = list(tmp_path.rglob("*.body"))
    assert stored.read_bytes()[:2] == b"\x1f\x8b"  # kept compressed, as it came
    client = _client(rule, transport=ReplayTransport(tmp_path), replay=True)
    assert client.get(url).content == body
    client.close()


def test_a_recorded_bomb_is_replayed_within_the_cap(tmp_path: Path):
    from mergerwatch.fetch.transports import save_recording

    url = "https://www.example.org/feed.xml"
    save_recording(tmp_path, "GET", url, 200, {"content-encoding": "gzip"}, _bomb(100 * MB))
    rule = HostRule(min_interval=0, timeout=5.0, retries=0, max_body=2 * MB)
    client = _client(rule, transport=ReplayTransport(tmp_path), replay=True)
    tracemalloc.start()
    try:
        with pytest.raises(HttpError, match="sent more than 2 MB"):
            client.get(url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        client.close()
    assert peak < 8 * MB, f"{peak / MB:.0f} MB held replaying a bomb under a 2 MB cap"
