"""Roadmap's parts of the assessments app's work (issue 16), registered in
RoadmapConfig.ready() on the hooks of assessments/hooks.py: assessments never imports
roadmap, roadmap plugs in here."""

from django.core.management.base import CommandError

from .continuity import continuity_display
from .demo import load_demo_previous_route, load_demo_roadmap
from .library import LIBRARY_FILE, LibraryFileError, load_library_file


def results_sections(assessment, results, names):
    """The results page shows plan versus effect of the previous roadmap, how peers
    moved and the benchmark of ambitions."""
    return {"continuity": continuity_display(assessment, results, names)}


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
