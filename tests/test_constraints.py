"""The database, not only the code, keeps the data sound."""

import pytest
from django.db import IntegrityError, transaction

from assessments.models import Answer, Assessment, LevelDescriptor, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def response(people):
    layer = people.assessment.layers.first()
    return Response.objects.create(assessment=people.assessment, respondent="r1", layer=layer)


@pytest.mark.parametrize("current, desired", [(6, 3), (3, 6), (-1, None)])
def test_answers_stay_within_0_to_5(response, model_version, current, desired):
    question = model_version.questions.first()
    with pytest.raises((IntegrityError, ValueError)), transaction.atomic():
        Answer.objects.create(
            response=response, question=question, current=current, desired=desired
        )


def test_dont_know_is_stored_as_empty(response, model_version):
    question = model_version.questions.first()
    answer = Answer.objects.create(response=response, question=question)
    assert answer.current is None and answer.desired is None


def test_one_answer_per_question(response, model_version):
    question = model_version.questions.first()
    Answer.objects.create(response=response, question=question, current=1, desired=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=question, current=2, desired=3)


def test_one_respondent_id_per_assessment(response):
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            assessment=response.assessment, respondent="r1", layer=response.layer
        )


def test_a_submitted_response_has_a_time(response):
    response.status = Response.Status.SUBMITTED
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_level_descriptors_stay_within_0_to_5(model_version):
    factor = model_version.factors.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        LevelDescriptor.objects.create(factor=factor, level=6, text="te hoog")


def test_horizon_is_bounded(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=people.assessment.pk).update(horizon=0)
