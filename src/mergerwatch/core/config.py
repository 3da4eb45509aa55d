"""The user's config file: what they would otherwise type each time (the store, their contact, the default output).

``~/.config/mergerwatch/config.toml`` (the per-user config directory), or the file ``$MERGERWATCH_CONFIG`` names.
The command line and the environment win over it; a missing file is no config. A file that is not TOML, or holds a
key or value mergerwatch does not know, is a usage error naming the file and the key: a typo is never ignored.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import NamedTuple

from mergerwatch.core.errors import UsageError

CONFIG_ENV = "MERGERWATCH_CONFIG"
OUTPUTS = ("text", "json")


class Config(NamedTuple):
    db: str | None = None  # a path (~ expanded) or a SQLAlchemy URL
    contact: str | None = None  # the e-mail address or URL that goes into the User-Agent
    output: str = "text"  # what commands with --json print by default


def config_path() -> Path:
    named = os.environ.get(CONFIG_ENV, "").strip()
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_dir  # a third of `--help`'s start-up: only where a command asks

    return Path(user_config_dir("mergerwatch", appauthor=False)) / "config.toml"


@cache
def load() -> Config:
    path = config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if os.environ.get(CONFIG_ENV, "").strip():
            raise UsageError(f"{CONFIG_ENV} names {path}, which does not exist") from None
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the config file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    import tomllib  # only where there is a file to read

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"the config file {path} is not valid TOML ({exc})") from None
    unknown = sorted(set(data) - set(Config._fields))
    if unknown:
        raise UsageError(
            f"the config file {path} holds unknown key(s) {', '.join(unknown)}; known: db, contact, output"
        )
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f'the config file {path}: {key} takes a text value such as "..."')
    output = data.get("output", "text").strip().lower()
    if output not in OUTPUTS:
        raise UsageError(f"the config file {path}: output takes {' or '.join(OUTPUTS)}, not '{data['output']}'")
    db = data.get("db")
    return Config(
        db=(db if "://" in db else str(Path(db.strip()).expanduser())) if db else None,
        contact=data.get("contact", "").strip() or None,
        output=output,
    )
