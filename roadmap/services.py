"""Operations on an assessment's strategy session and roadmap.

Gathers the planner's inputs from the database (scores from assessments/results.py,
the consultant's targets, the library), stores its plan, and records the consultant's
edits. Manual edits, as regenerating keeps them (spec/roadmap.md "Editing"):
  - an activity moved by hand (`moved`) keeps its year and quarter;
  - owner, status and a register link always stay;
  - a generated activity the consultant removed stays out (`Roadmap.removed_codes`);
  - custom activities stay;
  - a generated activity the new plan no longer needs is deleted unless the
    consultant touched it (moved, an owner, a status other than gepland, a link).
"Start over" (`reset=True`) drops all of that and stores the plan as it comes. Kept
activities that fall beyond a shortened horizon are listed after the horizon.

Continuity (issue 15, roadmap/continuity.py): a roadmap continues the roadmap of the
organisation's previous measurement (`Roadmap.previous`, found on the first
generation). Its open activities (gepland, lopend) come over once, with their status,
owner and register link, marked `carried_from`; generated ones go through the planner
as already needed (roadmap/planner.py "Continuity"); the consultant's own, and
generated ones this model version's library lacks, come over as own activities in their
calendar year (overdue ones in year 1 Q1, later ones after the horizon). Done ones stay
on the previous roadmap as the route's history and are not planned again. Starting
over carries them over again; the previous roadmap is never changed.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from assessments.results import assessment_results

from . import continuity, planner
from .library import library_records, version_library
from .models import DataProject, FactorTarget, Kind, PlannedActivity, Roadmap
from .reasons import custom_reason, prerequisite_warning, reason_text

CUSTOM_PREFIX = "EIGEN-"


class RoadmapError(ValueError):
    """A roadmap cannot be generated (for example: the assessment is not closed)."""


def default_start_year(assessment):
    """The first roadmap year: the year after the assessment's period began (opens_on),
    so a period over New Year (December 2026 to January 2027) plans from 2027, not
    2028; without a start date, the year after it closed (or will close)."""
    moment = assessment.opens_on or assessment.closed_at or assessment.closes_on or date.today()
    return moment.year + 1


def roadmap_for(assessment):
    """The assessment's roadmap, created with its defaults when there is none yet."""
    roadmap, _created = Roadmap.objects.get_or_create(
        assessment=assessment,
        defaults={"horizon": assessment.horizon, "start_year": default_start_year(assessment)},
    )
    return roadmap


def _factors(assessment):
    return list(
        assessment.model_version.factors.select_related("track").order_by("track__order", "order")
    )


def factor_inputs(*, roadmap, results=None):
    """The planner's FactorInput per factor, in the model's order, with the KeyFactor."""
    assessment = roadmap.assessment
    results = results or assessment_results(assessment)
    chosen = dict(roadmap.targets.values_list("factor_id", "chosen"))
    rows = []
    for factor in _factors(assessment):
        score = results.factors.get(factor.code)
        rows.append(
            (
                factor,
                planner.FactorInput(
                    code=factor.code,
                    track=factor.track.code,
                    current=score.current if score else None,
                    desired=score.desired if score else None,
                    chosen_target=chosen.get(factor.pk),
                ),
            )
        )
    return rows


def strategy_targets(*, roadmap):
    """Per factor: the KeyFactor, its scores, current stage, default and chosen target,
    and the target stages the consultant may choose (spec/roadmap.md "Targets")."""
    rows = []
    for factor, inputs in factor_inputs(roadmap=roadmap):
        default = planner.factor_target(
            planner.FactorInput(inputs.code, inputs.track, inputs.current, inputs.desired),
            roadmap.horizon,
        )
        rows.append(
            {
                "factor": factor,
                "current": inputs.current,
                "desired": inputs.desired,
                "current_stage": default.current,
                "default": default.target,
                "chosen": inputs.chosen_target,
                "choices": list(
                    range(
                        default.current,
                        min(planner.MAX_LEVEL, default.current + roadmap.horizon) + 1,
                    )
                ),
            }
        )
    return rows


