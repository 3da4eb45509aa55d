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
# A pipe or cron gets no terminal width: tables are sized to their content up to this, not wrapped at 80.
PIPE_WIDTH = 200


class LazyConsole:
    """A rich Console made on first use."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def get(self) -> Console:
        if self._console is None:
            from rich.console import Console  # the first line printed pays for rich, nothing before it

            tty = (sys.stderr if self._stderr else sys.stdout).isatty()
            self._console = Console(stderr=self._stderr, width=None if tty else PIPE_WIDTH, **_PLAIN)  # type: ignore[arg-type]
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
