"""The Commission's real data: every case of the real half of case-data-M.json (third-party flattening, real
values; fixtures/texts/ec_case-data-M.real-flattened-rows.half.csv) re-wrapped in the dump's shape and parsed.

Asserts over the whole sample, not a hand-picked record: no `unknown` where a status-bearing decision exists,
no refusal read as a referral, no parent of an `A / B / JV` read as a target, at most one warning per 200 cases,
every procedure canonical, and the expected status of cases a person checked against the Commission's pages.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from functools import cache

from mergerwatch.core.model import Status
from mergerwatch.sources.base import Payload
from mergerwatch.sources.ec_mergers import EcMergers
from mergerwatch.sources.ec_mergers.decisions import DECISION_CODES, canonical_procedure, classify_decision

from .conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from derive_ec_real_dump import dump_from_rows  # noqa: E402

ROWS = FIXTURES / "texts" / "ec_case-data-M.real-flattened-rows.half.csv"


@cache
def _parsed():
    dump = dump_from_rows(ROWS)
    body = json.dumps(dump).encode()
    return dump, EcMergers().parse(Payload("ec-mergers", "fixture://real-half", body, kind="dump"))


def test_every_real_case_is_read_with_few_warnings():
    dump, result = _parsed()
    assert len(dump) > 4800
    assert len(result.filings) >= len(dump) - 1  # C.1886 (an ECSC case number) is the one skipped
    assert len(result.warnings) <= len(dump) / 200, result.warnings[:5]


def test_no_unknown_where_a_status_bearing_decision_exists():
    _dump, result = _parsed()
    counts = Counter(f.status.value for f in result.filings)
    assert counts["unknown"] == 0, counts
    for f in result.filings:
        bearing = [e for e in f.events if e.status is not None and e.detail != "ec_prior_notification"]
        if bearing:
            assert f.status is not Status.unknown


def test_refusals_are_never_referrals():
    _dump, result = _parsed()
    for f in result.filings:
        for e in f.events:
            raw = e.status_raw.lower()
            if "refusal" in raw or "no referral" in raw or "rejection" in raw:
                assert e.status is None, (f.case_ref, e.status_raw, e.status)


def test_joint_venture_parents_are_acquirers_never_targets():
    _dump, result = _parsed()
    jv = [f for f in result.filings if f.title.upper().rstrip().endswith("/ JV")]
    assert len(jv) > 400
    for f in jv:
        parents = f.title.upper().rsplit("/", 1)[0]
        for p in f.parties:
            if p.name.upper() in parents:
                assert p.role.value != "target", (f.case_ref, f.parties)


def test_every_procedure_is_canonical():
    _dump, result = _parsed()
    assert {f.extra.get("procedure") for f in result.filings} <= {"normal", "simplified", "super_simplified"}
    spellings = [
        "Simplified procedure", "Normal procedure", "Super simplified procedure", "Normal", "Simplified",
        "Super-simplified",
    ]  # fmt: skip
    assert [canonical_procedure([s]) for s in spellings] == [
        "simplified", "normal", "super_simplified", "normal", "simplified", "super_simplified",
    ]  # fmt: skip


def test_every_real_code_has_a_meaning():
    assert len(DECISION_CODES) >= 58
    for code, label in DECISION_CODES.items():
        by_code, by_label = classify_decision([code]), classify_decision([label + " "])
        assert by_code == by_label and by_code[0] is not Status.unknown, (code, label)


# Reviewed by hand against the Commission's case pages (what a competition lawyer reads there).
EXPECTED = {
    "M.10188": ("closed", "ec_decision_withdrawn"),  # Illumina/Grail: the Commission withdrew its decisions
    "M.2283": ("dissolution_ordered", "ec_art_8_4"),  # Schneider/Legrand: prohibited, then separation ordered
    "M.4124": ("notified", "ec_notification"),  # only a refusal of an Art. 22 referral in the sample
    "M.11212": ("under_review", "ec_art_22_to_commission"),  # Qualcomm/Autotalks: Art. 22 referral accepted
}


def test_reviewed_cases():
    _dump, result = _parsed()
    by_ref = {f.case_ref: f for f in result.filings}
    for ref, (status, detail) in EXPECTED.items():
        f = by_ref[ref]
        assert (f.status.value, f.detail) == (status, detail), (ref, f.status, f.detail, f.status_raw)


def test_later_informational_decisions_never_override_the_outcome():
    _dump, result = _parsed()
    informational = 0
    for f in result.filings:
        bearing = [e for e in f.events if e.status not in (None, Status.notified)]
        late = [
            e
            for e in f.events
            if e.status is None and e.date and bearing and e.date > max(b.date for b in bearing if b.date)
        ]
        if late and all(b.date for b in bearing):
            informational += 1
            assert f.status is not Status.unknown and f.status == max(bearing, key=lambda e: e.date).status
    assert informational > 20  # purchaser approvals, remedy reviews, Art. 14 fines years after the outcome


def test_prior_notification_entry_is_a_dated_notification():
    payload = {
        "M.2027": {
            "metadata": {
                "caseNumber": ["M.2027"],
                "caseTitle": ["DEUTSCHE BANK / SAP / JV"],
                "caseCompanies": ["DEUTSCHE BANK / SAP / JV"],
                "caseSimplified": ["Normal procedure"],
                "caseNotificationDate": ["2000-06-09"],
                "caseDeadlineDate": ["2000-07-13"],
            },
            "decisions": [
                {
                    "metadata": {
                        "decisionNumber": ["-2451720"],
                        "metadataReference": ["M.2027-DEC-2451720"],
                        "decisionOfficialJournalPublicationsPublishedDates": ["2000-06-24"],
                        "decisionTypes": [],
                    }
                }
            ],
        }
    }
    r = EcMergers().parse(Payload("ec-mergers", "x", json.dumps(payload).encode(), kind="dump"))
    (f,) = r.filings
    assert r.warnings == []
    assert (f.status.value, f.status_date.isoformat(), f.deadline.isoformat()) == (
        "notified",
        "2000-06-09",
        "2000-07-13",
    )
    oj = [e for e in f.events if e.detail == "ec_prior_notification"]
    assert oj and oj[0].date.isoformat() == "2000-06-24" and oj[0].status is Status.notified
    assert [p.role.value for p in f.parties] == ["acquirer", "acquirer"]


def test_case_events_are_dated_history_in_either_shape():
    from mergerwatch.sources.ec_mergers.decisions import case_events

    parallel = {
        "caseEvents": ["Deadline extended by 10 working days under article 10(3)2 on", "Art. 9 request received on"],
        "caseEventsDates": ["2024-03-01", "2024-02-01"],
    }
    objects = {"caseEvents": ['{"name": "Commitments submitted in N/1 on", "date": "2024-02-05"}']}
    got = [(e.status, e.status_raw, str(e.date), e.detail) for e in case_events(parallel) + case_events(objects)]
    assert got == [
        (None, "Deadline extended by 10 working days under article 10(3)2", "2024-03-01", "ec_deadline_extended"),
        (None, "Art. 9 request received", "2024-02-01", "ec_art_9_request"),
        (None, "Commitments submitted in N/1", "2024-02-05", "ec_commitments_submitted"),
    ]
    assert case_events({"caseEvents": [], "caseEventsDates": []}) == []


def test_case_events_never_change_the_status():
    fx = json.loads((FIXTURES / "ec-mergers" / "dump_case_events.derived.json").read_text())
    f = EcMergers().parse(Payload("ec-mergers", "fixture://x", json.dumps(fx).encode(), kind="dump")).filings[0]
    assert f.status is Status.cleared_with_remedies
    info = [e for e in f.events if e.status is None]
    assert [e.detail for e in info] == [
        "ec_art_9_request", "ec_commitments_submitted", "ec_deadline_suspended", "ec_deadline_extended",
    ]  # fmt: skip
    assert f.extra["decision_refs"] == ["M.3083-DEC{DD5DD86D-FCB1-4847-B3B4-91C8E30D36A7}"]


def test_isef_duplicates_are_merged_and_counted():
    rows = (FIXTURES / "texts" / "isef_duplicated_case_codes.real-rows.csv").read_bytes()
    result = EcMergers().parse(Payload("ec-mergers", "fixture://isef", rows, kind="isef-csv"))
    assert [f.source_id for f in result.filings] == [
        "M.3709",
        "M.4840",
        "M.6137",
        "M.6454",
        "M.7288",
        "M.7417",
        "M.7598",
    ]
    assert result.warnings == [
        "ec-mergers: the ISEF export lists 7 case code(s) twice (M.3709, M.4840, M.6137, M.6454, M.7288, M.7417, "
        "M.7598); each pair was merged into one case (the rows differ in: procedure)"
    ]
    assert {tuple(f.extra["procedure_listed"]) for f in result.filings} == {("normal", "simplified")}
