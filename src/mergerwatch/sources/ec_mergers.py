"""European Commission merger cases: the open-data dump and the search API behind the case portal.

Wire facts (shared/sources/eu_commission.md): the dump ``case-data-M.json`` (~40 MB) is one JSON object keyed by
case number, every metadata value is a list, and several values are JSON documents inside strings. The search
API (POST, multipart parts ``query``/``sort``/``displayFields``) codes values differently (``MEsimplified``,
``DecisionType20310``) and writes dates as Brussels midnight in UTC. The two decision-type code spaces differ,
so decisions are mapped by their label text; unknown ones are kept verbatim as ``unknown``.
Also read: the legacy ISEF CSV export (real, 2016), whose rows carry no decision type.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import ijson

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.fetch.hosts import MB, HostRule
from mergerwatch.sources.base import (
    FetchContext,
    ParseResult,
    Payload,
    Source,
    first,
    http_hint,
    reject_body,
    sniff_kind,
)

DUMP_URL = "https://compcases-open-data-portal-files-prod.s3.eu-west-1.amazonaws.com/case-data-M.json"
SEARCH_URL = "https://api.tech.ec.europa.eu/search-api/prod/rest/search"
# A public, anonymous browser key that the portal itself serves (assets/env-json-config.json).
SEARCH_KEY = "CS_PROD_ODSE_PROD"
CASE_URL = "https://competition-cases.ec.europa.eu/cases/{}"
ATTACHMENT_BASE = "https://ec.europa.eu/competition/mergers/"
PAGE_SIZE = 100
RESULT_CAP = 3000  # the search API returns about this many results per query at most
MIN_DUMP_CASES = 1000  # a live dump with fewer cases is truncated or wrong
SHRINK_LIMIT = 0.8  # a dump holding fewer than 80 % of the last good one's cases is refused
BOUNDARY = "mergerwatch-7f3c1e"  # fixed, so a request's body (and its replay key) is the same every time
BRUSSELS = ZoneInfo("Europe/Brussels")
DISPLAY_FIELDS = [
    "metadataType", "metadataReference", "caseNumber", "caseTitle", "caseCompanies", "caseInstrument",
    "caseRegulation", "caseSimplified", "caseSectors", "caseInitiationDate", "caseNotificationDate",
    "caseDeadlineDate", "caseLastDecisionDate", "caseInvestigationPhase", "caseOfficialJournalPublications",
    "casePressReleases", "decisionAdoptionDate", "decisionTypes", "decisionNumber",
]  # fmt: skip

# Every decision code of the real dump with its label (eu_commission.md §0: 58 code/label pairs, 39 labels). Codes
# follow the regulation, not the surface: 310 (4064/89 cases) and 20310 are both Art. 6(1)(b). The search API uses
# the same codes (§3.4 attests 20310 and 201316), so one table serves both; a code given without its label is read
# through this table, a label is read as it stands (trimmed).
DECISION_CODES: dict[str, str] = {
    "DecisionType2090": "2/3 rule",
    "DecisionType1265": "Art. 14", "DecisionType1465": "Art. 14",
    "DecisionType1275": "Art. 18 (Statement of Objections)",
    "DecisionType1280": "Art. 19 (Advisory Committee)",
    "DecisionType1290": "Art. 21(3)", "DecisionType290": "Art. 21(3)", "DecisionType1490": "Art. 21(4)",
    "DecisionType201310": "Art. 22 Full referral", "DecisionType201314": "Art. 22 Refusal of referral",
    "DecisionType201220": "Art. 4(4) - Full referral", "DecisionType201240": "Art. 4(4) - No referral",
    "DecisionType201203": "Art. 4(4) - Partial referral",
    "DecisionType201316": "Art. 4(5) referral",
    "DecisionType20300": "Art. 6(1)(a)", "DecisionType300": "Art. 6(1)(a)",
    "DecisionType20310": "Art. 6(1)(b)", "DecisionType310": "Art. 6(1)(b)",
    "DecisionType20212": "Art. 6(1)(b) with conditions & obligations",
    "DecisionType440": "Art. 6(1)(b) with conditions & obligations",
    "DecisionType2014": "Art. 7(3)", "DecisionType20214": "Art. 7(3)", "DecisionType20689": "Art. 7(3)",
    "DecisionType201317": "Art. 7(3) refusal",
    "DecisionType20682": "Art. 8(1)", "DecisionType590": "Art. 8(2)",
    "DecisionType20600": "Art. 8(2) with conditions & obligations",
    "DecisionType600": "Art. 8(2) with conditions & obligations",
    "DecisionType20610": "Art. 8(3)", "DecisionType610": "Art. 8(3)",
    "DecisionType1240": "Art. 8(4)", "DecisionType664": "Art. 8(4)", "DecisionType201343": "Art. 8(4)(b)",
    "DecisionType20330": "Art. 9(3) full referral", "DecisionType330": "Art. 9(3) full referral",
    "DecisionType20230": "Art. 9(3) partial referral", "DecisionType230": "Art. 9(3) partial referral",
    "DecisionType510": "Art. 9(3) partial referral",
    "DecisionType20240": "Art. 9(3) refusal of referral", "DecisionType20620": "Art. 9(3) refusal of referral",
    "DecisionType240": "Art. 9(3) refusal of referral", "DecisionType620": "Art. 9(3) refusal of referral",
    "DecisionType20730": "Decision on the implementation of remedies",
    "DecisionType201290": "Decision under remedy review clause",
    "DecisionType201300": "Decision under remedy review clause",
    "DecisionType201338": "Decision under remedy review clause",
    "DecisionType2022201356": "Modification of Art. 6(1)(b) with conditions & obligations",
    "DecisionType2022201355": "Modification of Art. 8(2) with conditions & obligations",
    "DecisionType1500": "No substance",
    "DecisionType201250": "Purchaser approval", "DecisionType201260": "Purchaser approval",
    "DecisionType201345": "Rejection of a request to act", "DecisionType2022201353": "Rejection of a request to act",
    "DecisionType2024201365": "Withdrawal of Art. 14 decision",
    "DecisionType2024201361": "Withdrawal of Art. 6(1)(c) decision",
    "DecisionType2024201362": "Withdrawal of Art. 8(3) decision",
    "DecisionType2024201366": "Withdrawal of Art. 8(4)(a) decision",
    "DecisionType2024201363": "Withdrawal of Art. 8(5)(a) decision",
    "DecisionType2024201364": "Withdrawal of Art. 8(5)(c) decision",
}  # fmt: skip


def decision_label(value: str) -> str:
    """A decision type as its label: a known code through the table, a label trimmed."""
    v = value.strip()
    return DECISION_CODES.get(v, v)


def canonical_procedure(value: Any) -> str | None:
    """The six real ``caseSimplified`` spellings (and the ISEF N/Y, the search API's ME* codes) as
    ``normal`` / ``simplified`` / ``super_simplified``."""
    text = re.sub(r"[\s_-]+", "", str(first(value) or "").lower()).removeprefix("me").removesuffix("procedure")
    return {"normal": "normal", "n": "normal", "simplified": "simplified", "y": "simplified",
            "supersimplified": "super_simplified"}.get(text)  # fmt: skip


PHASE_STATUS = {
    "PreNotificationPhaseMerger": (Status.pre_notification, "ec_pre_notification"),
    "FormalInvestigationPhase1Merger": (Status.notified, "ec_phase_1"),
    "FormalInvestigationPhase2Merger": (Status.in_depth_review, "ec_phase_2"),
    "InDepthInvestigationPhase2Merger": (Status.in_depth_review, "ec_phase_2"),
}

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


def _art(spec: str) -> str:
    """A regex for an article reference: ``8(2)`` matches "Art. 8(2)", "Art 8 (2)", "Article 8(2)"."""
    parts = re.findall(r"\d+|[a-z]", spec)
    return r"art(?:icle)?\.?\s*" + r"\s*".join(p if i == 0 else rf"\(\s*{p}\s*\)" for i, p in enumerate(parts))


_CONDITIONS = r"condition|obligation|commitment"
# Ordered: the first rule whose every pattern matches the decision's label text decides. (status None = informational:
# history that never changes the case's status; eu_commission.md §0.3)
DECISION_RULES: list[tuple[tuple[str, ...], Status | None, str]] = [
    ((r"modif|waiver|amend",), None, "ec_commitments_modified"),
    ((r"purchaser approval",), None, "ec_purchaser_approval"),
    ((r"remedy review|review clause",), None, "ec_remedy_review"),
    ((r"implementation of remedies",), None, "ec_remedy_implementation"),
    # The Commission's withdrawal of its own decisions (Illumina/Grail, after the Court's judgment): the case is
    # closed by the Commission, not abandoned by the parties. A withdrawn fine is history only.
    ((r"withdrawal of .*" + r"art(?:icle)?\.?\s*14\b",), None, "ec_fine_withdrawn"),
    ((r"withdrawal of .*decision",), Status.closed, "ec_decision_withdrawn"),
    ((r"withdraw",), Status.abandoned, "ec_notification_withdrawn"),
    # Refusals are not referrals: the case stays where it was.
    ((r"refusal|no referral|not to refer",), None, "ec_referral_refused"),
    ((r"rejection of a request",), None, "ec_request_rejected"),
    ((r"partial referral",), None, "ec_partial_referral"),
    ((r"2/3 rule",), Status.closed_no_jurisdiction, "ec_two_thirds_rule"),
    ((r"no substance",), None, "ec_no_substance"),
    ((r"art(?:icle)?\.?\s*1[89]\b|statement of objections|advisory committee",), None, "ec_procedural_step"),
    ((r"art(?:icle)?\.?\s*21\b",), None, "ec_art_21"),
    ((_art("8(3)"),), Status.prohibited, "ec_art_8_3"),
    ((_art("8(4)"),), Status.dissolution_ordered, "ec_art_8_4"),
    ((_art("8(6)") + "|" + _art("6(3)"),), Status.revoked, "ec_revocation"),
    ((_art("8(2)"), _CONDITIONS), Status.cleared_with_remedies, "ec_art_8_2_conditions"),
    ((_art("8(2)"),), Status.cleared, "ec_art_8_2"),
    ((_art("8(1)"),), Status.cleared, "ec_art_8_1"),
    ((_art("8(5)"),), None, "ec_art_8_5_interim"),
    ((_art("6(1)(c)"),), Status.in_depth_review, "ec_art_6_1_c"),
    (
        (_art("6(1)(b)") + "|" + _art("6(2)"), _CONDITIONS + "|" + _art("6(2)")),
        Status.cleared_with_remedies,
        "ec_art_6_1_b_conditions",
    ),
    ((_art("6(1)(b)"),), Status.cleared, "ec_art_6_1_b"),
    ((_art("6(1)(a)"),), Status.closed_no_jurisdiction, "ec_art_6_1_a"),
    ((_art("4(4)"),), Status.referred, "ec_art_4_4_to_member_state"),
    ((_art("4(5)"),), Status.notified, "ec_art_4_5_to_commission"),
    ((_art("9(3)") + r"|art\.?\s*9\b",), Status.referred, "ec_art_9_3_to_member_state"),
    ((r"art(?:icle)?\.?\s*22",), Status.under_review, "ec_art_22_to_commission"),
    ((_art("7(3)"),), None, "ec_art_7_3_derogation"),
    ((r"art(?:icle)?\.?\s*14\b",), None, "ec_art_14_fine"),
]


def classify_decision(labels: list[str]) -> tuple[Status | None, str]:
    """Map a decision's type label(s) to a status (None = informational) and a detail code, by article."""
    text = " + ".join(decision_label(x) for x in labels).lower()
    for patterns, status, detail in DECISION_RULES:
        if text.strip() and all(re.search(p, text) for p in patterns):
            return status, detail
    return Status.unknown, "ec_unknown_decision"


def _summarise_unknown(source: str, warnings: list[str]) -> list[str]:
    """Unknown decision types once each, with how many cases carry them, instead of one warning per case."""
    counts: dict[str, int] = {}
    rest = []
    for w in warnings:
        if w.startswith("\0unknown-decision\0"):
            raw = w.split("\0", 2)[2]
            counts[raw] = counts.get(raw, 0) + 1
        else:
            rest.append(w)
    for raw, n in sorted(counts.items()):
        rest.append(f"{source}: decision type '{raw}' matches no rule in {n} decision(s); kept verbatim as 'unknown'")
    return rest


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


def _json_in_string(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _date(value: Any) -> date | None:
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


# What the Commission's case events say (eu_commission.md §0.10): dated history that never changes a case's status.
_CASE_EVENT_RULES = [
    (r"deadline extended", "ec_deadline_extended"),
    (r"deadline suspended", "ec_deadline_suspended"),
    (r"suspen", "ec_deadline_suspended"),
    (r"commitments? submitted|commitments? offered", "ec_commitments_submitted"),
    (r"art(?:icle)?\.?\s*9\b.*request|request.*art(?:icle)?\.?\s*9\b", "ec_art_9_request"),
    (r"art(?:icle)?\.?\s*22\b.*request|request.*art(?:icle)?\.?\s*22\b", "ec_art_22_request"),
    (r"art(?:icle)?\.?\s*4\s*\(\s*5\s*\)", "ec_art_4_5_request"),
    (r"art(?:icle)?\.?\s*4\s*\(\s*4\s*\)", "ec_art_4_4_request"),
    (r"statement of objections", "ec_statement_of_objections"),
    (r"hearing", "ec_hearing"),
    (r"advisory committee", "ec_advisory_committee"),
    (r"withdraw", "ec_notification_withdrawn_event"),
]


def _event_name(value: Any) -> tuple[str, Any]:
    """(name, date or None) of one ``caseEvents`` entry: a string, or an object (JSON or JSON-in-string) whose
    name is under ``name``/``label``/``eventName``/``title`` and whose date, when it carries one, under a key
    naming a date."""
    value = _json_in_string(value)
    if isinstance(value, dict):
        name = next((value[k] for k in ("name", "label", "eventName", "title", "code") if value.get(k)), "")
        when = next((v for k, v in value.items() if "date" in k.lower() and v), None)
        return clean_text(str(first(name) or "")), when
    return clean_text(str(value or "")), None


def case_events(meta: dict[str, Any]) -> list[StatusEvent]:
    """``caseEvents`` / ``caseTimelineEvents`` as dated informational events. The names ("Deadline extended by 10
    working days under article 10(3)2 on") end where the date would follow; the dates come either inside each
    event or in the parallel list ``caseEventsDates`` / ``caseTimelineEventsDates``, paired by position."""
    out: list[StatusEvent] = []
    seen: set[tuple[str, Any]] = set()
    for names_key, dates_key in (("caseEvents", "caseEventsDates"), ("caseTimelineEvents", "caseTimelineEventsDates")):
        names = _json_in_string(meta.get(names_key))
        if names in (None, "", []):
            continue
        names = names if isinstance(names, list) else [names]
        dates = _json_in_string(meta.get(dates_key))
        dates = dates if isinstance(dates, list) else ([dates] if dates else [])
        for i, item in enumerate(names):
            name, when = _event_name(item)
            if not name:
                continue
            if when is None and i < len(dates):
                when = dates[i]
            try:
                day = _date(when)
            except (ValueError, TypeError):
                day = None
            label = re.sub(r"\s+on\s*$", "", name).strip()
            if (label, day) in seen:  # the two lists can name the same event
                continue
            seen.add((label, day))
            low = label.lower()
            detail = next((d for pat, d in _CASE_EVENT_RULES if re.search(pat, low)), "ec_case_event")
            out.append(StatusEvent(status=None, status_raw=label, date=day, detail=detail))
    return out


class EcMergers(Source):
    name = "ec-mergers"
    one_case = "an EC case number such as M.11234"
    parser_version = "ec-2"
    host_rules = {
        # The open-data dump is ~39 MB today (eu_commission.md); room for growth, not for a bomb.
        "compcases-open-data-portal-files-prod.s3.eu-west-1.amazonaws.com": HostRule(
            min_interval=1.0, timeout=300.0, max_body=400 * MB, deadline=1800.0
        ),
        "competition-cases.ec.europa.eu": HostRule(min_interval=1.0, timeout=300.0, max_body=400 * MB, deadline=1800.0),
        "api.tech.ec.europa.eu": HostRule(min_interval=1.0, timeout=60.0, deadline=90.0),
    }

    def __init__(self, dump_url: str = DUMP_URL, search_url: str = SEARCH_URL) -> None:
        self.dump_url = dump_url
        self.search_url = search_url

    # --- fetching ---------------------------------------------------------------------------

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        if ctx.case:
            yield from self.fetch_case(ctx, ctx.case)
            return
        yield from self._fetch_dump(ctx)
        since = ctx.since or (date.today() - timedelta(days=14))
        yield from self.search_window(ctx, since, date.today() + timedelta(days=1))

    def _fetch_dump(self, ctx: FetchContext) -> Iterator[Payload]:
        try:
            resp = ctx.client.get(self.dump_url, conditional=True)
        except HttpError as exc:
            raise SourceError(
                self.name,
                f"could not download the open-data dump: {exc}",
                http_hint(exc, "the next refresh retries; the cases already stored are kept"),
            ) from None
        if resp.not_modified:
            return  # unchanged since the last run: one conditional request, nothing else
        payload = Payload(
            self.name, resp.url, resp.content, content_type=resp.content_type, kind="dump", validators=resp.validators
        )
        try:
            reject_body(self.name, resp.content, "the open-data dump (JSON)")
            n = count_dump_cases(resp.content, self.name)
        except ParseError as exc:
            raise ctx.fail(payload, exc) from None
        last = int(ctx.get(self.name, "dump_cases") or 0)
        if n < MIN_DUMP_CASES:
            raise ctx.fail(
                payload,
                ParseError(
                    self.name,
                    f"the open-data dump holds only {n} cases (expected thousands)",
                    "it may be truncated; the previous data is kept and the raw file was kept for re-parsing",
                ),
            )
        if last and n < last * SHRINK_LIMIT:
            raise ctx.fail(
                payload,
                ParseError(
                    self.name,
                    f"the open-data dump shrank from {last} to {n} cases",
                    "refusing it; the previous data is kept. Check the file by hand if this persists",
                ),
            )
        yield payload
        ctx.set(self.name, "dump_cases", str(n))

    def search_request(self, query: dict[str, Any], page: int) -> dict[str, Any]:
        parts = {
            "query": ("blob", json.dumps(query).encode(), "application/json"),
            "sort": ("blob", json.dumps([{"field": "caseNumber", "order": "DESC"}]).encode(), "application/json"),
            "displayFields": ("blob", json.dumps(DISPLAY_FIELDS).encode(), "application/json"),
        }
        return {
            "params": {"apiKey": SEARCH_KEY, "text": "*", "pageSize": str(PAGE_SIZE), "pageNumber": str(page)},
            "files": parts,
            "headers": {
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Accept": "application/json",
                "Origin": "https://competition-cases.ec.europa.eu",
                "Referer": "https://competition-cases.ec.europa.eu/",
            },
        }

    @staticmethod
    def window_query(start: date, end: date) -> dict[str, Any]:
        """Merger cases notified or decided in [start, end), and the decisions adopted then."""
        rng = {"gte": f"{start.isoformat()}T00:00:00.000Z", "lt": f"{end.isoformat()}T00:00:00.000Z"}
        return {
            "bool": {
                "must": [{"term": {"caseInstrument": "M"}}],
                "should": [
                    {"range": {"caseNotificationDate": rng}},
                    {"range": {"caseLastDecisionDate": rng}},
                    {"range": {"decisionAdoptionDate": rng}},
                ],
                "minimum_should_match": 1,
            }
        }

    @staticmethod
    def case_query(case_ref: str) -> dict[str, Any]:
        return {"bool": {"must": [{"terms": {"caseNumber": [normalise_case_ref(case_ref)[0]]}}]}}

    def _post(self, ctx: FetchContext, query: dict[str, Any], page: int) -> Payload:
        req = self.search_request(query, page)
        try:
            resp = ctx.client.post(self.search_url, params=req["params"], files=req["files"], headers=req["headers"])
        except HttpError as exc:
            raise SourceError(
                self.name, f"the search API failed: {exc}", http_hint(exc, "the next refresh retries")
            ) from None
        return Payload(
            self.name, resp.url, resp.content, content_type=resp.content_type, kind="search", expect_records=False
        )

    def search_window(self, ctx: FetchContext, start: date, end: date) -> Iterator[Payload]:
        """Every page of a date window; a full window (the API caps results) is split in two and retried."""
        first_page = self._post(ctx, self.window_query(start, end), 1)
        try:
            total = _search_total(first_page.body, self.name)
        except ParseError as exc:
            raise ctx.fail(first_page, exc) from None
        if total >= RESULT_CAP and (end - start).days > 1:
            mid = start + (end - start) / 2
            ctx.notes.append(f"{self.name}: {total} results for {start}..{end}; splitting the window at {mid}")
            yield from self.search_window(ctx, start, mid)
            yield from self.search_window(ctx, mid, end)
            return
        yield first_page
        pages = -(-total // PAGE_SIZE)
        for page in range(2, pages + 1):
            yield self._post(ctx, self.window_query(start, end), page)

    def fetch_case(self, ctx: FetchContext, case_ref: str) -> Iterator[Payload]:
        yield self._post(ctx, self.case_query(case_ref), 1)

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        msgs, ok = [], True
        try:
            payload = next(iter(self.search_window(ctx, date.today() - timedelta(days=30), date.today())), None)
            n = len(self.parse(payload).filings) if payload else 0
            ok = n > 0
            msgs.append(f"search API: {n} case(s) in the last 30 days")
        except SourceError as exc:
            ok = False
            msgs.append(f"search API: {exc}")
        try:
            resp = ctx.client.request("HEAD", self.dump_url)
            msgs.append(f"dump: reachable ({resp.headers.get('content-length', '?')} bytes)")
        except HttpError as exc:
            ok = False
            msgs.append(f"dump: {exc}")
        return ok, "; ".join(msgs)

    # --- parsing ----------------------------------------------------------------------------

    def sniff(self, body: bytes) -> str:
        kind = sniff_kind(body)
        if kind == "json":
            head = body[:4096]
            return "search" if b'"results"' in head or b'"totalResults"' in head else "dump"
        if kind == "unknown" and body.lstrip(b"\xef\xbb\xbf")[:10].upper().startswith(b"CASE_CODE"):
            return "isef-csv"
        return kind

    def parse(self, payload: Payload) -> ParseResult:
        reject_body(self.name, payload.body, "JSON")
        kind = payload.kind if payload.kind in ("dump", "search", "isef-csv") else self.sniff(payload.body)
        if kind == "isef-csv":
            return self.parse_isef_csv(payload)
        if kind == "search":
            return self.parse_search(payload)
        if kind == "dump":
            return self.parse_dump(payload)
        raise ParseError(self.name, "the file is neither the open-data dump, a search-API response nor an ISEF export")

    def parse_dump(self, payload: Payload) -> ParseResult:
        """Read the dump case by case (ijson): only one case's objects exist at a time. The body is handed to the
        parser as one buffer: ijson re-joins a string that spans buffers at a cost that grows with the square of
        its length (an 80 MB string took 27 s in 64 KB buffers), one buffer keeps it linear."""
        result = ParseResult([])
        n = 0
        try:
            stream = io.BytesIO(payload.body)
            for key, case in ijson.kvitems(stream, "", use_float=True, buf_size=max(len(payload.body), 65536)):
                if key.startswith("_"):
                    continue  # notes, not cases
                n += 1
                try:
                    result.filings.append(self._dump_case(key, case, payload, result.warnings))
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    result.warnings.append(f"{self.name}: skipped case {key}: missing or malformed field ({exc})")
        except ijson.JSONError as exc:
            raise ParseError(
                self.name,
                f"the open-data dump is not valid JSON ({exc})",
                "it may be truncated; nothing from it was stored and the raw file was kept",
            ) from None
        result.declared_total = n
        result.warnings = _summarise_unknown(self.name, result.warnings)
        if n and not result.filings:
            raise ParseError(self.name, f"none of the {n} cases could be read; the format may have changed")
        if not n:
            raise ParseError(self.name, "the open-data dump holds no cases")
        return result

    def _dump_case(self, key: str, case: dict[str, Any], payload: Payload, warnings: list[str]) -> Filing:
        meta = case["metadata"]
        events: list[StatusEvent] = []
        for d in case.get("decisions") or []:
            dm = d.get("metadata") or {}
            labels = []
            for t in dm.get("decisionTypes") or []:
                t = _json_in_string(t)
                labels.append(str(t.get("label") or t.get("code")) if isinstance(t, dict) else str(t))
            adopted = _date(dm.get("decisionAdoptionDate"))
            url = _decision_link(d)
            if not labels and adopted is None:
                # The typeless entry with a negative number and only an OJ date is the OJ notice of the
                # notification (eu_commission.md §0.1): a dated notification event, not an unknown decision.
                oj = _date(dm.get("decisionOfficialJournalPublicationsPublishedDates"))
                events.append(
                    StatusEvent(
                        status=Status.notified,
                        status_raw="Prior notification published in the Official Journal",
                        date=oj,
                        detail="ec_prior_notification",
                        url=url,
                    )
                )
                continue
            events.append(self._decision_event(labels, adopted, url, warnings, key))
        # Every decision's own reference, GUID ones included (M.10010-DEC{DE5AA077-…}: no decisionNumber), so a
        # decision can be named even where the dump gives it no number.
        refs = [
            str(first((d.get("metadata") or {}).get("metadataReference")) or "") for d in case.get("decisions") or []
        ]
        sectors = []
        for s in meta.get("caseSectors") or []:
            s = _json_in_string(s)
            sectors.append({"code": s.get("code"), "label": s.get("label")} if isinstance(s, dict) else {"code": s})
        extra = {"nace": sectors, "decision_refs": [r for r in refs if r]}
        return self._case_filing(key, meta, events, payload, extra, warnings)

    def _decision_event(
        self, labels: list[str], adopted: date | None, url: str | None, warnings: list[str], key: str
    ) -> StatusEvent:
        status, detail = classify_decision(labels)
        raw = " + ".join(decision_label(x) for x in labels) or "decision of unknown type"
        if status is Status.unknown:
            # one warning per distinct type per payload, with its count (added up in _unknown_summary)
            warnings.append(f"\0unknown-decision\0{raw}")
        return StatusEvent(status=status, status_raw=raw, date=adopted, detail=detail, url=url)

    def _case_filing(
        self,
        key: str,
        meta: dict[str, Any],
        events: list[StatusEvent],
        payload: Payload,
        extra: dict[str, Any],
        warnings: list[str],
    ) -> Filing:
        case_ref, full_key = normalise_case_ref(str(first(meta.get("caseNumber")) or key))
        title = clean_text(str(first(meta.get("caseTitle")) or first(meta.get("caseCompanies")) or case_ref))
        companies = clean_text(str(first(meta.get("caseCompanies")) or title))
        notified = _date(meta.get("caseNotificationDate"))
        deadline = _date(meta.get("caseDeadlineDate"))
        last_decision = _date(meta.get("caseLastDecisionDate"))
        procedure = canonical_procedure(meta.get("caseSimplified"))
        phase = str(first(meta.get("caseInvestigationPhase")) or "")
        history = sorted(events + case_events(meta), key=lambda e: e.date or date.min)
        if notified:
            history.insert(
                0,
                StatusEvent(
                    status=Status.notified,
                    status_raw="Notification",
                    date=notified,
                    detail="ec_notification",
                    deadline=None,
                ),
            )
        decided = [
            e for e in history if e.status is not None and e.detail not in ("ec_notification", "ec_prior_notification")
        ]
        if decided:
            cur = decided[-1]
            status, raw, sdate, detail = cur.status, cur.status_raw, cur.date, cur.detail
        elif last_decision and not events:
            # The case says it was decided, but no decision is in this record (a search-API page that held
            # only the case document): say so rather than guess.
            status, raw, sdate, detail = (
                Status.unknown,
                f"decided on {last_decision}; decision type not in this response",
                last_decision,
                "ec_decision_type_missing",
            )
            warnings.append(f"{self.name}: {case_ref}: last decision {last_decision} but no decision type in the data")
        elif phase in PHASE_STATUS:
            status, detail = PHASE_STATUS[phase]
            raw, sdate = phase, notified
        else:
            # No decision yet: Phase I is running since the notification.
            status, raw, sdate, detail = Status.notified, "Notification", notified, "ec_notification"
        # A title that ends in "/ JV" says joint control even where the company string leaves the JV out.
        jv_title = bool(re.search(r"/\s*(JV|JOINT VENTURE)\s*$", title, re.I))
        parties = split_parties(title if jv_title or "/" not in companies else companies)
        seen = {p.name.upper() for p in parties}
        for other in (meta.get("caseCompanies") or [])[1:]:  # former names: found by a query for either name
            for p in split_parties(clean_text(str(other))):
                if p.name.upper() not in seen:
                    seen.add(p.name.upper())
                    parties.append(p)
        ex = {
            "case_key": full_key,
            "procedure": procedure,
            "regulation": first(meta.get("caseRegulation")),
            "notification_date": notified.isoformat() if notified else None,
            "phase": phase or None,
            # several strings are former and current names of the same parties ("META (FORMERLY FACEBOOK) /
            # KUSTOMER", "FACEBOOK / KUSTOMER"): the first gives the parties, all are kept as names of the case
            "company_names": [clean_text(str(c)) for c in meta.get("caseCompanies") or []]
            if len(meta.get("caseCompanies") or []) > 1
            else None,
            **extra,
        }
        return self._make_filing(
            full_key, case_ref, title, parties, (status, raw, sdate, detail), deadline, history, ex, payload
        )

    def _make_filing(
        self,
        full_key: str,
        case_ref: str,
        title: str,
        parties: list[Party],
        state: tuple[Status, str, date | None, str | None],
        deadline: date | None,
        events: list[StatusEvent],
        extra: dict[str, Any],
        payload: Payload,
    ) -> Filing:
        """One EC case record, whichever surface it was read from (dump, search API, ISEF export)."""
        status, raw, sdate, detail = state
        return Filing(
            source=self.name,
            source_id=full_key,
            authority="EC",
            jurisdiction="EU",
            case_ref=case_ref,
            title=title,
            parties=parties,
            status=status,
            status_raw=raw,
            status_date=sdate,
            detail=detail,
            url=CASE_URL.format(case_ref),
            deadline=deadline,
            events=events,
            extra={k: v for k, v in extra.items() if v not in (None, "", [])},
            fetched_at=payload.fetched_at,
            payload_sha256=payload.sha256,
            parser_version=self.parser_version,
        )

    def parse_search(self, payload: Payload) -> ParseResult:
        try:
            doc = json.loads(payload.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(
                self.name,
                f"the search-API response is not valid JSON ({exc})",
                "it may be truncated; the raw response was kept",
            ) from None
        if not isinstance(doc, dict) or "results" not in doc:
            detail = ""
            if isinstance(doc, dict):
                detail = str(doc.get("message") or doc.get("error") or doc.get("errors") or "")[:300]
            raise SourceError(
                self.name,
                f"the search API answered without results{': ' + detail if detail else ''}",
                "its query format may have changed; run `mergerwatch doctor`",
            )
        total = doc.get("totalResults")
        result = ParseResult([], declared_total=total if isinstance(total, int) else None)
        cases: dict[str, dict[str, Any]] = {}
        decisions: dict[str, list[StatusEvent]] = {}
        for item in doc.get("results") or []:
            meta = (item or {}).get("metadata") or {}
            try:
                number = str(first(meta.get("caseNumber")) or item.get("reference") or "")
                _ref, full = normalise_case_ref(number)
                mtype = str(first(meta.get("metadataType")) or "")
                is_decision = mtype == "METADATA_DECISION" or "-DEC" in str(item.get("reference", "")) and not mtype
                if is_decision or (meta.get("decisionTypes") and mtype != "METADATA_CASE"):
                    codes = [str(c) for c in meta.get("decisionTypes") or []]
                    labels = [decision_label(c) for c in codes]
                    ev = self._decision_event(
                        labels, _date(meta.get("decisionAdoptionDate")), None, result.warnings, full
                    )
                    decisions.setdefault(full, []).append(ev)
                    cases.setdefault(full, {k: v for k, v in meta.items() if k.startswith("case")})
                elif mtype in ("METADATA_CASE", ""):
                    cases[full] = {**cases.get(full, {}), **meta}
            except (ValueError, TypeError, AttributeError) as exc:
                result.warnings.append(
                    f"{self.name}: skipped result {item.get('reference') if isinstance(item, dict) else '?'}: {exc}"
                )
        for full, meta in cases.items():
            try:
                sectors = [str(s) for s in meta.get("caseSectors") or []]
                result.filings.append(
                    self._case_filing(
                        full, meta, decisions.get(full, []), payload, {"nace_codes": sectors}, result.warnings
                    )
                )
            except (ValueError, TypeError, KeyError) as exc:
                result.warnings.append(f"{self.name}: skipped case {full}: {exc}")
        result.warnings = _summarise_unknown(self.name, result.warnings)
        if doc.get("results") and not result.filings:
            raise ParseError(
                self.name, "no case could be read from the search-API results; the format may have changed"
            )
        return result

    def parse_isef_csv(self, payload: Payload) -> ParseResult:
        """The legacy ISEF export (real, 2016): no decision types, so a decided case is ``closed``."""
        text = payload.body.decode("utf-8-sig", errors="replace")
        reader = csv.DictReader(io.StringIO(text))
        need = {"CASE_CODE", "TITLE", "NOTIFICATION_DATE", "LAST_DECISION_DATE"}
        if not reader.fieldnames or not need <= set(reader.fieldnames):
            raise ParseError(self.name, f"the ISEF export lacks columns {sorted(need - set(reader.fieldnames or []))}")
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
                nace = sorted(
                    {s.strip() for s in re.split(r",\s(?=[A-Z]\.\d)", row.get("NACE_CODE") or "") if s.strip()}
                )
                extra = {
                    "regulation": row.get("REGULATION_ID"),
                    "procedure": canonical_procedure(row.get("SIMPL_PROC")),
                    "nace": [{"label": s} for s in nace],
                    "notification_date": notified.isoformat() if notified else None,
                }
                filing = self._make_filing(
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
                result.warnings.append(f"{self.name}: skipped ISEF row {row.get('CASE_CODE')}: {exc}")
        result.filings = list(by_key.values())
        if twice:
            cols = sorted(set().union(*twice.values())) or ["nothing"]
            result.warnings.append(
                f"{self.name}: the ISEF export lists {len(twice)} case code(s) twice ({', '.join(sorted(twice))}); "
                f"each pair was merged into one case (the rows differ in: {', '.join(cols)})"
            )
        if not result.filings:
            raise ParseError(self.name, "the ISEF export holds no readable rows")
        return result


def _dmy(value: str | None) -> date | None:
    """ISEF dates ``dd-mm-yy``; the export covers 1990 onwards."""
    if not value or not value.strip():
        return None
    d, m, y = (int(x) for x in value.strip().split("-"))
    return date(1900 + y if y >= 90 else 2000 + y, m, d)


def _decision_link(decision: dict[str, Any]) -> str | None:
    for att in decision.get("decisionAttachments") or []:
        am = att.get("metadata") or {}
        link = first(am.get("attachmentLink"))
        lang = str(first(am.get("attachmentLanguage")) or first(am.get("language")) or "").lower()
        if link and lang in ("en", ""):
            link = str(link)
            return link if link.startswith("http") else ATTACHMENT_BASE + link.lstrip("/")
    return None


def _search_total(body: bytes, source: str) -> int:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        kind = sniff_kind(body)
        raise ParseError(
            source,
            "got an HTML page where the search API's JSON was expected"
            if kind == "html"
            else "the search-API response is not valid JSON",
            "the portal may be showing its app shell or an error page; the raw page was kept",
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("totalResults"), int):
        raise SourceError(
            source,
            "the search API answered without a result count (an error body with HTTP 200?)",
            "run `mergerwatch doctor`; the query format may have changed",
        )
    return int(doc["totalResults"])


def count_dump_cases(body: bytes, source: str) -> int:
    """Count the top-level cases without building them (validation before anything is stored)."""
    n = 0
    try:
        for prefix, event, _value in ijson.parse(io.BytesIO(body), buf_size=max(len(body), 65536)):
            if prefix == "" and event == "map_key":
                n += 1
    except ijson.JSONError as exc:
        raise ParseError(
            source,
            f"the open-data dump is not valid JSON ({exc})",
            "it may be truncated; the previous data is kept and the next run retries",
        ) from None
    return n
