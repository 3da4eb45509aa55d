"""One polite HTTP client for every source.

Layers, each separate: the per-host rules (fetch/hosts.py), a throttle, retries with exponential backoff that
honour ``Retry-After``, conditional GETs, secret redaction, manual redirects that never carry a key to another
origin, and bounded reading; the transports underneath are live, replay or record (fetch/transports.py).
Knows no source: the caller gives the rules of the hosts it will ask.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import IO, Any, Protocol

import httpx

from mergerwatch.core.errors import HttpError
from mergerwatch.core.redaction import SECRET_HEADERS, redact_url
from mergerwatch.fetch.hosts import DEFAULT_RULE, MB, HostRule, user_agent
from mergerwatch.fetch.reading import BodyTooLarge, DeadlinePassed, UnknownEncoding, Watchdog, read_bounded

log = logging.getLogger("mergerwatch.fetch")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5


class Validators(Protocol):
    """Where conditional-GET validators live (the store implements it)."""

    def get_validators(self, url: str) -> tuple[str | None, str | None]: ...

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None: ...


class MemoryValidators:
    def __init__(self) -> None:
        self._d: dict[str, tuple[str | None, str | None]] = {}

    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        return self._d.get(url, (None, None))

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self._d[url] = (etag, last_modified)


@dataclass
class Response:
    url: str  # redacted
    status: int
    headers: Mapping[str, str]
    content: bytes
    elapsed: float = 0.0
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def validators(self) -> tuple[str, str | None, str | None] | None:
        etag, last_mod = self.headers.get("etag"), self.headers.get("last-modified")
        return (self.url, etag, last_mod) if (etag or last_mod) else None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


# --- the client --------------------------------------------------------------------------------


THROTTLE_STEP = 0.25  # seconds: how soon a waiting request sees a slot given back


@dataclass
class _HostState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0


class Client:
    """The polite client. Thread-safe: sources may run concurrently, each host keeps its own pace."""

    def __init__(
        self,
        contact: str,
        *,
        transport: httpx.BaseTransport | None = None,
        validators: Validators | None = None,
        rules: dict[str, HostRule] | None = None,
        default_rule: HostRule = DEFAULT_RULE,
        sleep: Callable[[float], None] = time.sleep,
        replay: bool = False,
        connect_timeout: float | None = None,
        run_deadline: float | None = None,
    ) -> None:
        self.rules = dict(rules or {})  # host -> rule, from the sources that will ask them
        self.default_rule = default_rule
        self.validators = validators or MemoryValidators()
        self._cancelled = threading.Event()
        # time.sleep waits on the cancel event instead: a cancelled run wakes from a backoff or a host's interval
        self.sleep = self._wait if sleep is time.sleep else sleep
        self.replay = replay
        self.connect_timeout = connect_timeout
        # time.monotonic() after which no request starts: the refresh as a whole is bounded too
        self.run_deadline = run_deadline
        # Called with (url, status, body, message) for every request that failed with a body in hand, so the
        # caller can keep that body for re-parsing (refresh stores it as a failed raw payload).
        self.on_failed_body: Callable[[str, int | None, bytes, str], None] | None = None
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self.requests_made = 0
        # Requests a host answered, and requests that reached no host (a name that does not resolve, a refused
        # connection): none of the first and some of the second is a machine offline (`doctor`, `refresh`).
        self.answered = 0
        self.unreachable = 0
        # verify=True always: TLS verification is never switched off. Redirects are followed here, by hand,
        # so that secret headers never travel to another origin (httpx strips only Authorization).
        # No connection is kept alive: each request has its own, whose socket the watchdog can shut (reading.py).
        self._client = httpx.Client(
            transport=transport,
            verify=True,
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"User-Agent": user_agent(contact), "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self._client.close()

    def cancel(self) -> None:
        """Stop: no request starts after this, and a request waiting for its turn or a retry gives up at once
        (Ctrl-C: the sources running in other threads end with the main one)."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _wait(self, seconds: float) -> None:
        if self._cancelled.wait(seconds):
            raise HttpError("", "the run was interrupted")

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rule_for(self, host: str) -> HostRule:
        rule = self.rules.get(host, self.default_rule)
        if self.replay:
            rule = replace(rule, min_interval=0.0, backoff=0.0)
        return rule

    def _throttle(self, host: str, rule: HostRule) -> None:
        with self._hosts_lock:
            state = self._hosts.setdefault(host, _HostState())
        # Slept in short steps, the slot checked again after each: a request that never reached the host gives its
        # slot back (_unthrottle), and the next one need not sleep out the whole interval.
        while True:
            with state.lock:
                wait = state.next_at - time.monotonic()
                if wait <= 0:
                    state.next_at = time.monotonic() + rule.min_interval
                    return
            self.sleep(min(wait, THROTTLE_STEP))

    def _unthrottle(self, host: str) -> None:
        """A request that never reached ``host`` (its name does not resolve, the connection was refused) owes it no
        interval: the next one may go now (offline, a `doctor` of seven sources answered in 15 s, not 2)."""
        with self._hosts_lock:
            state = self._hosts.get(host)
        if state is not None:
            with state.lock:
                state.next_at = min(state.next_at, time.monotonic())

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
        sink: IO[bytes] | None = None,
    ) -> Response:
        """``sink``: a file the body is written to instead of memory (a download of hundreds of megabytes); the
        response's content is then b"" and the file holds the body, within the host's cap and deadline."""
        return self.request("GET", url, params=params, headers=headers, conditional=conditional, sink=sink)

    def post(
        self,
        url: str,
        *,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Response:
        return self.request("POST", url, params=params, headers=headers, data=data, files=files)

    def _failed(self, url: str, message: str, status: int | None, body: bytes, **kw: Any) -> HttpError:
        exc = HttpError(url, message, status, body, **kw)
        if body and self.on_failed_body is not None:
            self.on_failed_body(exc.url, status, body, str(exc))
        return exc

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        sink: IO[bytes] | None = None,
    ) -> Response:
        req = self._client.build_request(method, url, params=params, headers=headers, data=data, files=files)
        full_url = str(req.url)
        shown = redact_url(full_url)
        host = req.url.host
        rule = self.rule_for(host)
        req.extensions["timeout"] = make_timeout(rule, self.connect_timeout).as_dict()
        if conditional:
            etag, last_mod = self.validators.get_validators(shown)
            if etag:
                req.headers["If-None-Match"] = etag
            if last_mod:
                req.headers["If-Modified-Since"] = last_mod
        attempt = 0
        while True:
            if self._cancelled.is_set():
                raise HttpError(full_url, "the run was interrupted")
            if self.run_deadline is not None and time.monotonic() > self.run_deadline:
                raise HttpError(full_url, f"the refresh reached its time limit before requesting {shown}")
            self._throttle(host, rule)
            started = time.monotonic()
            try:
                self.requests_made += 1
                resp, final_url, content = self._send(req, rule, sink)
            except UnknownEncoding as odd:  # before its parent class BodyTooLarge
                raise self._failed(
                    full_url,
                    f"{shown} answered in a content encoding mergerwatch does not read "
                    f"({odd.__cause__}); nothing of it was kept",
                    odd.status,
                    b"",
                ) from None
            except DeadlinePassed as late:  # before its parent class BodyTooLarge
                raise self._failed(
                    full_url,
                    f"{shown} did not finish sending within {rule.deadline:.0f} s; what arrived was kept",
                    late.status,
                    late.prefix,
                ) from None
            except BodyTooLarge as big:
                raise self._failed(
                    full_url,
                    f"{shown} sent more than {rule.max_body // MB} MB (after decompression); the first part was kept",
                    big.status,
                    big.prefix,
                ) from None
            except _RedirectError as exc:
                raise HttpError(full_url, str(exc)) from None
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                offline = (
                    not self.replay
                    and isinstance(exc, httpx.ConnectError)
                    and not isinstance(exc, httpx.ConnectTimeout)
                )
                kind = "timed out" if isinstance(exc, httpx.TimeoutException) else f"failed ({_why(exc)})"
                # A name that does not resolve or a refused connection will not answer in 30 s either: one quick
                # retry at most (a flaky resolver), not the exponential backoff meant for a busy server.
                limit = 0 if self.replay else (1 if offline else rule.retries)
                if attempt >= limit:
                    if offline:
                        self._unthrottle(host)
                        self.unreachable += 1
                    raise HttpError(
                        full_url, f"request to {shown} {kind} after {attempt + 1} attempt(s)", offline=offline
                    ) from None
                if offline:
                    self._unthrottle(host)  # the host never saw it: its interval is not owed
                    self.sleep(0.0 if self.replay else 1.0)
                else:
                    self._backoff(rule, attempt, None, shown, kind)
                attempt += 1
                continue
            elapsed = time.monotonic() - started
            self.answered += 1
            status = resp.status_code
            if status == 304:
                return Response(shown, 304, resp.headers, b"", elapsed, not_modified=True)
            if status in RETRY_STATUSES:
                retry_after = parse_retry_after(resp.headers.get("retry-after"))
                if attempt >= rule.retries or (retry_after is not None and retry_after > rule.max_wait):
                    raise self._failed(
                        full_url,
                        f"{shown} answered HTTP {status} after {attempt + 1} attempt(s)",
                        status,
                        content,
                        retry_after=retry_after,
                        headers=resp.headers,
                    )
                self._backoff(rule, attempt, retry_after, shown, f"HTTP {status}")
                attempt += 1
                continue
            if status >= 400:
                raise self._failed(full_url, f"{shown} answered HTTP {status}", status, content, headers=resp.headers)
            # Validators are returned, not saved: the caller saves them once the body is safely stored, so a
            # body that fails to parse is fetched again next time instead of being skipped as "not modified".
            final_shown = redact_url(final_url) if final_url != full_url else shown
            return Response(final_shown, status, resp.headers, content, elapsed)

    def _send(
        self, req: httpx.Request, rule: HostRule, sink: IO[bytes] | None = None
    ) -> tuple[httpx.Response, str, bytes]:
        """Send, following redirects by hand, and read the body within the rule's size and time bounds: the
        deadline covers connecting, the status line and headers as well as the body (reading.Watchdog)."""
        deadline = time.monotonic() + rule.deadline
        watchdog = Watchdog(deadline)
        watchdog.start()
        try:
            return self._send_within(req, rule, deadline, watchdog, sink)
        except (httpx.TimeoutException, httpx.TransportError):
            if watchdog.fired:
                raise DeadlinePassed(b"", 0) from None
            raise
        finally:
            watchdog.stop()

    def _send_within(
        self, req: httpx.Request, rule: HostRule, deadline: float, watchdog: Watchdog, sink: IO[bytes] | None = None
    ) -> tuple[httpx.Response, str, bytes]:
        origin = _origin(req.url)
        for _hop in range(MAX_REDIRECTS + 1):
            req.extensions["trace"] = watchdog.trace
            resp = self._client.send(req, stream=True)
            try:
                if resp.has_redirect_location and req.method in ("GET", "HEAD"):
                    location = resp.headers.get("location", "")
                    resp.read()
                    nxt = req.url.join(location)
                    if nxt.scheme not in ("http", "https"):
                        raise _RedirectError(f"{redact_url(str(req.url))} redirected to a non-HTTP address")
                    if nxt.scheme == "http" and req.url.scheme == "https":
                        raise _RedirectError(
                            f"{redact_url(str(req.url))} redirected from HTTPS to plain HTTP "
                            f"({redact_url(str(nxt))}); not followed"
                        )
                    hdrs = dict(req.headers)
                    hdrs.pop("host", None)
                    hdrs.pop("Host", None)
                    if _origin(nxt) != origin:
                        # Keys belong to the host they were issued for: never sent to another origin.
                        hdrs = {k: v for k, v in hdrs.items() if k.lower() not in SECRET_HEADERS}
                        origin = _origin(nxt)
                    ext = req.extensions
                    req = self._client.build_request("GET", nxt, headers=hdrs)
                    req.extensions.update(ext)
                    continue
                # an error answer (4xx/5xx, retried or kept) is read into memory, never into the caller's file
                to = sink if sink is not None and resp.status_code < 400 else None
                content = read_bounded(resp, rule.max_body, deadline, watchdog, to)
            finally:
                resp.close()
            return resp, str(req.url), content
        raise _RedirectError(
            f"{redact_url(str(req.url))} redirected more than {MAX_REDIRECTS} times (a redirect loop?)"
        )

    def _backoff(self, rule: HostRule, attempt: int, retry_after: float | None, url: str, why: str) -> None:
        wait = rule.backoff * (2**attempt)
        if retry_after is not None:
            wait = max(wait, retry_after) if rule.backoff else retry_after
        log.warning("%s: %s; retrying in %.1fs (attempt %d of %d)", url, why, wait, attempt + 2, rule.retries + 1)
        if wait > 0:
            self.sleep(wait)


class _RedirectError(Exception):
    pass


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _why(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    low = text.lower()
    if "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low:
        return "the host name does not resolve"
    if "connection refused" in low:
        return "connection refused"
    return text


def make_timeout(rule: HostRule, connect: float | None = None) -> httpx.Timeout:
    return httpx.Timeout(rule.timeout, connect=min(rule.timeout, connect or 15.0))
