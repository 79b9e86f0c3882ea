"""A Celery worker whose PDF renderer stalls for minutes: the test kills it in the middle of a build.

Run as `python tests/reliability/slow_worker.py worker -Q reports ...` (the arguments of `celery worker`).
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from reports import pdf  # noqa: E402

_render = pdf.render_report_pdf


def _stalling_render(build, *, progress=lambda _p: None):
    progress(20)
    time.sleep(600)  # killed long before this ends
    return _render(build, progress=progress)


pdf.render_report_pdf = _stalling_render

from portal.celery import app  # noqa: E402

app.worker_main(sys.argv[1:])
