"""Synthetic data for tests and benchmarks, made by varying the fields of real record shapes.

The template below is the first record of the real API page in
fixtures/ftc-early-termination/api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json;
only values are varied (ids, numbers, names, dates), never the structure.
"""

from __future__ import annotations

import copy
import json
import random
import uuid
from datetime import date, timedelta
from typing import Any

FTC_RECORD: dict[str, Any] = {
    "type": "early_termination_notice",
    "id": "2e83d2ab-8ef3-47e0-8fad-d87c16095312",
    "links": {
        "self": {
            "href": "https://www.ftc.gov/v0/hsr-early-termination-notices/2e83d2ab-8ef3-47e0-8fad-d87c16095312"
            "?resourceVersion=id%3A443686"
        },
        "working-copy": {
            "href": "https://www.ftc.gov/v0/hsr-early-termination-notices/"
            "2e83d2ab-8ef3-47e0-8fad-d87c16095312?resourceVersion=rel%3Aworking-copy"
        },
    },
    "attributes": {
        "title": "20262326: Watsco, Inc.; BBH Capital Partners VI, L.P.",
        "created": "2026-09-30T12:38:23+00:00",
        "updated": "2026-09-30T12:38:23+00:00",
        "acquired-party": "BBH Capital Partners VI, L.P.",
        "acquiring-party": "Watsco, Inc.",
        "date": "2026-09-29",
        "acquired-entities": ["Granite Group Holdings LLC"],
        "transaction-number": "20262326",
    },
    "relationships": {"node_type": {"data": None, "links": {}}, "feeds_item": {"data": [], "links": {}}},
}

_WORDS = (
    "Acme Granite Watsco Delta Star Nasdaq Kirin Xylem Madison Navitas Claros Velocity Integer Blackstone "
    "Thoma Bravo Accelerant Mercury Hermes Lovelytics Maverick Supernus Jamieson Shelton Skyward Armstrong "
    "Providence Castlelake Newsela Mesa Orpheum Nederlander Lifespan Metropolis Republic Green Snow Phipps"
).split()
_FORMS = ("Inc.", "LLC", "L.P.", "Corporation", "Holdings, LLC", "GmbH", "S.A.", "plc", "Ltd.")


_SYLLABLES = "ka ro mi ten vor al ix un del bra sto pha gen tri lux mar cor vel ner sol qui zan pex ody".split()


def _vocabulary(n: int = 20000, seed: int = 11) -> list[str]:
    """Made-up words, so that synthetic names spread over a long-tailed vocabulary as real company names do
    (a few common words, most rare); drawn with a Zipf-like weight below."""
    rng = random.Random(seed)
    words = list(dict.fromkeys(w.lower() for w in _WORDS))
    while len(words) < n:
        words.append("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return [w.capitalize() for w in dict.fromkeys(words)]


_VOCAB = _vocabulary()
_WEIGHTS = [1.0 / (i + 1) for i in range(len(_VOCAB))]


def company(rng: random.Random) -> str:
    a, b = rng.choices(_VOCAB, weights=_WEIGHTS, k=2)
    return f"{a} {b} {rng.choice(_FORMS)}"


def ftc_records(n: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    day = date(2026, 9, 29)
    for i in range(n):
        rec = copy.deepcopy(FTC_RECORD)
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        txn = f"{2000 + (i % 27):04d}{i % 10000:04d}"
        acquiring, acquired = company(rng), company(rng)
        entities = [company(rng) for _ in range(rng.randint(0, 3))]
        grant = day - timedelta(days=i // 10)
        rec["id"] = uid
        rec["links"]["self"]["href"] = (
            f"https://www.ftc.gov/v0/hsr-early-termination-notices/{uid}?resourceVersion=id%3A{i}"
        )
        a = rec["attributes"]
        a.update(
            {
                "title": f"{txn}: {acquiring}; {acquired}",
                "acquiring-party": acquiring,
                "acquired-party": acquired,
                "acquired-entities": entities,
                "date": grant.isoformat(),
                "transaction-number": txn,
                "created": f"{grant + timedelta(days=1)}T12:38:{i % 60:02d}+00:00",
                "updated": f"{grant + timedelta(days=1)}T12:38:{i % 60:02d}+00:00",
            }
        )
        out.append(rec)
    return out


def ftc_pages(n: int, page_size: int = 50, seed: int = 1) -> list[bytes]:
    recs = ftc_records(n, seed)
    pages = []
    for off in range(0, n, page_size):
        doc = {
            "jsonapi": {"version": "1.0"},
            "data": recs[off : off + page_size],
            "meta": {"count": n},
            "links": {"self": {"href": f"https://www.ftc.gov/v0/hsr-early-termination-notices?page%5Boffset%5D={off}"}},
        }
        pages.append(json.dumps(doc).encode())
    return pages


def ec_dump(n: int, seed: int = 1) -> bytes:
    """A dump of ``n`` cases shaped like fixtures/ec-mergers/dump_case-data-M.record.reconstructed.json."""
    rng = random.Random(seed)
    labels = ["Art. 6(1)(b)", "Art. 6(1)(b)", "Art. 6(1)(b)", "Art. 6(1)(c)", "Art. 8(2) with conditions & obligations"]
    out: dict[str, Any] = {}
    for i in range(n):
        num = f"M.{1000 + i}"
        notified = date(2005, 1, 1) + timedelta(days=i % 7000)
        decisions = []
        for j in range(rng.randint(0, 2)):
            decisions.append(
                {
                    "metadata": {
                        "metadataType": ["METADATA_DECISION"],
                        "metadataReference": [f"{num}-DEC{j}"],
                        "decisionNumber": [str(j)],
                        "decisionAdoptionDate": [(notified + timedelta(days=25 + 90 * j)).isoformat()],
                        "decisionTypes": [json.dumps({"code": f"DecisionType{300 + j}", "label": rng.choice(labels)})],
                    },
                    "decisionAttachments": [
                        {
                            "metadata": {
                                "attachmentLink": [
                                    f"https://ec.europa.eu/competition/mergers/cases1/202512/M_{1000 + i}_{j}_2_3.pdf"
                                ],
                                "attachmentLanguage": ["EN"],
                            }
                        }
                    ],
                }
            )
        title = f"{company(rng).upper()} / {company(rng).upper()}"
        out[num] = {
            "metadata": {
                "metadataType": ["METADATA_CASE"],
                "caseNumber": [num],
                "caseTitle": [title],
                "caseCompanies": [title],
                "caseInstrument": ["Merger"],
                "caseRegulation": ["Council Regulation 139/2004"],
                "caseSimplified": [rng.choice(["Simplified procedure", "Normal procedure"])],
                "caseSectors": [json.dumps({"code": "NaceSectorsG_46", "label": "G.46 - Wholesale trade"})],
                "caseNotificationDate": [notified.isoformat()],
                "caseDeadlineDate": [(notified + timedelta(days=35)).isoformat()],
                **(
                    {"caseLastDecisionDate": [decisions[-1]["metadata"]["decisionAdoptionDate"][0]]}
                    if decisions
                    else {}
                ),
            },
            "caseAttachments": [],
            "decisions": decisions,
        }
    return json.dumps(out).encode()
