"""The six stages of the 0–5 maturity scale (spec/domain.md). Names are fixed."""

import math

from django.utils.translation import pgettext_lazy

MIN_LEVEL = 0
MAX_LEVEL = 5

STAGE_NAMES = ("Afwachtend", "Pionier", "Adept", "Bekwaam", "Professioneel", "Excellent")

# The same names for people who read the interface in another language (the survey).
# STAGE_NAMES stays the fixed Dutch name for stored data and exports.
STAGE_LABELS = (
    pgettext_lazy("stage", "Afwachtend"),
    pgettext_lazy("stage", "Pionier"),
    pgettext_lazy("stage", "Adept"),
    pgettext_lazy("stage", "Bekwaam"),
    pgettext_lazy("stage", "Professioneel"),
    pgettext_lazy("stage", "Excellent"),
)


def stage(score):
    """stage(s) = floor(s + 1e-9), clipped to 0..5 (spec/scoring.md)."""
    return min(MAX_LEVEL, max(MIN_LEVEL, math.floor(score + 1e-9)))


def stage_name(level):
    return STAGE_NAMES[level]


def stage_label(level):
    """The stage name of a level in the active language."""
    return str(STAGE_LABELS[level])
