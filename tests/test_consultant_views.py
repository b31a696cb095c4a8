"""Creating and editing organisations and assessments, with bad input."""

import pytest
from django.urls import reverse

from assessments.models import (
    Assessment,
    Department,
    Membership,
    ModelVersion,
    Organisation,
    Response,
)
from tests.conftest import make_organisation, make_user

pytestmark = pytest.mark.django_db


def assessment_data(**overrides):
    data = {
        "model_version": str(ModelVersion.objects.get(code="DGW-2026.1").pk),
        "name": "Herhaalmeting 2027",
        "kind": "herhaalmeting",
        "scope": "organisatie",
        "department": "",
        "opens_on": "2027-02-01",
        "closes_on": "2027-03-01",
        "horizon": "4",
        "min_group_size": "5",
        "layers": ["bestuur", "directie", "management", "beleid", "specialist", "uitvoering"],
    }
    data.update(overrides)
    return data


def test_it_creates_an_organisation_and_assigns_its_creator(client, people):
    client.force_login(people.consultant)
    response = client.post(
        reverse("organisation_create"),
        {
            "name": "Waterschap Rijnland-Oost",
            "type": "waterschap",
            "size_class": "m",
            "departments": "Watersysteem\nZuivering\n\nWatersysteem",
        },
    )
    organisation = Organisation.objects.get(name="Waterschap Rijnland-Oost")
    assert response.status_code == 302
    assert Membership.objects.get(user=people.consultant, organisation=organisation).role == (
        "consultant"
    )
    assert sorted(organisation.departments.values_list("name", flat=True)) == [
        "Watersysteem",
        "Zuivering",
    ]


def test_it_rejects_a_duplicate_organisation_and_a_bad_type(client, people):
    client.force_login(people.consultant)
    response = client.post(
        reverse("organisation_create"),
        {"name": "Gemeente Bedorp", "type": "kerk", "size_class": "zz"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "type", "size_class"}
    assert Organisation.objects.count() == 2


def test_it_creates_an_assessment_with_the_chosen_default_layers(client, people, model_version):
    client.force_login(people.consultant)
    data = assessment_data(layers=["directie", "management", "uitvoering"])
    response = client.post(reverse("assessment_create", args=[people.organisation.pk]), data)
    assessment = Assessment.objects.get(name="Herhaalmeting 2027")
    assert response.status_code == 302
    assert assessment.status == "draft"
    assert assessment.model_version == model_version
    assert assessment.created_by == people.consultant
    assert list(assessment.layers.values_list("code", flat=True)) == [
        "directie",
        "management",
        "uitvoering",
    ]


def test_the_form_offers_every_default_layer(client, people):
    client.force_login(people.consultant)
    response = client.get(reverse("assessment_create", args=[people.organisation.pk]))
    assert response.context["form"]["layers"].initial == [
        "bestuur",
        "directie",
        "management",
        "beleid",
        "specialist",
        "uitvoering",
    ]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"closes_on": "2027-01-01"}, "closes_on"),
        ({"horizon": "0"}, "horizon"),
        ({"horizon": "11"}, "horizon"),
        ({"horizon": "vier"}, "horizon"),
        ({"min_group_size": "1"}, "min_group_size"),
        ({"min_group_size": "-3"}, "min_group_size"),
        ({"name": "Nulmeting 2026"}, "name"),
        ({"name": ""}, "name"),
        ({"scope": "afdeling"}, "department"),
        ({"kind": "eindmeting"}, "kind"),
        ({"layers": ["raad"]}, "layers"),
        ({"layers": []}, "layers"),
        ({"opens_on": "31-02-2027"}, "opens_on"),
    ],
)
def test_it_rejects_bad_assessment_input(client, people, overrides, field):
    client.force_login(people.consultant)
    before = Assessment.objects.count()
    response = client.post(
        reverse("assessment_create", args=[people.organisation.pk]), assessment_data(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Assessment.objects.count() == before


def test_it_refuses_a_department_of_another_organisation(client, people):
    foreign = Department.objects.create(organisation=people.other_organisation, name="Ruimte")
    client.force_login(people.consultant)
    response = client.post(
        reverse("assessment_create", args=[people.organisation.pk]),
        assessment_data(scope="afdeling", department=str(foreign.pk)),
    )
    assert "department" in response.context["form"].errors


def test_it_edits_an_assessment(client, people):
    client.force_login(people.consultant)
    url = reverse("assessment_edit", args=[people.assessment.pk])
    data = assessment_data(name="Nulmeting 2026", horizon="5")
    response = client.post(url, data)
    assert response.status_code == 302
    people.assessment.refresh_from_db()
    assert people.assessment.horizon == 5
    assert people.assessment.layers.count() == 6


def test_the_model_version_is_fixed_once_answers_exist(client, people):
    layer = people.assessment.layers.first()
    Response.objects.create(assessment=people.assessment, respondent="r1", layer=layer)
    client.force_login(people.consultant)
    response = client.get(reverse("assessment_edit", args=[people.assessment.pk]))
    assert response.context["form"].fields["model_version"].disabled


def test_home_costs_the_same_queries_for_more_organisations(
    client, people, model_version, django_assert_max_num_queries
):
    client.force_login(people.consultant)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("home")).status_code == 200
    viewer = make_user("extra-viewer")
    for number in range(15):
        make_organisation(
            f"Gemeente {number}",
            consultant=people.consultant,
            viewer=viewer,
            model_version=model_version,
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("home"))
    assert response.content.decode().count("Nulmeting 2026") == 16


def test_pages_speak_dutch_and_english(client, people):
    client.force_login(people.consultant)
    assert "Uw organisaties" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Your organisations" in client.get(reverse("home")).content.decode()
