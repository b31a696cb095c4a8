"""Data care under the AVG: anonymising respondent data some months after closing.

What goes: invitations (e-mail addresses and token hashes), free-text comments, draft
responses (they never counted), the link between a response and its original
pseudonymous id, and the exact times of answering. What stays: the answers with their
layer and department, so scores, benchmark and trend stay as they were (the results
are kept in a snapshot before anything is removed).
"""

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import Assessment, FactorComment, Invitation, Response
from .results import assessment_results

ANONYMOUS_PREFIX = "anon-"


def months_before(moment, months):
    """The same day and time `months` calendar months earlier (clipped to month end)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(moment.day, 0, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def assessments_due(*, months, now=None):
    """Closed assessments whose close lies at least `months` months back."""
    cutoff = months_before(now or timezone.now(), months)
    return Assessment.objects.filter(
        status=Assessment.Status.CLOSED, closed_at__isnull=False, closed_at__lte=cutoff
    ).order_by("closed_at", "pk")


def needs_anonymising(assessment):
    return (
        Invitation.objects.filter(assessment=assessment).exists()
        or FactorComment.objects.filter(response__assessment=assessment).exists()
        or Response.objects.filter(assessment=assessment)
        .exclude(respondent__startswith=ANONYMOUS_PREFIX)
        .exists()
    )


@transaction.atomic
def assessment_anonymise(*, assessment):
    """Remove what could identify a respondent; returns the counts of what was removed."""
    # Keep the results first: they must not change by anonymising.
    assessment_results(assessment)
    responses = Response.objects.filter(assessment=assessment)
    counts = {
        "drafts": responses.filter(status=Response.Status.DRAFT).delete()[0],
        "comments": FactorComment.objects.filter(response__assessment=assessment).delete()[0],
        "invitations": Invitation.objects.filter(assessment=assessment).delete()[0],
    }
    moment = assessment.closed_at or timezone.make_aware(datetime(2000, 1, 1))
    renamed = []
    for response in responses.exclude(respondent__startswith=ANONYMOUS_PREFIX).only("pk"):
        response.respondent = ANONYMOUS_PREFIX + secrets.token_hex(8)
        renamed.append(response)
    # bulk_update/update send no post_save: answers are unchanged, so the kept
    # results stay valid.
    Response.objects.bulk_update(renamed, ["respondent"], batch_size=1000)
    responses.update(started_at=moment, submitted_at=moment)
    counts["respondents"] = len(renamed)
    return counts
