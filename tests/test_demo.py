"""load_demo: the demo organisation, its logins and a closed, answered assessment."""

import io

import pytest
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


def test_load_demo_asks_for_the_model_first(transactional_db):
    from django.core.management.base import CommandError

    from assessments.models import ModelVersion

    ModelVersion.objects.all().delete()
    with pytest.raises(CommandError, match="load_model"):
        call_command("load_demo", stdout=io.StringIO())
