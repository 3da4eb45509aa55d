"""Reading an answer within bounds: the whole request (connect, status line, headers, body) within the host's
deadline, and the body decoded here, chunk by chunk, never to more than the host's cap.

httpx's timeouts are per operation: a server that sends its headers a byte at a time restarts the read timeout
with every byte. So each request carries a watchdog: when the deadline passes it shuts the request's socket down
(httpcore's trace names the socket when it connects; connections are not kept alive, so each request has its own)
and the blocked read ends. The body is read raw and decompressed here with a cap on each step's output, so a gzip
bomb costs the cap and no more, and it is gathered in one growing buffer (no copy when it is handed over).

Imports nothing of mergerwatch but the fetch layer's own bounds.
"""

from __future__ import annotations

import io
import socket
import threading
import time
import zlib
from typing import IO, Any

import httpx

CHUNK = 64 * 1024
STEP = 1024 * 1024  # what one decompression step may output: a bomb's chunk is never held whole beside the body
KEPT_PREFIX = 1024 * 1024  # what is kept of a body cut off: enough to see what the server sent


class BodyTooLarge(Exception):
    def __init__(self, prefix: bytes, status: int) -> None:
        self.prefix, self.status = prefix, status


class DeadlinePassed(BodyTooLarge):
    pass


class UnknownEncoding(BodyTooLarge):
    pass


class Watchdog:
    """Ends a request at its deadline whatever the server does: it shuts the request's socket down (the trace of
    httpcore hands the socket over as the connection is made), which ends a read blocked on a trickling server."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                with self._lock:
                    self._sock = sock
                    if self.fired:
                        self._shut()

    def start(self) -> None:
        self._timer = threading.Timer(max(0.0, self.deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # closed already: the request is over


def _decoder(encoding: str) -> Any:
    """A streaming decompressor for the answer's Content-Encoding; None for an identity body."""
    enc = encoding.lower().strip()
    if enc in ("", "identity"):
        return None
    if enc in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if enc == "deflate":
        return _Deflate()
    raise ValueError(enc)


class _Deflate:
    """'deflate' as servers send it: zlib-wrapped, or (some old servers) raw deflate; which, from the first bytes."""

    def __init__(self) -> None:
        self._d: Any = None
        self.unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._d is None:
            raw = not (len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] * 256 + data[1]) % 31 == 0)
            self._d = zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
        out = self._d.decompress(data, max_length)
        self.unconsumed_tail = self._d.unconsumed_tail
        return out

    def flush(self) -> bytes:
        return self._d.flush() if self._d is not None else b""


def read_bounded(
    resp: httpx.Response,
    max_body: int,
    deadline: float,
    watchdog: Watchdog | None = None,
    sink: IO[bytes] | None = None,
) -> bytes:
    """The decoded body, refusing more than ``max_body`` bytes or reading past ``deadline``. Raw chunks are
    decompressed here, a megabyte a step and never past what the body may still grow: a gzip bomb costs at most the
    cap; the body grows in one buffer, handed over without a copy. With ``sink`` (a file a large download is spooled
    to) the body goes there instead, emptied first, and b"" is returned: memory holds a chunk, not the body."""
    try:
        decoder = _decoder(resp.headers.get("content-encoding", ""))
    except ValueError as exc:
        raise UnknownEncoding(b"", resp.status_code) from exc
    out: IO[bytes] = io.BytesIO() if sink is None else sink
    if sink is not None:
        sink.seek(0)
        sink.truncate()  # a retried request starts the file again
    size = 0

    def prefix() -> bytes:
        if isinstance(out, io.BytesIO):
            return out.getbuffer()[:KEPT_PREFIX].tobytes()
        out.seek(0)
        return out.read(KEPT_PREFIX)

    def add(data: bytes) -> None:
        nonlocal size
        out.write(data)
        size += len(data)
        if size > max_body:
            raise BodyTooLarge(prefix(), resp.status_code)

    try:
        for raw in resp.iter_raw():  # as it arrives (a chunk size would hold what trickles until it fills)
            if decoder is None:
                add(raw)
            else:
                data = raw
                while data:
                    add(decoder.decompress(data, min(STEP, max_body + 1 - size)))
                    data = decoder.unconsumed_tail
            if time.monotonic() > deadline:
                raise DeadlinePassed(prefix(), resp.status_code)
    except (httpx.TransportError, httpx.TimeoutException):
        if watchdog is not None and watchdog.fired:  # the deadline ended a read blocked mid-body: keep what came
            raise DeadlinePassed(prefix(), resp.status_code) from None
        raise
    except zlib.error as exc:
        raise UnknownEncoding(prefix(), resp.status_code) from exc
    if decoder is not None:
        add(decoder.flush())
    if sink is not None:
        sink.flush()
        return b""
    assert isinstance(out, io.BytesIO)
    return out.getvalue()
