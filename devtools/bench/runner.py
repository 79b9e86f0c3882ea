"""The benchmark run: every endpoint K times in-process through Django's full stack, and the baselines.

Server time is the wall time of one request through `django.test.Client` (the WSGI handler with the
project's whole middleware stack, no network). The SQL of each endpoint is captured on a warm-up
request (that gives its query count) and replayed with a bare psycopg2 connection for B3, inside a
transaction that is rolled back (E5 writes).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from devtools.bench.endpoints import B5_COMPARES, DESCRIPTIONS, Endpoint, prepare

STATIC_FILE = "portal/site.css"
# The targets of issue #9 (p95 in ms unless said otherwise).
TARGETS: dict[str, str] = {
    "E1": "p95 ≤ 50 ms",
    "E2": "p95 ≤ 50 ms",
    "E3": "p95 ≤ 100 ms, ≥ 20× faster than B5",
    "E4": "p95 ≤ 250 ms",
    "E5": "p95 ≤ 50 ms",
    "E6": "p95 ≤ 50 ms",
    "E7": "p95 ≤ 50 ms",
    "E9c": "throughput ≥ 50% of B4",
    "E10": "p95 ≤ 150 ms",
    "E11": "p95 ≤ 300 ms",
    "E12": "≤ 3 s and ≤ 400 MB",
}
P95_LIMITS = {"E1": 50, "E2": 50, "E3": 100, "E4": 250, "E5": 50, "E6": 50, "E7": 50, "E10": 150, "E11": 300}


@dataclass
class Result:
    key: str
    timings_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    sql: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def pct(self, q: float) -> float | None:
        if not self.timings_ms:
            return None
        ordered = sorted(self.timings_ms)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
        return round(ordered[index], 2)

    def as_json(self) -> dict[str, Any]:
        return {
            "description": DESCRIPTIONS.get(self.key, ""),
            "target": TARGETS.get(self.key, ""),
            "requests": len(self.timings_ms),
            "p50": self.pct(50),
            "p95": self.pct(95),
            "p99": self.pct(99),
            "mean": round(statistics.fmean(self.timings_ms), 2) if self.timings_ms else None,
            "queries": self.queries,
            **self.extra,
        }


def _bench_settings() -> dict[str, Any]:
    """What the run changes: its own URLconf (the project's plus the bare view), hosts, static from the finders."""
    return {
        "ROOT_URLCONF": "devtools.bench.urls",
        "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "WHITENOISE_USE_FINDERS": True,
        "WHITENOISE_AUTOREFRESH": False,
    }


def _client(email: str) -> Client:
    from portal.models import User

    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def _request(client: Client, endpoint: Endpoint, number: int) -> Any:
    path = endpoint.path_for(number)
    if endpoint.method == "POST":
        return client.post(path, endpoint.data, secure=True)
    return client.get(path, secure=True)


def _measure(
    key: str, call: Callable[[int], Any], requests: int, *, before: Callable[[], None] | None = None
) -> list[float]:
    timings = []
    for number in range(requests):
        if before:
            before()
        started = time.perf_counter()
        call(number)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def run_endpoint(endpoint: Endpoint, requests: int, *, log: Callable[[str], None] = print) -> Result:
    """Warm up (capturing the SQL and the query count), then time ``requests`` requests."""
    from cms.cache import purge_all

    result = Result(endpoint.key)
    client = _client(endpoint.actor)
    before = purge_all if endpoint.uncached_page else None
    if before:
        before()
    response = _request(client, endpoint, 0)  # first request: session set-up and one-time work
    if before:
        before()
    with CaptureQueriesContext(connection) as captured:
        response = _request(client, endpoint, 0)
    if response.status_code not in endpoint.expect:
        raise RuntimeError(f"{endpoint.key} {endpoint.path_for(0)}: HTTP {response.status_code}")
    result.queries = len(captured.captured_queries)
    result.sql = [q["sql"] for q in captured.captured_queries]
    if endpoint.uncached_page or endpoint.key == "E9c":
        result.extra["page_cache"] = response.headers.get("X-Page-Cache", "")
    for number in range(1, min(3, requests)):
        _request(client, endpoint, number)  # warm every rotated path once
    result.timings_ms = _measure(endpoint.key, lambda n: _request(client, endpoint, n), requests, before=before)
    if endpoint.uncached_page or endpoint.key == "E9c":
        result.extra["page_cache_last"] = _request(client, endpoint, 0).headers.get("X-Page-Cache", "")
    log(f"  {endpoint.key:<4} {result.pct(95):>9.1f} ms p95  {result.queries:>3} queries  {endpoint.path_for(0)[:70]}")
    return result


def run_bare(requests: int) -> Result:
    """B1: the bare view through a handler without middleware; no database is touched."""
    result = Result("B1")
    with override_settings(MIDDLEWARE=[]):
        client = Client()
        client.get("/bench/bare/", secure=True)
        with CaptureQueriesContext(connection) as captured:
            client.get("/bench/bare/", secure=True)
        result.queries = len(captured.captured_queries)
        result.timings_ms = _measure("B1", lambda n: client.get("/bench/bare/", secure=True), requests)
    return result


def run_static(requests: int) -> Result:
    """B4: a static file through the same stack (WhiteNoise answers it before the rest of the middleware)."""
    result = Result("B4")
    client = Client()
    path = settings.STATIC_URL + STATIC_FILE
    response = client.get(path, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"B4 {path}: HTTP {response.status_code}")
    b"".join(response.streaming_content) if response.streaming else response.content
    result.queries = 0

    def fetch(_n: int) -> None:
        reply = client.get(path, secure=True)
        b"".join(reply.streaming_content) if reply.streaming else reply.content

    result.timings_ms = _measure("B4", fetch, requests)
    return result


def replay_sql(sql: list[str], requests: int) -> Result:
    """B3: the captured statements replayed on the bare psycopg2 connection, in a transaction rolled back each time."""
    import psycopg2

    result = Result("B3")
    statements = [s for s in sql if not s.upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))]
    connection.ensure_connection()
    raw = connection.connection  # the psycopg2 connection itself: no Django cursor wrappers

    guarded = False  # a statement that cannot run twice (e.g. a unique key) is skipped, under a savepoint
    nested = connection.in_atomic_block  # inside a test's transaction: roll back to a savepoint instead
    autocommit = raw.autocommit
    if not nested:
        raw.autocommit = False

    def undo(cursor: Any) -> None:
        if nested:
            cursor.execute("ROLLBACK TO SAVEPOINT b3_outer")
        else:
            raw.rollback()

    def replay(_n: int) -> None:
        with raw.cursor() as cursor:
            if nested:
                cursor.execute("SAVEPOINT b3_outer")
            try:
                for statement in statements:
                    if guarded:
                        cursor.execute("SAVEPOINT b3")
                    try:
                        cursor.execute(statement)  # no parameters: psycopg2 sends the text as it is
                    except psycopg2.Error:
                        if not guarded:
                            raise
                        cursor.execute("ROLLBACK TO SAVEPOINT b3")
                        continue
                    if cursor.description is not None:
                        cursor.fetchall()
            finally:
                undo(cursor)

    try:
        try:
            replay(0)
        except psycopg2.Error:
            guarded = True
            result.extra["guarded"] = True
            replay(0)
        result.timings_ms = _measure("B3", replay, requests)
    finally:
        if not nested:
            raw.autocommit = autocommit
    result.queries = len(statements)
    return result


