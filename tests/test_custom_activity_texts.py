"""Custom roadmap activities carry an English title and description, like library
activities (issue 16): entered when adding, editable later, shown in the English UI."""

import pytest
from django.urls import reverse

from roadmap.models import PlannedActivity
from roadmap.services import roadmap_for, roadmap_generate
from tests.roadmap_data import answer_and_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(people):
    roadmap = roadmap_for(answer_and_close(people.assessment))
    roadmap_generate(roadmap=roadmap)
    return roadmap


def add(client, assessment, **overrides):
    factor = assessment.model_version.factors.get(code="OG2")
    data = {
        "title": "Datahackathon met de regio",
        "title_en": "Regional data hackathon",
        "description": "Twee dagen bouwen met de buurgemeenten.",
        "description_en": "Two days of building with the neighbouring towns.",
        "factor": factor.pk,
        "kind": "dataproject",
        "effort": "S",
        "when": "1-2",
        "owner": "Regieteam",
        "reason": "Afspraak in de regio",
    }
    data.update(overrides)
    return client.post(reverse("activity_add", args=[assessment.pk]), data)


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def test_a_custom_activity_is_added_with_its_english_texts(client, people, planned):
    client.force_login(people.consultant)
    assert add(client, people.assessment).status_code == 302
    activity = PlannedActivity.objects.get(custom=True)
    assert activity.title_en == "Regional data hackathon"
    assert activity.description == "Twee dagen bouwen met de buurgemeenten."
    assert activity.description_en == "Two days of building with the neighbouring towns."
    roadmap_page = reverse("roadmap", args=[people.assessment.pk])
    dutch = client.get(roadmap_page).content.decode()
    assert "Datahackathon met de regio" in dutch and "Regional data hackathon" not in dutch
    english(client)
    page = client.get(roadmap_page).content.decode()
    assert "Regional data hackathon" in page
    assert "Two days of building with the neighbouring towns." in page
    assert "Datahackathon met de regio" not in page


def test_the_english_texts_are_optional_and_fall_back_to_dutch(client, people, planned):
    client.force_login(people.consultant)
    add(client, people.assessment, title_en="", description_en="")
    english(client)
    page = client.get(reverse("roadmap", args=[people.assessment.pk])).content.decode()
    assert "Datahackathon met de regio" in page
    assert "Twee dagen bouwen met de buurgemeenten." in page


def test_bad_texts_are_refused(client, people, planned):
    client.force_login(people.consultant)
    response = add(client, people.assessment, title="", title_en="x" * 201)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "title_en"}
    assert not PlannedActivity.objects.filter(custom=True).exists()


def edit(client, activity, **data):
    values = {"when": "2-3", "owner": "Team data", "status": "lopend", "data_project": ""}
    values.update(data)
    return client.post(reverse("activity_edit", args=[activity.pk]), values)


def test_editing_a_custom_activity_shows_and_saves_its_texts(client, people, planned):
    client.force_login(people.consultant)
    add(client, people.assessment)
    activity = PlannedActivity.objects.get(custom=True)
    form = client.get(reverse("activity_edit", args=[activity.pk])).content.decode()
    assert 'name="title_en"' in form and "Regional data hackathon" in form
    assert 'name="description_en"' in form
    response = edit(
        client,
        activity,
        title="Datahackathon",
        title_en="Data hackathon",
        description="Nieuw.",
        description_en="New.",
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.title_en) == ("Datahackathon", "Data hackathon")
    assert (activity.description, activity.description_en) == ("Nieuw.", "New.")
    # A title is still required when editing.
    assert edit(client, activity, title="", title_en="").status_code == 200
    activity.refresh_from_db()
    assert activity.title == "Datahackathon"


def test_a_library_activity_keeps_its_library_texts(client, people, planned):
    client.force_login(people.consultant)
    activity = planned.activities.filter(custom=False).first()
    title, title_en = activity.title, activity.title_en
    form = client.get(reverse("activity_edit", args=[activity.pk])).content.decode()
    assert 'name="title_en"' not in form
    assert edit(client, activity, title="Gekaapt", title_en="Hijacked").status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.title_en) == (title, title_en)
