"""What the benchmarks ran on (results are ratios against a baseline measured in the same run)."""

from __future__ import annotations

import os
import platform
import sqlite3


def describe() -> str:
    cpu = "unknown cpu"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = f", {int(fh.readline().split()[1]) / 1048576:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}){mem}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def as_installed() -> str:
    """Compile mergerwatch's bytecode as `pip install` does. An editable install has none, and where
    PYTHONDONTWRITEBYTECODE is set (as on this machine) every measured process would compile the package's
    source again (about 45 ms of a 250 ms `deal`): a cost a user's installed copy does not pay."""
    import compileall

    import mergerwatch

    root = os.path.dirname(mergerwatch.__file__)
    ok = compileall.compile_dir(root, quiet=1)
    return f"mergerwatch bytecode compiled as an installed copy has it ({root}): {'ok' if ok else 'FAILED'}"