def run_pdf(runs: int = 3, *, in_process: bool = False) -> Result:
    """E12: the monthly centre PDF, rendered in a child process (the worker); its time and peak memory.

    ``in_process`` (tests, whose data the child cannot see) renders here; the memory figure is then this process's.
    """
    result = Result("E12")
    if in_process:
        from devtools.bench.pdf_worker import render

        data = render(runs)
        result.timings_ms, result.queries = data["timings_ms"], data["queries"]
        result.extra = {
            "peak_memory_mb": data["peak_memory_mb"],
            "pdf_bytes": data["pdf_bytes"],
            "warm_up_ms": data["warm_up_ms"],
        }
        return result
    env = {**os.environ, "DATABASE_URL": settings.DATABASE_URL}
    output = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "devtools.bench.pdf_worker", str(runs)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode != 0:
        raise RuntimeError(f"E12 worker failed:\n{output.stderr[-2000:]}")
    data = json.loads(output.stdout.strip().splitlines()[-1])
    result.timings_ms = data["timings_ms"]
    result.queries = data["queries"]
    result.extra = {
        "peak_memory_mb": data["peak_memory_mb"],
        "pdf_bytes": data["pdf_bytes"],
        "warm_up_ms": data["warm_up_ms"],
    }
    return result


def run(
    *, requests: int, only: list[str] | None = None, log: Callable[[str], None] = print, pdf_in_process: bool = False
) -> dict[str, Any]:
    """Every measurement; returns the JSON document (also used by the table)."""
    results: dict[str, Result] = {}
    replays: dict[str, Result] = {}
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder
    with override_settings(**_bench_settings()):
        endpoints = prepare()
        import gc

        gc.freeze()  # as portal/wsgi.py does once the app is loaded: the collector skips the long-lived objects
        log(f"bench: {requests} requests per endpoint")
        results["B1"] = run_bare(requests)
        results["B2"] = run_endpoint(endpoints["B2"], requests, log=log)
        results["B4"] = run_static(requests)
        for key, endpoint in endpoints.items():
            if key in {"B2", "B4"} or (only and key not in only and not key.startswith("B")):
                continue
            results[key] = run_endpoint(endpoint, requests, log=log)
            if key.startswith("E"):
                replays[key] = replay_sql(results[key].sql, requests)
    if not only or "E12" in only:
        results["E12"] = run_pdf(runs=3 if requests >= 10 else 1, in_process=pdf_in_process)
    return report(results, replays, requests=requests)


