"""`make load [DURATION=5m USERS=250 SPAWN_RATE=1 WORKERS=5]`: the mixed-work scenario against gunicorn.

1. the database (DATABASE_URL, or the private cluster as `make run` uses) is migrated and seeded with the
   demo data; static files are collected (production settings serve them through WhiteNoise's manifest);
2. gunicorn serves the portal on 127.0.0.1:$LOAD_PORT with production settings (DEBUG off, PBKDF2, manifest
   static files, database sessions, persistent connections); HTTPS=0 only because the load test speaks
   plain HTTP on the loopback, where production has the TLS proxy;
3. Locust starts $USERS people at $SPAWN_RATE a second (each signs in as they start), then runs them for
   $DURATION more (the sustained phase, whose statistics are reset at its start), writing CSV stats to
   $LOAD_RESULTS (default .data/load/); then gunicorn is stopped. Prints the ramp's and the sustained
   phase's figures and the slowest pages; exits non-zero on any failed request in either.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _env() -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "0", "HTTPS": "0"}
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("LOG_LEVEL", "WARNING")
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    print(f"load: manage.py {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)


def _demo_accounts(env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "demo_accounts", "--json"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("load: gunicorn exited before it answered")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310 - loopback
                if response.status in (200, 503):
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("load: gunicorn did not answer /healthz in time")


def main() -> int:
    from devtools import devstack

    duration = os.environ.get("DURATION", "5m")  # the sustained phase, after every user has started
    users = os.environ.get("USERS", "250")  # ~100 requests/s at 1-3 s between a person's requests
    # People sign in over the ramp, as a centre's staff do over a morning, not all in the same minute.
    spawn_rate = os.environ.get("SPAWN_RATE", "1")
    ramp = int(int(users) / float(spawn_rate)) + 5
    run_time = f"{ramp + _seconds(duration)}s"
    workers = os.environ.get("WORKERS", str(2 * (os.cpu_count() or 1) + 1))
    port = os.environ.get("LOAD_PORT", "8123")
    results = Path(os.environ.get("LOAD_RESULTS", ROOT / ".data" / "load"))
    results.mkdir(parents=True, exist_ok=True)
    host = f"http://127.0.0.1:{port}"
    env = _env()

    with devstack.cluster_in_use():
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "createcachetable")
        accounts = _demo_accounts(env)
        if not json.loads(accounts) or os.environ.get("LOAD_SEED"):
            _manage(env, "seed_demo")  # idempotent, but slow: only when there is no demo data yet
            accounts = _demo_accounts(env)
        _manage(env, "collectstatic", "--noinput", "-v0")
        (results / "accounts.json").write_text(accounts)
        os.chmod(results / "accounts.json", 0o600)
        roles = sorted({row["role"] for row in json.loads(accounts)})
        print(f"load: demo accounts for {', '.join(roles)}", flush=True)

        gunicorn = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "portal.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", workers, "--worker-class", "gthread"),
                # No --max-requests here: a recycled gthread worker drops its idle keep-alive connections, which
                # nginx retries in production (DEPLOYMENT.md) but Locust, talking to gunicorn directly, counts as
                # failures (30 "connection reset" in the run of 2026-11-23 02:36, all at worker restarts).
                *("--threads", "4", "--timeout", "120"),
                *("--keep-alive", "75"),  # longer than the clients' pauses, as behind nginx's upstream keepalive
                *("--access-logfile", "-" if os.environ.get("LOAD_ACCESS_LOG") else os.devnull),
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        try:
            _wait_healthy(host, gunicorn)
            print(f"load: gunicorn ({workers} workers x 4 threads) on {host}; locust {users} users for {duration}")
            locust = subprocess.run(
                [
                    *(sys.executable, "-m", "locust", "-f", str(ROOT / "tests" / "load" / "locustfile.py")),
                    *("--headless", "--host", host, "--users", users, "--spawn-rate", spawn_rate),
                    *("--run-time", run_time, "--stop-timeout", "10", "--csv", str(results / "portal")),
                    "--reset-stats",  # portal_stats.csv: the sustained phase; the ramp is read from the history
                    *("--only-summary", "--loglevel", "WARNING"),
                ],
                cwd=ROOT,
                env={**env, "LOAD_ACCOUNTS": str(results / "accounts.json")},
                check=False,
            )
        finally:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
    return summarise(results / "portal_stats.csv", duration) or locust.returncode


def _seconds(duration: str) -> int:
    """Locust's run-time notation (300s, 5m, 1h, 1h30m) in seconds."""
    import re

    parts = re.findall(r"(\d+)\s*([hms]?)", duration)
    if not parts:
        raise SystemExit(f"load: DURATION {duration!r} is not like 300s, 5m or 1h")
    return sum(int(n) * {"h": 3600, "m": 60, "s": 1, "": 1}[unit] for n, unit in parts)


def _ramp(history: Path) -> tuple[int, int]:
    """Requests and failures while the users were starting (before --reset-stats cleared the totals)."""
    requests = failures = 0
    with history.open() as handle:
        for row in csv.DictReader(handle):
            if row["Name"] != "Aggregated":
                continue
            count, failed = int(row["Total Request Count"]), int(row["Total Failure Count"])
            if count < requests:  # the reset: what came before was the ramp
                break
            requests, failures = count, failed
    return requests, failures


def summarise(stats: Path, duration: str) -> int:
    with stats.open() as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    ramp_requests, ramp_failures = _ramp(stats.with_name("portal_stats_history.csv"))
    print(f"\nload: ramp (users starting and signing in): {ramp_requests} requests, {ramp_failures} failures")
    print(
        f"load: sustained {duration}: {total['Request Count']} requests, {total['Failure Count']} failures, "
        f"{float(total['Requests/s']):.1f} req/s, median {total['50%']} ms, p95 {total['95%']} ms, "
        f"p99 {total['99%']} ms, max {float(total['Max Response Time']):.0f} ms"
    )
    print("load: slowest p95 per page:")
    pages = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"] or 0))
    for row in pages[:8]:
        name, count, p95, failed = row["Name"], row["Request Count"], row["95%"], row["Failure Count"]
        print(f"  {name:<24} {count:>7} req  p95 {p95:>6} ms  failures {failed}")
    print(f"load: CSV stats in {stats.parent}")
    return 1 if int(total["Failure Count"]) or ramp_failures else 0


if __name__ == "__main__":
    sys.exit(main())
