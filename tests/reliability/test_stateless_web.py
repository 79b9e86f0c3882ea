"""Web nodes keep no state of their own: sessions and cache are shared, uploads go to object storage when set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow  # each child process loads Django

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_child(**env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(json.dumps({'storages': settings.STORAGES['default'], 'class': type(s).__module__ + '.' + "
        "type(s).__name__, 'session': settings.SESSION_ENGINE, 'cache': settings.CACHES['default']['BACKEND']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sessions_and_cache_are_shared_by_every_node() -> None:
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"  # a cache outage signs nobody out
    assert settings.CACHES["default"]["BACKEND"] in {
        "django.core.cache.backends.db.DatabaseCache",
        "portal.cache.FailOpenRedisCache",
    }


def test_a_bucket_sends_uploads_to_private_s3_storage() -> None:
    config = _settings_in_child(
        AWS_STORAGE_BUCKET_NAME="portal-media",
        S3_ENDPOINT_URL="https://objects.example.org",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
    )
    assert config["class"] == "storages.backends.s3.S3Storage"
    options = config["storages"]["OPTIONS"]
    assert options["bucket_name"] == "portal-media"
    assert options["endpoint_url"] == "https://objects.example.org"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_without_a_bucket_uploads_stay_on_the_filesystem() -> None:
    config = _settings_in_child(AWS_STORAGE_BUCKET_NAME="")
    assert config["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert config["session"] == "django.contrib.sessions.backends.db"
