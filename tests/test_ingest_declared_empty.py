"""An answer that declares entries and lists none is an error for every paged source (issue 35, item 9), whatever
the request; a page past the end of the declared entries stays an empty answer. Pages derived here from the real
fixtures by emptying their list."""

from __future__ import annotations

import json

import pytest

from mergerwatch.core.errors import ParseError
from mergerwatch.ingest.pipeline import parse_checked
from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload

from .conftest import FIXTURES

FTC_PAGE = "ftc-early-termination/api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json"
# source, fixture, the list to empty (a path of keys), the declared total's path, the request's offset parameter
CASES = [
    ("cma-mergers", "cma-mergers/search_every_outcome.derived.json", ("results",), ("total",),
     "https://www.gov.uk/api/search.json?filter_format=cma_case&count=500&start={start}"),
    ("ftc-early-termination", FTC_PAGE, ("data",), ("meta", "count"), "https://api.ftc.gov/v0/hsr-early-termination-notices?page[offset]={start}"),
    ("federal-register", "federal-register/fr_antitrust_notices_2020-2026.derived.json", ("results",), ("count",),
     "https://www.federalregister.gov/api/v1/documents.json?per_page=20&page={page}"),
    ("ec-mergers", "ec-mergers/search_api_response.reconstructed.json", ("results",), ("totalResults",),
     "https://api.tech.ec.europa.eu/search-api/prod/rest/search?pageSize=100&pageNumber={page}"),
    ("sec-edgar", "sec-edgar/sec_efts_empty_result.json", ("hits", "hits"), ("hits", "total", "value"),
     "https://efts.sec.gov/LATEST/search-index?q=x&from={start}"),
]  # fmt: skip


def _emptied(fixture: str, items: tuple[str, ...], total: tuple[str, ...], declared: int) -> bytes:
    doc = json.loads((FIXTURES / fixture).read_text())
    node = doc
    for k in items[:-1]:
        node = node[k]
    node[items[-1]] = []
    node = doc
    for k in total[:-1]:
        node = node.setdefault(k, {})
    node[total[-1]] = declared
    return json.dumps(doc).encode()


@pytest.mark.parametrize(("name", "fixture", "items", "total", "url"), CASES, ids=[c[0] for c in CASES])
def test_a_page_that_declares_entries_and_lists_none_is_an_error(name, fixture, items, total, url):
    src = get_source(name)
    body = _emptied(fixture, items, total, 15)
    first = url.format(start=0, page=1)
    for kind in ("", "search-index"):
        payload = Payload(name, first, body, kind=kind or src.sniff(body), expect_records=False)
        with pytest.raises(ParseError, match="declares 15 entries and lists none|counts 15"):
            parse_checked(src, payload)
    # past the end of what is declared, an empty page is the answer's end, not an error (the sources whose answers
    # say their own offset, FTC and Federal Register, check that themselves)
    if "{start}" in url and name != "ftc-early-termination":
        past = Payload(name, url.format(start=15), body, kind=src.sniff(body), expect_records=False)
        assert parse_checked(src, past).filings == []
