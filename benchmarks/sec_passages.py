"""Precision and recall of the SEC prose extractor (sources/sec_edgar/events.py), kind by kind, on every labelled
real passage held here: the 28 of fixtures/texts/sec_hsr_passages.real.labelled.half.jsonl and the 63 lines of
fixtures/texts/hsr_passages.batch3.real.labelled.half.jsonl (a passage holding two events is two lines); the other
halves are kept outside the repository for acceptance checks. A third file, hsr_passages.dev.pages.labelled.jsonl,
holds 31 passages of public pages (press coverage, agency pages, contract clauses) labelled by us after the
rules were written against the first two: a check on wording they were not built on.

For each file: per kind, true and false positives, misses, precision, recall; the negatives that gave an event;
the events whose date differs from the label (a label's month-only date is compared by month); every miss and
false positive listed with its passage id. Run: python benchmarks/sec_passages.py [--quiet]
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from mergerwatch.sources.sec_edgar.dates import document_date
from mergerwatch.sources.sec_edgar.events import extract

TEXTS = Path(__file__).resolve().parents[1] / "fixtures" / "texts"
FILES = ("sec_hsr_passages.real.labelled.half.jsonl", "hsr_passages.batch3.real.labelled.half.jsonl",
         "hsr_passages.dev.pages.labelled.jsonl")  # fmt: skip
LABEL_TO_DETAIL = {
    "hsr_filed": "hsr_filed",
    "waiting_period_expired": "hsr_waiting_period_expired",
    "early_termination": "hsr_early_termination",
    "second_request": "hsr_second_request",
    "substantial_compliance": "hsr_substantial_compliance",
    "pull_and_refile": "hsr_pull_and_refile",
    "timing_agreement": "hsr_timing_agreement",
    "investigation_closed": "agency_review_closed",
    "complaint_filed": "agency_complaint",
    "abandoned": "deal_terminated",
    "none": None,
}


def passages(name: str) -> list[dict[str, Any]]:
    """One entry per passage: its text, document date, and labels {detail: (date, precision)}."""
    by_text: dict[str, dict[str, Any]] = {}
    for line in (TEXTS / name).read_text(encoding="utf-8").splitlines():
        p = json.loads(line)
        if "events" in p:  # the dev file: our labels of public pages, {detail: date or its start, or null}
            by_text[p["text"]] = {
                "id": p["id"], "text": p["text"], "filed": p["document_date"],
                "labels": {d: (w, "month" if w and len(w) == 7 else None) for d, w in p["events"].items()},
            }  # fmt: skip
            continue
        entry = by_text.setdefault(
            p["text"], {"id": p["id"].rstrip("ab"), "text": p["text"], "filed": p["filing_date"], "labels": {}}
        )
        detail = LABEL_TO_DETAIL[p["event"]]
        if detail:
            entry["labels"][detail] = (p.get("event_date"), p.get("date_precision"))
    return list(by_text.values())


def evaluate(name: str) -> dict[str, Any]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    misses: dict[str, list[str]] = defaultdict(list)
    false: dict[str, list[str]] = defaultdict(list)
    wrong_dates: list[str] = []
    negatives = with_event = 0
    for p in passages(name):
        got = {e.detail: e for e in extract(p["text"], document_date(p["filed"] or ""))}
        if not p["labels"]:
            negatives += 1
            with_event += bool(got)
            for d in got:
                false[d].append(p["id"])
        for d, (when, precision) in p["labels"].items():
            if d in got:
                tp[d] += 1
                e = got[d]
                if when and e.date is not None and d != "hsr_timing_agreement" or (when and e.date is None):
                    want = when[:7] if precision == "month" else when
                    if len(when) == 4:
                        continue  # a year alone: not read as a date (dates.py)
                    have = (e.date.isoformat()[: len(want)]) if e.date else "undated"
                    if have != want:
                        wrong_dates.append(f"{p['id']} {d}: {have} (label {when})")
            else:
                fn[d] += 1
                misses[d].append(p["id"])
        if p["labels"]:
            for d in set(got) - set(p["labels"]):
                fp[d] += 1
                false[d].append(p["id"])
    kinds = sorted(set(tp) | set(fn) | set(fp))
    table = {
        k: {
            "tp": tp[k], "fp": fp[k], "fn": fn[k],
            "precision": round(tp[k] / (tp[k] + fp[k]), 2) if tp[k] + fp[k] else None,
            "recall": round(tp[k] / (tp[k] + fn[k]), 2) if tp[k] + fn[k] else None,
        }
        for k in kinds
    }  # fmt: skip
    found, labelled = sum(tp.values()), sum(tp.values()) + sum(fn.values())
    return {
        "file": name,
        "recall": round(found / labelled, 3) if labelled else None,
        "events": labelled,
        "found": found,
        "negatives": negatives,
        "negatives_with_an_event": with_event,
        "kinds": table,
        "misses": dict(misses),
        "false_positives": dict(false),
        "wrong_dates": wrong_dates,
    }


def main() -> None:
    quiet = "--quiet" in sys.argv
    for name in FILES:
        r = evaluate(name)
        print(f"\n{name}: recall {r['recall']} ({r['found']} of {r['events']} events); negatives with an event: "
              f"{r['negatives_with_an_event']} of {r['negatives']}")  # fmt: skip
        for k, v in r["kinds"].items():
            print(f"  {k:28} tp {v['tp']:3}  fp {v['fp']:3}  fn {v['fn']:3}  precision {v['precision']}  "
                  f"recall {v['recall']}")  # fmt: skip
        if not quiet:
            for k, ids in r["misses"].items():
                print(f"  missed {k}: {', '.join(ids)}")
            for k, ids in r["false_positives"].items():
                print(f"  false {k}: {', '.join(ids)}")
            for w in r["wrong_dates"]:
                print(f"  date {w}")


if __name__ == "__main__":
    main()
