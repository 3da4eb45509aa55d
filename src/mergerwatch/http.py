"""One polite HTTP client for every source.

Layers, each separate: a per-host rule table (rate, retries, timeouts), a throttle, retries with
exponential backoff that honour ``Retry-After``, conditional GETs, secret redaction, and the
transports underneath (live, replay from a directory, record to a directory).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from mergerwatch import __version__
from mergerwatch.errors import UsageError

log = logging.getLogger("mergerwatch.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HostRule:
    min_interval: float = 1.0  # seconds between two requests to this host
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 2.0  # first wait; doubles each retry
    max_wait: float = 120.0  # a Retry-After longer than this stops the source instead of sleeping


# Per-host politeness, in one table (the numbers and their reasons are in shared/sources/*.md).
HOST_RULES: dict[str, HostRule] = {
    # api.data.gov gateway; 1,000/hour with a key; slow (a 2-record page took 12.5 s).
    "api.ftc.gov": HostRule(min_interval=4.0, timeout=90.0, retries=3, backoff=5.0),
    # robots.txt Crawl-delay: 5
    "www.ftc.gov": HostRule(min_interval=5.0, timeout=60.0),
    "www.justice.gov": HostRule(min_interval=1.0, timeout=60.0),
    "www.federalregister.gov": HostRule(min_interval=0.25, timeout=60.0),
    "www.gov.uk": HostRule(min_interval=0.2, timeout=30.0),
    "competition-cases.ec.europa.eu": HostRule(min_interval=1.0, timeout=300.0),
    "api.tech.ec.europa.eu": HostRule(min_interval=1.0, timeout=60.0),
}
DEFAULT_RULE = HostRule()

# Names of query parameters that carry secrets; their values never leave this module unredacted.
SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "token", "access_token"})
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret value so that every log line, error and stored URL redacts it."""
    if value and len(value) >= 4:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    for s in sorted(_secrets, key=len, reverse=True):
        text = text.replace(s, "***")
    return re.sub(r"(?i)\b(api_key|apikey|access_token|token)=[^&\s\"']+", r"\1=***", text)


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    q = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return redact(urlunsplit(parts._replace(query=urlencode(q, safe="[]:,"))))


def user_agent(contact: str) -> str:
    # The common "compatible" form for robots, naming the tool and the person responsible for it.
    return f"Mozilla/5.0 (compatible; mergerwatch/{__version__}; +mailto:{contact})"


def contact_from_env(required: bool) -> str:
    contact = os.environ.get("MERGERWATCH_CONTACT", "").strip()
    if not contact and required:
        raise UsageError(
            "set MERGERWATCH_CONTACT to an e-mail address or URL where the authorities can reach you "
            "(it goes into the User-Agent of every request), e.g. export MERGERWATCH_CONTACT=you@example.org"
        )
    return contact or "contact-not-configured"


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


class HttpError(Exception):
    """A request that failed for good (after retries). The message never holds a secret."""

    def __init__(
        self,
        url: str,
        message: str,
        status: int | None = None,
        body: bytes = b"",
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.url = redact_url(url)
        self.status = status
        self.body = body
        self.retry_after = retry_after
        self.headers = dict(headers or {})
        super().__init__(redact(message))


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


# --- transports --------------------------------------------------------------------------------


def request_key(method: str, url: str, body: bytes | None = None) -> str:
    """A stable name for a request: method, host, path and sorted query (secrets removed)."""
    parts = urlsplit(url)
    q = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in SECRET_PARAMS)
    text = f"{method.upper()} {parts.scheme}://{parts.netloc}{parts.path}?{urlencode(q)}"
    if body:
        text += " " + hashlib.sha256(body).hexdigest()
    return text


def _recording_paths(root: Path, method: str, url: str, body: bytes | None) -> tuple[Path, Path]:
    key = request_key(method, url, body)
    host = urlsplit(url).netloc or "local"
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    base = root / host / digest
    return base.with_suffix(".json"), base.with_suffix(".body")


_KEPT_HEADERS = ("content-type", "etag", "last-modified", "retry-after", "content-encoding-original")


