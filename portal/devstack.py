"""Local development stack: a private PostgreSQL cluster, `make run` and `make test`.

Run as `.venv/bin/python -m portal.devstack <command>`; `make run`, `make test`
and `make stop` call it. It uses the standard library only and never imports
Django itself: it runs before Django can be set up, and it starts Django in
child processes (`manage.py`, Celery, pytest).

The private cluster lives in `<data>/pg` (`<data>` is `$PORTAL_DATA_DIR` or
`<repo>/.data`), listens on no TCP address at all (`listen_addresses=''`)
and only on the Unix socket directory `<data>/run`, which is where
`portal.settings` connects when `DATABASE_URL` is unset. A system cluster on
127.0.0.1:5432 is never touched. When `DATABASE_URL` is set, no cluster is
managed: the external database is used as it is.

PostgreSQL refuses to run as root. When this runs as root, the server
programs run as the `postgres` system user (through `runuser`, or `su`), and
the cluster's directories are handed to that user. If `postgres` cannot reach
`<data>` (a checkout under a private home directory), the cluster lives in
`/tmp/portal-pg-<hash>` instead and `<data>/run` becomes a link to its socket
directory, so the settings need no change.

Several invocations may share one cluster: each `run` / `test` holds a shared
lock on `<data>/cluster.users` while it works. A cluster that one of them
started is stopped by whichever finishes last; one started with
`cluster-start` stays up until `cluster-stop`.
"""

from __future__ import annotations

import contextlib
import fcntl
import grp
import hashlib
import http.client
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

REPO_DIR = Path(__file__).resolve().parent.parent
PG_PORT = "5432"
PG_USER = "portal"
PG_DATABASE = "portal"
SYSTEM_PG_ACCOUNT = "postgres"
MAX_SOCKET_PATH = 107  # sun_path is 108 bytes on Linux, 104 on macOS; the check below is a hint
TRUTHY = {"1", "true", "yes", "on"}
CELERY_QUEUES = "default,email,reports"
HEALTH_TIMEOUT = 60.0
CHILD_STOP_TIMEOUT = 15.0


class DevstackError(Exception):
    """An expected failure: reported as one clear message, without a traceback."""


# --- Paths and binaries -------------------------------------------------------


def data_dir() -> Path:
    """The local data directory: `$PORTAL_DATA_DIR` if set, else `<repo>/.data`."""
    configured = os.environ.get("PORTAL_DATA_DIR")
    return Path(configured).absolute() if configured else REPO_DIR / ".data"


def external_database() -> str | None:
    """The `DATABASE_URL` in force, if any: then no private cluster is managed."""
    return os.environ.get("DATABASE_URL") or None


def _has_server_binaries(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres"))


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def find_bindir() -> Path:
    """Find the directory holding `initdb`, `pg_ctl` and `postgres`.

    Order: `$PORTAL_PG_BINDIR`, `PATH`, `pg_config --bindir`, the newest
    `/usr/lib/postgresql/*/bin`, then a few usual install locations.
    """
    candidates: list[Path] = []
    if override := os.environ.get("PORTAL_PG_BINDIR"):
        candidates.append(Path(override))
    for name in ("pg_ctl", "initdb", "postgres"):
        if found := shutil.which(name):
            candidates.append(Path(found).parent)
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False, timeout=10)
            if result.returncode == 0 and result.stdout.strip():
                candidates.append(Path(result.stdout.strip()))
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    candidates.extend(debian)
    candidates.extend(Path(p) for p in ("/usr/local/pgsql/bin", "/opt/homebrew/bin", "/usr/local/bin"))
    for candidate in candidates:
        if _has_server_binaries(candidate):
            return candidate
    raise DevstackError(
        "PostgreSQL server programs (initdb, pg_ctl, postgres) were not found on PATH, "
        "through pg_config, in /usr/lib/postgresql/*/bin, /usr/local/pgsql/bin, "
        "/opt/homebrew/bin or /usr/local/bin.\n"
        "Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; macOS: "
        "brew install postgresql), set PORTAL_PG_BINDIR to its bin directory, "
        "or set DATABASE_URL to use an existing database."
    )


