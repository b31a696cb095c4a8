"""Continuity over repeat measurements (issue 15): a new assessment of the same
organisation continues the route of the previous one.

- `previous_roadmap(assessment)`: the roadmap of the organisation's most recent earlier
  closed assessment with the same factor codes (the route this one continues).
- `route_inputs(roadmap)`: what the new plan takes over from it: the open activities
  (gepland, lopend) to carry over, and the codes done anywhere on the route so far
  (the planner's `carried` and `done`, see roadmap/planner.py "Continuity").
- `plan_versus_effect(assessment, results)`: per factor and track, what the previous
  route planned and finished against the change in score since that measurement.

The previous roadmap is only read, never changed: its activities keep their status
and stay readable on its own page, poster and report.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import Assessment, KeyFactor
from assessments.presentation import display, display_change
from assessments.results import ambitions_benchmark, peers_movement

from .models import PlannedActivity, Roadmap

OPEN = (PlannedActivity.Status.PLANNED, PlannedActivity.Status.ONGOING)
# A route longer than this many measurements is not followed further back.
MAX_ROUTE = 20


def _factor_codes(version_ids):
    codes = {}
    for version_id, code in KeyFactor.objects.filter(version_id__in=version_ids).values_list(
        "version_id", "code"
    ):
        codes.setdefault(version_id, set()).add(code)
    return codes


def previous_roadmap(assessment):
    """The roadmap this assessment's route continues, or None (two queries at most).

    The organisation's most recent closed assessment that closed before this one (an
    open one: before now), uses the same factor codes and has a roadmap. An
    assessment whose roadmap already names its previous one keeps that one."""
    own = Roadmap.objects.filter(assessment=assessment).values_list("previous", flat=True)
    kept = next(iter(own), None)
    if kept is not None:
        return Roadmap.objects.select_related("assessment").get(pk=kept)
    earlier = Roadmap.objects.filter(
        assessment__organisation_id=assessment.organisation_id,
        assessment__status=Assessment.Status.CLOSED,
    ).exclude(assessment_id=assessment.pk)
    if assessment.closed_at is not None:
        earlier = earlier.filter(
            Q(assessment__closed_at__lt=assessment.closed_at)
            | Q(assessment__closed_at=assessment.closed_at, assessment_id__lt=assessment.pk)
        )
    candidates = list(
        earlier.select_related("assessment").order_by("-assessment__closed_at", "-assessment_id")[
            :MAX_ROUTE
        ]
    )
    if not candidates:
        return None
    codes = _factor_codes(
        {assessment.model_version_id} | {r.assessment.model_version_id for r in candidates}
    )
    for roadmap in candidates:
        if codes.get(roadmap.assessment.model_version_id) == codes.get(assessment.model_version_id):
            return roadmap
    return None


def route(roadmap):
    """The roadmaps before `roadmap` on its route, newest first (one query each)."""
    chain, seen = [], {roadmap.pk}
    previous_id = roadmap.previous_id
    while previous_id is not None and previous_id not in seen and len(chain) < MAX_ROUTE:
        current = Roadmap.objects.select_related("assessment").get(pk=previous_id)
        chain.append(current)
        seen.add(current.pk)
        previous_id = current.previous_id
    return chain


def done_history(roadmap):
    """The route's history for the roadmap page: per earlier roadmap (newest first) its
    assessment and its done activities, in plan order. Empty for a first roadmap."""
    chain = route(roadmap) if roadmap.previous_id else []
    if not chain:
        return []
    done = PlannedActivity.objects.filter(
        roadmap__in=chain, status=PlannedActivity.Status.DONE
    ).select_related("factor")
    by_roadmap = {}
    for activity in done.order_by("after_horizon", "year", "quarter", "factor__order", "code"):
        by_roadmap.setdefault(activity.roadmap_id, []).append(activity)
    return [{"roadmap": earlier, "activities": by_roadmap.get(earlier.pk, [])} for earlier in chain]


@dataclass
class RouteInputs:
    previous: Roadmap | None
    carried: list = field(default_factory=list)  # open PlannedActivity of `previous`
    done: set = field(default_factory=set)  # library codes done on the route so far


def route_inputs(roadmap):
    """What the new plan of `roadmap` takes over from the route before it."""
    if roadmap.previous_id is None:
        return RouteInputs(previous=None)
    chain = route(roadmap)
    activities = list(
        PlannedActivity.objects.filter(roadmap__in=chain).select_related("factor", "roadmap")
    )
    previous = chain[0]
    return RouteInputs(
        previous=previous,
        carried=[a for a in activities if a.roadmap_id == previous.pk and a.status in OPEN],
        done={
            a.code for a in activities if a.status == PlannedActivity.Status.DONE and not a.custom
        },
    )


def carried_year(activity, roadmap):
    """The year and quarter of a carried-over own activity on the new roadmap: the same
    calendar year and quarter, overdue ones in year 1 Q1, later ones after the horizon."""
    if activity.after_horizon or activity.year is None:
        return None, None
    year = activity.calendar_year - roadmap.start_year + 1
    if year < 1:
        return 1, 1
    if year > roadmap.horizon:
        return None, None
    return year, activity.quarter


def _counts(activities, key):
    counted = {}
    for activity in activities:
        if activity.status == PlannedActivity.Status.LAPSED:
            continue
        row = counted.setdefault(key(activity), {"planned": 0, "done": 0})
        row["planned"] += 1
        row["done"] += activity.status == PlannedActivity.Status.DONE
    return counted


def _change_since(trend, assessment_id, section, code):
    """The change of a score (as viewers see it) from the measurement `assessment_id`
    to the last one in the trend; None when either is hidden or unknown."""
    then = next((p for p in trend if p.assessment == assessment_id), None)
    if then is None or len(trend) < 2 or then is trend[-1]:
        return None
    before, now = getattr(then, section).get(code), getattr(trend[-1], section).get(code)
    if before is None or now is None or before.current is None or now.current is None:
        return None
    return now.current - before.current


def plan_versus_effect(assessment, results):
    """Per factor and track of `results` (released results, k-safe): the activities the
    previous route planned (vervallen ones not counted) and finished, beside the change
    in score since that measurement (from the trend, so hidden scores stay hidden).
    None without a previous roadmap or when the scores are not shown (a few queries)."""
    if not results.scores_shown or results.department:
        return None
    previous = previous_roadmap(assessment)
    if previous is None:
        return None
    activities = list(previous.activities.select_related("factor__track"))
    by_factor = _counts(activities, lambda a: a.factor.code)
    by_track = _counts(activities, lambda a: a.factor.track.code)
    empty = {"planned": 0, "done": 0}
    trend = results.trend
    carried = PlannedActivity.objects.filter(
        roadmap__assessment=assessment, carried_from__roadmap=previous
    ).count()
    return {
        "previous": previous,
        "carried": carried,
        "factors": [
            {
                "code": code,
                "track": score.track,
                **by_factor.get(code, empty),
                "change": _change_since(trend, previous.assessment_id, "factors", code),
            }
            for code, score in results.factors.items()
        ],
        "tracks": [
            {
                "code": code,
                **by_track.get(code, empty),
                "change": _change_since(trend, previous.assessment_id, "tracks", code),
            }
            for code in results.tracks
        ],
    }


# --- As pages and the report show it -----------------------------------------------------


def _change(value):
    return display_change(value) or "–"


def _middle(row):
    if row.q1 is None:
        return None
    return _("%(q1)s tot %(q3)s") % {"q1": display(row.q1), "q3": display(row.q3)}


def _percentile(row):
    return None if row.percentile is None else round(row.percentile)


def worked_on(done):
    """ "n activiteiten gereed" in the previous route, worded for a cell."""
    return ngettext("%(n)s activiteit gereed", "%(n)s activiteiten gereed", done) % {"n": done}


def continuity_display(assessment, results, names):
    """Plan versus effect, peers' movement and the benchmark of ambitions of `results`,
    display-ready for the results page and the A4 report (`names`: labels of factor
    and track codes). Each part is None where it is not shown."""
    shown = results.scores_shown and not results.department
    effect = plan_versus_effect(assessment, results) if shown else None
    plan_effect = None
    if effect is not None:

        def effect_row(row, *, is_factor):
            return {
                "code": row["code"],
                "track": row.get("track"),
                "label": names.get(row["code"], row["code"]),
                "is_factor": is_factor,
                "planned": row["planned"],
                "done": row["done"],
                "worked_on": worked_on(row["done"]),
                "change": _change(row["change"]),
            }

        previous = effect["previous"]
        plan_effect = {
            "previous": previous.assessment.name,
            "previous_date": previous.assessment.closed_at.date().isoformat()
            if previous.assessment.closed_at
            else "",
            "start_year": previous.start_year,
            "end_year": previous.end_year,
            "planned": sum(row["planned"] for row in effect["tracks"]),
            "done": sum(row["done"] for row in effect["tracks"]),
            "carried": effect["carried"],
            "tracks": [effect_row(row, is_factor=False) for row in effect["tracks"]],
            "factors": [effect_row(row, is_factor=True) for row in effect["factors"]],
        }

    movement = peers_movement(results) if shown else None
    moved = None
    if movement is not None:
        last = results.trend[-1] if len(results.trend) >= 2 else None

        def ours(section, code):
            if last is None:
                return "–"
            value = last.overall if section == "overall" else getattr(last, section).get(code)
            return _change(value.change if value else None)

        moved = {
            "peers": movement.peers,
            "rows": [
                {
                    "label": _("Totaal"),
                    "is_factor": False,
                    "ours": ours("overall", None),
                    "peers": _change(movement.overall),
                }
            ]
            + [
                {
                    "label": names.get(code, code),
                    "is_factor": False,
                    "ours": ours("tracks", code),
                    "peers": _change(value),
                }
                for code, value in movement.tracks.items()
            ]
            + [
                {
                    "label": names.get(code, code),
                    "is_factor": True,
                    "ours": ours("factors", code),
                    "peers": _change(value),
                }
                for code, value in movement.factors.items()
            ],
        }

    ambitions = ambitions_benchmark(results) if shown else None
    aims = None
    if ambitions is not None:
        aims = {
            "peers": ambitions.peers,
            "quartiles": ambitions.has_quartiles,
            "rows": [
                {
                    "code": row.code,
                    "label": names.get(row.code, row.code),
                    "current": display(row.current.score),
                    "current_mean": display(row.current.mean),
                    "desired": display(row.desired.score),
                    "desired_mean": display(row.desired.mean),
                    "desired_middle": _middle(row.desired),
                    "desired_percentile": _percentile(row.desired),
                    "gap": display(row.gap.score),
                    "gap_mean": display(row.gap.mean),
                    "gap_middle": _middle(row.gap),
                    "gap_percentile": _percentile(row.gap),
                }
                for row in ambitions.factors
            ],
        }
    return {"plan_effect": plan_effect, "movement": moved, "ambitions": aims}
