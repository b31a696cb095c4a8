"""Reporting groups on the assessment page, the minimum group size promise, the demo."""

import pytest
from django.urls import reverse

from assessments.models import Assessment, Membership
from assessments.results import assessment_results

from . import scoring_data as data

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(people):
    organisation = data.organisation("Gemeente Groep")
    Membership.objects.create(
        user=people.consultant, organisation=organisation, role=Membership.Role.CONSULTANT
    )
    Membership.objects.create(
        user=people.viewer, organisation=organisation, role=Membership.Role.VIEWER
    )
    return data.assessment(organisation, data.small_model())


def post_groups(client, user, assessment, values):
    client.force_login(user)
    return client.post(reverse("reporting_groups", args=[assessment.pk]), values)


def test_it_sets_the_groups_by_name(client, people, assessment):
    response = post_groups(
        client,
        people.consultant,
        assessment,
        {"group_bestuur": "Top", "group_directie": " top ", "group_management": ""},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.reporting_groups == [
        {"name": "Top", "layers": ["bestuur", "directie"]},
        {"name": "", "layers": ["management"]},
        {"name": "", "layers": ["uitvoering"]},
    ]
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "Top" in page and "Bestuur, Directie" in page


def test_it_goes_back_to_the_default(client, people, assessment):
    assessment.reporting_groups = [{"name": "X", "layers": ["bestuur", "uitvoering"]}]
    assessment.save()
    post_groups(client, people.consultant, assessment, {"default": "on"})
    assessment.refresh_from_db()
    assert assessment.reporting_groups is None


def test_a_viewer_cannot_set_groups_and_a_stranger_gets_404(client, people, assessment):
    assert post_groups(client, people.viewer, assessment, {"default": "on"}).status_code == 403
    for stranger in (people.other_consultant, people.other_viewer):
        assert post_groups(client, stranger, assessment, {"default": "on"}).status_code == 404


def test_the_groups_of_a_closed_assessment_are_frozen(client, people, assessment):
    data.add_respondents(
        assessment,
        [("bestuur", "", data.same_answers(4))] * 2
        + [("directie", "", data.same_answers(3))] * 5
        + [("management", "", data.same_answers(2))] * 5
        + [("uitvoering", "", data.same_answers(1))] * 5,
    )
    client.force_login(people.consultant)
    client.post(
        reverse("assessment_status", args=[assessment.pk]), {"action": "close", "confirm": "1"}
    )
    assessment.refresh_from_db()
    assert assessment.is_closed
    # Closing wrote the default grouping down: bestuur (2) with directie.
    assert assessment.reporting_groups[0] == {"name": "", "layers": ["bestuur", "directie"]}
    response = post_groups(client, people.consultant, assessment, {"group_bestuur": "Alleen"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.reporting_groups[0]["layers"] == ["bestuur", "directie"]


def test_k_can_be_raised_but_never_lowered_once_open(client, people, assessment):
    client.force_login(people.consultant)
    assessment.status = Assessment.Status.OPEN
    assessment.save()
    url = reverse("assessment_edit", args=[assessment.pk])
    fields = {
        "name": assessment.name,
        "kind": assessment.kind,
        "scope": assessment.scope,
        "model_version": assessment.model_version_id,
        "horizon": 4,
    }
    response = client.post(url, {**fields, "min_group_size": 3})
    assert response.status_code == 200
    assert "alleen omhoog" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.min_group_size == 5
    response = client.post(url, {**fields, "min_group_size": 7})
    assessment.refresh_from_db()
    assert assessment.min_group_size == 7


def test_k_can_be_lowered_while_the_assessment_is_a_draft(client, people, assessment):
    assessment.status = Assessment.Status.DRAFT
    assessment.save()
    client.force_login(people.consultant)
    url = reverse("assessment_edit", args=[assessment.pk])
    client.post(
        url,
        {
            "name": assessment.name,
            "kind": assessment.kind,
            "scope": assessment.scope,
            "model_version": assessment.model_version_id,
            "horizon": 4,
            "min_group_size": 3,
        },
    )
    assessment.refresh_from_db()
    assert assessment.min_group_size == 3


def test_the_demo_shows_the_top_beside_the_shop_floor(model_version):
    from assessments.demo import load_demo

    results = assessment_results(load_demo()["assessment"])
    shown = {g.code: g for g in results.groups if g.shown}
    assert "bestuur+directie" in shown and "uitvoering" in shown
    assert shown["bestuur+directie"].factors["LC1"].current is not None
