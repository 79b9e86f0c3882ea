"""E12 in a child process (like a Celery worker): render the monthly PDF of the focus centre; print JSON.

Usage: python -m devtools.bench.pdf_worker RUNS. Peak memory is this process's maximum resident size.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def main(runs: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    print(json.dumps(render(runs)))


def render(runs: int) -> dict:
    """Render the PDF ``runs`` times; timings, peak memory (MB), size and the query count of one render."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from devtools.bench.seed import FOCUS_CENTRE
    from portal.models import Centre
    from portal.pdf import warm_up
    from reports.models import ReportBuild
    from reports.pdf import render_report_pdf
    from reports.periods import previous_month

    cold_started = time.perf_counter()
    warm_up()  # as a reports worker does before it forks (portal/celery.py)
    cold_ms = (time.perf_counter() - cold_started) * 1000
    translation.activate("en")
    start, end = previous_month(timezone.localdate())
    centre = Centre.objects.get(code=FOCUS_CENTRE)
    # Not saved: the renderer reads the build's scope and period only.
    build = ReportBuild(
        scope_kind="centre",
        centre=centre,
        suppressed=False,
        period_kind="month",
        period_start=start,
        period_end=end,
        language="en",
    )
    timings, size, queries = [], 0, 0
    for run in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            size = len(render_report_pdf(build))
        timings.append((time.perf_counter() - started) * 1000)
        if run == 0:
            queries = len(captured.captured_queries)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "timings_ms": timings,
        "peak_memory_mb": round(peak, 1),
        "pdf_bytes": size,
        "queries": queries,
        "warm_up_ms": round(cold_ms, 1),
    }


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
