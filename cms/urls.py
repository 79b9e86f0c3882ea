"""sitemap.xml and robots.txt: outside the language prefix (the sitemap lists the pages of every language)."""

from __future__ import annotations

from django.urls import path

from cms import views

app_name = "cms"

urlpatterns = [
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
]
