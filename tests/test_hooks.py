"""The hooks of assessments/hooks.py (issue 16): roadmap takes part in the results,
assessment and organisation pages, load_model and load_demo through them, in a fixed
order, without assessments importing roadmap."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assessments import hooks
from roadmap import hooks as roadmap_hooks
from roadmap.models import LibraryActivity, Roadmap


def test_roadmap_registers_its_parts_once_and_in_order():
    assert hooks.results_sections.functions() == [roadmap_hooks.results_sections]
    assert hooks.assessment_sections.functions() == [roadmap_hooks.assessment_sections]
    assert hooks.results_actions.functions() == [roadmap_hooks.results_actions]
    assert hooks.organisation_sections.functions() == [roadmap_hooks.organisation_sections]
    assert hooks.model_loaded.functions() == [roadmap_hooks.load_library]
    assert hooks.demo_measurements_loaded.functions() == [roadmap_hooks.load_demo_routes]


def test_a_hook_runs_its_functions_in_registration_order_and_each_once():
    hook = hooks.Hook("example")
    calls = []

    def first(value):
        calls.append(("first", value))
        return {"a": 1, "shared": "first"}

    def second(value):
        calls.append(("second", value))
        return {"b": 2, "shared": "second"}

    hook.register(first)
    hook.register(second)
    hook.register(first)  # a second ready() adds nothing
    assert hook.run(7) == [{"a": 1, "shared": "first"}, {"b": 2, "shared": "second"}]
    assert calls == [("first", 7), ("second", 7)]
    assert "first" in repr(hook) and "second" in repr(hook)
    assert hooks.Hook("empty").run() == []


@pytest.mark.django_db
def test_the_assessment_page_gets_roadmaps_buttons_and_panels(people):
    consultant = hooks.assessment_parts(people.assessment, True)
    assert [action["label"] for action in consultant["actions"]] == [
        "Strategiesessie",
        "Routekaart",
    ]
    assert [panel["template"] for panel in consultant["panels"]] == [
        "roadmap/_assessment_downloads.html",
        "roadmap/_summary.html",
    ]
    viewer = hooks.assessment_parts(people.assessment, False)
    assert [action["label"] for action in viewer["actions"]] == ["Routekaart"]
    assert viewer["panels"][0]["context"]["can_edit"] is False


@pytest.mark.django_db
def test_the_results_page_gets_roadmaps_actions_and_downloads(people):
    pk = people.assessment.pk
    consultant = hooks.results_parts(people.assessment, True)
    assert [(a["label"], a["url"]) for a in consultant["actions"]] == [
        ("Resultatensessie: afgesproken niveaus vastleggen", reverse("agreed_levels", args=[pk]))
    ]
    assert [(a["label"], a["url"]) for a in consultant["comment_actions"]] == [
        ("als idee in register", reverse("comment_to_idea", args=[pk]))
    ]
    assert [part["template"] for part in consultant["downloads"]] == ["print/_downloads.html"]
    assert consultant["downloads"][0]["context"]["can_edit"] is True
    # A viewer gets no session and no ideas; the downloads decide for themselves (closed).
    viewer = hooks.results_parts(people.assessment, False)
    assert viewer["actions"] == [] and viewer["comment_actions"] == []
    assert viewer["downloads"][0]["context"]["can_edit"] is False


@pytest.mark.django_db
def test_the_organisation_page_gets_roadmaps_links_for_everyone(people):
    pk = people.organisation.pk
    expected = [
        ("Register van dataprojecten", reverse("data_projects", args=[pk])),
        ("Dataportaal", reverse("data_portal", args=[pk])),
    ]
    for consultant in (True, False):
        links = hooks.organisation_parts(people.organisation, consultant)["links"]
        assert [(link["label"], link["url"]) for link in links] == expected


@pytest.mark.django_db
def test_the_pages_show_another_apps_parts_after_roadmaps(client, people, monkeypatch):
    """The core's templates render whatever the registered apps add, in their order."""
    for hook in (hooks.results_actions, hooks.organisation_sections):
        monkeypatch.setattr(hook, "_functions", dict(hook._functions))

    @hooks.results_actions.register
    def other_results(assessment, consultant):
        return {"actions": [{"label": "Andere actie", "url": "/andere/"}]}

    @hooks.organisation_sections.register
    def other_organisation(organisation, consultant):
        return {"links": [{"label": "Andere link", "url": "/andere-link/"}]}

    client.force_login(people.consultant)
    html = client.get(reverse("results", args=[people.assessment.pk])).content.decode()
    assert html.index("Resultatensessie") < html.index('href="/andere/">Andere actie</a>')
    html = client.get(reverse("organisation", args=[people.organisation.pk])).content.decode()
    assert html.index("Dataportaal") < html.index('href="/andere-link/">Andere link</a>')


def test_load_model_loads_the_library_after_the_model(model_version):
    out = io.StringIO()
    call_command("load_model", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{model_version.code}: ")
    assert lines[-1].startswith(f"activities {model_version.code}: ")
    assert LibraryActivity.objects.filter(version=model_version).exists()


@pytest.mark.django_db
def test_the_demo_has_its_roadmaps_and_its_results_page_shows_plan_versus_effect(
    client, model_version
):
    call_command("load_demo", stdout=io.StringIO())
    roadmaps = Roadmap.objects.filter(assessment__organisation__name="Gemeente Voorbeeldstad")
    assert sorted(roadmaps.values_list("assessment__name", flat=True)) == [
        "Eerste meting 2024",
        "Nulmeting 2026",
    ]
    current = roadmaps.get(assessment__name="Nulmeting 2026")
    client.force_login(get_user_model().objects.get(username="consultant"))
    url = reverse("results", args=[current.assessment.pk])
    response = client.get(url)
    assert response.status_code == 200
    effect = response.context["continuity"]["plan_effect"]
    assert effect["previous"] == "Eerste meting 2024" and effect["done"] > 0
    assert 'id="plan-effect-table"' in response.content.decode()
    # A department's page asks no other app for organisation-wide sections.
    response = client.get(url, {"afdeling": "Sociaal Domein"})
    assert response.status_code == 200
    assert "continuity" not in response.context
