"""The write path's sources: each module fetches and parses one authority's records; this module loads them.

Which sources exist, and the facts about each that the rest of mergerwatch asks, are in the registry
(core/registry.py): an entry names the module and class here. A source's module is imported when the source is first
asked for: `ingest` or `parse` of FTC notices then never imports BeautifulSoup and the other sources' parsers (a
tenth of a second, a quarter of ingest's start-up). Imports nothing of the store or the CLI.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from mergerwatch.core import registry
from mergerwatch.core.errors import UsageError

if TYPE_CHECKING:
    from mergerwatch.fetch.hosts import HostRule
    from mergerwatch.sources.base import Source

_made: dict[str, Source] = {}


def get_source(name: str) -> Source:
    prof = registry.profile(name)
    if prof is None:
        raise UsageError(f"unknown source '{name}'; known sources: {', '.join(sorted(registry.names()))}")
    src = _made.get(name)
    if src is None:
        module, cls = prof.code.split(":")
        src = _made[name] = getattr(import_module(f"{__name__}.{module}"), cls)()
        if src.name != name:
            raise AssertionError(f"{module}.{cls} is named {src.name!r}, registered as {name!r}")
    return src


def all_sources() -> dict[str, Source]:
    """Every source, in the registry's order (each module imported)."""
    return {name: get_source(name) for name in registry.names()}


def host_rules() -> dict[str, HostRule]:
    """The politeness and bounds of every host a source asks (each source's ``host_rules``)."""
    return {host: rule for src in all_sources().values() for host, rule in src.host_rules.items()}
