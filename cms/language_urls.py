"""The language switcher's URL, outside the language prefix (it reads the prefix of the page it came from).

Its own module without an `app_name`: templates name it `set_language`, as Django's own switcher is named,
and `portal/urls.py` includes it by its dotted path (the portal does not import cms).
"""

from __future__ import annotations

from django.urls import path

from cms.language_switch import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
]
