"""The house's rules, read from the code itself: module sizes, no import cycle, the read path apart from the write
path, and no source spelt outside its own module and the registry.

Imports are read with ``ast`` from every module of the package: at the top, inside functions, and the modules named
to ``lazy(...)`` (core/lazy.py), which is how the command line names what it calls. Imports under ``if
TYPE_CHECKING:`` are left out: they never run.
"""

from __future__ import annotations

import ast
import importlib.util
from functools import cache
from pathlib import Path

import pytest

from mergerwatch.core import registry

PACKAGE = Path(importlib.util.find_spec("mergerwatch").origin).parent  # type: ignore[arg-type]
MAX_LINES = 600
# The read path: what `deal`, `search`, `show`, `list`, `stats`, `changes`, `clock`, `deadlines` run.
READ_PATH = ("mergerwatch.query", "mergerwatch.render", "mergerwatch.store.read", "mergerwatch.cli.records",
             "mergerwatch.cli.timing")  # fmt: skip
WRITE_SIDE = ("mergerwatch.fetch", "mergerwatch.sources", "mergerwatch.ingest", "mergerwatch.store.write")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {
        _module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.relative_to(PACKAGE).parts
    }


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module of ours that ``name`` (a module or a name inside one) is, or None when it is not ours."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


@cache
def imports_of(module: str) -> frozenset[str]:
    """The modules of ours that ``module`` imports at run time, wherever the import is written."""
    known = modules()
    tree = ast.parse(known[module].read_text())
    package = module if known[module].name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}")
                found.add(base)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    resolved = {_resolve(n, known) for n in found}
    return frozenset(r for r in resolved if r and r != module)


def test_no_module_is_over_600_lines():
    big = {m: n for m, p in modules().items() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert big == {}


def test_no_import_cycle_counting_imports_in_functions_and_lazy_names():
    graph = {m: imports_of(m) for m in modules()}
    # Tarjan's strongly connected components: any component of more than one module is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in graph:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            # a package and its own submodules are one unit (a package imports what it is made of)
            if len({c for c in comp if not any(c.startswith(o + ".") for o in comp)}) > 1:
                cycles.append(sorted(comp))

    import sys

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            strong(v)
    assert cycles == []


def _reach(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo.extend(imports_of(m))
    return seen


@pytest.mark.parametrize("module", sorted(m for m in modules() if m.startswith(READ_PATH)))
def test_the_read_path_reaches_nothing_of_the_write_side(module):
    reached = _reach(module)
    bad = sorted(m for m in reached if m.startswith(WRITE_SIDE))
    assert bad == [], f"{module} reaches {bad}"


def test_core_imports_nothing_outside_core():
    for m in modules():
        if m.startswith("mergerwatch.core"):
            outside = sorted(i for i in imports_of(m) if not i.startswith("mergerwatch.core") and i != "mergerwatch")
            assert outside == [], f"{m} imports {outside}"


def _strings(tree: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_no_source_is_spelt_outside_its_own_module_and_the_registry():
    names = registry.names()
    offenders = []
    for m, path in modules().items():
        # the registry names them; testing.py makes synthetic records in named sources' real shapes, for tests
        if m in ("mergerwatch.core.registry", "mergerwatch.testing"):
            continue
        text = "\n".join(_strings(ast.parse(path.read_text())))
        for name in names:
            own = "mergerwatch.sources." + registry.PROFILES[name].code.split(":")[0]
            if m == own or m.startswith(own + "."):
                continue
            if name in text:
                offenders.append((m, name))
    assert offenders == []
