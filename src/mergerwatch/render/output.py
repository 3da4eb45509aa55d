"""Output for scripts: JSON as the contract prints it, and CSV (one row per record or per event) in which outside
text never starts a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def csv_cell(value: object) -> object:
    """Outside text never starts a spreadsheet formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not text[1:2].isdigit() else value


def write_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    w = csv.DictWriter(sys.stdout, fieldnames=list(columns))
    w.writeheader()
    for row in rows:
        w.writerow({k: csv_cell(v) for k, v in row.items()})


def deal_csv(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "authority",
            "case_ref",
            "filing_id",
            "title",
            "event_date",
            "status",
            "status_raw",
            "deadline",
            "current_status",
            "url",
            "match",
        ]
    )
    for r in result["filings"]:
        for e in r["events"] or [{}]:
            w.writerow(
                [
                    r["authority"],
                    r["case_ref"],
                    r["id"],
                    r["title"],
                    e.get("date"),
                    e.get("status"),
                    e.get("status_raw"),
                    e.get("deadline"),
                    r["status"],
                    e.get("url") or r["url"],
                    " | ".join(r["match"]["reasons"]),
                ]
            )
    return buf.getvalue()
