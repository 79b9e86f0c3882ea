"""A Redis cache that fails open: while Redis cannot be reached, each process uses its own memory.

Everything the portal keeps in the cache can be lost without harm: public pages (cms/cache.py),
Wagtail's site lookups, allauth's rate limits and its TOTP replay guard, the appointment limits. So a
Redis outage must not take pages down. On a connection error or timeout the operation is done in this
process's memory instead (a `LocMemCache`), and for `RETRY_SECONDS` no request waits for Redis again;
then one operation tries it. Meanwhile limits and the replay guard count per process (looser, still
there), and a purge of the public pages reaches other processes only after Redis is back or their
copies expire (`PUBLIC_PAGE_CACHE_SECONDS`). A warning is logged when the outage starts, every
`WARN_EVERY_SECONDS` while it lasts, and when it ends; `unreachable_since()` tells /healthz.

Sessions live in the database (`SESSION_ENGINE`), not here: nobody is signed out by an outage.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
WARN_EVERY_SECONDS = 60.0
# Without them redis-py waits for the operating system's TCP timeout (minutes) on a host that does not answer.
DEFAULT_SOCKET_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class _Outage:
    """This process's view of Redis: reachable, or unreachable since when (shared by its threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.since: float | None = None  # wall clock, for /healthz
        self._retry_at = 0.0
        self._warned_at = 0.0

    def skip(self) -> bool:
        """True while Redis is known down and it is not yet time to try it again (one caller gets to try)."""
        with self._lock:
            if self.since is None:
                return False
            now = time.monotonic()
            if now < self._retry_at:
                return True
            self._retry_at = now + RETRY_SECONDS  # this caller tries; the others keep using memory meanwhile
            return False

    def failed(self, error: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            self._retry_at = now + RETRY_SECONDS
            if self.since is None:
                self.since = time.time()
                self._warned_at = now
                logger.warning("cache unreachable, using this process's memory: %s", error)
            elif now - self._warned_at >= WARN_EVERY_SECONDS:
                self._warned_at = now
                logger.warning("cache still unreachable after %.0f s: %s", time.time() - self.since, error)

    def succeeded(self) -> None:
        if self.since is None:  # the usual case, without taking the lock
            return
        with self._lock:
            if self.since is not None:
                logger.warning("cache reachable again after %.0f s", time.time() - self.since)
                self.since = None


outage = _Outage()


def unreachable_since() -> dt.datetime | None:
    """When this process found the cache unreachable (None while it answers)."""
    since = outage.since
    return dt.datetime.fromtimestamp(since, tz=dt.UTC) if since is not None else None


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache; while Redis is unreachable, this process's memory (see the module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = {**params, "OPTIONS": {**DEFAULT_SOCKET_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        fallback_params: dict[str, Any] = {
            name: params[name] for name in ("TIMEOUT", "KEY_PREFIX", "VERSION") if name in params
        }
        self._fallback = LocMemCache(f"portal-fail-open:{server}", {**fallback_params, "OPTIONS": {}})

    def _either(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not outage.skip():
            try:
                result = getattr(RedisCache, name)(self, *args, **kwargs)
            except UNREACHABLE as error:
                outage.failed(error)
            else:
                outage.succeeded()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._either("add", key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._either("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._either("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._either("touch", key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._either("delete", key, version)

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._either("get_many", keys, version)

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._either("has_key", key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._either("incr", key, delta, version)

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._either("set_many", data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._either("delete_many", keys, version)

    def clear(self) -> None:
        self._either("clear")
