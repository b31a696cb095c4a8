"""Data built in code for the roadmap tests: closed assessments with known factor scores."""

from datetime import datetime

from django.utils import timezone

from assessments.models import Answer, Assessment, Response
from assessments.results import results_forget
from roadmap.models import PlannedActivity
from roadmap.services import roadmap_for

# Current and desired answer per factor: the factor scores are exactly these values.
SCORES = {
    "LC1": (2, 4),
    "LC2": (1, 3),
    "LC3": (1, 3),
    "OG1": (1, 3),
    "OG2": (2, 3),
    "ML1": (1, 3),
    "ML2": (1, 2),
    "IT1": (2, 4),
    "IT2": (2, 3),
    "IT3": (2, 4),
    "PEB1": (2, 4),
    "PEB2": (1, 3),
}


def answer_and_close(assessment, scores=None, *, respondents=5, layer="beleid"):
    """`respondents` submitted responses in one layer answering every question of a
    factor with the same (current, desired), then close the assessment."""
    scores = scores or SCORES
    layer = assessment.layers.get(code=layer)
    questions = [
        q
        for q in assessment.model_version.questions.select_related("factor")
        if q.is_asked_of(layer.code)
    ]
    submitted_at = timezone.make_aware(datetime(2026, 3, 1))
    for number in range(respondents):
        response = Response.objects.create(
            assessment=assessment,
            respondent=f"t{assessment.pk}-{number}",
            layer=layer,
            status=Response.Status.SUBMITTED,
            submitted_at=submitted_at,
        )
        Answer.objects.bulk_create(
            Answer(
                response=response,
                question=question,
                current=scores[question.factor.code][0],
                desired=scores[question.factor.code][1],
            )
            for question in questions
            if question.factor.code in scores
        )
    assessment.status = Assessment.Status.CLOSED
    assessment.closed_at = timezone.make_aware(datetime(2026, 3, 13, 17, 0))
    assessment.save()
    results_forget(assessment)
    return assessment


def roadmap_with_activities(assessment, count):
    """A roadmap with `count` activities spread over factors, years and kinds, without
    planning (for the query-count tests)."""
    roadmap = roadmap_for(assessment)
    factors = list(assessment.model_version.factors.all())
    PlannedActivity.objects.bulk_create(
        PlannedActivity(
            roadmap=roadmap,
            code=f"T-{number}",
            title=f"Activiteit {number}",
            factor=factors[number % len(factors)],
            kind="dataproject" if number % 3 == 0 else "randvoorwaarde",
            from_level=number % 5,
            year=None if number % 17 == 16 else number % roadmap.horizon + 1,
            quarter=None if number % 17 == 16 else number % 4 + 1,
            after_horizon=number % 17 == 16,
            effort="M",
            reason={
                "kind": "transition",
                "factor": factors[number % len(factors)].code,
                "from": 1,
                "to": 2,
            },
            status=["gepland", "lopend", "gereed", "vervallen"][number % 4],
            owner="Team data" if number % 2 else "",
        )
        for number in range(count)
    )
    return roadmap
