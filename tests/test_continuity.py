"""Continuity over a repeat measurement (issue 15): the new roadmap continues the
previous one; done work is history, open work comes over once; the previous roadmap
stays as it was."""

from datetime import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Assessment
from roadmap.continuity import previous_roadmap
from roadmap.models import PlannedActivity
from roadmap.planner import CARRIED, plan_roadmap
from roadmap.reasons import reason_text
from roadmap.services import activity_add, activity_update, roadmap_for, roadmap_generate
from tests.roadmap_data import SCORES, answer_and_close
from tests.test_planner import by_code, dp, factors, moves, pre

# --- The pure planner --------------------------------------------------------------------


def test_the_planner_never_plans_a_done_activity_again_and_counts_it_as_met():
    library = [pre("LC1-2a"), pre("LC1-3a", ["OG1-1a"]), pre("OG1-1a"), dp("IT3-0a")]
    scores = {"LC1": (2.0, 4.0)}
    plain = by_code(plan_roadmap(factors=factors(scores), library=library, horizon=4))
    assert {"LC1-2a", "LC1-3a", "OG1-1a"} <= set(plain)
    plan = by_code(
        plan_roadmap(factors=factors(scores), library=library, horizon=4, done=["LC1-2a", "OG1-1a"])
    )
    # Done work is not planned again, and a prerequisite that is done is met.
    assert "LC1-2a" not in plan and "OG1-1a" not in plan
    assert "LC1-3a" in plan


def test_the_planner_keeps_carried_over_work_once_even_when_the_scores_no_longer_need_it():
    library = [pre("LC1-2a"), pre("OG1-1a", ["OG2-0a"]), pre("OG2-0a"), dp("IT3-0a")]
    # OG1 is at its target: nothing of OG1 would be planned.
    scores = {"LC1": (2.0, 3.0), "OG1": (2.0, 2.0)}
    plain = by_code(plan_roadmap(factors=factors(scores), library=library, horizon=4))
    assert "OG1-1a" not in plain
    plan = plan_roadmap(
        factors=factors(scores), library=library, horizon=4, carried=["OG1-1a", "LC1-2a"]
    )
    items = by_code(plan)
    codes = [item.code for item in (*plan.activities, *plan.after_horizon)]
    assert len(codes) == len(set(codes))
    # Carried but not needed by the new scores: the reason says where it comes from.
    assert items["OG1-1a"].reason == moves("OG1", 1, CARRIED)
    with translation.override("nl"):
        assert reason_text(items["OG1-1a"].reason) == "OG1 1→2 · uit de vorige routekaart"
    with translation.override("en"):
        assert reason_text(items["OG1-1a"].reason) == "OG1 1→2 · from the previous roadmap"
    # Carried and needed: it is the new transition, planned once.
    assert items["LC1-2a"].reason == moves("LC1", 2)
    # Its prerequisite comes along, not later (P3).
    assert (items["OG2-0a"].year, items["OG2-0a"].quarter) < (
        items["OG1-1a"].year,
        items["OG1-1a"].quarter,
    )
    # Codes outside the library (own activities) are ignored.
    plan_roadmap(factors=factors(scores), library=library, horizon=4, carried=["EIGEN-1"])


def test_the_fallback_data_project_is_not_one_already_done():
    library = [pre("LC1-2a"), dp("IT3-0a"), dp("IT3-1a")]
    scores = {"LC1": (2.0, 3.0), "IT3": (0.0, 2.0)}
    plan = by_code(
        plan_roadmap(factors=factors(scores), library=library, horizon=4, done=["IT3-0a"])
    )
    assert "IT3-0a" not in plan
    assert plan["IT3-1a"].year == 1


# --- Stored roadmaps ---------------------------------------------------------------------


pytestmark = pytest.mark.django_db

LATER = {code: (min(5, current + 1), desired + 1) for code, (current, desired) in SCORES.items()}


