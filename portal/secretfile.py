"""A secret kept in a local file, made once: safe when several processes start at the same moment."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The file's content; if there is no file yet, `make()` is written to it first (mode 0600).

    The new secret is written to a temporary file and linked into place, so a process that starts
    beside this one (pytest-xdist workers, gunicorn workers) never reads a half-written or second secret.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(make())
            os.link(temporary, path)  # fails if another process got there first: its secret wins
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text().strip()
