"""load_demo: the demo organisation, its logins and a closed, answered assessment."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.http import HttpRequest

from assessments.demo import DEMO_LAYER_COUNTS
from assessments.models import Answer, Assessment, Membership, Organisation, Response

pytestmark = pytest.mark.django_db


def counts():
    return (
        Organisation.objects.count(),
        Assessment.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
        Membership.objects.count(),
    )


def test_it_loads_the_demo_once(model_version):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assessment = Assessment.objects.get(
        organisation__name="Gemeente Voorbeeldstad", name="Nulmeting 2026"
    )
    assert assessment.status == "closed"
    assert assessment.responses.filter(status="submitted").count() == sum(
        DEMO_LAYER_COUNTS.values()
    )
    assert "login: consultant / demo-consultant" in out.getvalue()
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first


def test_the_demo_answers_are_deterministic(model_version):
    call_command("load_demo", stdout=io.StringIO())
    values = list(
        Answer.objects.order_by("response__respondent", "question__order").values_list(
            "current", "desired"
        )
    )
    Assessment.objects.all().delete()
    call_command("load_demo", stdout=io.StringIO())
    again = list(
        Answer.objects.order_by("response__respondent", "question__order").values_list(
            "current", "desired"
        )
    )
    assert values == again


def test_the_demo_logins_work(client, model_version):
    call_command("load_demo", stdout=io.StringIO())
    # django-axes needs the request to throttle by address.
    assert client.login(request=HttpRequest(), username="consultant", password="demo-consultant")
    assert "Gemeente Voorbeeldstad" in client.get("/").content.decode()
    assert client.login(request=HttpRequest(), username="directie", password="demo-directie")
    assert "Gemeente Voorbeeldstad" in client.get("/").content.decode()


def test_it_gives_the_demo_consultant_no_admin_permissions(client, model_version):
    call_command("load_demo", stdout=io.StringIO())
    consultant = get_user_model().objects.get(username="consultant")
    assert consultant.is_staff and not consultant.is_superuser
    assert consultant.get_all_permissions() == set()
    assert not consultant.groups.exists()
    client.force_login(consultant)
    assert client.get("/beheer/").status_code == 403


def test_it_takes_the_demo_consultant_out_of_the_old_group_with_every_permission(
    model_version,
):
    call_command("load_demo", stdout=io.StringIO())
    consultant = get_user_model().objects.get(username="consultant")
    group = Group.objects.create(name="Consultants")
    group.permissions.set(Permission.objects.all())
    consultant.groups.add(group)
    call_command("load_demo", stdout=io.StringIO())
    consultant = get_user_model().objects.get(username="consultant")
    assert consultant.get_all_permissions() == set()


def test_load_demo_asks_for_the_model_first(transactional_db):
    from django.core.management.base import CommandError

    from assessments.models import ModelVersion

    ModelVersion.objects.all().delete()
    with pytest.raises(CommandError, match="load_model"):
        call_command("load_demo", stdout=io.StringIO())
