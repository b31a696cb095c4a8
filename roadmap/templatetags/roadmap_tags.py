"""Small display helpers for the roadmap templates."""

from django import template

from assessments.models import Track
from assessments.stages import stage_label as _stage_label

from ..models import Roadmap
from ..services import roadmap_activities, roadmap_progress

register = template.Library()


@register.filter
def stage_label(level):
    """The stage name of a level 0–5; empty when there is none."""
    if level is None or level == "":
        return ""
    return _stage_label(int(level))


@register.inclusion_tag("roadmap/_summary.html")
def roadmap_summary(assessment):
    """The roadmap's progress per year and per track, for a dashboard (3 queries)."""
    roadmap = Roadmap.objects.filter(assessment=assessment).first()
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
