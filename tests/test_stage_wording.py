"""Stage wording on the results page (issue 16): stage names in the active language,
and the unrounded score where a shown score and its stage seem to disagree."""

import csv
import io

import pytest
from django.urls import reverse

from assessments.models import Membership

from . import scoring_data as data

pytestmark = pytest.mark.django_db

HINT_NL = "1,96 → Pionier; een fase begint bij een heel getal"


@pytest.fixture
def rounding_case(people):
    """Every factor at 1.96 now (24 respondents answer 2, one answers 1): shown as
    2,0 with the stage Pionier; desired 4,0."""
    version = data.small_model()
    organisation = data.organisation("Gemeente Afrond")
    Membership.objects.create(
        user=people.consultant, organisation=organisation, role=Membership.Role.CONSULTANT
    )
    assessment = data.assessment(organisation, version)
    data.add_respondents(
        assessment,
        [("uitvoering", "", data.same_answers(2, 4))] * 24
        + [("uitvoering", "", data.same_answers(1, 4))],
    )
    return assessment


def results_page(client, user, assessment):
    client.force_login(user)
    return client.get(reverse("results", args=[assessment.pk])).content.decode()


def test_the_page_shows_the_unrounded_score_where_the_stage_seems_wrong(
    client, people, rounding_case
):
    content = results_page(client, people.consultant, rounding_case)
    assert "2,0" in content and "Pionier" in content
    # In the summary, and in the track and factor tables.
    assert content.count(HINT_NL) >= 3
    assert 'class="d-block small text-secondary stage-hint"' in content


def test_no_hint_where_the_shown_score_and_its_stage_agree(client, people):
    version = data.small_model()
    organisation = data.organisation("Gemeente Rond")
    Membership.objects.create(
        user=people.consultant, organisation=organisation, role=Membership.Role.CONSULTANT
    )
    assessment = data.assessment(organisation, version)
    data.add_respondents(assessment, [("uitvoering", "", data.same_answers(2, 4))] * 5)
    content = results_page(client, people.consultant, assessment)
    assert "Adept" in content
    assert "stage-hint" not in content and "een fase begint" not in content


def test_the_english_page_uses_english_stage_names(client, people, rounding_case):
    client.force_login(people.consultant)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("results", args=[rounding_case.pk])).content.decode()
    assert "Pioneer" in content
    assert ">Pionier<" not in content
    assert "1.96 → Pioneer" in content


def test_the_csv_export_notes_the_unrounded_score_beside_a_stage(client, people, rounding_case):
    client.force_login(people.consultant)
    content = client.get(reverse("results_download", args=[rounding_case.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(content.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[-1] == "stage_note"
    factor_rows = [row for row in rows[1:] if row[0] == "factor"]
    assert factor_rows
    for row in factor_rows:
        assert row[header.index("current")] == "2,0"
        assert row[header.index("stage")] == "1"
        assert row[header.index("stage_note")] == HINT_NL
