"""load_demo gives the demo's closed assessment a strategy session, a roadmap and a
data projects register, once."""

import io

import pytest
from django.core.management import call_command

from roadmap.models import DataProject, FactorTarget, PlannedActivity, Roadmap

pytestmark = pytest.mark.django_db


def counts():
    return (
        Roadmap.objects.count(),
        PlannedActivity.objects.count(),
        FactorTarget.objects.count(),
        DataProject.objects.count(),
    )


def test_the_demo_has_a_strategy_session_and_a_generated_roadmap(model_version):
    call_command("load_demo", stdout=io.StringIO())
    roadmap = Roadmap.objects.get(assessment__organisation__name="Gemeente Voorbeeldstad")
    assert roadmap.vision
    assert 4 <= len(roadmap.principles) <= 5
    assert roadmap.generated_at is not None
    assert roadmap.activities.filter(year=1, kind="dataproject").exists()
    assert roadmap.targets.exclude(target_stage=None).count() == 12
    assert DataProject.objects.filter(status="in_gebruik").exclude(link="").count() >= 2
    # The register's projects are on the roadmap's data-project cards (issue 15).
    debt = roadmap.activities.get(data_project__subject="Vroegsignalering schulden")
    assert debt.kind == "dataproject" and "schuld" in debt.title
    assert roadmap.activities.exclude(data_project=None).count() == 3


def test_a_second_load_demo_adds_nothing_and_keeps_edits(model_version):
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    activity = PlannedActivity.objects.order_by("code").first()
    activity.status = "gereed"
    activity.save()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    activity.refresh_from_db()
    assert activity.status == "gereed"
