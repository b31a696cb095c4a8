"""Small display helpers for the roadmap templates."""

from django import template

from assessments.stages import stage_label as _stage_label

register = template.Library()


@register.filter
def stage_label(level):
    """The stage name of a level 0–5; empty when there is none."""
    if level is None or level == "":
        return ""
    return _stage_label(int(level))
