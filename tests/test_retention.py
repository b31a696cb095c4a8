"""anonymise_responses: respondent data goes after the retention period, scores stay."""

import io
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.demo import generate_answers
from assessments.models import FactorComment, Invitation, Response
from assessments.results import assessment_results
from assessments.results_export import results_json
from assessments.retention import months_before

pytestmark = pytest.mark.django_db

LAYERS = {"directie": 6, "management": 6, "uitvoering": 6}


def aware(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def closed(people):
    assessment = people.assessment
    generate_answers(assessment, LAYERS, seed=7, departments=["Ruimte"])
    layer = assessment.layers.get(code="directie")
    invitation = Invitation.objects.create(
        assessment=assessment,
        kind="personal",
        token_hash="a" * 64,
        email="jan@example.nl",
        layer=layer,
    )
    first = assessment.responses.order_by("pk").first()
    first.invitation = invitation
    first.save()
    FactorComment.objects.create(
        response=first, factor=assessment.model_version.factors.first(), text="Ik ben Jan."
    )
    Response.objects.create(assessment=assessment, respondent="draft-1", layer=layer)
    assessment.status = "closed"
    assessment.closed_at = aware(2025, 1, 15, 12, 0)
    assessment.save()
    return assessment


def run(*args):
    out = io.StringIO()
    call_command("anonymise_responses", *args, stdout=out)
    return out.getvalue()


def test_it_removes_what_identifies_and_keeps_the_scores(closed):
    before = results_json(assessment_results(closed))
    output = run("--months", "12")
    assert f"anonymised: assessment={closed.pk}" in output
    assert not Invitation.objects.filter(assessment=closed).exists()
    assert not FactorComment.objects.filter(response__assessment=closed).exists()
    assert not closed.responses.filter(status="draft").exists()
    respondents = list(closed.responses.values_list("respondent", flat=True))
    assert len(respondents) == 18
    assert all(r.startswith("anon-") for r in respondents)
    assert len(set(respondents)) == 18
    assert set(closed.responses.values_list("submitted_at", flat=True)) == {closed.closed_at}
    assert results_json(assessment_results(closed)) == before


def test_it_waits_for_the_retention_period(closed):
    assert run("--months", "24") == "nothing to anonymise\n"
    assert Invitation.objects.filter(assessment=closed).exists()


def test_a_dry_run_changes_nothing(closed):
    assert f"due: assessment={closed.pk}" in run("--months", "1", "--dry-run")
    assert FactorComment.objects.filter(response__assessment=closed).exists()


def test_it_runs_once(closed):
    run("--months", "12")
    assert run("--months", "12") == "nothing to anonymise\n"


def test_open_assessments_are_never_touched(people):
    generate_answers(people.assessment, LAYERS, seed=8)
    people.assessment.status = "open"
    people.assessment.closed_at = aware(2020, 1, 1)
    people.assessment.save()
    assert run("--months", "0") == "nothing to anonymise\n"


def test_it_refuses_negative_months(closed):
    with pytest.raises(SystemExit):
        run("--months", "-1")


@pytest.mark.parametrize(
    "moment, months, expected",
    [
        (aware(2026, 3, 31, 8, 0), 1, aware(2026, 2, 28, 8, 0)),
        (aware(2026, 1, 15, 8, 0), 12, aware(2025, 1, 15, 8, 0)),
        (aware(2026, 1, 15, 8, 0), 13, aware(2024, 12, 15, 8, 0)),
    ],
)
def test_months_are_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected
