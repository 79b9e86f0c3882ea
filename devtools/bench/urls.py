"""The benchmark's URLconf: the project's URLs, one bare view (baselines B1 and B2) and B5's admin site.

In force only while `manage.py bench` runs (`runner._bench_settings`); the project never routes it.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from devtools.bench.admin import site as bench_admin_site
from portal.urls import urlpatterns as project_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """No template, no database: the floor of a Django response."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench-admin/", bench_admin_site.urls),
    *project_urlpatterns,
]
