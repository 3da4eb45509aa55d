"""Golden tests: every example file under fixtures/<source>/ parses to its reviewed expected JSON.

A missing ``<name>.expected.json`` is written and the test fails until a person has read it and
committed it (the juriscraper way). Files whose expected JSON holds an ``error`` must fail to parse
with that error class and message.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mergerwatch.core.errors import SourceError
from mergerwatch.sources import all_sources
from mergerwatch.sources.base import Payload

from .conftest import FIXTURES

FETCHED = datetime(2026, 11, 1, tzinfo=UTC)
SKIP_SUFFIXES = (".expected.json", ".md")


def _cases() -> list[tuple[str, Path]]:
    cases = []
    for name in sorted(all_sources()):
        d = FIXTURES / name
        if not d.is_dir():
            continue
        for f in sorted(d.iterdir()):
            if f.is_file() and not f.name.endswith(SKIP_SUFFIXES):
                cases.append((name, f))
    return cases


def golden_output(source_name: str, path: Path) -> object:
    src = all_sources()[source_name]
    body = path.read_bytes()
    payload = Payload(
        source=source_name,
        url=f"fixture://{source_name}/{path.name}",
        body=body,
        fetched_at=FETCHED,
        kind=src.sniff(body),
    )
    try:
        result = src.parse(payload)
    except SourceError as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    return {
        "warnings": result.warnings,
        "declared_total": result.declared_total,
        "records": [f.to_record() for f in result.filings],
    }


def test_every_source_has_fixtures():
    missing = [n for n in all_sources() if not (FIXTURES / n).is_dir()]
    assert not missing, f"sources without fixtures: {missing}"


@pytest.mark.parametrize(("source", "path"), _cases(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_golden(source: str, path: Path):
    got = json.loads(json.dumps(golden_output(source, path), default=str))
    expected_path = path.with_name(path.name + ".expected.json")
    if not expected_path.exists():
        expected_path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
        pytest.fail(f"wrote {expected_path.name}: review it by hand, then commit it")
    expected = json.loads(expected_path.read_text())
    assert got == expected


@pytest.mark.parametrize(
    "version",
    ["id%3A443686", "rel%3Aworking-copy", "id%3a1", "a%2Fb%3A1", "%%3A", "%3", "id:1", "caf%C3%A9%3A2", ""],
)
def test_ftc_resource_version_reads_as_unquote_reads_it(version):
    """The FTC API escapes only the colon of a resourceVersion: that case is replaced directly, any other goes
    through unquote, and both give what unquote gives."""
    from urllib.parse import unquote

    from mergerwatch.sources.ftc_early_termination import _resource_version

    href = f"https://www.ftc.gov/v0/hsr-early-termination-notices/x?resourceVersion={version}&other=1"
    assert _resource_version(href) == unquote(version)
    assert _resource_version("https://www.ftc.gov/v0/hsr-early-termination-notices/x") is None
