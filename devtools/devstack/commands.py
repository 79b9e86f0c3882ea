"""The commands: `run`, `test`, `bench` and the cluster commands, and `main`, the command line."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from types import FrameType

from devtools.devstack.cluster import clean_data, cluster_in_use, ensure_cluster, is_running, redact, stop_cluster
from devtools.devstack.layout import REPO_DIR, DevstackError, cluster_layout, data_dir, external_database
from devtools.devstack.processes import Stop, display, manage, raise_stop, run_step, supervise, terminate


def command_run() -> int:
    """`make run`: database, migrations, demo data, Celery worker and beat, web server.

    Runs until Ctrl-C, SIGTERM or the exit of any child; then stops every
    child's process group and, if no one else uses it, the private cluster.
    """
    port = os.environ.get("PORT", "8000")
    env = run_environment(port, os.environ)
    children: dict[str, subprocess.Popen[bytes]] = {}
    previous = {sig: signal.signal(sig, raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with cluster_in_use():
            try:
                supervise(port, env, children)
            finally:
                # A second Ctrl-C would only interrupt the cleanup: let it finish.
                for sig in previous:
                    signal.signal(sig, signal.SIG_IGN)
                terminate(children)
    except Stop as stop:
        print(f"\ndevstack: {stop} received; stopped.", flush=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def run_environment(port: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The children's environment for `make run` on `port`: DEBUG on, and SITE_URL on that port unless set.

    Absolute links (canonical, hreflang, sitemap.xml, .ics, the slip's QR code, e-mails) and Wagtail's Site
    record (kept in step on `migrate`, cms/links.py) then name the port this stack serves on.
    """
    env = dict(environ)
    env.setdefault("DEBUG", "true")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    return env


def _parallel_args(args: Sequence[str]) -> list[str]:
    """pytest-xdist options: one worker per core ($TEST_WORKERS overrides; 0 runs in this process).

    Each worker has its own test database (test_portal_gw0, ...) and broker folder. Nothing is added
    when `args` already choose (-n, --numprocesses, -p no:xdist).
    """
    chosen = any(a.startswith(("-n", "--numprocesses", "--dist")) or a == "no:xdist" for a in args)
    workers = os.environ.get("TEST_WORKERS", "auto")
    if chosen or workers in ("", "0", "1"):
        return []
    return ["--numprocesses", workers, "--dist", "worksteal"]


def command_test(args: Sequence[str]) -> int:
    """`make test`: database (fsync off), compiled messages, then pytest with `args` on every core."""
    os.environ.setdefault("PORTAL_PG_FAST", "1")
    env = os.environ.copy()
    with cluster_in_use():
        run_step(manage("compilemessages_po"), env)
        argv = [sys.executable, "-m", "pytest", *_parallel_args(args), *args]
        print(f"devstack: $ {shlex.join(display(argv))}", flush=True)
        proc = subprocess.Popen(argv, cwd=REPO_DIR, env=env)

        def forward(signum: int, _frame: FrameType | None) -> None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signum)

        previous = signal.signal(signal.SIGTERM, forward)
        try:
            while True:
                try:
                    code = proc.wait()
                    break
                except KeyboardInterrupt:
                    continue  # pytest got the Ctrl-C too and winds down on its own
        finally:
            signal.signal(signal.SIGTERM, previous)
    if code == 5:
        print("devstack: pytest collected no tests; treating that as a failure", file=sys.stderr)
    return code


def command_bench(args: Sequence[str]) -> int:
    """`make bench`: scale data at a small size into its own database (bench_scale), then the benchmark.

    `BENCH_CLIENTS` (default 20000) and `BENCH_REQUESTS` (default 30) set the size; the JSON goes to
    `<data>/bench.json`. See the README, "Performance", for the full-size run.
    """
    env = os.environ.copy()
    clients = env.get("BENCH_CLIENTS", "20000")
    requests = env.get("BENCH_REQUESTS", "30")
    output = str(data_dir() / "bench.json")
    with cluster_in_use():
        run_step(manage("compilemessages_po"), env)
        run_step(manage("seed_scale", "--clients", clients, *args), env)
        run_step(manage("bench", "--json", output, "--requests", requests), env)
    return 0


def command_manage(args: Sequence[str]) -> int:
    """`manage.py ARGS` against the private cluster (`make check` runs `makemigrations --check` this way)."""
    env = os.environ.copy()
    with cluster_in_use():
        argv = manage(*args)
        print(f"devstack: $ {shlex.join(display(argv))}", flush=True)
        return subprocess.run(argv, cwd=REPO_DIR, env=env, check=False).returncode


# --- Entry point --------------------------------------------------------------

USAGE = """\
usage: python -m devtools.devstack COMMAND [ARGS...]

commands:
  cluster-start     create (once) and start the private PostgreSQL cluster
  cluster-stop      stop the private PostgreSQL cluster
  cluster-status    say whether the private cluster runs
  clean-data        stop the private cluster and delete the data directory
  run               start everything for local development (make run)
  test [ARGS...]    run pytest against the private cluster (make test)
  bench [ARGS...]   scale data at a small size, then the benchmark (make bench)
  manage ARGS...    run manage.py ARGS against the private cluster (make check)
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch a command; expected failures print one message and return 1."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE, end="")
        return 0 if args else 2
    command, rest = args[0], args[1:]
    try:
        if command == "cluster-start":
            if url := external_database():
                print(f"devstack: DATABASE_URL is set; using the external database ({redact(url)})")
                return 0
            started = ensure_cluster(auto=False)
            if not started:
                print(f"devstack: PostgreSQL already running (socket {data_dir() / 'run'})")
            return 0
        if command == "cluster-stop":
            if not stop_cluster():
                print("devstack: PostgreSQL is not running")
            return 0
        if command == "cluster-status":
            running = is_running(cluster_layout())
            print(f"devstack: PostgreSQL is {'running' if running else 'stopped'}")
            return 0 if running else 3
        if command == "clean-data":
            clean_data()
            return 0
        if command == "run":
            return command_run()
        if command == "test":
            return command_test(rest)
        if command == "bench":
            return command_bench(rest)
        if command == "manage":
            return command_manage(rest)
    except DevstackError as error:
        print(f"devstack: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndevstack: interrupted", file=sys.stderr)
        return 130
    print(f"devstack: unknown command {command!r}\n\n{USAGE}", file=sys.stderr, end="")
    return 2


if __name__ == "__main__":
    sys.exit(main())
