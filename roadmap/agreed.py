"""The results session (validation, issue 15): the levels the organisation agreed on
per factor, beside the survey's. The survey figure stays the survey figure: these are
stored apart and shown next to it, never instead of it."""

from django.db import transaction
from django.utils import timezone

from assessments.stages import MAX_LEVEL

from .models import AgreedLevel, FactorTarget
from .services import roadmap_for, strategy_targets


def agreed_levels(assessment):
    """{factor code: AgreedLevel} of the assessment (one query)."""
    return {
        level.factor.code: level
        for level in AgreedLevel.objects.filter(assessment=assessment).select_related("factor")
    }


@transaction.atomic
def agreed_levels_save(*, assessment, rows):
    """`rows`: {KeyFactor: (current, desired, note)}. A factor with nothing agreed loses
    its row. Every factor must belong to the assessment's model version."""
    if any(factor.version_id != assessment.model_version_id for factor in rows):
        raise ValueError("factor of another model version")
    empty = [
        f.pk for f, (cur, des, note) in rows.items() if cur is None and des is None and not note
    ]
    AgreedLevel.objects.filter(assessment=assessment, factor_id__in=empty).delete()
    now = timezone.now()
    AgreedLevel.objects.bulk_create(
        [
            AgreedLevel(
                assessment=assessment,
                factor=factor,
                current=current,
                desired=desired,
                note=note,
                updated_at=now,
            )
            for factor, (current, desired, note) in rows.items()
            if factor.pk not in empty
        ],
        update_conflicts=True,
        unique_fields=["assessment", "factor"],
        update_fields=["current", "desired", "note", "updated_at"],
    )


def agreed_levels_with_desired(assessment):
    return AgreedLevel.objects.filter(assessment=assessment, desired__isnull=False).exists()


@transaction.atomic
def use_as_targets(assessment):
    """Set the roadmap's chosen targets (rule T2) from the agreed desired levels, kept
    within what the strategy session allows (T3: not under the current stage, at most
    one stage per year of the horizon). Returns (set, adjusted): the factor codes set,
    and those whose agreed level had to be moved into that range."""
    roadmap = roadmap_for(assessment)
    agreed = agreed_levels(assessment)
    chosen, adjusted = [], []
    for row in strategy_targets(roadmap=roadmap):
        level = agreed.get(row["factor"].code)
        if level is None or level.desired is None:
            continue
        lowest = row["current_stage"]
        highest = min(MAX_LEVEL, lowest + roadmap.horizon)
        target = max(lowest, min(level.desired, highest))
        if target != level.desired:
            adjusted.append(row["factor"].code)
        chosen.append(FactorTarget(roadmap=roadmap, factor=row["factor"], chosen=target))
    FactorTarget.objects.bulk_create(
        chosen, update_conflicts=True, unique_fields=["roadmap", "factor"], update_fields=["chosen"]
    )
    return [t.factor.code for t in chosen], adjusted
