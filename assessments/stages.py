"""The six stages of the 0–5 maturity scale (spec/domain.md). Names are fixed."""

import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _
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


def stage_hint(score):
    """Where a score shown with one decimal seems to disagree with its stage (1.96 is
    shown as 2,0 but its stage is 1, Pionier), the unrounded score the stage comes from,
    worded for a help text or footnote: "1,96 → Pionier; een fase begint bij een heel
    getal". Empty when the shown score and its stage agree (or there is no score).

    The score is cut (not rounded) to two decimals, so 1.999 reads 1,99 and never 2,00.
    """
    if score is None:
        return ""
    level = stage(score)
    # Shown as presentation.rounded() shows it: one decimal, half up.
    shown = Decimal(f"{score:.9f}").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if stage(float(shown)) == level:
        return ""
    exact = f"{math.floor(score * 100 + 1e-9) / 100:.2f}"
    exact = exact.replace(".", formats.get_format("DECIMAL_SEPARATOR"))
    return _("%(score)s → %(stage)s; een fase begint bij een heel getal") % {
        "score": exact,
        "stage": stage_label(level),
    }
