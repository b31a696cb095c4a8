"""Answers built in code for the scoring and results tests.

A small model version keeps hand-computed examples short: tracks LC (LC1, LC2),
IT (IT3) and PEB (PEB1), two questions on LC1 and one on each other factor, and the
layers bestuur, directie, management, uitvoering.
"""

from datetime import datetime

from django.utils import timezone

from assessments.models import (
    Answer,
    Assessment,
    FactorComment,
    KeyFactor,
    LevelDescriptor,
    ModelLayer,
    ModelVersion,
    Organisation,
    Question,
    Response,
    Track,
)
from assessments.results_sql import keep_factor_sums

SMALL_MODEL = {
    "LC": ["LC1", "LC2"],
    "IT": ["IT3"],
    "PEB": ["PEB1"],
}
SMALL_QUESTIONS = {
    "LC1": ["LC1.1", "LC1.2"],
    "LC2": ["LC2.1"],
    "IT3": ["IT3.1"],
    "PEB1": ["PEB1.1"],
}
SMALL_LAYERS = ["bestuur", "directie", "management", "uitvoering"]


def small_model(code="TEST-1", factors=None):
    """A model version with the small model's tracks, factors, questions and layers."""
    version = ModelVersion.objects.create(code=code, name=code)
    for order, layer in enumerate(SMALL_LAYERS):
        ModelLayer.objects.create(version=version, code=layer, name=layer.title(), order=order)
    factor_order = 0
    for track_order, (track_code, codes) in enumerate(SMALL_MODEL.items()):
        track = Track.objects.create(
            version=version, code=track_code, name=f"Spoor {track_code}", order=track_order
        )
        for code in codes:
            if factors is not None and code not in factors:
                continue
            factor_order += 1
            factor = KeyFactor.objects.create(
                version=version, track=track, code=code, name=f"Factor {code}", order=factor_order
            )
            LevelDescriptor.objects.bulk_create(
                LevelDescriptor(factor=factor, level=level, text=f"{code} niveau {level}")
                for level in range(6)
            )
            for question_order, question in enumerate(SMALL_QUESTIONS[code]):
                Question.objects.create(
                    version=version,
                    factor=factor,
                    code=question,
                    text=f"Vraag {question}",
                    order=factor_order * 10 + question_order,
                )
    return version


def organisation(name, type=Organisation.Type.GEMEENTE, *, benchmark=False):
    """An organisation; `benchmark`: it takes part in the benchmark (the operator
    switched it on after it agreed)."""
    if not benchmark:
        return Organisation.objects.create(name=name, type=type)
    return Organisation.objects.create(
        name=name,
        type=type,
        benchmark_agreed_at=timezone.make_aware(datetime(2026, 1, 15)),
        benchmark_agreed_by="Test: directeur, besluit 15-1-2026",
    )


def assessment(organisation, version, *, name="Nulmeting", closed_at=None, k=5):
    """An assessment with the version's default layers; closed when closed_at is given."""
    created = Assessment.objects.create(
        organisation=organisation,
        model_version=version,
        name=name,
        min_group_size=k,
        status=Assessment.Status.CLOSED if closed_at else Assessment.Status.OPEN,
        closed_at=timezone.make_aware(closed_at) if closed_at else None,
    )
    created.add_default_layers()
    return created


def add_respondents(assessment, respondents, *, status=Response.Status.SUBMITTED, keep=True):
    """Respondents as (layer, department, {question: (current, desired)}) or with a
    fourth item {factor code: comment}; None is "weet ik niet". Bulk-created, and their
    factor sums kept as the import keeps them (keep=False: not, as before FactorSum)."""
    layers = {layer.code: layer for layer in assessment.layers.all()}
    questions = {q.code: q for q in assessment.model_version.questions.all()}
    factors = {f.code: f for f in assessment.model_version.factors.all()}
    start = Response.objects.filter(assessment=assessment).count()
    submitted_at = timezone.make_aware(datetime(2026, 3, 1))
    responses = Response.objects.bulk_create(
        Response(
            assessment=assessment,
            respondent=f"r{start + number}",
            layer=layers[respondent[0]],
            department=respondent[1],
            status=status,
            submitted_at=submitted_at if status == Response.Status.SUBMITTED else None,
        )
        for number, respondent in enumerate(respondents)
    )
    answers, comments = [], []
    for response, respondent in zip(responses, respondents, strict=True):
        for code, (current, desired) in respondent[2].items():
            answers.append(
                Answer(
                    response=response, question=questions[code], current=current, desired=desired
                )
            )
        for code, text in (respondent[3] if len(respondent) > 3 else {}).items():
            comments.append(FactorComment(response=response, factor=factors[code], text=text))
    Answer.objects.bulk_create(answers)
    FactorComment.objects.bulk_create(comments)
    if keep:
        keep_factor_sums(Response.objects.filter(pk__in=[response.pk for response in responses]))
    return responses


def same_answers(current, desired=None):
    """Every question of the small model answered with the same values."""
    desired = current if desired is None else desired
    return {
        question: (current, desired)
        for questions in SMALL_QUESTIONS.values()
        for question in questions
    }
