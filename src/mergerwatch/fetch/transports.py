"""Transports under the client: replay recorded responses from a directory (no network at all), or record every
live response into that layout. A recording is ``<host>/<digest>.json`` (method, redacted URL, status, kept headers)
beside ``<digest>.body``; the digest names the request (method, URL with sorted query, secrets removed)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from mergerwatch.core.redaction import SECRET_PARAMS, redact_url


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
