"""Reading the environment for `portal.settings`: every helper names the variable it reads.

A wrong value stops the process at start with one line naming the variable and what it takes
(ImproperlyConfigured), instead of a traceback deep in a library later, or a silent default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from portal.secretfile import read_or_create

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}")
    return value in TRUE_WORDS


def env_int(name: str, *, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return number


def env_list(name: str, *, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str, *, name: str = "DATABASE_URL") -> dict:
    """Turn `postgresql://user:pass@host:port/name?opt=val` into a DATABASES entry.

    A `host` query parameter (a socket directory) wins over the netloc host, as
    libpq does, so `postgresql://portal@/portal?host=/path/run` works. A malformed
    URL raises ImproperlyConfigured naming the variable `name` (never the URL: it holds the password).
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"{name} must be a postgresql:// URL: postgresql://user:password@host:5432/name")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number (...@host:5432/name)") from None
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = query.pop("host", None) or unquote(parts.hostname or "")
    query_port = query.pop("port", "")
    if query_port and not query_port.isdigit():
        raise ImproperlyConfigured(f"{name} has a port that is not a number (?port=5432)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "portal",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(port or query_port or ""),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": query,
    }


def local_secret(data_dir: Path, name: str) -> str:
    """A random secret kept in the data folder for a local install that has not set one."""
    try:
        return read_or_create(data_dir / name, lambda: secrets.token_urlsafe(50))
    except OSError as exc:
        raise data_dir_error(data_dir, exc, also=f"or set {name.upper()}") from None


def data_dir_error(data_dir: Path, exc: OSError, *, also: str) -> ImproperlyConfigured:
    """PORTAL_DATA_DIR cannot be written (left unset on a server, it is the read-only app tree's .data)."""
    return ImproperlyConfigured(f"PORTAL_DATA_DIR ({data_dir}) must be writable by this user ({exc.strerror}), {also}")


def check_field_keys(name: str = "FIELD_ENCRYPTION_KEYS") -> None:
    """Keys, when set, must be Fernet keys: checked at start, not at the first encrypted read (portal/crypto.py)."""
    raw = os.environ.get(name, "")
    if not raw:
        return  # a local install: one key kept in .data/field_keys
    from cryptography.fernet import Fernet

    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured(f"{name} holds no key: comma-separated Fernet keys, newest first")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{name}: key {position} of {len(keys)} is not a Fernet key (44 characters of url-safe base64; "
                'make one with Fernet.generate_key(), DEPLOYMENT.md "2.4 The environment file")'
            ) from None
