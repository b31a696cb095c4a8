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
    roadmap = Roadmap.objects.get(
        assessment__organisation__name="Gemeente Voorbeeldstad", assessment__name="Nulmeting 2026"
    )
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
    # The whole route (issue 15): results agreed in the results session, the roadmap
    # adopted by the college with a frozen copy of what was adopted.
    agreed = {level.factor.code: level for level in roadmap.assessment.agreed_levels.all()}
    assert set(agreed) == {"OG1", "PEB1", "IT2"} and agreed["OG1"].current == 1
    assert roadmap.is_adopted and roadmap.adopted_body == "college"
    assert roadmap.versions.filter(number=roadmap.version).exists()


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


def test_the_demo_continues_the_earlier_route_and_shows_plan_versus_effect(model_version):
    from assessments.demo import load_demo
    from assessments.results import assessment_results
    from roadmap.continuity import plan_versus_effect

    demo = load_demo()["assessment"]
    current = Roadmap.objects.get(assessment=demo)
    previous = current.previous
    assert previous is not None and previous.assessment.name == "Eerste meting 2024"
    statuses = set(previous.activities.values_list("status", flat=True))
    assert statuses == {"gereed", "lopend", "vervallen", "gepland"}
    carried = current.activities.exclude(carried_from=None)
    open_before = previous.activities.filter(status__in=["gepland", "lopend"])
    assert carried.count() == open_before.count() > 0
    assert carried.filter(status="lopend").exclude(owner="").exists()
    done_codes = set(previous.activities.filter(status="gereed").values_list("code", flat=True))
    assert not current.activities.filter(code__in=done_codes).exists()
    effect = plan_versus_effect(demo, assessment_results(demo))
    assert sum(row["done"] for row in effect["tracks"]) == len(done_codes)
    assert all(row["change"] is not None for row in effect["factors"])
    assert effect["carried"] == carried.count()
    # Five peers measured twice: the trend shows how they moved.
    from assessments.results import peers_movement

    assert peers_movement(assessment_results(demo)).peers == 5
    # A second load changes nothing of either route.
    before = sorted(PlannedActivity.objects.values_list("roadmap_id", "code", "status"))
    load_demo()
    assert sorted(PlannedActivity.objects.values_list("roadmap_id", "code", "status")) == before
