"""Reopening a closed assessment, and which version of the results viewers see after
the next close (scoring.md, Versions)."""

import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from assessments.collection import assessment_set_status
from assessments.models import Answer, Assessment, Reopening, Response

pytestmark = pytest.mark.django_db

K = 5


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def add(assessment, n, *, layer, department="", level=2):
    """n submitted respondents answering every question they are asked with `level`."""
    layer = assessment.layers.get(code=layer)
    questions = [q for q in assessment.model_version.questions.all() if q.is_asked_of(layer.code)]
    start = Response.objects.filter(assessment=assessment).count()
    for number in range(start, start + n):
        response = Response.objects.create(
            assessment=assessment,
            respondent=f"v{number}",
            layer=layer,
            department=department,
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        Answer.objects.bulk_create(
            Answer(response=response, question=q, current=level, desired=4) for q in questions
        )


def close(assessment):
    assessment.refresh_from_db()
    assert assessment_set_status(assessment=assessment, action="close")
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def closed(people):
    assessment = people.assessment
    assessment.status = Assessment.Status.OPEN
    assessment.save()
    add(assessment, K, layer="beleid", department="Ruimte")
    add(assessment, K, layer="uitvoering", department="Zorg")
    return close(assessment)


def scores(client, user, assessment, department=""):
    client.force_login(user)
    query = f"?afdeling={department}" if department else ""
    response = client.get(f"/metingen/{assessment.pk}/resultaten/download.json{query}")
    assert response.status_code == 200
    data = json.loads(response.content)
    return data["overall"], data["assessment"]["respondents"]


def reopen(client, people, assessment):
    client.force_login(people.consultant)
    response = client.post(f"/metingen/{assessment.pk}/heropenen/", {"confirm": "on"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    return assessment


def test_the_consultant_reopens_after_a_confirmation_and_it_is_logged(client, people, closed):
    client.force_login(people.consultant)
    page = client.get(f"/metingen/{closed.pk}/heropenen/")
    assert page.status_code == 200 and "Weer openzetten" in page.content.decode()
    refused = client.post(f"/metingen/{closed.pk}/heropenen/", {})
    assert refused.status_code == 400
    closed.refresh_from_db()
    assert closed.is_closed
    reopen(client, people, closed)
    (reopening,) = Reopening.objects.filter(assessment=closed)
    assert reopening.reopened_by == people.consultant and reopening.reopened_by_name == "alice"
    page = client.get(f"/metingen/{closed.pk}/").content.decode()
    assert "Weer opengezet" in page and "door alice" in page
    # Reopening an open assessment is no step.
    response = client.post(f"/metingen/{closed.pk}/heropenen/", {"confirm": "on"})
    assert response.status_code == 302
    assert Reopening.objects.filter(assessment=closed).count() == 1


def test_viewers_and_strangers_cannot_reopen(client, people, closed):
    client.force_login(people.viewer)
    assert client.post(f"/metingen/{closed.pk}/heropenen/", {"confirm": "on"}).status_code == 403
    client.force_login(people.other_consultant)
    assert client.post(f"/metingen/{closed.pk}/heropenen/", {"confirm": "on"}).status_code == 404
    closed.refresh_from_db()
    assert closed.is_closed and not Reopening.objects.exists()


def test_one_new_respondent_in_a_group_keeps_the_old_version_for_viewers(client, people, closed):
    before = scores(client, people.viewer, closed)
    assert before[1] == 2 * K
    reopen(client, people, closed)
    # While it is open again, viewers keep what they saw.
    assert scores(client, people.viewer, closed) == before
    add(closed, 1, layer="beleid", department="Ruimte", level=5)
    close(closed)
    assert scores(client, people.viewer, closed) == before
    consultant = scores(client, people.consultant, closed)
    assert consultant[1] == 2 * K + 1 and consultant != before
    # The consultant is told why.
    for page in (f"/metingen/{closed.pk}/", f"/metingen/{closed.pk}/resultaten/"):
        text = client.get(page).content.decode()
        assert "Meekijkers zien nog de uitslag van de vorige sluiting" in text
        assert "1 erbij, 0 eraf" in text
    client.force_login(people.viewer)
    text = client.get(f"/metingen/{closed.pk}/resultaten/").content.decode()
    assert "Meekijkers zien nog" not in text
    assert "U ziet de uitslag zoals die bij de vorige sluiting was" in text
    # The viewer's department pages are of the old version too.
    assert scores(client, people.viewer, closed, "Ruimte")[1] == K


def test_k_new_respondents_in_a_group_and_department_release_the_new_version(
    client, people, closed
):
    before = scores(client, people.viewer, closed)
    reopen(client, people, closed)
    add(closed, 1, layer="beleid", department="Ruimte", level=5)
    close(closed)
    assert scores(client, people.viewer, closed) == before
    # Reopened once more: k people joined since the version viewers see.
    reopen(client, people, closed)
    add(closed, K - 1, layer="beleid", department="Ruimte", level=5)
    close(closed)
    now = scores(client, people.viewer, closed)
    assert now == scores(client, people.consultant, closed)
    assert now[1] == 3 * K and now != before
    text = client.get(f"/metingen/{closed.pk}/").content.decode()
    assert "meekijkers zien de nieuwe uitslag" in text
    assert "Meekijkers zien nog de uitslag" not in text


def test_a_department_with_few_new_respondents_keeps_the_old_version(client, people, closed):
    before = scores(client, people.viewer, closed)
    reopen(client, people, closed)
    # k more in the group, but one of them in another department.
    add(closed, K - 1, layer="beleid", department="Ruimte", level=5)
    add(closed, 1, layer="beleid", department="Zorg", level=5)
    close(closed)
    assert scores(client, people.viewer, closed) == before
    client.force_login(people.consultant)
    text = client.get(f"/metingen/{closed.pk}/").content.decode()
    assert "Afdeling Zorg: 1 erbij, 0 eraf" in text


def test_no_new_respondents_releases_the_same_version(client, people, closed):
    before = scores(client, people.viewer, closed)
    reopen(client, people, closed)
    close(closed)
    assert closed.released_responses is None
    assert scores(client, people.viewer, closed) == before


def test_a_later_assessments_trend_shows_the_version_viewers_see(client, people, closed):
    before = scores(client, people.viewer, closed)
    reopen(client, people, closed)
    add(closed, 1, layer="beleid", department="Ruimte", level=5)
    close(closed)
    later = Assessment.objects.create(
        organisation=people.organisation,
        model_version=closed.model_version,
        name="Herhaalmeting",
        status=Assessment.Status.OPEN,
    )
    later.add_default_layers()
    add(later, K, layer="beleid")
    close(later)
    client.force_login(people.viewer)
    data = json.loads(client.get(f"/metingen/{later.pk}/resultaten/download.json").content)
    (earlier,) = [point for point in data["trend"] if point["assessment"] == closed.pk]
    assert earlier["overall"]["current"] == pytest.approx(before[0]["current"])


def test_a_held_back_respondents_comment_is_not_shown_to_viewers(client, people, closed):
    from assessments.models import FactorComment

    reopen(client, people, closed)
    add(closed, 1, layer="beleid", department="Ruimte", level=5)
    newest = Response.objects.order_by("-pk").first()
    factor = closed.model_version.factors.first()
    FactorComment.objects.create(response=newest, factor=factor, text="Alleen ik zeg dit")
    close(closed)
    client.force_login(people.consultant)
    assert "Alleen ik zeg dit" in client.get(f"/metingen/{closed.pk}/resultaten/").content.decode()
    client.force_login(people.viewer)
    assert (
        "Alleen ik zeg dit" not in client.get(f"/metingen/{closed.pk}/resultaten/").content.decode()
    )


def test_the_groups_stay_fixed_after_a_reopen(client, people, closed):
    groups = closed.reporting_groups
    reopen(client, people, closed)
    page = client.get(f"/metingen/{closed.pk}/").content.decode()
    assert "Groepen aanpassen" not in page and "De meting is eerder gesloten" in page
    response = client.post(f"/metingen/{closed.pk}/groepen/", {"group_beleid": "Samen"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.reporting_groups == groups


def test_k_stays_fixed_after_a_reopen(client, people, closed):
    reopen(client, people, closed)
    url = f"/metingen/{closed.pk}/bewerken/"
    fields = {
        "name": closed.name,
        "kind": closed.kind,
        "scope": closed.scope,
        "model_version": closed.model_version_id,
        "horizon": closed.horizon,
    }
    client.post(url, {**fields, "min_group_size": K + 2})
    closed.refresh_from_db()
    assert closed.min_group_size == K
