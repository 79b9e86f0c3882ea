"""Fault-test helpers: a private Redis broker, the Celery app pointed at it, and worker processes.

The Redis server is started by the test on a free port with no persistence, so the system Redis
(6379, shared with other users of the machine) is never touched.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server child process on 127.0.0.1:<free port>; stop() and start() keep the port."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.workdir)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self):
        import redis

        return redis.Redis(port=self.port)


def _reset_pools(app) -> None:
    """Forget every broker connection: the app's pool is kombu's process-wide pool for that URL, and a pool
    closed but left registered there would answer "Acquire on closed pool" to the next test on that broker."""
    import kombu.pools

    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_broker(private_redis, transactional_db):
    """The Celery app (publishing and in-process workers) talks to the private Redis; tasks are not eager."""
    from portal.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "broker_write_url", "broker_read_url")}
    saved_options = app.conf.broker_transport_options
    app.conf.update(
        broker_url=private_redis.url,
        broker_write_url=None,
        broker_read_url=None,
        broker_transport_options={"visibility_timeout": 3600},
        task_always_eager=False,
    )
    _reset_pools(app)
    yield private_redis
    _reset_pools(app)
    app.conf.update(**saved, broker_transport_options=saved_options)


def test_database_url() -> str:
    """The test database as a DATABASE_URL (TCP host or socket directory), for child processes."""
    from urllib.parse import quote

    settings = connection.settings_dict
    auth = quote(settings["USER"] or "") + (":" + quote(settings["PASSWORD"]) if settings["PASSWORD"] else "")
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
    if host.startswith("/"):
        return f"postgresql://{auth}@/{settings['NAME']}?host={quote(host)}&port={port}"
    return f"postgresql://{auth}@{host}:{port}/{settings['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


class WorkerProcess:
    """`celery worker` (or a wrapper script) as a child process against the test database and a broker."""

    def __init__(self, broker_url: str, media_root: Path, queues: str, script: Path | None = None) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "MEDIA_ROOT": str(media_root),
            "DATABASE_CONN_MAX_AGE": "0",
            "PYTHONPATH": str(ROOT),
        }
        argv = [sys.executable, str(script)] if script else [sys.executable, "-m", "celery", "-A", "portal"]
        argv += ["worker", "-P", "solo", "-Q", queues, "--without-heartbeat", "--without-mingle", "--without-gossip"]
        argv += ["-l", "WARNING", "-n", f"test-{os.getpid()}-{time.monotonic_ns()}@localhost"]
        self.process = subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True)

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no acknowledgement, nothing written."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_processes():
    started: list[WorkerProcess] = []

    def start(*args, **kwargs) -> WorkerProcess:
        worker = WorkerProcess(*args, **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
