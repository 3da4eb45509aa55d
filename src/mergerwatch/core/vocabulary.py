"""Words a person reads for each status code (shared/sources/status_vocabulary.md §2).

Kept apart from the pydantic models so that the read path can label records without importing them.
The US has no clearance decision: early termination or expiry only ends the HSR waiting period, and a
lawyer reading "cleared" would be misled, so those details have their own words.
"""

from __future__ import annotations

from typing import Any

LABELS: dict[str, str] = {
    "pre_notification": "pre-notification",
    "notified": "notified",
    "under_review": "under review",
    "in_depth_review": "in-depth review",
    "challenged": "challenged",
    "cleared": "cleared",
    "cleared_with_remedies": "cleared with remedies",
    "prohibited": "prohibited",
    "abandoned": "abandoned",
    "referred": "referred",
    "closed_no_jurisdiction": "closed (no jurisdiction)",
    "closed": "closed",
    "revoked": "revoked",
    "dissolution_ordered": "dissolution ordered",
    "unknown": "undetermined",
}

# Details whose words replace the status code's: the event is not what the code alone would suggest.
DETAIL_LABELS: dict[str, str] = {
    "hsr_early_termination": "HSR waiting period terminated early",
    "hsr_waiting_period_expired": "HSR waiting period expired",
    "hsr_second_request": "HSR second request issued",
}


def status_label(status: str | None, detail: str | None = None) -> str:
    """The human words for a status code (``None``: an informational event)."""
    if status is None:
        return "information"
    if detail and detail in DETAIL_LABELS:
        return DETAIL_LABELS[detail]
    return LABELS.get(status, status.replace("_", " "))


def status_words(status: str | None, detail: str | None, date_: str | None) -> str:
    """The label with its date where the date is part of the meaning (an early termination's grant date)."""
    label = status_label(status, detail)
    if detail == "hsr_early_termination":
        return f"{label} (granted {date_ or 'on an unknown date'})"
    return label


def with_labels(rec: dict[str, Any]) -> dict[str, Any]:
    """A record in the ``--json`` shape with ``status_label`` beside each ``status`` (record and events)."""
    if "status" in rec:
        rec["status_label"] = status_label(rec.get("status"), rec.get("detail"))
    for ev in rec.get("events") or []:
        ev["status_label"] = status_label(ev.get("status"), ev.get("detail"))
    return rec
