"""Roadmap's parts of the assessments app's work (issue 16), registered in
RoadmapConfig.ready() on the hooks of assessments/hooks.py: assessments never imports
roadmap, roadmap plugs in here."""

from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.models import Track

from .continuity import continuity_display
from .demo import load_demo_previous_route, load_demo_roadmap
from .library import LIBRARY_FILE, LibraryFileError, load_library_file
from .models import Roadmap
from .services import roadmap_activities, roadmap_progress


def results_sections(assessment, results, names):
    """The results page shows plan versus effect of the previous roadmap, how peers
    moved and the benchmark of ambitions."""
    return {"continuity": continuity_display(assessment, results, names)}


def assessment_sections(assessment, consultant):
    """The assessment's page: the strategy session (consultants only) and the roadmap
    as buttons; the poster and report downloads and the roadmap's progress as panels."""
    actions = []
    if consultant:
        actions.append(
            {"label": _("Strategiesessie"), "url": reverse("strategy", args=[assessment.pk])}
        )
    actions.append({"label": _("Routekaart"), "url": reverse("roadmap", args=[assessment.pk])})
    roadmap = Roadmap.objects.filter(assessment=assessment).first()
    downloads = {"assessment": assessment, "can_edit": consultant, "roadmap": roadmap}
    return {
        "actions": actions,
        "panels": [
            {"template": "roadmap/_assessment_downloads.html", "context": downloads},
            {"template": "roadmap/_summary.html", "context": summary_context(assessment, roadmap)},
        ],
    }


def results_actions(assessment, consultant):
    """The results page: the results session and, beside each comment shown, "as an idea
    in the register" (consultants only); the poster and report downloads, which the
    template offers viewers once the assessment is closed. No query: the downloads'
    template looks up the roadmap only when it shows them."""
    parts = {
        "downloads": [
            {
                "template": "print/_downloads.html",
                "context": {"assessment": assessment, "can_edit": consultant},
            }
        ]
    }
    if consultant:
        parts["actions"] = [
            {
                "label": _("Resultatensessie: afgesproken niveaus vastleggen"),
                "url": reverse("agreed_levels", args=[assessment.pk]),
            }
        ]
        parts["comment_actions"] = [
            {
                "label": _("als idee in register"),
                "url": reverse("comment_to_idea", args=[assessment.pk]),
            }
        ]
    return parts


def organisation_sections(organisation, consultant):
    """The organisation's page links everyone who may see it to its data projects
    register and data portal."""
    return {
        "links": [
            {
                "label": _("Register van dataprojecten"),
                "url": reverse("data_projects", args=[organisation.pk]),
            },
            {"label": _("Dataportaal"), "url": reverse("data_portal", args=[organisation.pk])},
        ]
    }


def summary_context(assessment, roadmap):
    """The roadmap's progress per year and per track, for a dashboard (2 queries)."""
    if roadmap is None:
        return {"roadmap": None}
    tracks = list(Track.objects.filter(version_id=assessment.model_version_id))
    return {
        "assessment": assessment,
        "roadmap": roadmap,
        "progress": roadmap_progress(
            roadmap_activities(roadmap), tracks=tracks, years=roadmap.years
        ),
    }


def load_library(write):
    """`load_model` loads the activity library after the maturity model(s)."""
    try:
        library = load_library_file()
    except LibraryFileError as error:
        raise CommandError(f"{LIBRARY_FILE.name}: {error}") from error
    if library is None:
        write(f"no {LIBRARY_FILE.name}: the activity library is empty")
    else:
        write(f"activities {library.version.code}: {library.outcome} ({library.count})")


def load_demo_routes(assessment, earlier):
    """The demo's roadmaps: the earlier measurement's route first, so the current
    roadmap continues it."""
    load_demo_previous_route(earlier)
    load_demo_roadmap(assessment)
