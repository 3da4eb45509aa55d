"""The legacy ISEF export (CSV, real, 2016): one row per case, no decision types, so a decided case is ``closed``."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from mergerwatch.core.errors import ParseError
from mergerwatch.core.model import Filing, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.sources.base import ParseResult, Payload, Source
from mergerwatch.sources.ec_mergers.cases import make_filing
from mergerwatch.sources.ec_mergers.decisions import canonical_procedure
from mergerwatch.sources.ec_mergers.values import normalise_case_ref, split_parties


def parse_isef_csv(src: Source, payload: Payload) -> ParseResult:
    """The legacy ISEF export (real, 2016): no decision types, so a decided case is ``closed``."""
    text = payload.body.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    need = {"CASE_CODE", "TITLE", "NOTIFICATION_DATE", "LAST_DECISION_DATE"}
    if not reader.fieldnames or not need <= set(reader.fieldnames):
        raise ParseError(src.name, f"the ISEF export lacks columns {sorted(need - set(reader.fieldnames or []))}")
    result = ParseResult([])
    by_key: dict[str, Filing] = {}
    twice: dict[str, set[str]] = {}  # case key -> columns in which its rows differ
    for row in reader:
        try:
            case_ref, full = normalise_case_ref(row["CASE_CODE"])
            notified = _dmy(row.get("NOTIFICATION_DATE"))
            decided = _dmy(row.get("LAST_DECISION_DATE"))
            deadline = _dmy(row.get("DEADLINE_DATE"))
            title = clean_text(row["TITLE"])
            events = (
                [
                    StatusEvent(
                        status=Status.notified, status_raw="Notification", date=notified, detail="ec_notification"
                    )
                ]
                if notified
                else []
            )
            if decided:
                status, raw, sdate, detail = (
                    Status.closed,
                    "Last decision (type not in the ISEF export)",
                    decided,
                    "ec_decided_type_unknown",
                )
            else:
                status, raw, sdate, detail = Status.notified, "Notification", notified, "ec_notification"
            nace = sorted({s.strip() for s in re.split(r",\s(?=[A-Z]\.\d)", row.get("NACE_CODE") or "") if s.strip()})
            extra = {
                "regulation": row.get("REGULATION_ID"),
                "procedure": canonical_procedure(row.get("SIMPL_PROC")),
                "nace": [{"label": s} for s in nace],
                "notification_date": notified.isoformat() if notified else None,
            }
            filing = make_filing(src,
                full, case_ref, title, split_parties(title), (status, raw, sdate, detail), deadline, events, extra,
                payload,
            )  # fmt: skip
            if full in by_key:
                # The export lists a few cases twice (eu_commission.md §0.12: 7 in 2016, differing only in the
                # simplified-procedure flag). One case, one record: the first row stands, the conflict is kept.
                first_row = by_key[full]
                differs = {
                    k for k in ("procedure", "regulation", "notification_date")
                    if first_row.extra.get(k) != filing.extra.get(k)
                } | ({"title"} if first_row.title != filing.title else set())  # fmt: skip
                twice.setdefault(full, set()).update(differs)
                if "procedure" in differs:
                    procs = sorted({first_row.extra.get("procedure"), filing.extra.get("procedure")} - {None})
                    by_key[full] = first_row.model_copy(
                        update={"extra": {**first_row.extra, "procedure_listed": procs}}
                    )
                continue
            by_key[full] = filing
        except (ValueError, KeyError) as exc:
            result.warnings.append(f"{src.name}: skipped ISEF row {row.get('CASE_CODE')}: {exc}")
    result.filings = list(by_key.values())
    if twice:
        cols = sorted(set().union(*twice.values())) or ["nothing"]
        result.warnings.append(
            f"{src.name}: the ISEF export lists {len(twice)} case code(s) twice ({', '.join(sorted(twice))}); "
            f"each pair was merged into one case (the rows differ in: {', '.join(cols)})"
        )
    if not result.filings:
        raise ParseError(src.name, "the ISEF export holds no readable rows")
    return result


def _dmy(value: str | None) -> date | None:
    """ISEF dates ``dd-mm-yy``; the export covers 1990 onwards."""
    if not value or not value.strip():
        return None
    d, m, y = (int(x) for x in value.strip().split("-"))
    return date(1900 + y if y >= 90 else 2000 + y, m, d)
