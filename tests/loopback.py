"""A scripted HTTP server on 127.0.0.1 for fault tests: bounded, self-stopping, loopback only."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)
    reset: bool = False  # close the connection without a response
    truncate_to: int | None = None  # announce the full length, send only this many bytes
    trickle: float = 0.0  # seconds between chunks of 16 bytes (a server that holds a request open)
    head_trickle: float = 0.0  # seconds between the bytes of the status line and headers (for at most 10 s)


class Script:
    """Replies by the first route key found in the path (with query), in order; the last reply repeats."""

    def __init__(self, routes: dict[str, list[Reply]]) -> None:
        self.routes = routes
        self.hits: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()

    def next(self, path: str, headers: dict[str, str]) -> Reply:
        with self.lock:
            self.hits.append((path, headers))
            for prefix, replies in self.routes.items():
                if prefix in path:
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        return Reply(404, b"not found")


class LoopbackServer:
    MAX_REQUESTS = 200  # bounded: a runaway retry loop cannot hammer anything
    MAX_SECONDS = 60.0

    def __init__(self, script: Script, port: int = 0) -> None:
        self.script = script
        srv = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:
                if len(srv.script.hits) >= srv.MAX_REQUESTS:
                    self.send_error(503)
                    return
                r = srv.script.next(self.path, {k.lower(): v for k, v in self.headers.items()})
                if r.delay:
                    time.sleep(r.delay)
                if r.reset:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    return
                if r.head_trickle:
                    head = f"HTTP/1.1 {r.status} OK\r\nContent-Length: {len(r.body)}\r\n\r\n".encode()
                    stop = time.monotonic() + 10.0  # bounded whatever the client does
                    try:
                        for i in range(len(head)):
                            if time.monotonic() > stop:
                                return
                            self.wfile.write(head[i : i + 1])
                            self.wfile.flush()
                            time.sleep(r.head_trickle)
                        self.wfile.write(r.body)
                    except OSError:
                        pass
                    return
                self.send_response(r.status)
                for k, v in r.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(r.body)))
                self.end_headers()
                body = r.body if r.truncate_to is None else r.body[: r.truncate_to]
                try:
                    if r.trickle:
                        deadline = time.monotonic() + 10.0  # bounded whatever the client does
                        for i in range(0, len(body), 16):
                            if time.monotonic() > deadline:
                                break
                            self.wfile.write(body[i : i + 16])
                            self.wfile.flush()
                            time.sleep(r.trickle)
                        return
                    self.wfile.write(body)
                    if r.truncate_to is not None:
                        self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            do_POST = do_GET

        ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        # a short poll: shutdown() waits for serve_forever to look, 0.5 s a server by default
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.timer = threading.Timer(self.MAX_SECONDS, self.stop)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        self.timer.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
        self.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_with(routes: dict[str, list[Reply]], fn: Callable[[LoopbackServer], object]) -> tuple[object, Script]:
    script = Script(routes)
    with LoopbackServer(script) as srv:
        return fn(srv), script