class ReplayTransport(httpx.BaseTransport):
    """Serves recorded responses from a directory: no network at all."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read() if request.method != "GET" else None
        meta_p, body_p = _recording_paths(self.root, request.method, str(request.url), body)
        if not meta_p.exists():
            raise httpx.ConnectError(
                f"no recording for {request_key(request.method, str(request.url), body)} in {self.root}",
                request=request,
            )
        meta = json.loads(meta_p.read_text())
        return httpx.Response(
            meta["status"], headers=meta.get("headers", {}), content=body_p.read_bytes(), request=request
        )


class RecordingTransport(httpx.BaseTransport):
    """Passes requests to a real transport and saves each response in the replay layout."""

    def __init__(self, root: Path, inner: httpx.BaseTransport | None = None) -> None:
        self.root = Path(root)
        self.inner = inner or httpx.HTTPTransport(verify=True)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read() if request.method != "GET" else None
        response = self.inner.handle_request(request)
        content = response.read()
        save_recording(
            self.root, request.method, str(request.url), response.status_code, response.headers, content, body
        )
        return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)


def save_recording(
    root: Path,
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str],
    content: bytes,
    body: bytes | None = None,
) -> Path:
    meta_p, body_p = _recording_paths(Path(root), method, url, body)
    meta_p.parent.mkdir(parents=True, exist_ok=True)
    kept = {k: v for k, v in ((k.lower(), v) for k, v in headers.items()) if k in _KEPT_HEADERS}
    meta = {"method": method.upper(), "url": redact_url(url), "status": status, "headers": kept}
    meta_p.write_text(json.dumps(meta, indent=1, sort_keys=True))
    body_p.write_bytes(content)
    return meta_p


# --- the client --------------------------------------------------------------------------------


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
    ) -> None:
        self.rules = dict(HOST_RULES if rules is None else rules)
        self.default_rule = default_rule
        self.validators = validators or MemoryValidators()
        self.sleep = sleep
        self.replay = replay
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self.requests_made = 0
        # verify=True always: TLS verification is never switched off.
        self._client = httpx.Client(
            transport=transport,
            verify=True,
            follow_redirects=True,
            headers={"User-Agent": user_agent(contact), "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self._client.close()

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
        with state.lock:
            wait = state.next_at - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            state.next_at = time.monotonic() + rule.min_interval

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> Response:
        return self.request("GET", url, params=params, headers=headers, conditional=conditional)

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
    ) -> Response:
        req = self._client.build_request(method, url, params=params, headers=headers, data=data, files=files)
        full_url = str(req.url)
        shown = redact_url(full_url)
        host = req.url.host
        rule = self.rule_for(host)
        req.extensions["timeout"] = make_timeout(rule).as_dict()
        if conditional:
            etag, last_mod = self.validators.get_validators(shown)
            if etag:
                req.headers["If-None-Match"] = etag
            if last_mod:
                req.headers["If-Modified-Since"] = last_mod
        attempt = 0
        while True:
            self._throttle(host, rule)
            started = time.monotonic()
            try:
                self.requests_made += 1
                resp = self._client.send(req, stream=False)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                kind = "timed out" if isinstance(exc, httpx.TimeoutException) else f"failed ({exc})"
                if attempt >= rule.retries or isinstance(exc, httpx.ConnectError) and self.replay:
                    raise HttpError(full_url, f"request to {shown} {kind} after {attempt + 1} attempt(s)") from None
                self._backoff(rule, attempt, None, shown, kind)
                attempt += 1
                continue
            elapsed = time.monotonic() - started
            status = resp.status_code
            if status == 304:
                return Response(shown, 304, resp.headers, b"", elapsed, not_modified=True)
            if status in RETRY_STATUSES:
                retry_after = parse_retry_after(resp.headers.get("retry-after"))
                if attempt >= rule.retries or (retry_after is not None and retry_after > rule.max_wait):
                    raise HttpError(
                        full_url,
                        f"{shown} answered HTTP {status} after {attempt + 1} attempt(s)",
                        status,
                        resp.content,
                        retry_after,
                        resp.headers,
                    )
                self._backoff(rule, attempt, retry_after, shown, f"HTTP {status}")
                attempt += 1
                continue
            if status >= 400:
                raise HttpError(full_url, f"{shown} answered HTTP {status}", status, resp.content, None, resp.headers)
            # Validators are returned, not saved: the caller saves them once the body is safely stored, so a
            # body that fails to parse is fetched again next time instead of being skipped as "not modified".
            return Response(shown, status, resp.headers, resp.content, elapsed)

    def _backoff(self, rule: HostRule, attempt: int, retry_after: float | None, url: str, why: str) -> None:
        wait = rule.backoff * (2**attempt)
        if retry_after is not None:
            wait = max(wait, retry_after) if rule.backoff else retry_after
        log.warning("%s: %s; retrying in %.1fs (attempt %d of %d)", url, why, wait, attempt + 2, rule.retries + 1)
        if wait > 0:
            self.sleep(wait)


def make_timeout(rule: HostRule) -> httpx.Timeout:
    return httpx.Timeout(rule.timeout, connect=min(rule.timeout, 15.0))