@transaction.atomic
def strategy_save(
    *, roadmap, vision, principles, frameworks, horizon, start_year, capacity, targets
):
    """Store the strategy session. `targets`: {KeyFactor: chosen target stage}."""
    roadmap.vision = vision
    roadmap.principles = list(principles)
    roadmap.frameworks = frameworks
    roadmap.horizon = horizon
    roadmap.start_year = start_year
    roadmap.capacity = capacity
    roadmap.save()
    _targets_upsert(
        roadmap,
        [FactorTarget(roadmap=roadmap, factor=f, chosen=c) for f, c in targets.items()],
        ["chosen"],
    )


def _targets_upsert(roadmap, targets, fields):
    """Write the roadmap's targets in one statement (one row per factor)."""
    FactorTarget.objects.bulk_create(
        targets, update_conflicts=True, unique_fields=["roadmap", "factor"], update_fields=fields
    )


def _touched(activity):
    return (
        activity.moved
        or activity.owner
        or activity.status != PlannedActivity.Status.PLANNED
        or activity.data_project_id is not None
    )


def _beyond_horizon(activity, horizon):
    if activity.year is not None and activity.year > horizon:
        activity.year = activity.quarter = None
        activity.after_horizon = True
        return True
    return False


@transaction.atomic
def roadmap_generate(*, roadmap, reset=False):
    """Plan the roadmap of a closed assessment and store it, keeping manual edits
    unless `reset`. Returns the planner's Plan."""
    assessment = roadmap.assessment
    if not assessment.is_closed:
        raise RoadmapError("the assessment is not closed")
    _lock(roadmap)
    if roadmap.previous_id is None:
        roadmap.previous = continuity.previous_roadmap(assessment)
    route = continuity.route_inputs(roadmap)
    rows = factor_inputs(roadmap=roadmap)
    factors = {factor.code: factor for factor, _inputs in rows}
    library = {activity.code: activity for activity in version_library(assessment.model_version)}
    carried = {a.code: a for a in route.carried if not a.custom and a.code in library}
    plan = planner.plan_roadmap(
        factors=[inputs for _factor, inputs in rows],
        library=library_records(library.values()),
        horizon=roadmap.horizon,
        capacity=roadmap.capacity,
        carried=carried,
        done=route.done,
    )

    _targets_upsert(
        roadmap,
        [
            FactorTarget(
                roadmap=roadmap,
                factor=factors[target.factor],
                current_stage=target.current,
                target_stage=target.target,
            )
            for target in plan.targets
        ],
        ["current_stage", "target_stage"],
    )
    if reset:
        roadmap.activities.all().delete()
        roadmap.removed_codes = []
    existing = {activity.code: activity for activity in roadmap.activities.all()}
    removed = set(roadmap.removed_codes)
    new, changed = [], []
    for item in (*plan.activities, *plan.after_horizon):
        if item.code in removed:
            continue
        source = library[item.code]
        values = {
            "title": source.title,
            "title_en": source.title_en,
            "description": source.description,
            "description_en": source.description_en,
            "factor": factors[item.factor],
            "kind": item.kind,
            "from_level": item.from_level,
            "effort": item.effort,
            "reason": item.reason.as_dict(),
            "prerequisites": list(item.prerequisites),
        }
        schedule = {"year": item.year, "quarter": item.quarter, "after_horizon": item.after_horizon}
        activity = existing.pop(item.code, None)
        old = carried.get(item.code)
        if activity is None:
            new.append(
                PlannedActivity(
                    roadmap=roadmap, code=item.code, **values, **schedule, **_carry(old)
                )
            )
            continue
        if not activity.moved:
            values.update(schedule)
        if old is not None and activity.carried_from_id is None:
            values.update(_carry(old) if not _touched(activity) else {"carried_from": old})
        for name, value in values.items():
            setattr(activity, name, value)
        _beyond_horizon(activity, roadmap.horizon)
        changed.append(activity)
    stale = []
    for activity in existing.values():
        if activity.custom or _touched(activity):
            if _beyond_horizon(activity, roadmap.horizon):
                changed.append(activity)
        else:
            stale.append(activity.pk)
    PlannedActivity.objects.filter(pk__in=stale).delete()
    present = [*new, *changed, *existing.values()]
    new += _carried_own(roadmap, route, present, factors, library)
    PlannedActivity.objects.bulk_create(new)
    PlannedActivity.objects.bulk_update(
        changed,
        [
            "title",
            "title_en",
            "description",
            "description_en",
            "factor",
            "kind",
            "from_level",
            "effort",
            "reason",
            "prerequisites",
            "year",
            "quarter",
            "after_horizon",
            "carried_from",
            "status",
            "owner",
            "data_project",
        ],
    )
    roadmap.generated_at = timezone.now()
    roadmap.save(update_fields=["removed_codes", "generated_at", "previous"])
    return plan


