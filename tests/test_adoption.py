"""Adoption of strategy and roadmap, frozen versions, and what the report shows of the
results session and the register (issue 15)."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from roadmap.adoption import adoption_line, set_status
from roadmap.documents import report_data
from roadmap.models import AgreedLevel, DataProject, Roadmap, RoadmapVersion
from roadmap.services import roadmap_for, roadmap_generate

from .roadmap_data import answer_and_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap(people):
    assessment = answer_and_close(people.assessment)
    roadmap = roadmap_for(assessment)
    roadmap.vision = "Data helpt ons beter te besluiten."
    roadmap.principles = ["Privacy eerst"]
    roadmap.save()
    roadmap_generate(roadmap=roadmap)
    return roadmap


def adopt(client, roadmap, **overrides):
    data = {
        "status": "vastgesteld",
        "body": "college",
        "body_other": "",
        "adopted_on": "2027-03-12",
        "adopted_by": "Burgemeester en wethouders",
    }
    data.update(overrides)
    return client.post(reverse("roadmap_adoption", args=[roadmap.assessment_id]), data)


def test_the_line_says_who_adopted_and_when(roadmap):
    assert adoption_line(roadmap) is None  # a concept
    assert adoption_line(None) is None
    with translation.override("nl"):
        set_status(roadmap=roadmap, status="besproken", when=date(2027, 2, 1))
        assert adoption_line(roadmap) == "Besproken met de directie op 1 februari 2027"
        set_status(roadmap=roadmap, status="vastgesteld", body="college", when=date(2027, 3, 12))
        assert adoption_line(roadmap) == "Vastgesteld door het college op 12 maart 2027"
        set_status(
            roadmap=roadmap,
            status="vastgesteld",
            body="anders",
            body_other="de gemeenteraad",
            when=date(2027, 4, 2),
        )
        assert adoption_line(roadmap) == "Vastgesteld door de gemeenteraad op 2 april 2027"


def test_the_consultant_adopts_and_the_page_shows_it(client, people, roadmap):
    client.force_login(people.consultant)
    page = client.get(reverse("roadmap", args=[roadmap.assessment_id])).content.decode()
    assert "nog niet besproken of vastgesteld" in page
    response = adopt(client, roadmap)
    assert response.status_code == 302
    roadmap.refresh_from_db()
    assert (roadmap.adoption_status, roadmap.adopted_body) == ("vastgesteld", "college")
    version = RoadmapVersion.objects.get()
    assert version.number == 1
    assert version.snapshot["vision"] == "Data helpt ons beter te besluiten."
    assert version.snapshot["principles"] == ["Privacy eerst"]
    assert len(version.snapshot["activities"]) == roadmap.activities.count()
    assert version.snapshot["targets"]
    client.force_login(people.viewer)
    page = client.get(reverse("roadmap", args=[roadmap.assessment_id])).content.decode()
    assert "Vastgesteld door het college op 12 maart 2027" in page
    assert "Burgemeester en wethouders" in page
    assert reverse("roadmap_adoption", args=[roadmap.assessment_id]) not in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": "definitief"}, "status"),
        ({"body": ""}, "body"),
        ({"body": "koning"}, "body"),
        ({"body": "anders", "body_other": " "}, "body_other"),
        ({"adopted_on": ""}, "adopted_on"),
        ({"adopted_on": "12-13-2027"}, "adopted_on"),
        ({"adopted_on": "1899-01-01"}, "adopted_on"),
        ({"adopted_by": "x" * 201}, "adopted_by"),
    ],
)
def test_it_rejects_a_bad_status(client, people, roadmap, overrides, field):
    client.force_login(people.consultant)
    response = adopt(client, roadmap, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    roadmap.refresh_from_db()
    assert roadmap.adoption_status == "concept"
    assert not RoadmapVersion.objects.exists()


def test_the_database_wants_a_body_and_date_for_an_adoption(roadmap):
    with pytest.raises(IntegrityError), transaction.atomic():
        Roadmap.objects.filter(pk=roadmap.pk).update(adoption_status="vastgesteld")


def test_viewers_and_strangers_cannot_set_the_status(client, people, roadmap):
    client.force_login(people.viewer)
    assert adopt(client, roadmap).status_code == 403
    client.force_login(people.other_consultant)
    assert adopt(client, roadmap).status_code == 404
    roadmap.refresh_from_db()
    assert roadmap.adoption_status == "concept"


def test_a_change_after_adoption_starts_a_new_concept_version(client, people, roadmap):
    client.force_login(people.consultant)
    adopt(client, roadmap)
    activity = roadmap.activities.first()
    edit = reverse("activity_edit", args=[activity.pk])
    page = client.get(edit).content.decode()
    assert "begint versie 2, een concept" in page  # said before saving
    strategy = client.get(reverse("strategy", args=[roadmap.assessment_id])).content.decode()
    assert "begint versie 2, een concept" in strategy
    client.post(edit, {"when": "2-3", "owner": "Teamleider BI", "status": "lopend"})
    roadmap.refresh_from_db()
    assert (roadmap.version, roadmap.adoption_status) == (2, "concept")
    assert adoption_line(roadmap) is None
    # The adopted copy keeps the old state and stays readable.
    frozen = RoadmapVersion.objects.get(number=1)
    old = next(a for a in frozen.snapshot["activities"] if a["code"] == activity.code)
    assert old["owner"] == ""
    client.force_login(people.viewer)
    html = client.get(reverse("roadmap_version", args=[roadmap.assessment_id, 1])).content.decode()
    assert "Vastgesteld door het college op 12 maart 2027" in html
    assert activity.title in html
    assert (
        client.get(reverse("roadmap_version", args=[roadmap.assessment_id, 2])).status_code == 404
    )
    # A second change of the concept does not start yet another version.
    client.force_login(people.consultant)
    client.post(edit, {"when": "2-4", "owner": "Teamleider BI", "status": "lopend"})
    roadmap.refresh_from_db()
    assert roadmap.version == 2


def test_saving_an_unchanged_strategy_keeps_the_adoption(client, people, roadmap):
    client.force_login(people.consultant)
    adopt(client, roadmap)
    form = client.get(reverse("strategy", args=[roadmap.assessment_id])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["principles"] = "\n".join(roadmap.principles)
    client.post(reverse("strategy", args=[roadmap.assessment_id]), data)
    roadmap.refresh_from_db()
    assert roadmap.adoption_status == "vastgesteld"
    data["vision"] = "Een nieuwe visie."
    client.post(reverse("strategy", args=[roadmap.assessment_id]), data)
    roadmap.refresh_from_db()
    assert (roadmap.version, roadmap.adoption_status, roadmap.vision) == (
        2,
        "concept",
        "Een nieuwe visie.",
    )


def report_html(assessment):
    with translation.override("nl"):
        return render_to_string("print/report.html", {"doc": report_data(assessment)})


def test_the_report_carries_status_watermark_agreed_levels_and_register(people, roadmap):
    assessment = roadmap.assessment
    html = report_html(assessment)
    assert 'class="watermark"' in html
    project = DataProject.objects.create(
        organisation=people.organisation, subject="Vroegsignalering schulden", status="idee"
    )
    linked = roadmap.activities.filter(kind="dataproject", after_horizon=False).first()
    linked.data_project = project
    linked.save()
    factor = assessment.model_version.factors.get(code="OG1")
    AgreedLevel.objects.create(
        assessment=assessment, factor=factor, current=2, desired=4, note="Herkend: 2."
    )
    set_status(roadmap=roadmap, status="vastgesteld", body="college", when=date(2027, 3, 12))
    html = report_html(assessment)
    assert 'class="watermark"' not in html
    assert "Vastgesteld door het college op 12 maart 2027" in html
    assert "Afspraken uit de resultatensessie" in html and "Herkend: 2." in html
    assert "Register: Vroegsignalering schulden" in html
    row = report_data(assessment)["agreed"][0]
    assert (row["survey_current"], row["current"], row["desired"]) == ("1,0", 2, 4)


def test_no_roadmap_no_watermark(people):
    assert 'class="watermark"' not in report_html(answer_and_close(people.assessment))


def test_the_version_pages_make_few_queries(client, people, roadmap, django_assert_max_num_queries):
    client.force_login(people.consultant)
    adopt(client, roadmap)
    for number in (2, 3, 4):
        Roadmap.objects.filter(pk=roadmap.pk).update(version=number)
        roadmap.refresh_from_db()
        adopt(client, roadmap)
    for name, args in (
        ("roadmap_versions", [roadmap.assessment_id]),
        ("roadmap_version", [roadmap.assessment_id, 4]),
        ("roadmap_adoption", [roadmap.assessment_id]),
    ):
        with django_assert_max_num_queries(8):  # 5-6 measured
            assert client.get(reverse(name, args=args)).status_code == 200


def test_the_activity_page_suggests_a_register_project(client, people, roadmap):
    DataProject.objects.create(
        organisation=people.organisation, subject="Vroegsignalering schulden", status="idee"
    )
    DataProject.objects.create(
        organisation=people.organisation, subject="Kaart bomen", status="idee"
    )
    activity = roadmap.activities.filter(kind="dataproject").first()
    activity.title = "Voorspel met Sociaal Domein de instroom in de schuldhulp"
    activity.save()
    client.force_login(people.consultant)
    response = client.get(reverse("activity_edit", args=[activity.pk]))
    assert [p.subject for p in response.context["suggestions"]] == ["Vroegsignalering schulden"]
    assert "Lijkt op" in response.content.decode()
    activity.data_project = DataProject.objects.get(subject="Kaart bomen")
    activity.save()
    response = client.get(reverse("activity_edit", args=[activity.pk]))
    assert response.context["suggestions"] == []  # linked: no suggestion
