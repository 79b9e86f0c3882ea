"""Where the private cluster lives, which server programs it uses, and as whom they run."""

from __future__ import annotations

import contextlib
import grp
import hashlib
import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
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


def server_major(bindir: Path) -> str:
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


def owner_account() -> pwd.struct_passwd | None:
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
    account = owner_account()
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


def prepare_dirs(cluster: Cluster) -> None:
    """Create the socket directory and log file, owned by whoever runs the server."""
    account = owner_account()
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
