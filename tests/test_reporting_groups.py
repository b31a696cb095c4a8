"""Reporting groups on the assessment page, the minimum group size promise, the demo."""

import importlib
from datetime import datetime

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from assessments import scoring
from assessments.models import Assessment, Membership
from assessments.results import assessment_results

from . import scoring_data as data
from .disclosure_check import Leak, check_release, check_releases
from .test_disclosure import released as core_release
from .test_disclosure_release import people_of

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


# --- Assessments closed before reporting groups ------------------------------------------

SCORED_BY_LAYER = (
    [("bestuur", "", data.same_answers(1))] * 3
    + [("directie", "", data.same_answers(2))] * 8
    + [("management", "", data.same_answers(4))] * 20
    + [("uitvoering", "", data.same_answers(3))] * 30
)


def test_the_default_groups_beside_a_release_by_layer_give_a_small_layer_away():
    """Why an assessment closed with every layer its own group keeps that grouping: its
    release then and the default groups' release now are each safe, together not."""
    people = [
        {**person, "r": {f: person["r"][f] for f in ("LC1", "IT3")}}
        for person in people_of(SCORED_BY_LAYER)
    ]
    versions = []
    for groups in (scoring.layer_groups(data.SMALL_LAYERS), None):
        _result, organisation, departments = core_release(people, 5, groups)
        check_release(people, organisation, departments, min_group_size=5)
        versions.append((organisation, departments))
    with pytest.raises(Leak, match=r"\[\('bestuur', ''\)\] \(3 respondents\)"):
        check_releases(people, versions, min_group_size=5)


def test_assessments_closed_before_groups_keep_every_layer_its_own_group():
    migration = importlib.import_module(
        "assessments.migrations.0008_freeze_groups_of_earlier_closes"
    )
    version = data.small_model()
    closed = data.assessment(
        data.organisation("Gemeente Eerder"), version, closed_at=datetime(2025, 3, 1)
    )
    data.add_respondents(closed, SCORED_BY_LAYER)
    grouped = data.assessment(
        data.organisation("Gemeente Gegroepeerd"), version, closed_at=datetime(2025, 3, 1)
    )
    Assessment.objects.filter(pk=grouped.pk).update(
        reporting_groups=[{"name": "Top", "layers": ["bestuur", "directie"]}]
    )
    still_open = data.assessment(data.organisation("Gemeente Open"), version)
    migration.freeze_every_layer_its_own_group(django_apps, None)
    closed.refresh_from_db()
    assert closed.reporting_groups == [{"name": "", "layers": [code]} for code in data.SMALL_LAYERS]
    results = assessment_results(closed)
    assert [group.code for group in results.groups] == data.SMALL_LAYERS
    # The numbers of scoring version 1: each of the four layers weighs the same.
    assert results.factors["LC1"].current == pytest.approx((1 + 2 + 4 + 3) / 4)
    grouped.refresh_from_db()
    assert grouped.reporting_groups == [{"name": "Top", "layers": ["bestuur", "directie"]}]
    still_open.refresh_from_db()
    assert still_open.reporting_groups is None