def repeat_measurement(organisation, model_version, scores=LATER, *, year=2028, name=None):
    assessment = Assessment.objects.create(
        organisation=organisation, model_version=model_version, name=name or f"Meting {year}"
    )
    assessment.add_default_layers()
    answer_and_close(assessment, scores)
    assessment.closed_at = timezone.make_aware(datetime(year, 3, 13, 17, 0))
    assessment.save()
    return assessment


@pytest.fixture
def route(people, model_version):
    """A first measurement with a roadmap where work was done, under way, open,
    dropped, plus an own activity; and a repeat measurement two years on."""
    first = answer_and_close(people.assessment)
    roadmap = roadmap_for(first)
    roadmap_generate(roadmap=roadmap)
    year_one = list(roadmap.activities.filter(year=1).order_by("quarter", "code"))
    done, ongoing, lapsed = year_one[:3]
    for activity, status, owner in (
        (done, "gereed", "Team data"),
        (ongoing, "lopend", "CIO-office"),
        (lapsed, "vervallen", ""),
    ):
        activity_update(
            activity=activity,
            year=activity.year,
            quarter=activity.quarter,
            owner=owner,
            status=status,
            data_project=None,
        )
    own = activity_add(
        roadmap=roadmap,
        title="Datacafé elke maand",
        factor=done.factor,
        kind="randvoorwaarde",
        effort="S",
        year=3,
        quarter=2,
        owner="Communicatie",
        reason="Eigen activiteit",
    )
    second = repeat_measurement(people.organisation, model_version)
    return {
        "first": first,
        "second": second,
        "roadmap": roadmap,
        "done": done,
        "ongoing": ongoing,
        "lapsed": lapsed,
        "own": own,
    }


def stored(roadmap):
    return sorted(
        (model_to_dict(a) for a in PlannedActivity.objects.filter(roadmap=roadmap)),
        key=lambda row: row["code"],
    )


def test_a_repeat_measurement_continues_the_route(route):
    before = stored(route["roadmap"])
    open_before = PlannedActivity.objects.filter(
        roadmap=route["roadmap"], status__in=["gepland", "lopend"]
    ).count()
    new = roadmap_for(route["second"])
    roadmap_generate(roadmap=new)
    new.refresh_from_db()
    assert new.previous == route["roadmap"]
    activities = {a.code: a for a in new.activities.all()}
    carried = {a.carried_from_id: a for a in activities.values() if a.carried_from_id}
    # Every open activity came over, once; done and dropped ones did not.
    assert len(carried) == open_before
    assert route["done"].pk not in carried and route["lapsed"].pk not in carried
    assert route["done"].code not in activities  # done work is not planned again
    ongoing = carried[route["ongoing"].pk]
    assert (ongoing.code, ongoing.status, ongoing.owner) == (
        route["ongoing"].code,
        "lopend",
        "CIO-office",
    )
    own = carried[route["own"].pk]
    assert own.custom and own.owner == "Communicatie" and own.title == "Datacafé elke maand"
    # Its calendar moment stays: year 3 of a route from 2027 is 2029 Q2, the new
    # roadmap's first year.
    assert (route["roadmap"].start_year, new.start_year) == (2027, 2029)
    assert (own.year, own.quarter, own.moved) == (1, 2, True)
    # Nothing of the previous route changed, and it is still readable.
    assert stored(route["roadmap"]) == before
    assert previous_roadmap(route["second"]) == route["roadmap"]


