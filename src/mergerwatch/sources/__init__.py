"""The explicit registry of sources: name -> source object. One module per source.

A source's module is imported when the source is first asked for: `ingest` or `parse` of FTC notices then never
imports BeautifulSoup and the other sources' parsers (a tenth of a second, a quarter of ingest's start-up)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from mergerwatch.catalog import SOURCES
from mergerwatch.core.errors import UsageError

if TYPE_CHECKING:
    from mergerwatch.sources.base import Source

# name -> (module in this package, class), in the catalogue's order
_CLASSES: dict[str, tuple[str, str]] = {
    "ftc-early-termination": ("ftc_early_termination", "FtcEarlyTermination"),
    "ftc-press": ("ftc_press", "FtcPress"),
    "doj-press": ("doj_press", "DojPress"),
    "federal-register": ("federal_register", "FederalRegister"),
    "ec-mergers": ("ec_mergers", "EcMergers"),
    "cma-mergers": ("cma_mergers", "CmaMergers"),
    "sec-edgar": ("sec_edgar", "SecEdgar"),
}
assert list(_CLASSES) == list(SOURCES), "the registry and the catalogue name the same sources in the same order"

_made: dict[str, Source] = {}


def get_source(name: str) -> Source:
    if name not in _CLASSES:
        known = ", ".join(sorted(_CLASSES))
        raise UsageError(f"unknown source '{name}'; known sources: {known}")
    src = _made.get(name)
    if src is None:
        module, cls = _CLASSES[name]
        src = _made[name] = getattr(import_module(f"{__name__}.{module}"), cls)()
        if src.name != name:
            raise AssertionError(f"{module}.{cls} is named {src.name!r}, registered as {name!r}")
    return src


def all_sources() -> dict[str, Source]:
    """Every source, in the registry's order (each module imported)."""
    return {name: get_source(name) for name in _CLASSES}


def __getattr__(attr: str) -> Any:
    # REGISTRY, the whole name -> source table, is made (every module imported) only when asked for.
    if attr == "REGISTRY":
        return all_sources()
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")
