"""A module named at the top of the file that uses it, imported on first use.

The command line names, at its top, every module a command calls; most commands use a few of them, and `--help`
none: importing them all on every start would cost `--help` a third of its time (rich, SQLAlchemy, httpx,
pydantic; benchmarks/bench_read.py). ``lazy("mergerwatch.query.deals")`` is a stand-in that imports the module when
one of its attributes is first read, and then reads them from it. Nothing is imported, found or registered before
that: a command that does not use a module never loads it. tests/test_layers.py counts these names as imports when it
looks for cycles and layer breaches.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands in for the module ``name`` until an attribute of it is read."""

    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: Any = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}{' (loaded)' if self._module is not None else ''}>"


def lazy(name: str) -> Any:
    """The module ``name``, imported when one of its attributes is first read."""
    return LazyModule(name)
