"""Errors a person can act on (each names the source and says what to do), and the exit statuses they end in.

One tree: ``MergerwatchError`` and its kinds carry the status the command exits with; ``HttpError`` is the
transport's, turned into a ``SourceError`` by the source that met it. Imports nothing of mergerwatch but redaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum

from mergerwatch.core.redaction import redact, redact_url


class ExitStatus(IntEnum):
    """How a command ends: the one table of exit codes (README, docs/reference.md)."""

    OK = 0  # also: a query that found nothing, --help, --version
    FAILED = 1  # a source or the command failed; the store cannot be used; a named thing does not exist
    USAGE = 2  # a mistake in what was typed: one line on stderr
    LOCKED = 3  # another refresh holds this store's lock
    INTERRUPTED = 130  # Ctrl-C


class MergerwatchError(Exception):
    """Base class; ``str()`` is a sentence for the user, with every known secret redacted."""

    exit_code: ExitStatus = ExitStatus.FAILED

    def __str__(self) -> str:
        return redact(super().__str__())


class UsageError(MergerwatchError):
    exit_code = ExitStatus.USAGE


class SourceError(MergerwatchError):
    """A source could not be fetched or read. ``hint`` says what the user can do."""

    def __init__(self, source: str, message: str, hint: str | None = None) -> None:
        self.source = source
        self.message = message
        self.hint = hint
        text = f"{source}: {message}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class ParseError(SourceError):
    """The payload is not what the source's parser expects (truncated, HTML, changed layout, empty)."""


class RateLimited(SourceError):
    """The source told us to stop for now; the run checkpoints and resumes later."""

    def __init__(self, source: str, message: str, hint: str | None = None, retry_after: float | None = None):
        super().__init__(source, message, hint)
        self.retry_after = retry_after


class BackfillPaused(RateLimited):
    """A long backfill hit the rate limit: not a failure, its checkpoint resumes it on the next run."""


class StoreReadOnly(MergerwatchError):
    """A write was asked of a store on a read-only file, directory or disk (reading it works)."""


class LockHeld(MergerwatchError):
    exit_code = ExitStatus.LOCKED


class HttpError(Exception):
    """A request that failed for good (after retries). The message never holds a secret. Defined here rather than
    in ``http`` so that parsers can name it without importing httpx (``mergerwatch.fetch.client`` re-exports it)."""

    def __init__(
        self,
        url: str,
        message: str,
        status: int | None = None,
        body: bytes = b"",
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        offline: bool = False,
    ) -> None:
        self.url = redact_url(url)
        self.status = status
        self.body = body
        self.retry_after = retry_after
        self.headers = dict(headers or {})
        # Name resolution or connection refused: the machine may be offline (refresh says so once).
        self.offline = offline
        super().__init__(redact(message))
