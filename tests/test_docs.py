"""The documents against the code: the reference is what the code says, the README's commands and exit statuses
exist, the recipe for a source names the places it says."""

from __future__ import annotations

import re
import subprocess
import sys

import typer

from mergerwatch.cli import app
from mergerwatch.core.errors import ExitStatus

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def _commands() -> set[str]:
    root = typer.main.get_command(app)
    ctx = root.make_context("mergerwatch", [], resilient_parsing=True)
    names = set()
    for name in root.list_commands(ctx):
        cmd = root.get_command(ctx, name)
        names.add(name)
        if hasattr(cmd, "list_commands"):
            names |= {f"{name} {sub}" for sub in cmd.list_commands(ctx)}
    return names


def test_the_reference_is_what_the_code_says():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_reference.py"), "--check"], capture_output=True)
    assert r.returncode == 0, "docs/reference.md is out of date: run python scripts/make_reference.py"


def test_the_readme_is_for_users_and_short():
    assert len(README.splitlines()) <= 200


def test_every_command_the_readme_shows_exists():
    commands = _commands()
    blocks = "\n".join(re.findall(r"(?s)```(?:sh|console|cron|ini)?\n(.*?)```", README))
    shown = re.findall(r"(?m)(?:^|\$ |/)mergerwatch ([a-z]+(?: (?:add|list|remove))?)", blocks)
    assert shown, "the README shows no command"
    assert sorted({c for c in shown if c not in commands}) == []


def test_the_readme_exit_statuses_are_the_enum():
    table = dict(re.findall(r"(?m)^\| (\d+) \| ([^|]+) \|$", README))
    assert sorted(int(k) for k in table) == sorted(s.value for s in ExitStatus)


def test_the_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r"(?m)^python -m pytest[^\n]*$", README)
    assert command and command.group(0) in ci


def test_the_recipe_for_a_source_names_real_places():
    recipe = (ROOT / "CONTRIBUTING.md").read_text()
    for place in ("src/mergerwatch/core/registry.py", "src/mergerwatch/sources/", "fixtures/", "fixtures/README.md"):
        assert place in recipe
        assert (ROOT / place).exists(), place
