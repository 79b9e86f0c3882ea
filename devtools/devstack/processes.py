"""Child processes of `make run`: migrations and demo data, Celery and the web server, supervised until one exits."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from devtools.devstack.layout import (
    CELERY_QUEUES,
    CHILD_STOP_TIMEOUT,
    HEALTH_TIMEOUT,
    REPO_DIR,
    DevstackError,
    data_dir,
)

# --- Child processes ----------------------------------------------------------


def manage(*args: str) -> list[str]:
    """The command line for `manage.py <args>` with this interpreter."""
    return [sys.executable, str(REPO_DIR / "manage.py"), *args]


def run_step(argv: Sequence[str], env: dict[str, str]) -> None:
    print(f"devstack: $ {shlex.join(display(argv))}", flush=True)
    result = subprocess.run(list(argv), cwd=REPO_DIR, env=env, check=False)
    if result.returncode != 0:
        raise DevstackError(f"{shlex.join(display(argv))} failed (exit {result.returncode}).")


def display(argv: Sequence[str]) -> list[str]:
    """Shorten the interpreter and repo paths in a command line, for messages."""
    shown = list(argv)
    if shown and shown[0] == sys.executable:
        shown[0] = "python"
    return [str(Path(a).relative_to(REPO_DIR)) if a.startswith(f"{REPO_DIR}/") else a for a in shown]


def _child_preexec() -> None:  # pragma: no cover - runs in the child
    """New session (so Ctrl-C reaches only the supervisor); die with the supervisor on Linux."""
    os.setsid()
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def terminate(children: dict[str, subprocess.Popen[bytes]]) -> None:
    """SIGTERM each child, wait, then SIGKILL whatever is left in its process group.

    Only the group leader gets SIGTERM: Celery's main process shuts its pool
    down cleanly itself; killing the pool's processes under it makes noise.
    """
    for proc in children.values():
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + CHILD_STOP_TIMEOUT
    for proc in children.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for proc in children.values():
        # The group may hold workers that outlive their parent: sweep it in any case.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


class Stop(Exception):
    """Raised from a signal handler to end the supervisor's wait."""


def raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise Stop(signal.Signals(signum).name)


def _wait_for_health(port: str, children: dict[str, subprocess.Popen[bytes]]) -> bool:
    url = f"http://127.0.0.1:{port}/healthz"
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while time.monotonic() < deadline:
        for name, proc in children.items():
            if proc.poll() is not None:
                raise DevstackError(f"{name} exited (code {proc.returncode}) while starting up.")
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, http.client.HTTPException, OSError):
            pass
        time.sleep(0.5)
    return False


def _demo_accounts(env: dict[str, str]) -> list[dict[str, Any]]:
    result = subprocess.run(
        manage("demo_accounts", "--json"), cwd=REPO_DIR, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-3:])
        raise DevstackError(f"manage.py demo_accounts --json failed:\n{tail}")
    parsed = json.loads(result.stdout)
    if isinstance(parsed, dict):
        parsed = parsed.get("accounts", list(parsed.values()))
    return [row for row in parsed if isinstance(row, dict)]


def _scope(row: dict[str, Any]) -> str:
    for key in ("centre", "center", "country", "organisation", "organization", "scope"):
        value = row.get(key)
        if value:
            return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return ""


def _banner(port: str, env: dict[str, str], healthy: bool) -> None:
    address = f"http://127.0.0.1:{port}/"
    lines = ["", "=" * 78, f"  Counselling portal running at  {address}"]
    if not healthy:
        lines.append(f"  (warning: /healthz did not answer 200 within {HEALTH_TIMEOUT:.0f} s)")
    try:
        accounts = _demo_accounts(env)
    except (DevstackError, json.JSONDecodeError) as error:
        lines += ["", f"  Demo accounts unavailable: {error}"]
        accounts = []
    if accounts:
        headers = ("role", "email", "password", "centre/country/organisation", "totp_secret")
        rows = [
            (
                str(a.get("role", "")),
                str(a.get("email", "")),
                str(a.get("password", "")),
                _scope(a),
                str(a.get("totp_secret") or ""),
            )
            for a in accounts
        ]
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        fmt = "  " + "  ".join(f"{{:<{w}}}" for w in widths)
        table = [headers, tuple("-" * w for w in widths), *rows]
        lines += ["", "  Demo logins:", *(fmt.format(*row).rstrip() for row in table)]
        lines += [
            "",
            "  TOTP codes: add totp_secret to any authenticator app, or run",
            "    .venv/bin/python manage.py demo_accounts --totp EMAIL",
        ]
    lines += ["", "  Press Ctrl-C to stop everything.", "=" * 78, ""]
    print("\n".join(lines), flush=True)


def supervise(port: str, env: dict[str, str], children: dict[str, subprocess.Popen[bytes]]) -> None:
    """Prepare the database, start the children, print the banner, and wait for one to exit."""
    run_step(manage("migrate", "--noinput"), env)
    run_step(manage("createcachetable"), env)
    run_step(manage("compilemessages_po"), env)
    run_step(manage("seed_demo"), env)
    if env.get("CELERY_BROKER_URL", "filesystem://") in {"", "filesystem://"}:
        # The file-based local broker (see settings) needs its folders to exist.
        for folder in ("queue", "control"):
            (data_dir() / "broker" / folder).mkdir(parents=True, exist_ok=True)
    celery = [sys.executable, "-m", "celery", "-A", "portal"]
    commands = {
        "celery worker": [*celery, "worker", "-l", "INFO", "-Q", CELERY_QUEUES, "--concurrency", "2"],
        "celery beat": [*celery, "beat", "-l", "INFO"],
        "web server": manage("runserver", f"127.0.0.1:{port}", "--noreload"),
    }
    for name, argv in commands.items():
        print(f"devstack: starting {name}: {shlex.join(display(argv))}", flush=True)
        children[name] = subprocess.Popen(
            argv, cwd=REPO_DIR, env=env, stdin=subprocess.DEVNULL, preexec_fn=_child_preexec
        )
    healthy = _wait_for_health(port, children)
    _banner(port, env, healthy)
    while True:
        for name, proc in children.items():
            if proc.poll() is not None:
                raise DevstackError(f"{name} exited (code {proc.returncode}); stopped the others.")
        time.sleep(0.5)
