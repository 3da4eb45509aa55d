"""The Commission's values as its surfaces write them: case numbers, parties from a case title, dates (dump days,
Brussels-midnight timestamps, epoch milliseconds), JSON documents inside strings, decision links."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from mergerwatch.core.model import Party, Role
from mergerwatch.core.names import clean_text
from mergerwatch.sources.base import first

ATTACHMENT_BASE = "https://ec.europa.eu/competition/mergers/"
BRUSSELS = ZoneInfo("Europe/Brussels")

_CASE_RE = re.compile(r"(?:(?:COMP|IV)\s*/\s*)?\bM\s*[._]?\s*(\d{1,6})((?:\.[A-Z]{1,4})?)", re.I)
_PROC_RE = re.compile(r"proc_code=\d+_M_(\d+)", re.I)


def normalise_case_ref(value: str) -> tuple[str, str]:
    """(``M.<n>``, key with suffix) from ``COMP/M.6613``, ``IV/M.1005``, ``M.8181.AP``, ``proc_code=2_M_7746``."""
    text = value.strip()
    m = _PROC_RE.search(text)
    if m:
        return f"M.{int(m.group(1))}", f"M.{int(m.group(1))}"
    m = _CASE_RE.search(text)
    if not m:
        raise ValueError(f"not an EU merger case number: {value!r}")
    ref = f"M.{int(m.group(1))}"
    return ref, ref + m.group(2).upper()


_JV = ("JV", "NEWCO", "JOINT VENTURE")


def split_parties(title: str) -> list[Party]:
    """Parties from an ``A / B / JV`` title: ``/`` with spaces separates, a bare ``/`` may be inside a name.
    ``A / B / JV`` names parents acquiring joint control: each is an acquirer, none a target; a named joint
    venture (``A / B / ACME JV``) is the target."""
    title = re.sub(r"\(\s*see\b[^)]*\)", "", clean_text(title), flags=re.I).strip()
    parts = [p.strip(" -") for p in re.split(r"\s+/\s+|\s*/\s+|\s+/\s*", title) if p.strip(" -")]
    if len(parts) == 1 and "/" in parts[0]:  # OJ style "Teva/Allergan Generics"
        parts = [p.strip() for p in parts[0].split("/") if p.strip()]
    names = [p for p in parts if p.upper() not in _JV]
    if len(parts) >= 3 and (parts[-1].upper() in _JV or re.search(r"\b(JV|JOINT VENTURE)$", parts[-1], re.I)):
        parents = [Party(name=n, role=Role.acquirer) for n in parts[:-1] if n.upper() not in _JV]
        jv = parts[-1]
        return parents + ([Party(name=jv, role=Role.target)] if jv.upper() not in _JV else [])
    if len(names) == 2:
        return [Party(name=names[0], role=Role.acquirer), Party(name=names[1], role=Role.target)]
    return [Party(name=n, role=Role.other) for n in names]


def json_in_string(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def ec_date(value: Any) -> date | None:
    """``YYYY-MM-DD`` (dump) or a Brussels-midnight UTC timestamp (search API), as the Brussels calendar date."""
    v = first(value)
    if v in (None, "", []):
        return None
    text = str(v).strip()
    if "T" in text:
        text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text.replace("Z", "+00:00"))
        return datetime.fromisoformat(text).astimezone(BRUSSELS).date()
    if re.fullmatch(r"\d{13}", text):  # epoch milliseconds
        return datetime.fromtimestamp(int(text) / 1000, UTC).astimezone(BRUSSELS).date()
    return date.fromisoformat(text[:10])


def decision_link(decision: dict[str, Any]) -> str | None:
    for att in decision.get("decisionAttachments") or []:
        am = att.get("metadata") or {}
        link = first(am.get("attachmentLink"))
        lang = str(first(am.get("attachmentLanguage")) or first(am.get("language")) or "").lower()
        if link and lang in ("en", ""):
            link = str(link)
            return link if link.startswith("http") else ATTACHMENT_BASE + link.lstrip("/")
    return None
