"""A reports worker loads the PDF renderer (portal.pdf) before it forks, so no build pays for it (issue #9, E12)."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace

import pytest

from portal import celery as portal_celery
from portal import pdf


def _worker(queues: set[str]) -> SimpleNamespace:
    return SimpleNamespace(app=SimpleNamespace(amqp=SimpleNamespace(queues=SimpleNamespace(consume_from=queues))))


@pytest.mark.parametrize(
    ("queues", "warmed"), [({"reports"}, True), ({"default", "reports"}, True), ({"email"}, False)]
)
def test_only_a_worker_of_the_reports_queue_warms_up(monkeypatch, queues: set[str], warmed: bool) -> None:
    calls = []
    monkeypatch.setattr(pdf, "warm_up", lambda: calls.append(True))
    portal_celery._warm_up_pdf_renderer("worker@host", _worker(queues))
    assert bool(calls) is warmed


def test_warm_up_loads_the_fonts_of_the_reports(tmp_path) -> None:
    path = tmp_path / "warm.pdf"
    path.write_bytes(pdf.warm_up())
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    # The shipped fonts (portal/fonts): Arabic and Urdu script; Latin and Cyrillic.
    assert "+Noto-Naskh-Arabic" in fonts and "+Noto-Sans" in fonts


def test_a_renderer_that_cannot_load_does_not_stop_the_worker(monkeypatch, caplog) -> None:
    def broken() -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "warm_up", broken)
    portal_celery._warm_up_pdf_renderer("worker@host", _worker({"reports"}))  # no exception
    assert "could not be loaded ahead of time" in caplog.text
