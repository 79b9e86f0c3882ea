"""The private cluster's life: create, start, stop, delete; shared by concurrent `run`/`test` invocations."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from devtools.devstack.layout import (
    PG_DATABASE,
    PG_PORT,
    PG_USER,
    TRUTHY,
    Cluster,
    DevstackError,
    cluster_layout,
    data_dir,
    external_database,
    owner_account,
    prepare_dirs,
    server_major,
)

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
    account = owner_account()
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
    binaries = server_major(cluster.bindir)
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
        prepare_dirs(cluster)
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
        print(f"devstack: DATABASE_URL is set; using the external database ({redact(url)})", flush=True)
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


def redact(url: str) -> str:
    return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)
