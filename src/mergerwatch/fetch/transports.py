"""Transports under the client: replay recorded responses from a directory (no network at all), or record every
live response into that layout. A recording is ``<host>/<digest>.json`` (method, redacted URL, status, kept headers)
beside ``<digest>.body``; the digest names the request (method, URL with sorted query, secrets removed)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
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


# The answer's headers a recording keeps: its type, its validators, its wait, and how its body is encoded (the body
# is kept as it came, compressed if it came so, and decoded by the client within its bounds, reading.py).
_KEPT_HEADERS = ("content-type", "etag", "last-modified", "retry-after", "content-encoding")
# A recorded body is cut off beyond this many bytes as received: the client's cap (after decoding) applies again.
MAX_RECORDED = 512 * 1024 * 1024


class _FileStream(httpx.SyncByteStream):
    """A recorded body served from its file in chunks: a replayed answer is never read whole."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[bytes]:
        with open(self.path, "rb") as fh:
            while chunk := fh.read(64 * 1024):
                yield chunk


class ReplayTransport(httpx.BaseTransport):
    """Serves recorded responses from a directory: no network at all. Each body streams from its file, with the
    encoding it was recorded with."""

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
        return httpx.Response(meta["status"], headers=meta.get("headers", {}), stream=_FileStream(body_p),
                              request=request)  # fmt: skip


class RecordingTransport(httpx.BaseTransport):
    """Passes requests to a real transport and saves each response in the replay layout as it streams: the body as
    received (still compressed), written to its file chunk by chunk, then served to the client from that file."""

    def __init__(self, root: Path, inner: httpx.BaseTransport | None = None) -> None:
        self.root = Path(root)
        self.inner = inner or httpx.HTTPTransport(verify=True, limits=httpx.Limits(max_keepalive_connections=0))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read() if request.method != "GET" else None
        response = self.inner.handle_request(request)
        meta_p, body_p = _recording_paths(self.root, request.method, str(request.url), body)
        body_p.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        try:
            with open(body_p, "wb") as fh:
                for chunk in response.stream:  # raw: httpx decodes only when the client reads the Response
                    size += len(chunk)
                    if size > MAX_RECORDED:
                        break
                    fh.write(chunk)
        finally:
            response.close()
        _write_meta(meta_p, request.method, str(request.url), response.status_code, response.headers)
        return httpx.Response(response.status_code, headers=_kept(response.headers), stream=_FileStream(body_p),
                              request=request)  # fmt: skip


def _kept(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in ((k.lower(), v) for k, v in headers.items()) if k in _KEPT_HEADERS}


def _write_meta(meta_p: Path, method: str, url: str, status: int, headers: Mapping[str, str]) -> None:
    meta_p.parent.mkdir(parents=True, exist_ok=True)
    meta = {"method": method.upper(), "url": redact_url(url), "status": status, "headers": _kept(headers)}
    meta_p.write_text(json.dumps(meta, indent=1, sort_keys=True))


def save_recording(
    root: Path,
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str],
    content: bytes,
    body: bytes | None = None,
) -> Path:
    """A response written in the replay layout (tests and scripts/build_replay_recordings.py): ``content`` is the
    body as the server would send it, encoded as ``headers`` say."""
    meta_p, body_p = _recording_paths(Path(root), method, url, body)
    _write_meta(meta_p, method, url, status, headers)
    body_p.write_bytes(content)
    return meta_p
