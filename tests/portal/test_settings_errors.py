"""A missing or malformed environment variable stops the process at start with one line that names it.

Each case imports portal/settings.py in a child process with one wrong value, as a server's unit would start
with a typo in /etc/portal/env: the error is ImproperlyConfigured naming the variable and what it takes, raised
by the settings themselves (not a traceback deep in psycopg2, kombu or cryptography at the first request), and
it never repeats a secret. `manage.py` prints that one line alone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = Fernet.generate_key().decode()


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(PORTAL_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="portal.settings")
    env.update(values)
    return env


def _import_settings(tmp_path: Path, **values: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=ROOT,
        env=_env(tmp_path, **values),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_complete_production_environment_loads(tmp_path) -> None:
    """The harness itself: the same child process with every value well formed starts."""
    result = _import_settings(
        tmp_path,
        DATABASE_URL="postgresql://portal_app:s3cret@db.internal:5432/portal",
        DATABASE_MIGRATE_URL="postgresql://portal:s3cret@db.internal/portal",
        DATABASE_REPLICA_URL="postgresql://portal_app@replica.internal/portal?port=5433",
        DATABASE_CONN_MAX_AGE="60",
        FIELD_ENCRYPTION_KEYS=f"{GOOD_KEY}, {Fernet.generate_key().decode()}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/1",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="587",
        HTTPS="true",
        BEHIND_PROXY="yes",
        TRUSTED_PROXY_COUNT="1",
        SITE_URL="https://portal.example.org",
        LOG_LEVEL="warning",
        WORKER_STALE_AFTER_SECONDS="180",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"DATABASE_URL": "mysql://portal:s3cret@db/portal"}, "DATABASE_URL must be a postgresql:// URL"),
        ({"DATABASE_URL": "postgresql://portal:s3cret@db:fivefour/portal"}, "DATABASE_URL has a port that is not"),
        ({"DATABASE_URL": "postgresql://portal@/portal?host=/run/pg&port=x"}, "DATABASE_URL has a port that is not"),
        ({"DATABASE_MIGRATE_URL": "sqlite:///s3cret.db"}, "DATABASE_MIGRATE_URL must be a postgresql:// URL"),
        ({"DATABASE_REPLICA_URL": "http://replica/s3cret"}, "DATABASE_REPLICA_URL must be a postgresql:// URL"),
        ({"DATABASE_CONN_MAX_AGE": "sixty"}, "DATABASE_CONN_MAX_AGE must be a whole number"),
        ({"FIELD_ENCRYPTION_KEYS": f"{GOOD_KEY},s3cret-but-no-fernet-key"}, "FIELD_ENCRYPTION_KEYS: key 2 of 2 is not"),
        ({"FIELD_ENCRYPTION_KEYS": " , "}, "FIELD_ENCRYPTION_KEYS holds no key"),
        ({"CELERY_BROKER_URL": "kafka://broker:9092"}, "CELERY_BROKER_URL must be a redis://"),
        ({"CELERY_BROKER_URL": "127.0.0.1:6379"}, "CELERY_BROKER_URL must be a redis://"),
        ({"CACHE_URL": "memcached://127.0.0.1:11211"}, "CACHE_URL must be a redis://"),
        ({"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "587/tcp"}, "EMAIL_PORT must be a whole number"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be a whole number of at least 0"),
        ({"WORKER_STALE_AFTER_SECONDS": "3m"}, "WORKER_STALE_AFTER_SECONDS must be a whole number"),
        ({"SECURE_HSTS_SECONDS": "1 year"}, "SECURE_HSTS_SECONDS must be a whole number"),
        ({"HTTPS": "maybe"}, "HTTPS must be true or false"),
        ({"BEHIND_PROXY": "nginx"}, "BEHIND_PROXY must be true or false"),
        ({"SITE_URL": "portal.example.org"}, "SITE_URL must start with https://"),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else "",
)
def test_a_wrong_value_is_named_in_one_line(tmp_path, values: dict[str, str], expected: str) -> None:
    result = _import_settings(tmp_path, **values)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    assert expected in last_line
    assert "s3cret" not in result.stderr  # a password or a key is never echoed
    # Raised by the settings or the environment helpers they call (portal/env.py), not deeper in a library.
    frames = re.findall(r'File "([^"]+)"', result.stderr)
    assert frames and frames[-1].endswith(("portal/settings.py", "portal/env.py")), result.stderr


def test_an_unwritable_data_folder_is_named(tmp_path) -> None:
    """Unset on a server, PORTAL_DATA_DIR is the read-only app tree's .data: said at start, not at the first upload."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = _import_settings(tmp_path, PORTAL_DATA_DIR=str(blocker / "data"), SECRET_KEY="")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert f"PORTAL_DATA_DIR ({blocker / 'data'}) must be writable by this user" in last_line


def test_manage_py_says_it_in_one_line_without_a_traceback(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_env(tmp_path, CELERY_BROKER_URL="rediss//broker.internal:6380/0"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: CELERY_BROKER_URL must be a redis://host:6379/0, amqp://user:password@host:5672// or filesystem:// URL "
        "(schemes: redis, rediss, sentinel, amqp, amqps, pyamqp, filesystem)"
    ]
