from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturneesConfig(AppConfig):
    name = "cms.returnees"
    label = "returnees"
    verbose_name = _("Returnee portal")
    default_auto_field = "django.db.models.BigAutoField"
