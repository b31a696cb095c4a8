"""Survey comments to register ideas (issue 15): consultant only, shown comments only,
never who wrote them."""

import pytest
from django.urls import reverse

from assessments.models import FactorComment
from roadmap.models import DataProject

from . import test_results_page

# The results page's case: bestuur and management hidden, directie and uitvoering shown.
hidden_case = test_results_page.hidden_case
version = test_results_page.version

pytestmark = pytest.mark.django_db

SHOWN = "<script>alert(1)</script>"


def post(client, assessment, **data):
    return client.post(reverse("comment_to_idea", args=[assessment.pk]), data)


def test_the_consultant_turns_a_shown_comment_into_an_idea(client, hidden_case, people):
    client.force_login(people.consultant)
    html = client.get(reverse("results", args=[hidden_case.pk])).content.decode()
    assert "als idee in register" in html
    response = post(client, hidden_case, factor="LC1", text=SHOWN)
    assert response.status_code == 302
    assert response["Location"].endswith("#h-comments")
    project = DataProject.objects.get()
    assert project.organisation == hidden_case.organisation
    assert (project.status, project.source, project.description) == ("idee", "toelichting", SHOWN)
    assert project.subject.startswith("LC1: ")
    # Nothing of the respondent: no layer, department or respondent code.
    for field in ("subject", "description", "problem_owner", "domain", "sponsor"):
        value = getattr(project, field)
        assert "directie" not in value.lower() and "Zorg" not in value
    # Twice the same comment: a second idea with a unique subject.
    post(client, hidden_case, factor="LC1", text=SHOWN)
    assert DataProject.objects.count() == 2
    assert len(set(DataProject.objects.values_list("subject", flat=True))) == 2


@pytest.mark.parametrize(
    "data",
    [
        {"factor": "LC1", "text": "GEHEIM-VAN-BESTUUR"},  # hidden layer
        {"factor": "IT3", "text": "GEHEIM-VAN-MANAGEMENT"},  # hidden by suppression
        {"factor": "IT3", "text": SHOWN},  # the text under another factor
        {"factor": "LC1", "text": "made up"},
        {"factor": "LC1", "text": SHOWN, "afdeling": "Bestaat niet"},
    ],
)
def test_a_comment_the_page_does_not_show_cannot_become_an_idea(client, hidden_case, people, data):
    client.force_login(people.consultant)
    assert post(client, hidden_case, **data).status_code == 404
    assert not DataProject.objects.exists()


def test_viewers_and_strangers_cannot_add_ideas(client, hidden_case, people):
    client.force_login(people.viewer)
    html = client.get(reverse("results", args=[hidden_case.pk])).content.decode()
    assert "als idee in register" not in html
    assert post(client, hidden_case, factor="LC1", text=SHOWN).status_code == 403
    client.force_login(people.other_consultant)
    assert post(client, hidden_case, factor="LC1", text=SHOWN).status_code == 404
    assert not DataProject.objects.exists()
    assert client.get(reverse("comment_to_idea", args=[hidden_case.pk])).status_code == 405


def test_a_long_comment_gets_a_short_subject(client, hidden_case, people):
    long_text = "Wij willen graag " + "heel " * 100 + "veel weten."
    FactorComment.objects.filter(text=SHOWN).update(text=long_text)
    client.force_login(people.consultant)
    assert post(client, hidden_case, factor="LC1", text=long_text).status_code == 302
    project = DataProject.objects.get()
    assert len(project.subject) <= 90 and project.subject.endswith("…")
    assert project.description == long_text


def test_a_comment_with_line_breaks_survives_the_browser(client, hidden_case, people):
    FactorComment.objects.filter(text=SHOWN).update(text="Eerste regel\nTweede regel")
    client.force_login(people.consultant)
    response = post(client, hidden_case, factor="LC1", text="Eerste regel\r\nTweede regel")
    assert response.status_code == 302
    assert DataProject.objects.get().description == "Eerste regel\nTweede regel"


def test_agreed_levels_stay_off_a_departments_page(client, hidden_case, people):
    from roadmap.models import AgreedLevel

    factor = hidden_case.model_version.factors.get(code="LC1")
    AgreedLevel.objects.create(assessment=hidden_case, factor=factor, current=2, note="AFSPRAAK")
    client.force_login(people.consultant)
    url = reverse("results", args=[hidden_case.pk])
    assert "AFSPRAAK" in client.get(url).content.decode()
    department = client.get(url, {"afdeling": "Zorg"})
    assert department.status_code == 200 and department.context["factor_rows"]
    assert "AFSPRAAK" not in department.content.decode()
