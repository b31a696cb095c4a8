"""Reopening a closed assessment, and which version of its results viewers see.

scoring.md, Versions: viewers see results of closed assessments only. After a reopen
and a new close, the new version replaces the old one for viewers only if every group
and department whose respondents changed gained or lost 0 or at least k of them;
otherwise the difference between the two versions would be a small group's answers.
Until then viewers keep the earlier version, and the consultant is told why.

The earlier version is kept as the ids of its submitted responses
(`Assessment.released_responses`): submitted answers never change, so the same
responses under the same frozen reporting groups give the same results again
(results.assessment_results computes them from those responses alone).
"""

from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Assessment, Reopening, Response
from .presentation import group_name
from .results import groups_now


@dataclass(frozen=True)
class Change:
    """A group or department whose respondents changed by a small number."""

    kind: str  # "group" or "department"
    name: str  # the group's name, or the department's ('' = no department)
    gained: int
    lost: int


def assessment_reopen(*, assessment, user):
    """Open a closed assessment again (consultant only: the view checks). The version
    viewers saw stays theirs until a new close may replace it. Returns the Reopening,
    or None when the assessment is not closed."""
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status != Assessment.Status.CLOSED:
            return None
        if locked.released_responses is None:
            locked.released_responses = sorted(
                Response.objects.filter(
                    assessment=locked, status=Response.Status.SUBMITTED
                ).values_list("pk", flat=True)
            )
        locked.status = Assessment.Status.OPEN
        # A save, not an update: the kept results go (results._assessment_saved) and
        # are made again at the next close; PDFs are made from them on request.
        locked.save(update_fields=["status", "released_responses"])
        reopening = Reopening.objects.create(
            assessment=locked,
            reopened_by=user,
            reopened_by_name=user.get_full_name() or user.get_username(),
        )
    assessment.status = locked.status
    assessment.released_responses = locked.released_responses
    return reopening


def version_changes(assessment):
    """The groups and departments whose submitted respondents changed since the version
    viewers see by 1 to k − 1 (gained or lost). [] when the current results may replace
    it. Two queries and the layers."""
    old = set(assessment.released_responses or [])
    rows = list(
        Response.objects.filter(assessment=assessment)
        .filter(Q(pk__in=old) | Q(status=Response.Status.SUBMITTED))
        .values_list("pk", "layer__code", "department", "status")
    )
    now = {pk for pk, _layer, _department, status in rows if status == Response.Status.SUBMITTED}
    found = {pk: (layer, department) for pk, layer, department, _status in rows}
    gained, lost = now - old, old - now
    k = assessment.min_group_size
    layers = list(assessment.layers.order_by("order", "pk"))
    names = {layer.code: layer.label for layer in layers}
    counts = {layer.code: 0 for layer in layers}
    changes = []
    for group in groups_now(assessment, counts):
        members = set(group.layers)
        plus = sum(1 for pk in gained if found[pk][0] in members)
        minus = sum(1 for pk in lost if pk not in found or found[pk][0] in members)
        if _small(plus, k) or _small(minus, k):
            changes.append(Change("group", group_name(group, names), plus, minus))
    departments = sorted({found[pk][1] for pk in gained | lost if pk in found})
    for department in departments:
        plus = sum(1 for pk in gained if found[pk][1] == department)
        minus = sum(1 for pk in lost if pk not in found or found[pk][1] == department)
        if _small(plus, k) or _small(minus, k):
            changes.append(Change("department", department, plus, minus))
    return changes


def _small(n, k):
    return 0 < n < k


def after_close(assessment):
    """At a close after a reopen: release the new version to viewers, or keep the
    earlier one and record why (on the last reopening)."""
    if assessment.released_responses is None:
        return
    changes = version_changes(assessment)
    if not changes:
        assessment.released_responses = None
        Assessment.objects.filter(pk=assessment.pk).update(released_responses=None)
    reopening = assessment.reopenings.order_by("-reopened_at", "-pk").first()
    if reopening is not None:
        reopening.closed_again_at = timezone.now()
        reopening.held_back = [asdict(change) for change in changes]
        reopening.save(update_fields=["closed_again_at", "held_back"])


def held_back(assessment):
    """Why viewers still see an earlier version ([] when they see the current one)."""
    if assessment.released_responses is None or not assessment.is_closed:
        return []
    reopening = assessment.reopenings.order_by("-reopened_at", "-pk").first()
    return [Change(**change) for change in (reopening.held_back or [])] if reopening else []
