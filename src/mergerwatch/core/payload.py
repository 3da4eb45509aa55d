"""A fetched body with its provenance: the record type the ingest path hands to the store.

It lives apart from the sources (and from pydantic) so that the store, and the read path through it, import
nothing of fetching.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from urllib.parse import quote


def file_url(path: str) -> str:
    """The provenance of a saved file: ``file://`` and its path, the bytes of a name that is not UTF-8
    percent-encoded (a store keeps text)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "file://" + quote(os.fsencode(path), safe="/")
    return f"file://{path}"


@dataclass
class Payload:
    """One fetched body with its provenance."""

    source: str
    url: str  # redacted: never holds a key
    body: bytes
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    content_type: str = ""
    status: int = 200
    kind: str = ""  # which surface of the source ("api", "rss", "dump", ...)
    # False when an empty result is plausible for this request (a narrow window, the ET suspension)
    expect_records: bool = True
    # (url, etag, last-modified) to remember once this payload is stored: the next request is conditional
    validators: tuple[str, str | None, str | None] | None = None

    @cached_property
    def sha256(self) -> str:  # cached: every record of a page cites it
        return hashlib.sha256(self.body).hexdigest()
