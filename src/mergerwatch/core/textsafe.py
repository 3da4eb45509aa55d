"""Text from outside (scraped pages, server error bodies, what a user typed) made safe to show.

Such text is data: it never becomes terminal markup, an escape sequence, or a link with a scheme
other than http(s). The consoles run with markup off (cli.py); these helpers strip what a terminal
would still interpret, and decide which URLs may become links in HTML, Atom and the terminal.
"""

from __future__ import annotations

import re

# Whole escape sequences first (colour codes, OSC-8 hyperlinks, window titles), so no residue like "[31m" is left.
_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]|\x1b[@-_]")
# C0 controls but tab and newline, DEL, C1 controls (ESC-less CSI included), and the bidirectional overrides
# that can make a terminal line read differently from its bytes.
# Lone surrogates too: a byte that was not UTF-8 (a file name, an argument) cannot be written to a terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _byte(m: re.Match[str]) -> str:
    """A byte Python kept as a surrogate, shown as the escape a person reads (``\\xff``); any other lone one as �."""
    code = ord(m.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def clean(value: object, one_line: bool = False) -> str:
    """``value`` as text with every control character removed (newlines too with ``one_line``)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    pattern = _CONTROL_ONE_LINE if one_line else _CONTROL
    if not pattern.search(text):
        return text
    text = _SURROGATE.sub(_byte, _SEQUENCE.sub("", text))
    return pattern.sub(" " if one_line else "", text)


def safe_url(url: object) -> str | None:
    """The URL when it is http(s) (the only schemes mergerwatch links to), else None."""
    if not url:
        return None
    text = clean(url, one_line=True).strip()
    return text if re.match(r"(?i)https?://[^\s/]", text) else None
