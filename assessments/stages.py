"""The six stages of the 0–5 maturity scale (spec/domain.md). Names are fixed."""

import math

MIN_LEVEL = 0
MAX_LEVEL = 5

STAGE_NAMES = ("Afwachtend", "Pionier", "Adept", "Bekwaam", "Professioneel", "Excellent")


def stage(score):
    """stage(s) = floor(s + 1e-9), clipped to 0..5 (spec/scoring.md)."""
    return min(MAX_LEVEL, max(MIN_LEVEL, math.floor(score + 1e-9)))


def stage_name(level):
    return STAGE_NAMES[level]
