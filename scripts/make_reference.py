"""Write docs/reference.md from the code: the sources and their hosts' politeness, every command and option, the
statuses and detail codes, the exit statuses, and the --json contract (core/records.py, with its comments).

Run: python scripts/make_reference.py            (writes the file)
     python scripts/make_reference.py --check    (exit 1 if the file is not what the code says; tests/test_docs.py)
"""

from __future__ import annotations

import ast
import inspect
import io
import sys
import tokenize
from pathlib import Path

import typer

from mergerwatch.cli import app
from mergerwatch.core import records, registry
from mergerwatch.core.errors import ExitStatus
from mergerwatch.core.vocabulary import DETAILS, LABELS
from mergerwatch.sources import all_sources

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "reference.md"


def _sources() -> list[str]:
    out = [
        "## Sources",
        "",
        "Each source is one module of `src/mergerwatch/sources/` and one entry of `core/registry.py` "
        "(CONTRIBUTING.md). `mergerwatch sources` shows how each is doing; `mergerwatch doctor` checks each live.",
        "",
        "| source | authority | what it reads | `refresh --case` |",
        "|---|---|---|---|",
    ]
    for p in registry.PROFILES.values():
        out.append(f"| `{p.name}` | {p.authority} ({p.jurisdiction}) | {p.title} | {p.one_case or ''} |")
    out += [
        "",
        "### Politeness and bounds per host",
        "",
        "Every request names mergerwatch and your contact (`MERGERWATCH_CONTACT`) in its User-Agent. Requests to one "
        "host are spaced by its interval; 429 and 5xx answers are retried with a doubling backoff that honours "
        "`Retry-After` (one longer than the host's wait stops the source for the night); a body is cut at the host's "
        "cap after decompression; one request (connecting, headers and body) ends by its deadline. The worst case "
        "of one request is its deadline times its attempts, plus the waits between them (the backoff, or a "
        "`Retry-After` up to the host's wait).",
        "",
        "| host | sources | interval (s) | attempts | backoff from (s) | body cap | deadline (s) | worst case (min) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for host, r, names, worst in host_bounds():
        out.append(
            f"| {host} | {', '.join(names)} | {r.min_interval:g} | {r.retries + 1} | {r.backoff:g} | "
            f"{r.max_body // (1024 * 1024)} MB | {r.deadline:g} | {worst:.1f} |"
        )
    return out


def host_bounds() -> list[tuple[str, object, list[str], float]]:
    """(host, its rule, its sources, the worst case of one request in minutes): every attempt up to its deadline,
    and between two, the longer of the backoff and a Retry-After up to the host's wait."""
    hosts: dict[str, tuple[object, list[str]]] = {}
    for name, src in all_sources().items():
        for host, rule in src.host_rules.items():
            hosts.setdefault(host, (rule, []))[1].append(name)
    out = []
    for host, (r, names) in sorted(hosts.items()):
        waits = sum(max(r.backoff * 2**i, r.max_wait) for i in range(r.retries))
        out.append((host, r, names, ((r.retries + 1) * r.deadline + waits) / 60))
    return out


README_BEGIN, README_END = "<!-- hosts: made by scripts/make_reference.py -->", "<!-- /hosts -->"


def readme_hosts() -> str:
    """The README's table of each host's worst case (politeness section), between its markers."""
    rows = [README_BEGIN, "", "| host | sources | worst case of one request |", "|---|---|---|"]
    rows += [f"| {host} | {', '.join(names)} | {worst:.0f} min |" for host, _r, names, worst in host_bounds()]
    return "\n".join([*rows, "", README_END])


def _readme(text: str) -> str:
    start, end = text.index(README_BEGIN), text.index(README_END) + len(README_END)
    return text[:start] + readme_hosts() + text[end:]


def _commands() -> list[str]:
    out = ["## Commands and options", "", "`mergerwatch --help` and `mergerwatch COMMAND --help` say the same.", ""]
    root = typer.main.get_command(app)
    ctx = root.make_context("mergerwatch", [], resilient_parsing=True)
    out += ["### Top-level options (anywhere on the line)", ""]
    out += _params(root.params)

    def walk(group, prefix: str, ctx) -> None:
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            path = f"{prefix} {name}"
            if hasattr(cmd, "list_commands"):
                walk(cmd, path, ctx)
                continue
            args = " ".join(p.human_readable_name.upper() for p in cmd.params if p.param_type_name == "argument")
            out.extend(["", f"### `{path.strip()}{' ' + args if args else ''}`", ""])
            out.append(inspect.cleandoc(cmd.help or "").replace("\n", " "))
            out.append("")
            out.extend(_params(cmd.params))

    walk(root, "mergerwatch", ctx)
    return out


def _params(params) -> list[str]:
    rows = []
    for p in params:
        if p.param_type_name != "option" or p.name in ("help", "install_completion", "show_completion"):
            continue
        flags = ", ".join(f"`{o}`" for o in p.opts)
        rows.append(f"- {flags}: {p.help or ''}")
    return rows or ["(no options)"]


def _vocabulary() -> list[str]:
    out = ["## Statuses", "", "| code | words |", "|---|---|"]
    out += [f"| `{code}` | {words} |" for code, words in LABELS.items()]
    out += ["", "## Detail codes", "", "| code | meaning | phase | words |", "|---|---|---|---|"]
    for code, info in DETAILS.items():
        out.append(f"| `{code}` | {info.meaning} | {info.phase or ''} | {info.label or ''} |")
    out += ["", "## Exit statuses", "", "| code | name |", "|---|---|"]
    out += [f"| {s.value} | {s.name.lower()} |" for s in ExitStatus]
    return out


def _comments(path: Path) -> dict[int, str]:
    found = {}
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if tok.type == tokenize.COMMENT:
            found[tok.start[0]] = tok.string.lstrip("# ").strip()
    return found


def _contract() -> list[str]:
    path = Path(records.__file__)
    comments = _comments(path)
    tree = ast.parse(path.read_text())
    out = [
        "## The --json contract",
        "",
        "From `src/mergerwatch/core/records.py`; a field marked *optional* is present only where it applies.",
        "",
    ]
    for node in tree.body:
        fields: list[tuple[str, str, int]] = []
        name = None
        if isinstance(node, ast.ClassDef):
            name = node.name
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    fields.append((item.target.id, ast.unparse(item.annotation), item.lineno))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.value.args) == 2:
            name = ast.unparse(node.targets[0])
            table = node.value.args[1]
            if isinstance(table, ast.Dict):
                for k, v in zip(table.keys, table.values, strict=True):
                    fields.append((ast.literal_eval(k), ast.unparse(v), v.lineno))
        if not name or not fields:
            continue
        doc = ast.get_docstring(node) if isinstance(node, ast.ClassDef) else None
        out += [f"### {name}", ""] + ([doc, ""] if doc else [])
        for field, ann, line in fields:
            optional = ann.startswith("NotRequired[")
            ann = ann.removeprefix("NotRequired[").removesuffix("]") if optional else ann
            note = comments.get(line, "")
            out.append(f"- `{field}` ({ann}{', optional' if optional else ''}){': ' + note if note else ''}")
        out.append("")
    return out


def reference() -> str:
    parts = [
        "# mergerwatch reference",
        "",
        "Generated from the code by `python scripts/make_reference.py`; `tests/test_docs.py` fails when it is out "
        "of date. What only a live run can confirm is in [live-checks.md](live-checks.md).",
        "",
        *_sources(),
        "",
        *_commands(),
        "",
        *_vocabulary(),
        "",
        *_contract(),
    ]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    text = reference()
    readme = OUT.parents[1] / "README.md"
    current = readme.read_text()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.exists() and OUT.read_text() == text and _readme(current) == current else 1)
    OUT.write_text(text)
    readme.write_text(_readme(current))
    print(f"wrote {OUT} ({len(text.splitlines())} lines) and the hosts of {readme.name}")
