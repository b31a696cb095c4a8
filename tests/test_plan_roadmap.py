"""plan_roadmap and roadmap_generate: the JSON of interfaces.md, the planning rules on the
shipped library, and keeping manual edits."""

import importlib
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from roadmap.models import FactorTarget, LibraryActivity, PlannedActivity, Roadmap
from roadmap.reasons import reason_text
from roadmap.services import (
    activity_add,
    activity_remove,
    activity_update,
    roadmap_for,
    roadmap_generate,
)
from tests.roadmap_data import SCORES, answer_and_close

pytestmark = pytest.mark.django_db

TOP_KEYS = {
    "assessment",
    "horizon",
    "capacity",
    "start_year",
    "targets",
    "activities",
    "after_horizon",
}
ACTIVITY_KEYS = {
    "code",
    "title",
    "factor",
    "kind",
    "from_level",
    "year",
    "quarter",
    "effort",
    "prerequisites",
    "reason",
    "reason_data",
    "status",
    "custom",
}


def plan_json(assessment, *args):
    out = io.StringIO()
    call_command("plan_roadmap", str(assessment.pk), *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def closed(people):
    return answer_and_close(people.assessment)


def when(activity):
    if activity["year"] is None:
        return (99, 0)
    return (activity["year"], activity["quarter"])


def test_it_prints_the_roadmap_json_of_the_interface(closed):
    data = plan_json(closed)
    assert set(data) == TOP_KEYS
    assert data["assessment"] == closed.pk
    assert (data["horizon"], data["capacity"], data["start_year"]) == (4, 15, 2027)
    assert data["targets"]["LC1"] == {"current": 2, "target": 4}
    assert data["targets"]["ML2"] == {"current": 1, "target": 2}
    assert list(data["targets"]) == list(SCORES)
    assert data["activities"]
    for activity in data["activities"] + data["after_horizon"]:
        assert set(activity) == ACTIVITY_KEYS
        assert activity["kind"] in {"dataproject", "randvoorwaarde"}
        assert activity["status"] == "gepland" and activity["custom"] is False
    for activity in data["activities"]:
        assert 1 <= activity["year"] <= 4 and 1 <= activity["quarter"] <= 4


def test_the_plan_keeps_the_rules_on_the_shipped_library(closed):
    data = plan_json(closed)
    items = {a["code"]: a for a in data["activities"] + data["after_horizon"]}
    # Every transition of every factor is planned.
    for activity in LibraryActivity.objects.select_related("factor"):
        target = data["targets"][activity.factor.code]
        if target["current"] <= activity.from_level < target["target"]:
            assert activity.code in items, activity.code
            step = (activity.factor.code, activity.from_level, activity.from_level + 1)
            assert items[activity.code]["reason"] == "{} {}→{}".format(*step)
            assert items[activity.code]["reason_data"] == dict(
                zip(("factor", "from", "to"), step, strict=True), kind="transition"
            )
    for item in items.values():
        reason = item["reason_data"]
        if reason["kind"] == "prerequisite":
            assert item["code"] in items[reason["prerequisite_of"]]["prerequisites"]
            assert item["reason"] == f"voorwaarde voor {reason['prerequisite_of']}"
        else:
            assert reason["kind"] in ("transition", "data_project_year1")
            assert (reason["factor"], reason["from"]) == (item["factor"], item["from_level"])
        for prerequisite in item["prerequisites"]:
            assert prerequisite in items
            assert when(items[prerequisite]) <= when(item)
    for year in range(1, 5):
        assert len([a for a in data["activities"] if a["year"] == year]) <= 15
    assert any(a["kind"] == "dataproject" and a["year"] == 1 for a in data["activities"])
    # Transitions of a factor in order: a lower level never after a higher one.
    for first in items.values():
        for second in items.values():
            if first["factor"] == second["factor"] and first["from_level"] < second["from_level"]:
                assert when(first) <= when(second)


def test_it_plans_the_same_roadmap_every_time(closed):
    first = plan_json(closed)
    assert plan_json(closed) == first
    assert plan_json(closed, "--reset") == first


def test_the_consultants_targets_count_within_their_bounds(closed):
    roadmap = roadmap_for(closed)
    factors = {f.code: f for f in closed.model_version.factors.all()}
    FactorTarget.objects.create(roadmap=roadmap, factor=factors["LC1"], chosen=2)
    FactorTarget.objects.create(roadmap=roadmap, factor=factors["ML2"], chosen=5)
    data = plan_json(closed)
    assert data["targets"]["LC1"] == {"current": 2, "target": 2}  # no higher than chosen
    assert data["targets"]["ML2"] == {"current": 1, "target": 5}
    assert not [
        a
        for a in data["activities"]
        if a["factor"] == "LC1" and a["reason_data"]["kind"] == "transition"
    ]
    roadmap.horizon = 2
    roadmap.save()
    data = plan_json(closed)
    assert data["targets"]["ML2"] == {"current": 1, "target": 3}  # one stage per year
    assert {a["year"] for a in data["activities"]} <= {1, 2}


def test_regenerating_keeps_manual_edits(closed):
    first = plan_json(closed)
    roadmap = roadmap_for(closed)
    activities = {a.code: a for a in roadmap.activities.all()}
    year_one = [a for a in first["activities"] if a["year"] == 1]
    moved, done, removed = (activities[a["code"]] for a in year_one[:3])
    activity_update(
        activity=moved, year=4, quarter=2, owner="Team data", status="lopend", data_project=None
    )
    activity_update(
        activity=done,
        year=done.year,
        quarter=done.quarter,
        owner="",
        status="gereed",
        data_project=None,
    )
    activity_remove(activity=removed)
    custom = activity_add(
        roadmap=roadmap,
        title="Hackathon met de regio",
        factor=moved.factor,
        kind="dataproject",
        effort="S",
        year=2,
        quarter=3,
        owner="",
        reason="Eigen activiteit",
    )
    again = plan_json(closed)
    items = {a["code"]: a for a in again["activities"] + again["after_horizon"]}
    assert (items[moved.code]["year"], items[moved.code]["quarter"]) == (4, 2)
    assert items[moved.code]["status"] == "lopend"
    assert items[done.code]["status"] == "gereed"
    assert removed.code not in items
    assert items[custom.code]["custom"] is True
    assert items[custom.code]["reason"] == "Eigen activiteit"
    assert items[custom.code]["reason_data"] == {"kind": "custom", "text": "Eigen activiteit"}
    assert PlannedActivity.objects.get(code=moved.code).owner == "Team data"
    # Starting over drops every edit.
    assert plan_json(closed, "--reset") == first


def test_a_shorter_horizon_lists_moved_activities_after_it(closed):
    plan_json(closed)
    roadmap = roadmap_for(closed)
    activity = roadmap.activities.filter(year=1).first()
    activity_update(
        activity=activity, year=4, quarter=1, owner="", status="gepland", data_project=None
    )
    roadmap.horizon = 3
    roadmap.save()
    data = plan_json(closed)
    assert activity.code in [a["code"] for a in data["after_horizon"]]
    assert all(a["year"] <= 3 for a in data["activities"])


def test_activities_no_longer_needed_go_unless_touched(closed):
    plan_json(closed)
    roadmap = roadmap_for(closed)
    lc1 = list(
        roadmap.activities.filter(reason__kind="transition", reason__factor="LC1").order_by("code")
    )
    assert len(lc1) >= 2
    touched, untouched = lc1[0], lc1[1]
    activity_update(
        activity=touched,
        year=touched.year,
        quarter=touched.quarter,
        owner="Directie",
        status="gepland",
        data_project=None,
    )
    lc1_factor = closed.model_version.factors.get(code="LC1")
    FactorTarget.objects.filter(roadmap=roadmap, factor=lc1_factor).update(chosen=2)
    roadmap_generate(roadmap=roadmap)
    codes = set(roadmap.activities.values_list("code", flat=True))
    assert touched.code in codes
    assert untouched.code not in codes


def test_it_refuses_an_open_or_unknown_assessment(people):
    with pytest.raises(CommandError, match="not closed"):
        plan_json(people.assessment)
    with pytest.raises(CommandError, match="not found"):
        call_command("plan_roadmap", "999999", stdout=io.StringIO())


def test_without_enough_respondents_it_plans_from_stage_zero_to_the_chosen_target(people):
    assessment = answer_and_close(people.assessment, respondents=2)
    data = plan_json(assessment)
    # Scores stay hidden below the minimum group size: every factor is at stage 0 with
    # target 0, and year 1 still gets a data project.
    assert all(t == {"current": 0, "target": 0} for t in data["targets"].values())
    fallback = [a for a in data["activities"] if a["reason_data"]["kind"] != "prerequisite"]
    assert [a["kind"] for a in fallback] == ["dataproject"]
    assert fallback[0]["reason_data"]["kind"] == "data_project_year1"
    assert fallback[0]["reason"].endswith("dataproject vanaf het eerste jaar")


def test_the_demo_roadmap_fills_every_year_of_every_track(model_version):
    """The demo's poster held 15 / 7 / 15 / 3 activities (2030 nearly empty) when P2's
    formula alone gave the years; now every track uses every year (P2's bar)."""
    call_command("load_demo", stdout=io.StringIO())
    roadmap = Roadmap.objects.get(
        assessment__organisation__name="Gemeente Voorbeeldstad", assessment__name="Nulmeting 2026"
    )
    activities = list(roadmap.activities.select_related("factor__track"))
    assert not [a for a in activities if a.after_horizon]
    per_year = [sum(1 for a in activities if a.year == year) for year in range(1, 5)]
    assert min(per_year) * 2 >= sum(per_year) / 4, per_year
    assert max(per_year) <= roadmap.capacity
    for track in {a.factor.track.code for a in activities}:
        row = [
            sum(1 for a in activities if a.factor.track.code == track and a.year == year)
            for year in range(1, roadmap.horizon + 1)
        ]
        if sum(row) >= roadmap.horizon:
            assert min(row) * 2 * roadmap.horizon >= sum(row), (track, row)
    # P3 and P5 on the demo too; a prerequisite done on the earlier route (issue 15)
    # is met and not planned again.
    when = {a.code: (a.year, a.quarter) for a in activities}
    done = set(roadmap.previous.activities.filter(status="gereed").values_list("code", flat=True))
    for activity in activities:
        for prerequisite in activity.prerequisites:
            if prerequisite in done:
                assert prerequisite not in when
                continue
            assert when[prerequisite] <= when[activity.code]
    assert any(a.year == 1 and a.is_data_project for a in activities)


def test_a_reason_is_worded_in_the_readers_language():
    transition = {"kind": "transition", "factor": "LC1", "from": 2, "to": 3}
    prerequisite = {"kind": "prerequisite", "prerequisite_of": "LC1-2a"}
    fallback = {"kind": "data_project_year1", "factor": "IT3", "from": 0, "to": 1}
    custom = {"kind": "custom", "text": "Afspraak in de regio"}
    with translation.override("nl"):
        assert reason_text(transition) == "LC1 2→3"
        assert reason_text(prerequisite) == "voorwaarde voor LC1-2a"
        assert reason_text(fallback) == "IT3 0→1 · dataproject vanaf het eerste jaar"
        assert reason_text(custom) == "Afspraak in de regio"
    with translation.override("en"):
        assert reason_text(prerequisite) == "prerequisite for LC1-2a"
        assert reason_text(transition) == "LC1 2→3"
    # Nothing stored, or a kind no code knows, reads as no reason rather than a guess.
    assert reason_text({}) == "" and reason_text({"kind": "feest"}) == ""
    assert reason_text("voorwaarde voor LC1-2a") == ""


def test_the_migration_turns_stored_reason_texts_into_data():
    migration = importlib.import_module("roadmap.migrations.0004_planned_activity_reason_as_data")
    convert = migration.reason_from_text
    assert convert("LC1 2→3", custom=False) == {
        "kind": "transition",
        "factor": "LC1",
        "from": 2,
        "to": 3,
    }
    assert convert("voorwaarde voor PEB1-1b", custom=False) == {
        "kind": "prerequisite",
        "prerequisite_of": "PEB1-1b",
    }
    # The consultant's own words stay words, even when they look like a reason.
    assert convert("LC1 2→3", custom=True) == {"kind": "custom", "text": "LC1 2→3"}
    assert convert("Eigen activiteit", custom=False) == {
        "kind": "custom",
        "text": "Eigen activiteit",
    }
    for text in ("LC1 2→3", "voorwaarde voor PEB1-1b"):
        assert migration.data_as_text(convert(text, custom=False)) == text


@pytest.mark.django_db(transaction=True)
def test_the_reason_migration_runs_both_ways_on_stored_rows(people):
    """Rows as the planner stored them before (text) become data, and back."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    assessment = answer_and_close(people.assessment)
    roadmap = roadmap_for(assessment)
    roadmap_generate(roadmap=roadmap)
    activity_add(
        roadmap=roadmap,
        title="Eigen",
        factor=assessment.model_version.factors.get(code="LC1"),
        kind="dataproject",
        effort="S",
        year=1,
        quarter=1,
        owner="",
        reason="LC1 2→3",  # the consultant's words, even when they look like a reason
    )
    before = dict(roadmap.activities.values_list("code", "reason"))
    assert {r["kind"] for r in before.values()} >= {"transition", "prerequisite", "custom"}
    old = [("roadmap", "0003_planned_activity_description_en")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(old)
        with connection.cursor() as cursor:
            cursor.execute("SELECT code, reason, custom FROM roadmap_plannedactivity")
            texts = {code: (reason, bool(custom)) for code, reason, custom in cursor.fetchall()}
        for code, data in before.items():
            text, _custom = texts[code]
            if data["kind"] == "prerequisite":
                assert text == f"voorwaarde voor {data['prerequisite_of']}"
            elif data["kind"] == "custom":
                assert text == data["text"]
            else:
                assert text == f"{data['factor']} {data['from']}→{data['to']}"
    finally:
        # Forward to the latest state, not only to 0004 (the migration under test):
        # later tests (transactional ones on PostgreSQL) need the later tables.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    after = dict(PlannedActivity.objects.values_list("code", "reason"))
    # Back as data; only P5's own kind is not in the old text (it reads as a transition).
    for code, data in before.items():
        if data["kind"] == "data_project_year1":
            data = dict(data, kind="transition")
        assert after[code] == data, code
