"""The data projects register (consultants) and the portal of products in use (viewers)."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from roadmap.models import DataProject

pytestmark = pytest.mark.django_db


def project_data(**overrides):
    data = {
        "subject": "Dashboard Wmo-aanvragen",
        "problem_owner": "Teamleider Wmo",
        "domain": "Sociaal Domein",
        "status": "in_gebruik",
        "description": "Doorlooptijden per wijk.",
        "action": "De teamleider verdeelt het werk per wijk.",
        "pre_allowed": "DPIA gedaan.",
        "pre_maintenance": "Het datateam.",
        "link": "https://intranet.example/wmo",
    }
    data.update(overrides)
    return data


def test_the_consultant_keeps_the_register(client, people):
    client.force_login(people.consultant)
    url = reverse("data_project_create", args=[people.organisation.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, project_data())
    assert response["Location"] == reverse("data_projects", args=[people.organisation.pk])
    project = DataProject.objects.get()
    assert (project.organisation, project.status) == (people.organisation, "in_gebruik")
    edit_url = reverse("data_project_edit", args=[project.pk])
    client.post(edit_url, project_data(status="gestopt", link=""))
    project.refresh_from_db()
    assert project.status == "gestopt"
    client.post(reverse("data_project_delete", args=[project.pk]))
    assert not DataProject.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"link": ""}, "link"),  # a product in use needs its link
        ({"link": "javascript:alert(1)"}, "link"),
        ({"status": "af"}, "status"),
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 201}, "subject"),
    ],
)
def test_it_rejects_bad_register_input(client, people, overrides, field):
    client.force_login(people.consultant)
    url = reverse("data_project_create", args=[people.organisation.pk])
    response = client.post(url, project_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DataProject.objects.exists()


def test_a_subject_is_unique_within_an_organisation_only(client, people):
    DataProject.objects.create(organisation=people.organisation, subject="Dashboard Wmo-aanvragen")
    DataProject.objects.create(organisation=people.other_organisation, subject="Vroegsignalering")
    client.force_login(people.consultant)
    url = reverse("data_project_create", args=[people.organisation.pk])
    response = client.post(url, project_data())
    assert "subject" in response.context["form"].errors
    response = client.post(url, project_data(subject="Vroegsignalering", status="idee", link=""))
    assert response.status_code == 302


def test_the_database_requires_a_link_for_a_product_in_use(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        DataProject.objects.create(
            organisation=people.organisation, subject="Kaart", status="in_gebruik"
        )


def test_the_portal_shows_the_products_in_use_with_their_links(client, people):
    DataProject.objects.create(
        organisation=people.organisation,
        subject="Kaart meldingen openbare ruimte",
        status="in_gebruik",
        link="https://intranet.example/kaart",
    )
    DataProject.objects.create(
        organisation=people.organisation, subject="Vroegsignalering schulden", status="verkenning"
    )
    DataProject.objects.create(
        organisation=people.other_organisation,
        subject="Geheim dashboard",
        status="in_gebruik",
        link="https://b.example/geheim",
    )
    client.force_login(people.viewer)
    html = client.get(reverse("data_portal", args=[people.organisation.pk])).content.decode()
    assert 'href="https://intranet.example/kaart"' in html
    assert "Vroegsignalering" not in html
    assert "Geheim" not in html


def test_the_viewer_reads_the_register_without_edit_links(client, people):
    project = DataProject.objects.create(
        organisation=people.organisation, subject="<b>Vroegsignalering</b>", status="idee"
    )
    client.force_login(people.viewer)
    html = client.get(reverse("data_projects", args=[people.organisation.pk])).content.decode()
    assert "&lt;b&gt;Vroegsignalering&lt;/b&gt;" in html
    assert reverse("data_project_edit", args=[project.pk]) not in html
    assert reverse("data_project_create", args=[people.organisation.pk]) not in html


def test_the_register_pages_make_few_queries(client, people, django_assert_max_num_queries):
    DataProject.objects.bulk_create(
        DataProject(organisation=people.organisation, subject=f"Project {n}", status="idee")
        for n in range(40)
    )
    client.force_login(people.consultant)
    for name in ("data_projects", "data_portal"):
        with django_assert_max_num_queries(10):
            client.get(reverse(name, args=[people.organisation.pk]))


# --- The use-case pipeline (issue 15) ---------------------------------------------------


def test_the_register_records_the_whole_pipeline(client, people):
    client.force_login(people.consultant)
    url = reverse("data_project_create", args=[people.organisation.pk])
    data = project_data(
        subject="Vroegsignalering schulden",
        source="sessie",
        sponsor="Wethouder Werk en Inkomen",
        information_question="Welke huishoudens krijgen betalingsproblemen?",
        action="Een schuldhulpverlener belt binnen twee weken.",
        pre_people="Een data-analist.",
        pre_tooling="Python-omgeving.",
        pre_allowed="Grondslag Wgs.",
        dpia_needed="on",
        iama_needed="on",
        pre_maintenance="Team Werk en Inkomen.",
        benefits=["effectiviteit", "objectiviteit", "effectiviteit"],
        result="30 huishoudens eerder geholpen.",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    project = DataProject.objects.get()
    assert project.source == "sessie"
    assert (project.dpia_needed, project.iama_needed) == (True, True)
    assert project.benefits == ["objectiviteit", "effectiviteit"]  # model order, once
    html = client.get(reverse("data_projects", args=[people.organisation.pk])).content.decode()
    for text in ("Wethouder Werk en Inkomen", "DPIA nodig", "IAMA nodig", "Objectiviteit"):
        assert text in html
    assert "30 huishoudens eerder geholpen." in html


@pytest.mark.parametrize("status", ["verkenning", "in_ontwikkeling", "in_gebruik"])
def test_without_an_action_a_project_stays_an_idea_or_in_selection(client, people, status):
    client.force_login(people.consultant)
    url = reverse("data_project_create", args=[people.organisation.pk])
    response = client.post(url, project_data(status=status, action="  "))
    assert response.status_code == 200
    assert "action" in response.context["form"].errors
    assert "nice to know" in response.content.decode()
    assert not DataProject.objects.exists()
    for allowed in ("idee", "selectie", "gestopt"):
        data = project_data(subject=f"Project {allowed}", status=allowed, action="", link="")
        assert client.post(url, data).status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"source": "roddel"}, "source"),
        ({"benefits": ["geluk"]}, "benefits"),
        ({"result": "x" * 201}, "result"),
        ({"status": "selectie", "link": "", "sponsor": "x" * 201}, "sponsor"),
    ],
)
def test_it_rejects_bad_pipeline_input(client, people, overrides, field):
    client.force_login(people.consultant)
    url = reverse("data_project_create", args=[people.organisation.pk])
    response = client.post(url, project_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DataProject.objects.exists()


def test_the_database_refuses_an_unknown_status(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        DataProject.objects.create(organisation=people.organisation, subject="X", status="af")


def test_an_old_project_past_selection_without_action_is_flagged(client, people):
    project = DataProject.objects.create(
        organisation=people.organisation, subject="Oud project", status="verkenning"
    )
    client.force_login(people.consultant)
    html = client.get(reverse("data_projects", args=[people.organisation.pk])).content.decode()
    assert "Geen actie vastgelegd" in html
    html = client.get(reverse("data_project_edit", args=[project.pk])).content.decode()
    assert "Vul de actie in" in html
