"""Small things a consultant tripped over (issue 14): messages, the roadmap's start year,
an unknown department, and the response monitor's open-link line."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.collection import response_monitor
from assessments.models import Assessment, Response
from roadmap.services import default_start_year
from tests.roadmap_data import answer_and_close
from tests.survey_data import invite, open_assessment, open_link

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_failed_login_says_what_went_wrong_once(client, people):
    page = client.post(
        reverse("login"), {"username": "alice", "password": "wrong"}
    ).content.decode()
    assert page.count('role="alert"') == 1
    assert "Gebruikersnaam of wachtwoord klopt niet." in page
    assert "alert-block" not in page  # crispy's copy of the same error


def test_an_empty_login_form_marks_the_fields_without_a_second_alert(client, people):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert 'role="alert"' not in page.split("<main", 1)[-1].split("<form", 1)[0]
    assert "is-invalid" in page


def upload(client, people, text):
    file = SimpleUploadedFile("lijst.csv", text.encode())
    return client.post(
        f"/metingen/{people.assessment.pk}/uitnodigingen/",
        {"action": "upload", "file": file},
        follow=True,
    )


def test_one_added_invitation_is_singular(client, people):
    client.force_login(people.consultant)
    page = upload(client, people, "email,layer\npiet@aadorp.nl,beleid\n").content.decode()
    assert "1 uitnodiging toegevoegd, 0 stonden er al." in page
    page = upload(
        client, people, "email,layer\npiet@aadorp.nl,beleid\nkees@aadorp.nl,beleid\n"
    ).content.decode()
    assert "1 uitnodiging toegevoegd, 1 stond er al." in page


def test_a_reminder_after_closing_says_the_survey_is_closed(client, people):
    client.force_login(people.consultant)
    open_assessment(people.assessment)
    invite(people.assessment)
    people.assessment.status = Assessment.Status.CLOSED
    people.assessment.save()
    page = client.post(
        f"/metingen/{people.assessment.pk}/uitnodigingen/", {"action": "remind"}, follow=True
    ).content.decode()
    assert "De vragenlijst is gesloten" in page
    assert "Zet de vragenlijst eerst open" not in page


def test_the_first_roadmap_claims_no_kept_edits(client, people):
    assessment = answer_and_close(people.assessment)
    client.force_login(people.consultant)
    page = client.post(
        reverse("roadmap_generate", args=[assessment.pk]), follow=True
    ).content.decode()
    assert "Routekaart gemaakt." in page
    assert "eigen wijzigingen" not in page
    page = client.post(
        reverse("roadmap_generate", args=[assessment.pk]), follow=True
    ).content.decode()
    assert "uw eigen wijzigingen zijn bewaard" in page


def test_a_period_over_new_year_plans_from_the_year_it_ends(people):
    assessment = people.assessment
    assessment.opens_on, assessment.closes_on = date(2026, 12, 1), date(2027, 1, 31)
    assert default_start_year(assessment) == 2027
    assessment.opens_on = None
    assessment.closes_on = date(2026, 9, 30)
    assert default_start_year(assessment) == 2027


@pytest.mark.parametrize("user", ["consultant", "viewer"])
def test_an_unknown_department_is_a_friendly_404(client, people, settings, user):
    settings.DEBUG = True  # as under `make run`: no debug page with every URL pattern
    assessment = answer_and_close(people.assessment)
    client.force_login(getattr(people, user))
    for path in ("", "download.json"):
        response = client.get(
            f"/metingen/{assessment.pk}/resultaten/{path}?afdeling=Bestaat%20niet"
        )
        assert response.status_code == 404
        page = response.content.decode()
        assert "Afdeling niet gevonden" in page
        assert "urlpatterns" not in page.lower() and "URLconf" not in page
        assert f"/metingen/{assessment.pk}/resultaten/" in page


def _submitted(assessment, number, *, layer="beleid", invitation=None, link=None):
    return Response.objects.create(
        assessment=assessment,
        respondent=f"r{number}",
        layer=assessment.layers.get(code=layer),
        invitation=invitation,
        open_link=link,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )


def test_the_monitor_counts_open_link_respondents_on_their_own_line(client, people):
    assessment = open_assessment(people.assessment) or people.assessment
    invitations = [invite(assessment, f"p{n}@aadorp.nl")[0] for n in range(3)]
    for number, invitation in enumerate(invitations):
        _submitted(assessment, number, invitation=invitation)
    link, _token = open_link(assessment, "beleid")
    for number in range(3, 5):
        _submitted(assessment, number, link=link)
    monitor = response_monitor(assessment)
    assert monitor["total"]["submitted"] == 5
    personal, opened = monitor["split"]
    assert (personal["invited"], personal["submitted"], personal["percent"]) == (3, 3, 100)
    assert (opened["submitted"], opened["percent"]) == (2, None)
    client.force_login(people.consultant)
    page = client.get(reverse("response_monitor", args=[assessment.pk])).content.decode()
    foot = re.search(r"<tfoot>(.*?)</tfoot>", page, flags=re.S).group(1)
    assert "Via een open link" in foot and "Persoonlijk uitgenodigd" in foot
    # The total carries no rate: 5 submitted of 3 invited is no percentage.
    total = foot.split("</tr>", 1)[0]
    assert "%" not in total


def test_a_viewer_gets_no_open_link_line_that_gives_a_small_count_away(people):
    assessment = open_assessment(people.assessment) or people.assessment
    for number in range(6):
        invitation = invite(assessment, f"p{number}@aadorp.nl")[0]
        _submitted(assessment, number, invitation=invitation)
    link, _token = open_link(assessment, "beleid")
    _submitted(assessment, 99, link=link)  # one: fewer than k
    assert response_monitor(assessment, private=True)["split"] == []
    for number in range(100, 105):
        _submitted(assessment, number, link=link)
    split = response_monitor(assessment, private=True)["split"]
    assert [line["submitted"] for line in split] == [6, 6]
