from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Metingen")

    def ready(self):
        # Connects the signals that clear kept results when answers change.
        from . import results  # noqa: F401