def test_regenerating_twice_or_starting_over_duplicates_nothing(route):
    new = roadmap_for(route["second"])
    roadmap_generate(roadmap=new)
    first = stored(new)
    # The consultant works on the new roadmap; regenerating keeps that.
    carried = new.activities.get(carried_from=route["ongoing"])
    activity_update(
        activity=carried,
        year=carried.year,
        quarter=carried.quarter,
        owner="Nieuwe eigenaar",
        status="gereed",
        data_project=None,
    )
    roadmap_generate(roadmap=new)
    roadmap_generate(roadmap=new)
    again = stored(new)
    assert len(again) == len(first)
    assert [row["code"] for row in again] == [row["code"] for row in first]
    carried.refresh_from_db()
    assert (carried.status, carried.owner) == ("gereed", "Nieuwe eigenaar")
    assert PlannedActivity.objects.filter(roadmap=new, carried_from=route["own"]).count() == 1
    # Starting over drops the new roadmap's edits but carries the route over again.
    roadmap_generate(roadmap=new, reset=True)
    after_reset = new.activities.get(carried_from=route["ongoing"])
    assert (after_reset.status, after_reset.owner) == ("lopend", "CIO-office")
    assert len(stored(new)) == len(first)


def test_an_own_activity_keeps_a_free_code(route):
    new = roadmap_for(route["second"])
    # The new roadmap already has an own activity under the code the old one used.
    clash = activity_add(
        roadmap=new,
        title="Iets anders",
        factor=route["own"].factor,
        kind="randvoorwaarde",
        effort="S",
        year=2,
        quarter=1,
        owner="",
        reason="",
    )
    assert clash.code == route["own"].code
    roadmap_generate(roadmap=new)
    carried = new.activities.get(carried_from=route["own"])
    assert carried.code != clash.code and carried.code.startswith("EIGEN-")


def test_only_an_earlier_roadmap_with_the_same_factor_codes_is_continued(route, people):
    # The other organisation's roadmap is never continued.
    other = answer_and_close(people.other_assessment)
    roadmap_generate(roadmap=roadmap_for(other))
    assert previous_roadmap(other) is None
    # The first measurement does not continue the later one.
    roadmap_generate(roadmap=roadmap_for(route["second"]))
    assert previous_roadmap(route["first"]) is None
    assert roadmap_for(route["first"]).previous is None


def test_without_a_previous_roadmap_nothing_is_carried(people, model_version):
    first = answer_and_close(people.assessment)  # closed, but no roadmap made
    second = repeat_measurement(people.organisation, model_version)
    roadmap = roadmap_for(second)
    roadmap_generate(roadmap=roadmap)
    assert roadmap.previous is None
    assert not roadmap.activities.exclude(carried_from=None).exists()
    assert first.pk


def test_the_roadmap_page_marks_carried_work_and_keeps_the_history(client, people, route):
    new = roadmap_for(route["second"])
    roadmap_generate(roadmap=new)
    client.force_login(people.viewer)
    content = client.get(reverse("roadmap", args=[route["second"].pk])).content.decode()
    carried = new.activities.exclude(carried_from=None).count()
    assert content.count("uit de vorige routekaart</span>") == carried
    history = content[content.index('id="route-history"') :]
    assert route["done"].label in history and "1 activiteit gereed" in history
    assert route["ongoing"].label not in history  # open work is on the new roadmap
    # The previous roadmap is still there, as it was.
    old = client.get(reverse("roadmap", args=[route["first"].pk])).content.decode()
    for activity in (route["done"], route["ongoing"], route["lapsed"], route["own"]):
        assert activity.label in old
    assert 'id="route-history"' not in old and "uit de vorige routekaart</span>" not in old


def test_open_work_the_new_library_lacks_comes_over_as_own_work(route):
    from roadmap.models import LibraryActivity

    # The previous route's open activity is no longer in the library (a later
    # library without it): it still comes over, once, as the consultant's own.
    ongoing = route["ongoing"]
    LibraryActivity.objects.filter(code=ongoing.code).update(code="WEG-1")
    new = roadmap_for(route["second"])
    roadmap_generate(roadmap=new)
    roadmap_generate(roadmap=new)
    kept = new.activities.get(carried_from=ongoing)
    assert (kept.code, kept.custom, kept.status, kept.owner) == (
        ongoing.code,
        True,
        "lopend",
        "CIO-office",
    )
