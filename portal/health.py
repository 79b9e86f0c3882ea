"""Since when each part /healthz checks has been failing.

The first failure of a part is written to a small file under PORTAL_DATA_DIR, shared by every web process of
the node (gunicorn's workers, one restarted since): the database, the cache or the broker may be the part that is
down, so the record cannot live in any of them. A part answering "ok" again is forgotten; a part that could not
be checked this time ("unknown", the worker while the database is down) keeps what was recorded. When the file
cannot be written either, the process keeps the record itself.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings

STATE_FILE = "healthz-failing-since.json"
NOT_CHECKED = "unknown"
_in_process: dict[str, str] = {}


def _path() -> Path:
    return Path(settings.DATA_DIR) / STATE_FILE


def _read() -> dict[str, str]:
    try:
        state = json.loads(_path().read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return dict(_in_process)
    return {str(part): str(since) for part, since in state.items()} if isinstance(state, dict) else {}


def _write(state: dict[str, str]) -> None:
    _in_process.clear()
    _in_process.update(state)
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w") as handle:
            json.dump(state, handle)
        os.replace(temporary, path)  # atomic: a concurrent reader sees the old record or the new one
    except OSError:
        pass  # kept in this process (above)


def failing_since(checks: dict[str, str], *, now: dt.datetime) -> dict[str, str]:
    """{part: ISO time its current failure was first seen} for every part of `checks` that is not ok.

    `checks` maps a part to "ok", an error text or "unknown"; for the worker, "inline" also counts as ok.
    """
    recorded = _read()
    state: dict[str, str] = {}
    for part, value in checks.items():
        if value == NOT_CHECKED:
            if part in recorded:
                state[part] = recorded[part]
        elif value not in ("ok", "inline"):
            state[part] = recorded.get(part) or now.isoformat(timespec="seconds")
    if state != recorded:
        _write(state)
    return state
