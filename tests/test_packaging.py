"""`pip install .` gives a working worker: checked in a clean virtualenv made from pyproject.toml alone.

The virtualenv gets `[project] dependencies` and nothing else (no test extra, nothing a developer's machine happens
to have: Celery's Redis transport imports `packaging`, which only pytest brought in, and every worker on a server
stopped at start with ModuleNotFoundError). In it, every broker transport the settings accept (BROKER_SCHEMES)
loads, and a worker of the portal starts on Redis and answers a ping.

pip runs with its own configuration (index, find-links, cache), as `pip install .` on a server would. An index
that cannot be reached fails the test in CI and skips it on a developer machine without network, like the
browser tests without a browser.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from tests.reliability.conftest import PrivateRedis

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NETWORK_ERRORS = (
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "No route to host",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "ProxyError",
)
# An example URL for each scheme; nothing needs to listen: building the transport imports its client library.
EXAMPLE_URLS = {
    "redis": "redis://127.0.0.1:1/0",
    "rediss": "rediss://127.0.0.1:1/0",
    "sentinel": "sentinel://127.0.0.1:1/0",
    "amqp": "amqp://guest:guest@127.0.0.1:1//",
    "amqps": "amqps://guest:guest@127.0.0.1:1//",
    "pyamqp": "pyamqp://guest:guest@127.0.0.1:1//",
    "filesystem": "filesystem://",
}
TRANSPORTS = """
import json, sys
import kombu

loaded = {}
for scheme, url in json.loads(sys.argv[1]).items():
    transport = kombu.Connection(url).transport  # imports the transport module and its client library
    loaded[scheme] = f"{type(transport).__module__}.{type(transport).__name__}"
print(json.dumps(loaded))
"""


def _clean_env(**values: str) -> dict[str, str]:
    """This process's environment without what points into the project's own virtualenv."""
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env = {key: value for key, value in env.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    return {**env, **values}


@pytest.fixture(scope="module")
def clean_python(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clean-venv")
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300)
    python = folder / "bin" / "python"
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *dependencies],
        env=_clean_env(),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    if result.returncode != 0:
        output = result.stdout + result.stderr
        if not os.environ.get("CI") and any(marker in output for marker in NETWORK_ERRORS):
            pytest.skip("The package index cannot be reached (no network); CI never skips this test.")
        pytest.fail(f"pip could not install pyproject.toml's dependencies:\n{output[-6000:]}", pytrace=False)
    return python


def test_the_clean_virtualenv_has_none_of_the_test_tools(clean_python) -> None:
    """The check means something only if pytest did not bring `packaging` in here too."""
    result = subprocess.run(
        [str(clean_python), "-c", "import importlib.util as u; print(u.find_spec('pytest') is None)"],
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "True"


def test_every_configured_broker_transport_loads(clean_python) -> None:
    assert set(EXAMPLE_URLS) == set(settings.BROKER_SCHEMES)  # a scheme added to the settings is checked here
    result = subprocess.run(
        [str(clean_python), "-c", TRANSPORTS, json.dumps(EXAMPLE_URLS)],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["redis"] == loaded["rediss"] == "kombu.transport.redis.Transport"
    assert loaded["sentinel"] == "kombu.transport.redis.SentinelTransport"
    assert loaded["amqp"] == loaded["pyamqp"] == "kombu.transport.pyamqp.Transport"
    assert loaded["amqps"] == "kombu.transport.pyamqp.SSLTransport"
    assert loaded["filesystem"] == "kombu.transport.filesystem.Transport"


def test_a_worker_of_the_portal_starts_on_redis_and_answers(clean_python, tmp_path) -> None:
    redis = PrivateRedis(tmp_path)
    redis.start()
    node = f"packaging-{os.getpid()}@localhost"
    env = _clean_env(
        PYTHONPATH=str(ROOT),
        PORTAL_DATA_DIR=str(tmp_path / "data"),
        CELERY_BROKER_URL=redis.url,
        CACHE_URL=redis.url.removesuffix("/0") + "/1",
    )
    celery = [str(clean_python), "-m", "celery", "-A", "portal"]
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [*celery, "worker", "-P", "solo", "-Q", "default", "-n", node, "-l", "WARNING", "--without-mingle"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        answer = ""
        while time.monotonic() < deadline and worker.poll() is None:
            ping = subprocess.run(
                [*celery, "inspect", "ping", "-d", node, "--timeout", "2"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            answer = ping.stdout + ping.stderr
            if ping.returncode == 0 and "pong" in answer:
                break
        assert worker.poll() is None, f"the worker stopped at start:\n{log.read_text()[-6000:]}"
        assert "pong" in answer, answer
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
        redis.stop()
