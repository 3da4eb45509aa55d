"""Derive the ACCC fixtures that no capture shows, from the real register and matter pages in fixtures/accc-mergers/.

- ``register_empty_declared.derived.html``: the 2026-06-22 register page with every card removed; its facets still
  count 359 matters (an empty page that declares matters: an error).
- ``register_changed_card_layout.derived.html``: the 2026-01-19 register page with each card's "Case number" label
  renamed "Reference" (a changed layout: no card can be read, an error).
- ``drupal_error_page.derived.html``: the head of the 2026-01-19 register page with Drupal's generic error sentence
  as its body ("The website encountered an unexpected error. Please try again later.").
- ``matter_ceased_fee_not_paid.derived.html``: MN-30003 (a Phase 2 matter) as a ceased one: status "Assessment
  ceased", no determination, no publication date, and a first event row worded as the register's real MN-90009
  row ("Consideration of Notification ceased – Phase 2 fee not paid by due date", 10 Jul 2026, as the peer
  mergers.fyi recorded it).
- ``matter_ceased_withdrawn.derived.html``: MN-15002 (Phase 1) as ceased at the notifying party's request (the real
  wording of MN-65020's row, 16 Jul 2026).
- ``matter_unknown_determination.derived.html``: MN-15002 with its determination "Approved" written "Approved in
  part" (a value no capture shows: kept, warned, status undetermined).
Run: python scripts/derive_accc_fixtures.py
"""

from __future__ import annotations

import re
from pathlib import Path

FX = Path(__file__).resolve().parents[1] / "fixtures" / "accc-mergers"


def _read(name: str) -> str:
    return (FX / name).read_text(encoding="utf-8")


def _write(name: str, text: str) -> None:
    (FX / name).write_text(text, encoding="utf-8")


def _swap(text: str, old: str, new: str, count: int = 1) -> str:
    if text.count(old) < count:
        raise SystemExit(f"expected {count} of {old!r}")
    return text.replace(old, new) if count > 1 else text.replace(old, new, 1)


def _event_row(date_iso: str, shown: str, words: str) -> str:
    return (
        '<tr>\n      <td class="acccgov-timeline__date"><time datetime="'
        f'{date_iso}T12:00:00Z" class="datetime">{shown}</time>\n</td>\n      <td>{words}</td>\n'
        '      <td class="acccgov-timeline__file-link"></td>\n    </tr>\n'
    )


def _cease(page: str, row: str) -> str:
    page = re.sub(r'(<div class="field__item">)Assessment completed(</div>)', r"\1Assessment ceased\2", page)
    page = re.sub(
        r'\s*<div class="field field--name-field-acccgov-acquisition-deter.*?</div>\s*</div>', "", page, flags=re.S
    )
    page = re.sub(r'\s*<div class="field field--name-field-acccgov-pub-reg-end-date.*?</div>\s*</div>', "", page,
                  flags=re.S)  # fmt: skip
    # the ceasing row goes first in "Decisions and key events" (newest first, as the page lists them)
    return re.sub(r"(Decisions and key events</h3>.*?<tbody>\s*)", lambda m: m.group(1) + row, page, count=1,
                  flags=re.S)  # fmt: skip


def main() -> None:
    june = _read("register_2026-06-22_page-1-of-8.html")
    start = june.index('<div class="view-content">')
    end = june.index('<div class="acquisition-bottom-pagination">')
    _write("register_empty_declared.derived.html", june[:start] + '<div class="view-content">\n</div>\n' + june[end:])

    january = _read("register_2026-01-19_18-matters.html")
    _write(
        "register_changed_card_layout.derived.html",
        _swap(january, '<h3 class="field__label">Case number</h3>', '<h3 class="field__label">Reference</h3>', 18),
    )
    head = january[: january.index("<body")]
    _write(
        "drupal_error_page.derived.html",
        head + "<body>The website encountered an unexpected error. Please try again later.</body></html>\n",
    )

    phase2 = _read("matter_MN-30003_2026-08-20.html")
    _write(
        "matter_ceased_fee_not_paid.derived.html",
        _cease(phase2, _event_row("2026-07-10", "10 Jul 2026",
                                  "Consideration of Notification ceased – Phase 2 fee not paid by due date")),
    )  # fmt: skip
    phase1 = _read("matter_MN-15002_2026-08-18.html")
    _write(
        "matter_ceased_withdrawn.derived.html",
        _cease(phase1, _event_row("2026-07-16", "16 Jul 2026",
                                  "Consideration of Notification ceased - following written request from notifying "
                                  "party")),
    )  # fmt: skip
    _write(
        "matter_unknown_determination.derived.html",
        _swap(phase1, '<div class="field__item">Approved</div>', '<div class="field__item">Approved in part</div>'),
    )


if __name__ == "__main__":
    main()