def _carry(old):
    """What a generated activity takes over from the open one it continues."""
    if old is None:
        return {}
    return {
        "carried_from": old,
        "status": old.status,
        "owner": old.owner,
        "data_project_id": old.data_project_id,
    }


def _carried_own(roadmap, route, present, factors, library):
    """New rows for the consultant's own open activities of the previous roadmap that
    this roadmap does not hold yet (each comes over once, under a free code). A
    generated one whose code this model version's library lacks comes over the same
    way, as the consultant's own (the planner cannot plan it)."""
    have = {a.carried_from_id for a in present if a.carried_from_id is not None}
    codes = {a.code for a in present}
    rows = []
    for old in route.carried:
        if (not old.custom and old.code in library) or old.pk in have:
            continue
        code = old.code
        if code in codes:
            code = _custom_code_after(codes)
        codes.add(code)
        year, quarter = continuity.carried_year(old, roadmap)
        rows.append(
            PlannedActivity(
                roadmap=roadmap,
                code=code,
                title=old.title,
                title_en=old.title_en,
                description=old.description,
                description_en=old.description_en,
                factor=factors.get(old.factor.code, old.factor),
                kind=old.kind,
                from_level=old.from_level,
                year=year,
                quarter=quarter,
                after_horizon=year is None,
                effort=old.effort,
                owner=old.owner,
                status=old.status,
                reason=dict(old.reason),
                custom=True,
                prerequisites=list(old.prerequisites),
                moved=True,
                data_project_id=old.data_project_id,
                carried_from=old,
            )
        )
    return rows


def _lock(roadmap):
    """Serialise writers of one roadmap (a double click on "generate" or "add") and
    read the removed codes as the lock holder left them."""
    locked = Roadmap.objects.select_for_update().only("removed_codes").get(pk=roadmap.pk)
    roadmap.removed_codes = locked.removed_codes


def roadmap_activities(roadmap):
    """The roadmap's activities in plan order, with factor and track."""
    return list(
        roadmap.activities.select_related("factor__track", "data_project").order_by(
            "after_horizon", "year", "quarter", "factor__order", "from_level", "code"
        )
    )


def activity_json(activity):
    return {
        "code": activity.code,
        "title": activity.title,
        "factor": activity.factor.code,
        "kind": activity.kind,
        "from_level": activity.from_level,
        "year": activity.year,
        "quarter": activity.quarter,
        "effort": activity.effort,
        "prerequisites": list(activity.prerequisites),
        "reason": reason_text(activity.reason),
        "reason_data": dict(activity.reason),
        "status": activity.status,
        "custom": activity.custom,
    }


def roadmap_json(roadmap):
    """The "Roadmap JSON" of spec/interfaces.md."""
    activities = roadmap_activities(roadmap)
    targets = roadmap.targets.select_related("factor").exclude(current_stage=None)
    return {
        "assessment": roadmap.assessment_id,
        "horizon": roadmap.horizon,
        "capacity": roadmap.capacity,
        "start_year": roadmap.start_year,
        "targets": {
            target.factor.code: {"current": target.current_stage, "target": target.target_stage}
            for target in targets
        },
        "activities": [activity_json(a) for a in activities if not a.after_horizon],
        "after_horizon": [activity_json(a) for a in activities if a.after_horizon],
    }


