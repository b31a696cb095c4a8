"""The strategy session and roadmap pages: access, editing, bad input, query counts."""

import pytest
from django.urls import reverse

from roadmap.models import DataProject, FactorTarget, PlannedActivity, Roadmap
from roadmap.services import roadmap_for, roadmap_generate
from tests.roadmap_data import answer_and_close, roadmap_with_activities

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(people):
    return answer_and_close(people.assessment)


@pytest.fixture
def planned(closed):
    roadmap = roadmap_for(closed)
    roadmap_generate(roadmap=roadmap)
    return roadmap


def strategy_data(assessment, **overrides):
    data = {
        "vision": "Data helpt ons inwoners beter te helpen.",
        "principles": "Opgave voorop\n\n  Leren door te doen  \nPrivacy vanaf het begin",
        "frameworks": "AVG en BIO",
        "horizon": "4",
        "start_year": "2027",
        "capacity": "12",
    }
    for factor in assessment.model_version.factors.all():
        data[f"target_{factor.code}"] = "3"
    data.update(overrides)
    return data


# --- Access: every view -----------------------------------------------------------------


def view_urls(people, activity, project):
    pk = people.assessment.pk
    organisation = people.organisation.pk
    return {
        "strategy": (reverse("strategy", args=[pk]), True),
        "roadmap": (reverse("roadmap", args=[pk]), False),
        "roadmap_generate": (reverse("roadmap_generate", args=[pk]), True),
        "activity_add": (reverse("activity_add", args=[pk]), True),
        "activity_edit": (reverse("activity_edit", args=[activity.pk]), True),
        "activity_remove": (reverse("activity_remove", args=[activity.pk]), True),
        "data_projects": (reverse("data_projects", args=[organisation]), False),
        "data_project_create": (reverse("data_project_create", args=[organisation]), True),
        "data_project_edit": (reverse("data_project_edit", args=[project.pk]), True),
        "data_project_delete": (reverse("data_project_delete", args=[project.pk]), True),
        "data_portal": (reverse("data_portal", args=[organisation]), False),
    }


VIEWS = [
    "strategy",
    "roadmap",
    "roadmap_generate",
    "activity_add",
    "activity_edit",
    "activity_remove",
    "data_projects",
    "data_project_create",
    "data_project_edit",
    "data_project_delete",
    "data_portal",
]


@pytest.fixture
def objects(people, planned):
    activity = planned.activities.first()
    project = DataProject.objects.create(
        organisation=people.organisation, subject="Dashboard Wmo", status="idee"
    )
    return view_urls(people, activity, project)


@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.parametrize("stranger", ["other_consultant", "other_viewer"])
def test_a_stranger_gets_404(client, people, objects, name, stranger):
    client.force_login(getattr(people, stranger))
    url, _write = objects[name]
    assert client.get(url).status_code in {404, 405}
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize("name", VIEWS)
def test_a_viewer_may_read_but_not_write(client, people, objects, name):
    client.force_login(people.viewer)
    url, write = objects[name]
    before = (PlannedActivity.objects.count(), DataProject.objects.count())
    if write:
        assert client.post(url, {"reset": "on"}).status_code == 403
        assert client.get(url).status_code in {403, 405}
    else:
        assert client.get(url).status_code == 200
    assert (PlannedActivity.objects.count(), DataProject.objects.count()) == before


@pytest.mark.parametrize("name", VIEWS)
def test_anonymous_visitors_go_to_the_login(client, objects, name):
    url, _write = objects[name]
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")


# --- Strategy session -----------------------------------------------------------------