def _server_major(bindir: Path) -> str:
    result = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"(\d+)(?:\.\d+)?", result.stdout)
    return match.group(1) if match else ""


# --- Cluster layout and running programs as the right user --------------------


@dataclass(frozen=True)
class Cluster:
    """Where the private cluster lives and as whom its programs run."""

    bindir: Path
    data: Path  # <data>: locks, markers
    pgdata: Path  # the PostgreSQL data directory
    sockdir: Path  # where the server puts its socket (-k)
    client_sockdir: Path  # what clients use: always <data>/run
    logfile: Path
    run_as: str | None  # "postgres" when we are root, else None

    @property
    def lock_path(self) -> Path:
        return self.data / "cluster.lock"

    @property
    def users_path(self) -> Path:
        return self.data / "cluster.users"

    @property
    def autostart_marker(self) -> Path:
        return self.data / "cluster.autostarted"

    def command(self, argv: Sequence[str]) -> list[str]:
        """`argv` wrapped to run as the cluster's owner when we are root."""
        if self.run_as is None:
            return list(argv)
        if runuser := shutil.which("runuser"):
            return [runuser, "-u", self.run_as, "--", *argv]
        if su := shutil.which("su"):
            return [su, self.run_as, "-s", "/bin/sh", "-c", shlex.join(argv)]
        raise DevstackError(
            "Running as root, PostgreSQL must run as the 'postgres' user, but neither runuser nor su is available."
        )

    def run(self, argv: Sequence[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a server program (as its owner), its output kept for error messages.

        Output goes to a temporary file, not a pipe: a server started by
        `pg_ctl` must not inherit a pipe we wait on.
        """
        with tempfile.TemporaryFile(mode="w+") as output:
            result = subprocess.run(
                self.command(argv),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd="/",  # the caller's directory may be closed to the postgres user
                text=True,
                check=False,
            )
            output.seek(0)
            text = output.read()
        completed = subprocess.CompletedProcess(result.args, result.returncode, text, "")
        if check and result.returncode != 0:
            raise DevstackError(f"{shlex.join(argv)} failed (exit {result.returncode}):\n{text.strip()}")
        return completed


def _owner_account() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_PG_ACCOUNT)
    except KeyError:
        raise DevstackError(
            "Running as root: PostgreSQL refuses to run as root and there is no "
            f"'{SYSTEM_PG_ACCOUNT}' system user to run it as. Create one "
            "(installing the postgresql package does), or run as an ordinary user."
        ) from None


def _reachable_by(account: pwd.struct_passwd, path: Path) -> bool:
    """Whether `account` can traverse every directory down to `path` (which exists)."""
    groups = {account.pw_gid} | {g.gr_gid for g in grp.getgrall() if account.pw_name in g.gr_mem}
    for directory in [path, *path.parents]:
        st = directory.stat()
        if st.st_uid == account.pw_uid:
            ok = st.st_mode & 0o100
        elif st.st_gid in groups:
            ok = st.st_mode & 0o010
        else:
            ok = st.st_mode & 0o001
        if not ok:
            return False
    return True


def cluster_layout() -> Cluster:
    """Work out (and create) the directories of the private cluster."""
    bindir = find_bindir()
    data = data_dir()
    data.mkdir(parents=True, exist_ok=True)
    client_sockdir = data / "run"
    account = _owner_account()
    base = data
    if account is not None and not _reachable_by(account, data):
        digest = hashlib.sha256(str(data).encode()).hexdigest()[:12]
        base = Path(tempfile.gettempdir()) / f"portal-pg-{digest}"
    cluster = Cluster(
        bindir=bindir,
        data=data,
        pgdata=base / "pg",
        sockdir=base / "run",
        client_sockdir=client_sockdir,
        logfile=base / "pg.log",
        run_as=account.pw_name if account else None,
    )
    socket_path = str(client_sockdir / f".s.PGSQL.{PG_PORT}")
    if len(socket_path.encode()) > MAX_SOCKET_PATH:
        raise DevstackError(
            f"The socket path {socket_path} is too long for a Unix socket "
            f"({len(socket_path)} > {MAX_SOCKET_PATH} bytes). Set PORTAL_DATA_DIR to a shorter path."
        )
    return cluster


def _prepare_dirs(cluster: Cluster) -> None:
    """Create the socket directory and log file, owned by whoever runs the server."""
    account = _owner_account()
    base = cluster.sockdir.parent
    if base != cluster.data:
        base.mkdir(mode=0o755, exist_ok=True)
        if account is not None:
            os.chown(base, account.pw_uid, account.pw_gid)
    cluster.sockdir.mkdir(mode=0o700, exist_ok=True)
    cluster.logfile.touch(mode=0o600, exist_ok=True)
    if account is not None:
        for path in (cluster.sockdir, cluster.logfile):
            os.chown(path, account.pw_uid, account.pw_gid)
    if cluster.client_sockdir != cluster.sockdir:
        link = cluster.client_sockdir
        if link.is_symlink() and Path(os.readlink(link)) != cluster.sockdir:
            link.unlink()
        elif link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        if not link.is_symlink():
            link.symlink_to(cluster.sockdir)


# --- Locks ---------------------------------------------------------------------


@contextlib.contextmanager
def _flock(path: Path, mode: int) -> Iterator[IO[str]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, mode)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- Cluster operations --------------------------------------------------------


def is_running(cluster: Cluster) -> bool:
    """Whether the private cluster's server is up (`pg_ctl status`)."""
    if not (cluster.pgdata / "PG_VERSION").exists():
        return False
    result = cluster.run([str(cluster.bindir / "pg_ctl"), "status", "-D", str(cluster.pgdata)], check=False)
    return result.returncode == 0


def _initdb(cluster: Cluster) -> None:
    """Create the cluster once: in a scratch directory, renamed into place when complete."""
    account = _owner_account()
    scratch = cluster.pgdata.with_name(cluster.pgdata.name + ".new")
    last_error = ""
    for locale in ("C.UTF-8", "C"):
        if scratch.exists():
            shutil.rmtree(scratch)
        scratch.mkdir(mode=0o700)
        if account is not None:
            os.chown(scratch, account.pw_uid, account.pw_gid)
        result = cluster.run(
            [
                str(cluster.bindir / "initdb"),
                "-D",
                str(scratch),
                "-U",
                PG_USER,
                "--auth=trust",
                "--encoding=UTF8",
                f"--locale={locale}",
            ],
            check=False,
        )
        if result.returncode == 0:
            scratch.rename(cluster.pgdata)
            return
        last_error = result.stdout.strip()
    if scratch.exists():
        shutil.rmtree(scratch)
    raise DevstackError(f"initdb failed for {cluster.pgdata}:\n{last_error}")


def _server_options(sockdir: Path, *, fast: bool) -> str:
    """The `pg_ctl -o` string: socket only, no TCP; durability off with `fast`."""
    options = [
        "-k",
        str(sockdir),
        "-c",
        "listen_addresses=",
        "-c",
        f"port={PG_PORT}",
        "-c",
        "unix_socket_permissions=0700",
        "-c",
        "max_connections=200",
    ]
    if fast:
        options += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    return shlex.join(options)


def _start(cluster: Cluster) -> None:
    fast = os.environ.get("PORTAL_PG_FAST", "").strip().lower() in TRUTHY
    options = _server_options(cluster.sockdir, fast=fast)
    result = cluster.run(
        [
            str(cluster.bindir / "pg_ctl"),
            "start",
            "-D",
            str(cluster.pgdata),
            "-l",
            str(cluster.logfile),
            "-w",
            "-t",
            "60",
            "-o",
            options,
        ],
        check=False,
    )
    if result.returncode != 0:
        log_tail = ""
        with contextlib.suppress(OSError):
            log_tail = "\n".join(cluster.logfile.read_text(errors="replace").splitlines()[-15:])
        raise DevstackError(
            f"Could not start PostgreSQL in {cluster.pgdata}:\n{result.stdout.strip()}\n"
            f"--- last lines of {cluster.logfile} ---\n{log_tail}"
        )
    print(
        f"devstack: PostgreSQL started ({cluster.pgdata}, socket {cluster.client_sockdir}"
        f"{', fsync off' if fast else ''})",
        flush=True,
    )


def _ensure_database(cluster: Cluster) -> None:
    """Create the `portal` database if it is missing."""
    host = str(cluster.client_sockdir)
    try:
        import psycopg2
    except ImportError:
        psycopg2 = None
    if psycopg2 is None:
        createdb = cluster.bindir / "createdb"
        if not os.access(createdb, os.X_OK):
            found = shutil.which("createdb")
            if found is None:
                raise DevstackError("Neither psycopg2 nor createdb is available to create the database.")
            createdb = Path(found)
        result = subprocess.run(
            [str(createdb), "-h", host, "-p", PG_PORT, "-U", PG_USER, PG_DATABASE],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 and "already exists" not in result.stderr:
            raise DevstackError(f"createdb failed:\n{result.stderr.strip()}")
        return
    try:
        connection = psycopg2.connect(host=host, port=PG_PORT, user=PG_USER, dbname="postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE])
                if cursor.fetchone() is None:
                    cursor.execute(f"CREATE DATABASE \"{PG_DATABASE}\" TEMPLATE template0 ENCODING 'UTF8'")
                    print(f"devstack: created database {PG_DATABASE!r}", flush=True)
        finally:
            connection.close()
    except psycopg2.Error as error:
        raise DevstackError(f"Could not create the database {PG_DATABASE!r} through {host}: {error}") from None


def _check_version(cluster: Cluster) -> None:
    version_file = cluster.pgdata / "PG_VERSION"
    if not version_file.exists():
        return
    created_with = version_file.read_text().strip()
    binaries = _server_major(cluster.bindir)
    if binaries and created_with != binaries:
        raise DevstackError(
            f"The cluster in {cluster.pgdata} was created by PostgreSQL {created_with}, but the "
            f"server programs in {cluster.bindir} are PostgreSQL {binaries}. "
            "Run `make clean-data` to start afresh (this deletes the local database), "
            f"or set PORTAL_PG_BINDIR to PostgreSQL {created_with}'s bin directory."
        )


def ensure_cluster(*, auto: bool) -> bool:
    """Make sure the private cluster exists, runs and has the `portal` database.

    Returns True if this call started the server. With `auto`, a server this
    call starts is marked to be stopped by the last `run`/`test` that uses it;
    without it (`cluster-start`), the server stays up until `cluster-stop`.
    Safe to call from several processes at once (a lock file serialises them).
    """
    cluster = cluster_layout()
    with _flock(cluster.lock_path, fcntl.LOCK_EX):
        _prepare_dirs(cluster)
        if not (cluster.pgdata / "PG_VERSION").exists():
            print(f"devstack: creating PostgreSQL cluster in {cluster.pgdata}", flush=True)
            _initdb(cluster)
        _check_version(cluster)
        started = False
        if not is_running(cluster):
            _start(cluster)
            started = True
            if auto:
                cluster.autostart_marker.touch()
            else:
                cluster.autostart_marker.unlink(missing_ok=True)
        elif not auto:
            cluster.autostart_marker.unlink(missing_ok=True)
        _ensure_database(cluster)
        return started


def stop_cluster() -> bool:
    """Stop the private cluster (`pg_ctl stop -m fast`) if it runs; True if it did."""
    cluster = cluster_layout()
    with _flock(cluster.lock_path, fcntl.LOCK_EX):
        cluster.autostart_marker.unlink(missing_ok=True)
        if not is_running(cluster):
            return False
        cluster.run([str(cluster.bindir / "pg_ctl"), "stop", "-D", str(cluster.pgdata), "-m", "fast", "-w"])
        print("devstack: PostgreSQL stopped", flush=True)
        return True


def clean_data() -> None:
    """Stop the private cluster and delete the data directory (and a /tmp cluster beside it)."""
    data = data_dir()
    if not data.exists():
        print(f"devstack: {data} does not exist")
        return
    if (data / "pg").exists() or (data / "run").is_symlink():
        cluster = cluster_layout()
        stop_cluster()
        base = cluster.pgdata.parent
        if base != data:
            shutil.rmtree(base, ignore_errors=True)
    shutil.rmtree(data)
    print(f"devstack: removed {data}")


@contextlib.contextmanager
def cluster_in_use() -> Iterator[None]:
    """Keep the private cluster up for the duration of the block.

    Starts it if needed. On the way out, the last user of a cluster that some
    `run`/`test` started stops it; a cluster started by `cluster-start`, or
    still used by another invocation, is left running.
    """
    if url := external_database():
        print(f"devstack: DATABASE_URL is set; using the external database ({_redact(url)})", flush=True)
        yield
        return
    users = data_dir() / "cluster.users"
    data_dir().mkdir(parents=True, exist_ok=True)
    with users.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            ensure_cluster(auto=True)
            yield
        finally:
            _release_cluster(handle)


def _release_cluster(handle: IO[str]) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return  # another run/test still uses the cluster; the last one out stops it
    try:
        cluster = cluster_layout()
        if cluster.autostart_marker.exists():
            stop_cluster()
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)


def _redact(url: str) -> str:
    return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)


# --- Child processes ----------------------------------------------------------


def manage(*args: str) -> list[str]:
    """The command line for `manage.py <args>` with this interpreter."""
    return [sys.executable, str(REPO_DIR / "manage.py"), *args]


def _run_step(argv: Sequence[str], env: dict[str, str]) -> None:
    print(f"devstack: $ {shlex.join(_display(argv))}", flush=True)
    result = subprocess.run(list(argv), cwd=REPO_DIR, env=env, check=False)
    if result.returncode != 0:
        raise DevstackError(f"{shlex.join(_display(argv))} failed (exit {result.returncode}).")


def _display(argv: Sequence[str]) -> list[str]:
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


def _terminate(children: dict[str, subprocess.Popen[bytes]]) -> None:
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


class _Stop(Exception):
    """Raised from a signal handler to end the supervisor's wait."""


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


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


def _supervise(port: str, env: dict[str, str], children: dict[str, subprocess.Popen[bytes]]) -> None:
    """Prepare the database, start the children, print the banner, and wait for one to exit."""
    _run_step(manage("migrate", "--noinput"), env)
    _run_step(manage("createcachetable"), env)
    _run_step(manage("compilemessages_po"), env)
    _run_step(manage("seed_demo"), env)
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
        print(f"devstack: starting {name}: {shlex.join(_display(argv))}", flush=True)
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


def command_run() -> int:
    """`make run`: database, migrations, demo data, Celery worker and beat, web server.

    Runs until Ctrl-C, SIGTERM or the exit of any child; then stops every
    child's process group and, if no one else uses it, the private cluster.
    """
    port = os.environ.get("PORT", "8000")
    env = os.environ.copy()
    env.setdefault("DEBUG", "true")
    children: dict[str, subprocess.Popen[bytes]] = {}
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with cluster_in_use():
            try:
                _supervise(port, env, children)
            finally:
                # A second Ctrl-C would only interrupt the cleanup: let it finish.
                for sig in previous:
                    signal.signal(sig, signal.SIG_IGN)
                _terminate(children)
    except _Stop as stop:
        print(f"\ndevstack: {stop} received; stopped.", flush=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


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
        _run_step(manage("compilemessages_po"), env)
        argv = [sys.executable, "-m", "pytest", *_parallel_args(args), *args]
        print(f"devstack: $ {shlex.join(_display(argv))}", flush=True)
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
        _run_step(manage("compilemessages_po"), env)
        _run_step(manage("seed_scale", "--clients", clients, *args), env)
        _run_step(manage("bench", "--json", output, "--requests", requests), env)
    return 0


# --- Entry point --------------------------------------------------------------

USAGE = """\
usage: python -m portal.devstack COMMAND [ARGS...]

commands:
  cluster-start     create (once) and start the private PostgreSQL cluster
  cluster-stop      stop the private PostgreSQL cluster
  cluster-status    say whether the private cluster runs
  clean-data        stop the private cluster and delete the data directory
  run               start everything for local development (make run)
  test [ARGS...]    run pytest against the private cluster (make test)
  bench [ARGS...]   scale data at a small size, then the benchmark (make bench)
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
                print(f"devstack: DATABASE_URL is set; using the external database ({_redact(url)})")
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