def activity_schedule(*, activity, year, quarter):
    """Move an activity; year None moves it after the horizon."""
    if year is None:
        quarter = None
    if (activity.year, activity.quarter) != (year, quarter):
        activity.year, activity.quarter = year, quarter
        activity.after_horizon = year is None
        activity.moved = True


@transaction.atomic
def activity_update(*, activity, year, quarter, owner, status, data_project, texts=None):
    """Save an edit; `texts` (title, title_en, description, description_en) only for a
    custom activity, whose texts are the consultant's own."""
    activity_schedule(activity=activity, year=year, quarter=quarter)
    if texts and activity.custom:
        for field in ("title", "title_en", "description", "description_en"):
            if field in texts:
                setattr(activity, field, texts[field])
    activity.owner = owner
    activity.status = status
    activity.data_project = data_project if activity.kind == Kind.DATA_PROJECT else None
    activity.save()
    return activity


def _custom_code_after(codes):
    """The next free EIGEN-n after the numbered custom codes among `codes`."""
    numbers = [
        int(code[len(CUSTOM_PREFIX) :])
        for code in codes
        if code.startswith(CUSTOM_PREFIX) and code[len(CUSTOM_PREFIX) :].isdigit()
    ]
    return f"{CUSTOM_PREFIX}{max(numbers, default=0) + 1}"


def _next_custom_code(roadmap):
    return _custom_code_after(
        roadmap.activities.filter(custom=True, code__startswith=CUSTOM_PREFIX).values_list(
            "code", flat=True
        )
    )


@transaction.atomic
def activity_add(
    *,
    roadmap,
    title,
    factor,
    kind,
    effort,
    year,
    quarter,
    owner,
    reason,
    title_en="",
    description="",
    description_en="",
):
    """A custom activity of the consultant's own, with its texts in Dutch and English."""
    _lock(roadmap)
    return PlannedActivity.objects.create(
        roadmap=roadmap,
        code=_next_custom_code(roadmap),
        title=title,
        title_en=title_en,
        description=description,
        description_en=description_en,
        factor=factor,
        kind=kind,
        effort=effort,
        year=year,
        quarter=quarter if year is not None else None,
        after_horizon=year is None,
        owner=owner,
        reason=custom_reason(reason),
        custom=True,
        moved=True,
    )


@transaction.atomic
def activity_remove(*, activity):
    """Remove an activity; a generated one stays out when the roadmap is regenerated."""
    roadmap = activity.roadmap
    _lock(roadmap)
    if not activity.custom and activity.code not in roadmap.removed_codes:
        roadmap.removed_codes = [*roadmap.removed_codes, activity.code]
        roadmap.save(update_fields=["removed_codes"])
    activity.delete()


def share_done(activities):
    """(done, counted, percentage) of the activities; vervallen ones do not count."""
    counted = [a for a in activities if a.status != PlannedActivity.Status.LAPSED]
    done = sum(1 for a in counted if a.status == PlannedActivity.Status.DONE)
    return {
        "done": done,
        "total": len(counted),
        "percent": round(100 * done / len(counted)) if counted else 0,
    }


def roadmap_progress(activities, *, tracks, years):
    """Share gereed per track and per year of the activities within the horizon, and
    the number of activities per year (to compare with the capacity)."""
    within = [a for a in activities if not a.after_horizon]
    by_year = []
    for year, calendar in years:
        in_year = [a for a in within if a.year == year]
        by_year.append((year, calendar, len(in_year), share_done(in_year)))
    return {
        "tracks": [
            (track, share_done([a for a in within if a.factor.track_id == track.pk]))
            for track in tracks
        ],
        "years": by_year,
        "all": share_done(within),
    }


def _when(activity):
    """Sort key of an activity's place on the roadmap; after the horizon is last."""
    if activity.after_horizon or activity.year is None:
        return (float("inf"), 0)
    return (activity.year, activity.quarter or 0)


