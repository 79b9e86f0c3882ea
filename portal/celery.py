"""The Celery application: configured from Django settings (CELERY_* names)."""

import logging
import os

from celery import Celery
from celery.signals import celeryd_after_setup

from portal import pdf

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_after_setup.connect
def _warm_up_pdf_renderer(sender: str, instance, **_kwargs) -> None:
    """A worker that consumes the reports queue loads the PDF renderer once, before it forks its children."""
    queues = instance.app.amqp.queues
    if "reports" not in (queues.consume_from or queues):
        return
    try:
        pdf.warm_up()
    except Exception:  # a machine without the PDF libraries still runs its other tasks; the builds report it
        logging.getLogger(__name__).warning("The PDF renderer could not be loaded ahead of time", exc_info=True)
