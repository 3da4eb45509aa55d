"""A filing as text: the full-submission file's SGML header (accession, form, filing date, filer and former names),
its documents, and each readable one (HTML, inline XBRL, text) as plain words."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from typing import Any

from mergerwatch.core.names import clean_text

HEADER = re.compile(r"^\s*([A-Z][A-Z /-]+?):\s*(.*?)\s*$", re.M)
ARCHIVE_PATH = re.compile(r"/Archives/edgar/data/(\d+)(?:/(\d{18}|\d{10}-\d{2}-\d{6}))?")
DOC_DATE = re.compile(r"Date of Report[^:]{0,80}:\s*([A-Z][a-z]+\s*\d{1,2},\s*\d{4})|FILED AS OF DATE:\s*(\d{8})", re.I)


_DROP_BLOCKS = re.compile(r"<(script|style|ix:header|head)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
# Where a block ends, a paragraph may end: a heading and the sentence under it are not one sentence (events.py joins
# a paragraph broken mid-sentence again).
_BLOCK_END = re.compile(r"</(?:p|div|li|tr|h[1-6]|table|td)\s*>|<br\s*/?>", re.I)


def to_text(body: str) -> str:
    """A filing document as plain text. EDGAR documents are machine-written HTML (often megabytes of inline XBRL);
    dropping tags with one regex reads them several times faster than building a tree, and only the words
    matter here. Hidden XBRL headers, scripts and styles are dropped first."""
    if not re.search(r"<(?:html|div|p|table|body|font|span)\b", body[:20000], re.I):
        return body
    text = _TAG.sub(" ", _BLOCK_END.sub("\n\n", _DROP_BLOCKS.sub(" ", body)))
    return html.unescape(text)


def norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def strip_name(name: str) -> str:
    return re.sub(r"^(?:the|and|with|of|by|from|to|that|Under|On)\s+", "", clean_text(name)).strip(" ,")


def read_header(text: str) -> dict[str, Any]:
    """The EDGAR header of a full submission: accession, form, filing date, the filer and its former names."""
    head = text[: text.find("</SEC-HEADER>")] if "</SEC-HEADER>" in text else text[:8000]
    fields = [(k.strip(), v) for k, v in HEADER.findall(head)]
    get = {k: v for k, v in reversed(fields)}
    # the filer: the FILER block, else the subject company of a tender-offer schedule
    block = head
    for marker in ("FILER:", "SUBJECT COMPANY:", "FILED BY:"):
        if marker in head:
            block = head[head.index(marker) :]
            break
    name = re.search(r"COMPANY CONFORMED NAME:\s*(.+)", block)
    cik = re.search(r"CENTRAL INDEX KEY:\s*(\d+)", block)
    filed = get.get("FILED AS OF DATE", "")
    return {
        "accession": get.get("ACCESSION NUMBER"),
        "form": get.get("CONFORMED SUBMISSION TYPE"),
        "date": any_date(filed) if filed else None,
        "name": clean_text(name.group(1)) if name else None,
        "cik": str(int(cik.group(1))) if cik else None,
        "former_names": [clean_text(x) for x in re.findall(r"FORMER CONFORMED NAME:\s*(.+)", block)],
    }


_IX_NAME = re.compile(r"<ix:nonNumeric[^>]*name=\"dei:EntityRegistrantName\"[^>]*>(.*?)</ix:nonNumeric>", re.I | re.S)
_COVER_NAME = re.compile(
    r"([A-Z][A-Za-z0-9&.,' -]{2,80}?)\s*\(\s*Exact name of (?:the )?registrant as specified in its charter", re.I
)


def registrant_name(raw: str, plain: str) -> str | None:
    """The filer's name where a document (no SGML header: a saved 10-K, an exhibit) states it: the inline-XBRL cover
    tag, else the cover's "(Exact name of registrant as specified in its charter)"."""
    at = raw.find("dei:EntityRegistrantName", 0, 400_000)  # a plain find first: the patterns only where they can match
    if at >= 0:
        m = _IX_NAME.search(raw, max(0, at - 300), at + 2000)
        name = clean_text(html.unescape(_TAG.sub(" ", m.group(1)))) if m else ""
        if name:
            return name
    at = plain.lower().find("exact name of", 0, 60_000)
    if at < 0:
        return None
    m = _COVER_NAME.search(plain, max(0, at - 120), at + 80)
    return clean_text(m.group(1)).strip(" ,") if m else None


def documents(text: str) -> list[tuple[str, str, str]]:
    out = []
    for m in re.finditer(r"<DOCUMENT>(.*?)</DOCUMENT>", text, re.S):
        part = m.group(1)
        t = re.search(r"<TYPE>([^\n<]+)", part)
        f = re.search(r"<FILENAME>([^\n<]+)", part)
        body = re.search(r"<TEXT>(.*?)</TEXT>", part, re.S)
        out.append(
            ((t.group(1) if t else "").strip(), (f.group(1) if f else "").strip(), body.group(1) if body else "")
        )
    return out or [("", "", text)]


def readable(dtype: str, name: str) -> bool:
    """The filing's prose: the main document and exhibits; not XBRL schemas, images, archives or PDFs."""
    if dtype.startswith(("EX-101", "GRAPHIC", "ZIP", "XML", "JSON", "EXCEL", "PDF")):
        return False
    return not name.lower().endswith((".xsd", ".xml", ".jpg", ".gif", ".png", ".zip", ".pdf", ".xlsx", ".json"))


def any_date(text: str | None) -> date | None:
    if not text:
        return None
    t = re.sub(r"\s+", " ", text.strip().replace(".", ""))
    for fmt in ("%Y%m%d", "%B %d, %Y", "%b %d, %Y", "%B%d, %Y"):
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    return None