def prerequisite_warnings(activities, *, start_year):
    """Mark every activity planned before one of its prerequisites (spec roadmap.md: a
    manual move that breaks a prerequisite is allowed and shown with a warning).

    Computed from the activities as they are, never stored. Sets on each activity
    `waits_for` (its prerequisites on the roadmap planned later than it, after the
    horizon included), `holds_up` (the activities that need it and are planned
    earlier), `warnings` (both worded, roadmap/reasons.py) and `short_warnings` (the
    same without the moment, for the poster). Same year and quarter
    is no warning (P3 allows it); a prerequisite not on the roadmap (removed) neither.
    Returns the number of activities planned before a prerequisite.
    """
    by_code = {activity.code: activity for activity in activities}
    for activity in activities:
        activity.waits_for, activity.holds_up = [], []
    for activity in activities:
        for code in activity.prerequisites:
            prerequisite = by_code.get(code)
            if prerequisite is not None and _when(prerequisite) > _when(activity):
                activity.waits_for.append(prerequisite)
                prerequisite.holds_up.append(activity)
    for activity in activities:
        for name, short in (("warnings", False), ("short_warnings", True)):
            setattr(
                activity,
                name,
                [
                    prerequisite_warning(
                        activity, o, waits=True, start_year=start_year, short=short
                    )
                    for o in activity.waits_for
                ]
                + [
                    prerequisite_warning(
                        activity, o, waits=False, start_year=start_year, short=short
                    )
                    for o in activity.holds_up
                ],
            )
    return sum(1 for activity in activities if activity.waits_for)


IDEA_SUBJECT_LENGTH = 80


def idea_from_comment(*, organisation, factor_code, text):
    """A register entry with status idea from a survey comment: the comment is the
    description, and a short subject comes from its start (made unique within the
    organisation, which the register requires)."""
    words = " ".join(text.split())
    if len(words) > IDEA_SUBJECT_LENGTH:
        words = words[: IDEA_SUBJECT_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    base = f"{factor_code}: {words}"[:190]
    taken = set(
        DataProject.objects.filter(organisation=organisation, subject__startswith=base).values_list(
            "subject", flat=True
        )
    )
    subject, number = base, 1
    while subject in taken:
        number += 1
        subject = f"{base} ({number})"
    return DataProject.objects.create(
        organisation=organisation,
        subject=subject,
        status=DataProject.Status.IDEA,
        source=DataProject.Source.SURVEY_COMMENT,
        description=text,
    )


# Words too general to say two things are the same project.
_SUGGEST_STOPWORDS = {
    "voor",
    "naar",
    "over",
    "tussen",
    "eerste",
    "organisatie",
    "dashboard",
    "monitor",
    "analyse",
    "rapportage",
    "model",
}


def _stems(text):
    """Word stems to compare titles loosely: words of 5+ letters, their first 6 letters
    ("schulden" and "schuldhulp" share "schuld")."""
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()
    return {w[:6] for w in words if len(w) >= 5 and w not in _SUGGEST_STOPWORDS}


def suggest_data_projects(activity, projects, limit=3):
    """Register entries that look like what a data-project activity is about: a word
    stem shared between the activity's title or description and the project's subject,
    ranked by the stems shared with subject, domain, description and information
    question. Only a suggestion: the consultant links (a library card about debt
    prediction and "Vroegsignalering schulden")."""
    if not activity.is_data_project:
        return []
    wanted = _stems(f"{activity.title} {activity.description}")
    scored = []
    for project in projects:
        # The subject must share a stem; the rest only ranks (a shared domain alone
        # says little: half the register is Sociaal Domein).
        if project.status == DataProject.Status.STOPPED or not wanted & _stems(project.subject):
            continue
        text = " ".join(
            (project.subject, project.domain, project.description, project.information_question)
        )
        score = len(wanted & _stems(text))
        if score:
            scored.append((-score, project.subject, project))
    return [project for *_key, project in sorted(scored, key=lambda row: row[:2])[:limit]]
