import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
# Everything loaded so far (Django, Wagtail, the URL tree, the templates' code) lives as long as the process:
# move it out of the collector's reach so a full collection does not walk it during a request.
gc.freeze()
