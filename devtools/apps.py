from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Installed for its management commands only: it has no models, URLs or templates."""

    name = "devtools"
