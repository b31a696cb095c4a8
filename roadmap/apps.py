from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = _("Routekaart")

    def ready(self):
        # Roadmap builds on assessments, never the reverse (issue 16): it adds its parts
        # to the results, assessment and organisation pages, load_model and load_demo
        # through assessments' hooks.
        from assessments import hooks

        from . import hooks as roadmap_hooks

        hooks.results_sections.register(roadmap_hooks.results_sections)
        hooks.assessment_sections.register(roadmap_hooks.assessment_sections)
        hooks.results_actions.register(roadmap_hooks.results_actions)
        hooks.organisation_sections.register(roadmap_hooks.organisation_sections)
        hooks.model_loaded.register(roadmap_hooks.load_library)
        hooks.demo_measurements_loaded.register(roadmap_hooks.load_demo_routes)
