"""Secrets never leave the process: every message, stored error and URL passes through ``redact``.

Separate from the HTTP client so that the read path (and alerts) can redact without importing httpx.
"""

from __future__ import annotations

import os
import re
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Names of query parameters and headers that carry secrets; their values never leave unredacted.
SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "token", "access_token"})
SECRET_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie"})
_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_PARAM = re.compile(r"(?i)\b(api_key|apikey|access_token|token)=[^&\s\"']+")
# Secrets configured in the environment are secrets wherever they turn up, whichever source is running.
SECRET_ENV = ("MERGERWATCH_FTC_API_KEY", "MERGERWATCH_WEBHOOK")


def _known() -> list[str]:
    for var in SECRET_ENV:
        value = os.environ.get(var)
        if value and value not in _secrets:
            register_secret(value)
    return sorted(_secrets, key=len, reverse=True)


def register_secret(value: str | None) -> None:
    """Remember a secret value so that every log line, error and stored URL redacts it."""
    if value and len(value) >= 4:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    for s in _known():
        if s in text:
            text = text.replace(s, "***")
    return _PARAM.sub(r"\1=***", text)


def redact_bytes(body: bytes) -> bytes:
    """A stored body with every registered secret replaced (a server may echo the key in an error page)."""
    for s in _known():
        b = s.encode()
        if b in body:
            body = body.replace(b, b"***")
    return body


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    q = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return redact(urlunsplit(parts._replace(query=urlencode(q, safe="[]:,"))))


def url_origin(url: str) -> str:
    """Scheme and host of a URL only: how a webhook (whose path may hold a token) is shown and stored."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…" if parts.scheme else "(not a URL)"