def report(results: dict[str, Result], replays: dict[str, Result], *, requests: int) -> dict[str, Any]:
    from django.db import connection as conn

    b2 = results["B2"].pct(95) or 0.0
    b4 = results["B4"]
    b5 = results.get("B5")
    out: dict[str, Any] = {
        "meta": {
            "database": conn.settings_dict["NAME"],
            "requests": requests,
            "clients": _count("counselling_client"),
            "sessions": _count("counselling_session"),
            "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": sys.version.split()[0],
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "time_unit": "ms",
        },
        "endpoints": {},
    }
    for key, result in results.items():
        row = result.as_json()
        if key in replays:
            replay = replays[key]
            row["B3"] = {"p50": replay.pct(50), "p95": replay.pct(95), "p99": replay.pct(99)}
            floor = b2 + (replay.pct(95) or 0.0)
            row["ratio_to_B2_B3"] = round(row["p95"] / floor, 2) if floor and row["p95"] is not None else None
        if key in B5_COMPARES and b5 is not None and row["p95"]:
            row["ratio_to_B5"] = round((b5.pct(95) or 0.0) / row["p95"], 2)  # how many times faster than B5
        if key in P95_LIMITS and row["p95"] is not None:
            row["target_met"] = row["p95"] <= P95_LIMITS[key]
        out["endpoints"][key] = row
    if "E3" in out["endpoints"] and "ratio_to_B5" in out["endpoints"]["E3"]:
        out["endpoints"]["E3"]["target_met"] = (
            out["endpoints"]["E3"].get("target_met", False) and out["endpoints"]["E3"]["ratio_to_B5"] >= 20
        )
    if "E9c" in results and b4.timings_ms:
        share = (statistics.fmean(b4.timings_ms) / statistics.fmean(results["E9c"].timings_ms)) * 100
        out["endpoints"]["E9c"]["throughput_share_of_B4_percent"] = round(share, 1)
        out["endpoints"]["E9c"]["target_met"] = share >= 50
    if "E12" in out["endpoints"]:
        e12 = out["endpoints"]["E12"]
        e12["target_met"] = (e12["p95"] or 0) <= 3000 and e12["peak_memory_mb"] <= 400
    b3_all = [t for r in replays.values() for t in r.timings_ms]
    out["endpoints"]["B3"] = {
        "description": DESCRIPTIONS["B3"],
        "per_endpoint": {k: {"p50": r.pct(50), "p95": r.pct(95)} for k, r in replays.items()},
        "p50": Result("B3", b3_all).pct(50),
        "p95": Result("B3", b3_all).pct(95),
        "p99": Result("B3", b3_all).pct(99),
    }
    return out


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


ORDER = ["B1", "B2", "B3", "B4", "B5", "E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E9c", "E10", "E11", "E12"]


def table(document: dict[str, Any]) -> str:
    """The results as a text table."""
    lines = [
        f"{'':<5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'queries':>8}{'×(B2+B3)':>10}{'B5/x':>7}  target",
        "-" * 86,
    ]
    rows = document["endpoints"]
    for key in ORDER:
        if key not in rows:
            continue
        row = rows[key]

        def num(value: Any) -> str:
            return "-" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)

        met = row.get("target_met")
        mark = "" if met is None else (" ok" if met else " MISSED")
        note = row.get("target", "")
        if key == "E12":
            note += f" (peak {row['peak_memory_mb']:.0f} MB"
            note += f"; renderer warm-up {row['warm_up_ms'] / 1000:.1f} s before)" if "warm_up_ms" in row else ")"
        if key == "E9c" and "throughput_share_of_B4_percent" in row:
            note += f" ({row['throughput_share_of_B4_percent']}% of B4)"
        lines.append(
            f"{key:<5}{num(row.get('p50')):>9}{num(row.get('p95')):>9}{num(row.get('p99')):>9}"
            f"{num(row.get('queries')):>8}{num(row.get('ratio_to_B2_B3')):>10}{num(row.get('ratio_to_B5')):>7}"
            f"  {note}{mark}"
        )
    return "\n".join(lines)


def write_json(document: dict[str, Any], path: str) -> None:
    Path(path).write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
