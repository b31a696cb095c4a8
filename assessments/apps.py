from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Metingen")

    def ready(self):
        # Connects the signals that clear kept results when answers change.
        # Connects the signals that renew the model's generation (assessments/generation.py)
        # in every process, also where no survey view is ever imported.
        from . import (
            generation,  # noqa: F401
            results,  # noqa: F401
        )
