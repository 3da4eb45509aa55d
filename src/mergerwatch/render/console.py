"""The two consoles every command prints to (stdout for answers, stderr for notes and errors), made on first use.

Markup, emoji codes and highlighting are off: scraped text and what a user typed are printed as data, never read
("[/i]" in a company name, "[link=file:...]" in a title); our own styling uses Text objects. rich is imported by the
first line printed, not before: `--help`, `--json` and the CSV outputs never import it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from mergerwatch.core.redaction import redact
from mergerwatch.core.textsafe import clean

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_PLAIN = {"markup": False, "emoji": False, "highlight": False}
# A pipe or cron gets no terminal width: tables are plain columns sized to their content (render/layout.py), lines
# are not wrapped below this, and the cells' padding is stripped from the line ends (_TrimmedLines).
PIPE_WIDTH = 4000


class _TrimmedLines:
    """A pipe's file: each line written without the trailing spaces a table pads its cells with."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._pending = ""

    def _stream(self) -> Any:
        stream = sys.stderr if self._stderr else sys.stdout  # looked up each time: tests swap them
        # A live progress display puts a proxy there that prints through this very console: write past it
        return getattr(stream, "rich_proxied_file", stream)

    @property
    def encoding(self) -> str:
        return getattr(self._stream(), "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        if lines:
            self._stream().write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream().write(self._pending)
            self._pending = ""
        self._stream().flush()

    def isatty(self) -> bool:
        return False


class LazyConsole:
    """A rich Console made on first use."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def get(self) -> Console:
        if self._console is None:
            from rich.console import Console  # the first line printed pays for rich, nothing before it

            tty = (sys.stderr if self._stderr else sys.stdout).isatty()
            if tty:
                self._console = Console(stderr=self._stderr, **_PLAIN)  # type: ignore[arg-type]
            else:
                self._console = Console(file=_TrimmedLines(self._stderr), width=PIPE_WIDTH, **_PLAIN)  # type: ignore[arg-type]
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


out = LazyConsole()
err = LazyConsole(stderr=True)


def say(*parts: str | tuple[str, str], console: LazyConsole | None = None) -> None:
    """Print a line made of outside text (cleaned) and (text, style) pieces of our own."""
    from rich.text import Text

    line = Text()
    for p in parts:
        if isinstance(p, tuple):
            line.append(clean(p[0]), style=p[1])
        else:
            line.append(clean(p))
    (console or out).print(line, soft_wrap=True)


def warn(message: str, label: str = "warning", style: str = "yellow") -> None:
    """One line on stderr: ``label: message``, every known secret redacted."""
    say((f"{label}: ", style), redact(message), console=err)


def T(value: Any, style: str = "") -> Text:  # noqa: N802  (a Text of outside text: short, used everywhere)
    """Outside text as a rich Text: never markup, never a control sequence."""
    from rich.text import Text

    return Text(clean(value), style=style)
