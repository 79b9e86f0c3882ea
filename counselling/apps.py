from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounsellingConfig(AppConfig):
    name = "counselling"
    verbose_name = _("Counselling")

    def ready(self) -> None:
        from counselling.documents import limit_image_decoding

        limit_image_decoding()