def test_it_shows_current_and_default_targets(client, people, closed):
    client.force_login(people.consultant)
    response = client.get(reverse("strategy", args=[closed.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    # LC1 answered 2 → 4: current stage 2, default target 4, choices from 2 up.
    assert form["target_LC1"].initial == 4
    assert [value for value, _label in form.fields["target_LC1"].choices] == [2, 3, 4, 5]
    assert "2,0" in response.content.decode()


def test_without_scores_it_says_so_and_starts_at_stage_zero(client, people):
    client.force_login(people.consultant)
    response = client.get(reverse("strategy", args=[people.assessment.pk]))
    assert "geen scores" in response.content.decode()
    form = response.context["form"]
    assert form["target_LC1"].initial == 0
    assert len(form.fields["target_LC1"].choices) == 6


def test_it_saves_the_strategy_session_in_order(client, people, closed):
    client.force_login(people.consultant)
    response = client.post(reverse("strategy", args=[closed.pk]), strategy_data(closed))
    assert response.status_code == 302
    roadmap = Roadmap.objects.get(assessment=closed)
    assert roadmap.principles == ["Opgave voorop", "Leren door te doen", "Privacy vanaf het begin"]
    assert (roadmap.horizon, roadmap.start_year, roadmap.capacity) == (4, 2027, 12)
    assert roadmap.vision.startswith("Data helpt")
    chosen = dict(FactorTarget.objects.values_list("factor__code", "chosen"))
    assert chosen["LC1"] == 3 and len(chosen) == 12
    assert not roadmap.activities.exists()


def test_save_and_generate_plans_the_roadmap(client, people, closed):
    client.force_login(people.consultant)
    data = strategy_data(closed, generate="1")
    response = client.post(reverse("strategy", args=[closed.pk]), data)
    assert response["Location"] == reverse("roadmap", args=[closed.pk])
    roadmap = Roadmap.objects.get(assessment=closed)
    assert roadmap.generated_at is not None
    assert roadmap.activities.count() > 0
    assert FactorTarget.objects.get(roadmap=roadmap, factor__code="LC1").target_stage == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_LC1": "1"}, "target_LC1"),  # below the current stage 2
        ({"target_ML2": "5", "horizon": "2"}, "target_ML2"),  # 1 → 5 in two years
        ({"target_LC1": "zes"}, "target_LC1"),
        ({"horizon": "0"}, "horizon"),
        ({"horizon": "11"}, "horizon"),
        ({"capacity": "0"}, "capacity"),
        ({"start_year": "1999"}, "start_year"),
        ({"principles": "\n".join(f"Punt {n}" for n in range(11))}, "principles"),
        ({"principles": "x" * 301}, "principles"),
    ],
)
def test_it_rejects_bad_strategy_input(client, people, closed, overrides, field):
    client.force_login(people.consultant)
    response = client.post(
        reverse("strategy", args=[closed.pk]), strategy_data(closed, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not FactorTarget.objects.exists()


def test_an_open_assessment_keeps_its_strategy_but_gets_no_roadmap(client, people):
    client.force_login(people.consultant)
    data = strategy_data(people.assessment, generate="1", target_LC1="0")
    response = client.post(reverse("strategy", args=[people.assessment.pk]), data)
    assert response.status_code == 302
    roadmap = Roadmap.objects.get(assessment=people.assessment)
    assert roadmap.vision and not roadmap.activities.exists()
    response = client.post(reverse("roadmap_generate", args=[people.assessment.pk]))
    assert response.status_code == 302
    assert not roadmap.activities.exists()


# --- Roadmap page ---------------------------------------------------------------------


def test_the_viewer_reads_the_roadmap_without_forms(client, people, planned):
    client.force_login(people.viewer)
    response = client.get(reverse("roadmap", args=[people.assessment.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Leiderschap &amp; Cultuur" in html and "2027" in html
    assert 'name="when"' not in html and "Routekaart opnieuw maken" not in html
    first = planned.activities.first()
    assert first.title in html and first.reason_label and first.reason_label in html
    # The session's knowledge is the viewer's too: the terms and the examples.
    glossary = reverse("inspiration_glossary", args=[people.assessment.pk])
    assert f'href="{glossary}"' in html
    assert client.get(glossary).status_code == 200


def test_the_consultant_gets_a_form_on_every_card(client, people, planned):
    client.force_login(people.consultant)
    response = client.get(reverse("roadmap", args=[people.assessment.pk]))
    html = response.content.decode()
    assert html.count('name="when"') == planned.activities.count()


def test_there_is_no_roadmap_before_the_strategy_session(client, people):
    client.force_login(people.viewer)
    response = client.get(reverse("roadmap", args=[people.assessment.pk]))
    assert response.status_code == 200
    assert "nog geen routekaart" in response.content.decode()
    assert not Roadmap.objects.exists()


def roadmap_page_queries(client, people, count, assert_max):
    PlannedActivity.objects.all().delete()
    roadmap_with_activities(people.assessment, count)
    url = reverse("roadmap", args=[people.assessment.pk])
    with assert_max(20) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="card activity-card') == count
    return len(queries)


@pytest.mark.parametrize("user", ["consultant", "viewer"])
def test_the_roadmap_page_makes_the_same_few_queries_at_10_and_80_activities(
    client, people, django_assert_max_num_queries, user
):
    client.force_login(getattr(people, user))
    small = roadmap_page_queries(client, people, 10, django_assert_max_num_queries)
    large = roadmap_page_queries(client, people, 80, django_assert_max_num_queries)
    assert small == large


def test_progress_is_the_share_gereed_per_track_and_year(client, people, planned):
    activities = list(
        planned.activities.filter(after_horizon=False).select_related("factor__track")
    )
    year_one = [a for a in activities if a.year == 1]
    PlannedActivity.objects.filter(pk=year_one[0].pk).update(status="gereed")
    PlannedActivity.objects.filter(pk=year_one[1].pk).update(status="vervallen")
    client.force_login(people.viewer)
    progress = client.get(reverse("roadmap", args=[people.assessment.pk])).context["progress"]
    year, calendar, count, share = progress["years"][0]
    assert (year, calendar, count) == (1, 2027, len(year_one))
    assert share == {
        "done": 1,
        "total": len(year_one) - 1,
        "percent": round(100 / (len(year_one) - 1)),
    }
    track = year_one[0].factor.track
    in_track = [a for a in activities if a.factor.track_id == track.pk and a.pk != year_one[1].pk]
    shares = dict(progress["tracks"])
    assert shares[track]["done"] == 1 and shares[track]["total"] == len(in_track)
    assert progress["all"]["done"] == 1


# --- Editing ---------------------------------------------------------------------------


def edit(client, activity, **data):
    values = {"when": "2-3", "owner": "Team data", "status": "lopend", "data_project": ""}
    values.update(data)
    return client.post(reverse("activity_edit", args=[activity.pk]), values)


def test_it_moves_an_activity_and_sets_owner_and_status(client, people, planned):
    client.force_login(people.consultant)
    activity = planned.activities.filter(year=1).first()
    response = edit(client, activity)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#activiteit-{activity.pk}")
    activity.refresh_from_db()
    assert (activity.year, activity.quarter, activity.moved) == (2, 3, True)
    assert (activity.owner, activity.status) == ("Team data", "lopend")
    edit(client, activity, when="na")
    activity.refresh_from_db()
    assert (activity.year, activity.quarter, activity.after_horizon) == (None, None, True)


def test_a_status_change_alone_is_not_a_move(client, people, planned):
    client.force_login(people.consultant)
    activity = planned.activities.filter(year=1).first()
    edit(client, activity, when=f"{activity.year}-{activity.quarter}", status="gereed")
    activity.refresh_from_db()
    assert activity.status == "gereed" and not activity.moved


@pytest.mark.parametrize(
    "data",
    [
        {"when": "5-1"},  # beyond the horizon of 4
        {"when": "1-5"},
        {"when": "drie"},
        {"status": "klaar"},
        {"owner": "x" * 201},
    ],
)
def test_it_rejects_bad_edits(client, people, planned, data):
    client.force_login(people.consultant)
    activity = planned.activities.filter(year=1).first()
    before = PlannedActivity.objects.filter(pk=activity.pk).values().get()
    response = edit(client, activity, **data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert PlannedActivity.objects.filter(pk=activity.pk).values().get() == before


def test_a_data_project_links_to_its_own_register_only(client, people, planned):
    client.force_login(people.consultant)
    own = DataProject.objects.create(organisation=people.organisation, subject="Wmo-dashboard")
    other = DataProject.objects.create(organisation=people.other_organisation, subject="Geheim")
    activity = planned.activities.filter(kind="dataproject").first()
    response = edit(client, activity, data_project=str(other.pk))
    assert response.status_code == 200 and "data_project" in response.context["form"].errors
    edit(client, activity, data_project=str(own.pk))
    activity.refresh_from_db()
    assert activity.data_project == own
    page = client.get(reverse("roadmap", args=[people.assessment.pk])).content.decode()
    assert "Wmo-dashboard" in page


def test_it_removes_an_activity_for_good(client, people, planned):
    client.force_login(people.consultant)
    activity = planned.activities.filter(custom=False).first()
    response = client.post(reverse("activity_remove", args=[activity.pk]))
    assert response.status_code == 302
    assert not PlannedActivity.objects.filter(pk=activity.pk).exists()
    client.post(reverse("roadmap_generate", args=[people.assessment.pk]))
    assert not planned.activities.filter(code=activity.code).exists()
    client.post(reverse("roadmap_generate", args=[people.assessment.pk]), {"reset": "on"})
    assert planned.activities.filter(code=activity.code).exists()


def test_removing_asks_first_and_removes_nothing_until_confirmed(client, people, planned):
    client.force_login(people.consultant)
    activity = planned.activities.first()
    page = client.get(reverse("activity_remove", args=[activity.pk]))
    assert page.status_code == 200
    assert "Activiteit verwijderen?" in page.content.decode()
    assert PlannedActivity.objects.filter(pk=activity.pk).exists()
    client.force_login(people.viewer)
    assert client.get(reverse("activity_remove", args=[activity.pk])).status_code == 403


def test_it_adds_a_custom_activity(client, people, planned):
    client.force_login(people.consultant)
    factor = people.assessment.model_version.factors.get(code="OG2")
    url = reverse("activity_add", args=[people.assessment.pk])
    assert client.get(url).status_code == 200
    data = {
        "title": "Datahackathon met de regio",
        "factor": factor.pk,
        "kind": "dataproject",
        "effort": "S",
        "when": "2-1",
        "owner": "Regieteam",
        "reason": "Afspraak in de regio",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    activity = PlannedActivity.objects.get(title="Datahackathon met de regio")
    assert (activity.code, activity.custom, activity.year, activity.quarter) == (
        "EIGEN-1",
        True,
        2,
        1,
    )
    client.post(url, dict(data, title="Nog een"))
    assert PlannedActivity.objects.filter(code="EIGEN-2").exists()
    bad = client.post(url, dict(data, factor="999999", title="", kind="feest"))
    assert set(bad.context["form"].errors) == {"factor", "title", "kind"}


def test_a_script_in_a_title_or_owner_is_shown_escaped(client, people, planned):
    client.force_login(people.consultant)
    activity = planned.activities.first()
    edit(client, activity, owner="<script>alert(1)</script>")
    html = client.get(reverse("roadmap", args=[people.assessment.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_assessment_page_shows_the_roadmap_progress(client, people, planned):
    PlannedActivity.objects.filter(pk=planned.activities.first().pk).update(status="gereed")
    total = planned.activities.filter(after_horizon=False).count()
    client.force_login(people.viewer)
    html = client.get(reverse("assessment", args=[people.assessment.pk])).content.decode()
    assert f"1 van {total} gereed" in html
    assert 'id="progress-tracks"' in html


def test_the_assessment_page_links_to_strategy_and_roadmap(client, people):
    client.force_login(people.consultant)
    html = client.get(reverse("assessment", args=[people.assessment.pk])).content.decode()
    assert reverse("strategy", args=[people.assessment.pk]) in html
    assert reverse("roadmap", args=[people.assessment.pk]) in html
    client.force_login(people.viewer)
    html = client.get(reverse("assessment", args=[people.assessment.pk])).content.decode()
    assert reverse("strategy", args=[people.assessment.pk]) not in html
    assert reverse("roadmap", args=[people.assessment.pk]) in html


def test_the_assessment_pages_buttons_keep_their_order(client, people, planned):
    # Bewerken (assessments), Strategiesessie and Routekaart (roadmap's hook), Resultaten.
    client.force_login(people.consultant)
    html = client.get(reverse("assessment", args=[people.assessment.pk])).content.decode()
    labels = [">Bewerken<", ">Strategiesessie<", ">Routekaart<", ">Resultaten<", "Poster A0"]
    positions = [html.index(label) for label in labels]
    assert positions == sorted(positions)
    assert html.index("Poster A0") < html.index('id="progress-tracks"') < html.index(">Lagen<")


@pytest.mark.parametrize("user", ["consultant", "viewer"])
def test_the_assessment_page_costs_a_bounded_number_of_queries(
    client, people, planned, user, django_assert_max_num_queries
):
    client.force_login(getattr(people, user))
    url = reverse("assessment", args=[people.assessment.pk])
    client.get(url)
    with django_assert_max_num_queries(10):  # 11 and 10 before the hook (issue 16)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("model", ["libraryactivity", "roadmap", "plannedactivity", "dataproject"])
def test_the_admin_shows_the_roadmap_models(client, people, planned, model):
    admin = people.consultant
    admin.is_superuser = True
    admin.save()
    DataProject.objects.create(organisation=people.organisation, subject="Wmo")
    client.force_login(admin)
    listing = client.get(reverse(f"admin:roadmap_{model}_changelist"))
    assert listing.status_code == 200
    obj = listing.context["cl"].result_list[0]
    assert client.get(reverse(f"admin:roadmap_{model}_change", args=[obj.pk])).status_code == 200


def test_the_roadmap_speaks_english_when_chosen(client, people, planned):
    client.force_login(people.consultant)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("roadmap", args=[people.assessment.pk])).content.decode()
    activity = planned.activities.exclude(description_en="").first()
    assert activity is not None
    assert activity.description_en in page
    if planned.activities.filter(reason__kind="prerequisite").exists():
        assert "prerequisite for" in page


# --- A manual move that breaks a prerequisite --------------------------------------------


def a_prerequisite_pair(roadmap):
    """(activity, one of its prerequisites), both on the roadmap, the activity being
    the first by code that has one."""
    activities = {a.code: a for a in roadmap.activities.order_by("code")}
    for activity in activities.values():
        for code in activity.prerequisites:
            if code in activities:
                return activity, activities[code]
    raise AssertionError("the shipped library plans no prerequisite")


def when_of(activity):
    return (99, 0) if activity.after_horizon else (activity.year, activity.quarter)


def test_a_move_before_a_prerequisite_is_allowed_and_shown_with_a_warning(client, people, planned):
    client.force_login(people.consultant)
    url = reverse("roadmap", args=[people.assessment.pk])
    assert 'id="prerequisite-summary"' not in client.get(url).content.decode()  # P3 holds
    dependent, prerequisite = a_prerequisite_pair(planned)
    # The prerequisite goes to the last quarter of the horizon, or after it.
    later = "na" if when_of(dependent) == (4, 4) else "4-4"
    assert edit(client, prerequisite, when=later).status_code == 302
    prerequisite.refresh_from_db()
    assert prerequisite.moved and when_of(prerequisite) > when_of(dependent)
    waiting = [
        a
        for a in planned.activities.all()
        if prerequisite.code in a.prerequisites and when_of(a) < when_of(prerequisite)
    ]
    html = client.get(url).content.decode()
    if len(waiting) == 1:
        assert "1 activiteit staat vóór haar voorwaarde" in html
    else:
        assert f"{len(waiting)} activiteiten staan vóór hun voorwaarde" in html
    moment = "na de horizon" if later == "na" else "2030 K4"
    assert f"Let op: staat vóór zijn voorwaarde {prerequisite.code} ({moment})" in html
    assert f"Let op: {dependent.code} (" in html and "heeft dit eerst nodig" in html
    summary = html.split('id="prerequisite-summary"')[1].split("</div>")[0]
    for activity in waiting:  # each one linked to its card, with its prerequisite
        assert f'href="#activiteit-{activity.pk}">{activity.code} ' in summary
    assert f'href="#activiteit-{prerequisite.pk}">{prerequisite.code}</a>' in summary
    assert html.count('class="card activity-card') == planned.activities.count()
    page = client.get(reverse("activity_edit", args=[dependent.pk])).content.decode()
    assert f"Let op: staat vóór zijn voorwaarde {prerequisite.code} ({moment})" in page
    # Moved back in front of what needs it, the warning goes: it is computed, not stored.
    assert edit(client, prerequisite, when="1-1").status_code == 302
    html = client.get(url).content.decode()
    assert 'id="prerequisite-summary"' not in html and "Let op:" not in html
    page = client.get(reverse("activity_edit", args=[dependent.pk])).content.decode()
    assert "Let op:" not in page


def test_the_viewer_sees_the_warning_too_and_a_bad_move_changes_nothing(client, people, planned):
    dependent, prerequisite = a_prerequisite_pair(planned)
    PlannedActivity.objects.filter(pk=prerequisite.pk).update(
        year=None, quarter=None, after_horizon=True, moved=True
    )
    client.force_login(people.viewer)
    html = client.get(reverse("roadmap", args=[people.assessment.pk])).content.decode()
    assert 'id="prerequisite-summary"' in html
    assert f"staat vóór zijn voorwaarde {prerequisite.code} (na de horizon)" in html
    client.force_login(people.consultant)
    for bad in ("5-1", "0-1", "1-5", "jaar", ""):
        response = edit(client, dependent, when=bad)
        assert response.status_code == 200 and "when" in response.context["form"].errors
    assert when_of(PlannedActivity.objects.get(pk=dependent.pk)) == when_of(dependent)


def test_the_strategy_page_says_where_a_default_target_below_the_shown_score_comes_from(
    client, model_version
):
    # Found in a walk-through: the demo's LC1 shows "gewenst 4,0" with a default target
    # of 3, as its desired score is 3,9x (stage Bekwaam).
    from django.contrib.auth import get_user_model
    from django.utils.html import escape

    from assessments.demo import load_demo
    from assessments.results import assessment_results
    from assessments.stages import stage_hint

    assessment = load_demo()["assessment"]
    client.force_login(get_user_model().objects.get(username="consultant"))
    html = client.get(reverse("strategy", args=[assessment.pk])).content.decode()
    desired = assessment_results(assessment).factors["LC1"].desired
    hint = stage_hint(desired)
    assert hint, desired  # the demo's case: shown 4,0, stage 3
    assert f'<span class="small text-secondary">{escape(hint)}</span>' in html
