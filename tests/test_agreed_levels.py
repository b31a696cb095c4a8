"""The results session (validation, issue 15): agreed levels beside the survey's."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.models import KeyFactor
from roadmap.agreed import agreed_levels_save
from roadmap.models import AgreedLevel, FactorTarget
from roadmap.services import roadmap_for

from . import scoring_data as data
from .roadmap_data import answer_and_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(people):
    return answer_and_close(people.assessment)


def url(assessment):
    return reverse("agreed_levels", args=[assessment.pk])


def test_the_consultant_records_agreed_levels_beside_the_survey(client, people, closed):
    client.force_login(people.consultant)
    page = client.get(url(closed)).content.decode()
    assert "1,0 → 3,0" in page  # OG1 from the survey
    response = client.post(
        url(closed),
        {"save": "1", "current_OG1": "2", "desired_OG1": "4", "note_OG1": "We herkennen 2."},
    )
    assert response.status_code == 302
    level = AgreedLevel.objects.get()
    assert (level.factor.code, level.current, level.desired, level.note) == (
        "OG1",
        2,
        4,
        "We herkennen 2.",
    )
    html = client.get(reverse("results", args=[closed.pk])).content.decode()
    assert "Afgesproken in de sessie" in html
    assert "2 → 4" in html and "We herkennen 2." in html
    assert ">1,0<" in html  # the survey's figure stays
    # The viewer sees the agreement too, but not the edit link.
    client.force_login(people.viewer)
    html = client.get(reverse("results", args=[closed.pk])).content.decode()
    assert "2 → 4" in html
    assert url(closed) not in html
    # Emptying a factor removes its row.
    client.force_login(people.consultant)
    client.post(url(closed), {"save": "1", "current_OG1": "", "desired_OG1": "", "note_OG1": ""})
    assert not AgreedLevel.objects.exists()


@pytest.mark.parametrize(
    "post",
    [
        {"current_OG1": "6"},
        {"current_OG1": "-1"},
        {"desired_OG1": "2.5"},
        {"desired_OG1": "vijf"},
        {"current_OG1": "3", "desired_OG1": "2"},  # desired under current
        {"note_OG1": "x" * 1001},
    ],
)
def test_it_rejects_bad_levels(client, people, closed, post):
    client.force_login(people.consultant)
    response = client.post(url(closed), {"save": "1", **post})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AgreedLevel.objects.exists()


def test_a_factor_of_another_model_version_is_ignored_and_refused(client, people, closed):
    other = data.small_model("OTHER-1")
    stranger = KeyFactor.objects.filter(version=other).first()
    client.force_login(people.consultant)
    # The form knows only the assessment's own factors (by code): anything else is not
    # a field, and the service refuses a factor object of another version outright.
    client.post(url(closed), {"save": "1", "current_ZZ9": "3", f"factor_{stranger.pk}": "3"})
    assert not AgreedLevel.objects.exists()
    with pytest.raises(ValueError):
        agreed_levels_save(assessment=closed, rows={stranger: (1, 2, "")})
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreedLevel.objects.create(assessment=closed, factor=stranger, current=7)


def test_viewers_and_strangers_cannot_record(client, people, closed):
    client.force_login(people.viewer)
    assert client.get(url(closed)).status_code == 403
    assert client.post(url(closed), {"save": "1", "current_OG1": "2"}).status_code == 403
    client.force_login(people.other_consultant)
    assert client.post(url(closed), {"save": "1", "current_OG1": "2"}).status_code == 404
    assert not AgreedLevel.objects.exists()


def test_the_agreed_desired_levels_become_the_roadmap_targets(client, people, closed):
    client.force_login(people.consultant)
    client.post(
        url(closed),
        {
            "save": "1",
            "current_OG1": "1",
            "desired_OG1": "3",
            "current_LC1": "2",
            "desired_LC1": "5",  # more than one stage a year: kept within the horizon
            "current_ML2": "2",  # no desired level: its target stays as it was
        },
    )
    response = client.post(url(closed), {"use_targets": "1"})
    assert response["Location"] == reverse("strategy", args=[closed.pk])
    roadmap = roadmap_for(closed)
    chosen = {t.factor.code: t.chosen for t in FactorTarget.objects.filter(roadmap=roadmap)}
    assert chosen == {"OG1": 3, "LC1": 5}  # LC1 stage 2, horizon 4: 5 is allowed
    roadmap.horizon = 2
    roadmap.save()
    client.post(url(closed), {"use_targets": "1"})
    target = FactorTarget.objects.get(roadmap=roadmap, factor__code="LC1")
    assert target.chosen == 4  # stage 2 + horizon 2


def test_use_as_targets_without_agreement_changes_nothing(client, people, closed):
    client.force_login(people.consultant)
    response = client.post(url(closed), {"use_targets": "1"})
    assert response["Location"] == url(closed)
    assert not FactorTarget.objects.exists()


def test_the_page_makes_few_queries(client, people, closed, django_assert_max_num_queries):
    client.force_login(people.consultant)
    client.get(url(closed))
    AgreedLevel.objects.bulk_create(
        AgreedLevel(assessment=closed, factor=factor, current=1, desired=3, note="x")
        for factor in closed.model_version.factors.all()
    )
    with django_assert_max_num_queries(10):  # 8 measured
        client.get(url(closed))
