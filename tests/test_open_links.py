"""Open links: bound to one layer or one reporting group, with the group's headcount as
their maximum of responses (spec/scoring.md, Privacy; issue 12)."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from assessments import collection
from assessments.models import Department, Invitation, Response
from assessments.results import assessment_results, results_forget
from tests.survey_data import fill_all, open_assessment, open_link, shown_step

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/v/[A-Za-z0-9_-]+/)")
# Two reporting groups of the consultant's: the top, and the rest of the organisation
# with management and beleid together.
GROUPING = [
    {"name": "", "layers": ["bestuur", "directie"]},
    {"name": "", "layers": ["management", "beleid"]},
    {"name": "", "layers": ["specialist"]},
    {"name": "", "layers": ["uitvoering"]},
]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def assessment(people):
    assessment = open_assessment(people.assessment)
    assessment.reporting_groups = GROUPING
    assessment.save()
    return assessment


def make_link(client, people, **data):
    client.force_login(people.consultant)
    return client.post(
        f"/metingen/{people.assessment.pk}/uitnodigingen/", {"action": "link", **data}
    )


def beleid(assessment):
    return assessment.layers.get(code="beleid")


def start(token, data=None):
    """A new respondent opens the link and presses "begin"; returns (client, reply)."""
    respondent = Client()
    respondent.get(f"/v/{token}/")
    return respondent, respondent.post("/vragenlijst/", data or {})


# --- Making a link ---------------------------------------------------------------------


@pytest.mark.parametrize("layer", ["bestuur", "directie", "bestuur+directie"])
def test_it_refuses_bestuur_and_directie_and_says_why(client, people, assessment, layer):
    reply = make_link(client, people, group=layer, headcount="40")
    page = reply.content.decode()
    assert reply.status_code == 200
    assert "alleen met een persoonlijke uitnodiging" in page
    assert "zichtbaar maken" in page  # the reason
    assert not Invitation.objects.exists()
    with pytest.raises(collection.OpenLinkNotAllowed):
        collection.open_link_create(assessment=assessment, layers=["directie"], headcount=40)


def test_the_form_offers_neither_bestuur_nor_directie(client, people, assessment):
    client.force_login(people.consultant)
    page = client.get(f"/metingen/{assessment.pk}/uitnodigingen/").content.decode()
    assert 'value="beleid"' in page and 'value="management+beleid"' in page
    assert 'value="bestuur"' not in page and 'value="directie"' not in page
    assert 'value="bestuur+directie"' not in page


def test_a_group_link_needs_2k_people_else_one_link_per_layer(client, people, assessment):
    reply = make_link(client, people, group="management+beleid", headcount="9")
    page = reply.content.decode()
    assert "minstens 10 mensen" in page and "één link per laag" in page
    assert not Invitation.objects.exists()
    assert make_link(client, people, group="management+beleid", headcount="10").status_code == 302
    link = Invitation.objects.get()
    assert (link.kind, link.layers, link.headcount) == ("open", ["management", "beleid"], 10)
    # One layer needs no 2k: a link per layer is what a small group gets.
    assert make_link(client, people, group="specialist", headcount="3").status_code == 302
    assert Invitation.objects.get(layers=["specialist"]).headcount == 3


def test_a_group_link_follows_the_groups_as_they_stand(client, people, assessment):
    reply = make_link(client, people, group="beleid+specialist", headcount="40")
    assert "uit de lijst" in reply.content.decode()
    with pytest.raises(collection.OpenLinkNotAllowed, match="geen rapportagegroep"):
        collection.open_link_create(
            assessment=assessment, layers=["beleid", "specialist"], headcount=40
        )
    assessment.reporting_groups = None
    assessment.save()
    # By default layers without respondents are merged, bestuur and directie with them.
    reply = make_link(client, people, group="management+beleid", headcount="40")
    assert reply.status_code == 200
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("headcount", ["", "0", "-3", "abc", "100001"])
def test_a_link_needs_the_groups_headcount(client, people, assessment, headcount):
    reply = make_link(client, people, group="beleid", headcount=headcount)
    assert reply.status_code == 200
    assert not Invitation.objects.exists()
    with pytest.raises(collection.OpenLinkNotAllowed):
        collection.open_link_create(assessment=assessment, layers=["beleid"], headcount=0)


def test_the_database_refuses_a_headcount_of_zero(assessment):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            assessment=assessment, kind="open", layers=["beleid"], headcount=0, token_hash="a"
        )


def test_the_invitations_page_shows_each_links_group_and_use(client, people, assessment):
    make_link(client, people, group="management+beleid", headcount="12")
    page = client.get(f"/metingen/{assessment.pk}/uitnodigingen/").content.decode()
    path = LINK.search(page).group(1)
    start(path.split("/")[2], {"layer": "beleid"})
    page = client.get(f"/metingen/{assessment.pk}/uitnodigingen/").content.decode()
    assert "Management &amp; beleid &amp; advies" in page
    assert "1 van 12 gebruikt" in page


def test_the_invitations_page_costs_the_same_queries_for_more_links(
    client, people, assessment, django_assert_max_num_queries
):
    client.force_login(people.consultant)
    target = f"/metingen/{assessment.pk}/uitnodigingen/"
    open_link(assessment, "beleid")
    with django_assert_max_num_queries(20) as few:
        client.get(target)
    for _n in range(10):
        link, _token = open_link(assessment, "specialist", headcount=3)
        Response.objects.create(
            assessment=assessment,
            respondent=f"r{link.pk}",
            layer=beleid(assessment),
            open_link=link,
        )
    with django_assert_max_num_queries(20) as many:
        client.get(target)
    assert len(few.captured_queries) == len(many.captured_queries)


# --- Using a link ----------------------------------------------------------------------


def test_a_link_for_one_layer_asks_no_layer(assessment):
    _link, token = open_link(assessment, "specialist")
    respondent = Client()
    respondent.get(f"/v/{token}/")
    page = respondent.get("/vragenlijst/").content.decode()
    assert 'name="layer"' not in page
    assert "<strong>Specialist</strong>" in page
    respondent.post("/vragenlijst/", {})
    assert Response.objects.get().layer.code == "specialist"


@pytest.mark.parametrize("script", [True, False])
def test_after_choosing_a_department_the_questions_follow(assessment, script):
    """The respondent of an open link chooses a department once; once started, the
    survey is shown (the department is no longer asked), with or without the script,
    also when coming back later."""
    for name in ("Ruimte", "Sociaal domein"):
        Department.objects.create(organisation=assessment.organisation, name=name)
    _link, token = open_link(assessment, "specialist")
    respondent = Client()
    respondent.get(f"/v/{token}/")
    welcome = respondent.get("/vragenlijst/").content.decode()
    assert 'name="department"' in welcome and "Ruimte" in welcome
    data = {"department": "Ruimte", **({"script": "1"} if script else {})}
    reply = respondent.post("/vragenlijst/", data)
    assert reply.status_code == 302
    assert Response.objects.get().department == "Ruimte"
    for _visit in range(2):  # on at once, and when coming back later
        page = respondent.get(reply["Location"]).content.decode()
        assert 'name="department"' not in page
        assert 'name="q' in page, "the questions are shown"
        reply = respondent.get("/vragenlijst/")
        reply["Location"] = "/vragenlijst/"
    assert Response.objects.get().department == "Ruimte"


def test_a_group_link_offers_only_its_layers(assessment):
    _link, token = open_link(assessment, layers=["management", "beleid"], headcount=10)
    respondent = Client()
    respondent.get(f"/v/{token}/")
    page = respondent.get("/vragenlijst/").content.decode()
    assert set(re.findall(r'name="layer" value="([^"]+)"', page)) == {"management", "beleid"}
    assert respondent.post("/vragenlijst/", {"layer": "bestuur"}).status_code == 200
    assert respondent.post("/vragenlijst/", {"layer": "specialist"}).status_code == 200
    assert not Response.objects.exists()
    assert respondent.post("/vragenlijst/", {"layer": "beleid"}).status_code == 302
    assert Response.objects.get().layer.code == "beleid"


def test_at_the_headcount_no_new_response_starts_but_a_draft_finishes(assessment):
    _link, token = open_link(assessment, "beleid", headcount=2)
    first, _reply = start(token)
    second, _reply = start(token)
    fill_all(second, assessment)
    second.post("/vragenlijst/controleren/")
    assert Response.objects.count() == 2

    late = Client()
    late.get(f"/v/{token}/")
    page = late.get("/vragenlijst/").content.decode()
    assert "zo vaak gebruikt als er mensen in de groep zitten" in page
    assert "Begin met de vragenlijst" not in page  # nothing to start
    reply = late.post("/vragenlijst/", {})
    assert reply.status_code == 409
    assert "zo vaak gebruikt" in reply.content.decode()
    assert late.get("/vragenlijst/deel/1/")["Location"] == "/vragenlijst/"
    assert Response.objects.count() == 2

    # The respondent already in progress finishes.
    assert shown_step(first.get("/vragenlijst/").content.decode()) == "1"
    fill_all(first, assessment)
    first.post("/vragenlijst/controleren/")
    assert Response.objects.filter(status="submitted").count() == 2


def test_a_submitted_or_abandoned_response_both_use_up_the_link(assessment):
    link, token = open_link(assessment, "beleid", headcount=2)
    Response.objects.create(
        assessment=assessment, respondent="a", layer=beleid(assessment), open_link=link
    )
    Response.objects.create(
        assessment=assessment,
        respondent="b",
        layer=beleid(assessment),
        open_link=link,
        status="submitted",
        submitted_at=timezone.now(),
    )
    _client, reply = start(token)
    assert reply.status_code == 409
    assert Response.objects.count() == 2


def test_a_link_without_a_headcount_starts_nothing_but_a_draft_finishes(assessment):
    # An open link made before links had a group and a maximum ("any layer").
    link, token = open_link(assessment)
    Invitation.objects.filter(pk=link.pk).update(layers=[], headcount=None)
    newcomer, reply = start(token, {"layer": "beleid"})
    assert reply.status_code == 409
    assert "vraag de consultant om een nieuwe link" in reply.content.decode().lower()
    assert not Response.objects.exists()

    earlier = Client()
    earlier.get(f"/v/{token}/")
    Response.objects.create(
        assessment=assessment,
        respondent=earlier.session["survey"]["respondent"],
        layer=beleid(assessment),
        open_link=link,
        current_page=1,
    )
    assert shown_step(earlier.get("/vragenlijst/").content.decode()) == "1"
    fill_all(earlier, assessment)
    earlier.post("/vragenlijst/controleren/")
    assert Response.objects.get().is_submitted


def test_a_group_link_stops_choosing_when_k_is_raised_past_half_its_headcount(assessment):
    _link, token = open_link(assessment, layers=["management", "beleid"], headcount=10)
    assessment.min_group_size = 6
    assessment.save()
    _client, reply = start(token, {"layer": "beleid"})
    assert reply.status_code == 409
    assert not Response.objects.exists()


def test_a_double_click_on_begin_at_the_last_place_makes_one_response(assessment):
    _link, token = open_link(assessment, "beleid", headcount=1)
    respondent, reply = start(token)
    assert reply.status_code == 302
    assert respondent.post("/vragenlijst/", {}).status_code == 302
    assert Response.objects.count() == 1


def test_the_demos_open_link_works_and_is_bound_to_a_large_layer(model_version):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    path = re.search(r"open survey: assessment=\d+ · link (\S+)", out.getvalue()).group(1)
    respondent = Client()
    respondent.get(path)
    assert respondent.post("/vragenlijst/", {})["Location"] == "/vragenlijst/deel/1/"
    link = Invitation.objects.get(kind="open", headcount__isnull=False)
    assert link.layers == ["uitvoering"] and link.headcount >= 200
    # A second run renews the same link instead of adding one.
    call_command("load_demo", stdout=io.StringIO())
    assert Invitation.objects.filter(kind="open").count() == 1


# --- Overflow --------------------------------------------------------------------------


def submitted_through(link, layer, count, prefix):
    Response.objects.bulk_create(
        Response(
            assessment=link.assessment,
            respondent=f"{prefix}-{n}",
            layer=link.assessment.layers.get(code=layer),
            open_link=link,
            status="submitted",
            submitted_at=timezone.now(),
        )
        for n in range(count)
    )


def test_it_marks_groups_with_more_open_link_responses_than_people(assessment):
    group_link, _token = open_link(assessment, layers=["management", "beleid"], headcount=10)
    specialist_link, _token = open_link(assessment, "specialist", headcount=2)
    submitted_through(group_link, "beleid", 8, "b")
    submitted_through(group_link, "management", 3, "m")
    submitted_through(specialist_link, "specialist", 2, "s")
    # Drafts and personal invitations are not the link's to answer for.
    Response.objects.create(
        assessment=assessment, respondent="draft", layer=beleid(assessment), open_link=group_link
    )
    Response.objects.create(
        assessment=assessment,
        respondent="invited",
        layer=assessment.layers.get(code="specialist"),
        status="submitted",
        submitted_at=timezone.now(),
    )
    # A link from before headcounts (it took any layer) vouches for no one.
    legacy, _token = open_link(assessment, "uitvoering")
    Invitation.objects.filter(pk=legacy.pk).update(layers=[], headcount=None)
    submitted_through(legacy, "uitvoering", 1, "u")

    overflow = collection.open_link_overflow(assessment)
    assert [(o.group, o.responses, o.headcount) for o in overflow] == [
        ("management+beleid", 11, 10),
        ("uitvoering", 1, 0),
    ]
    assert overflow[0].layers == ("management", "beleid")


def test_a_link_over_several_groups_counts_for_each(assessment):
    link, _token = open_link(assessment, layers=["management", "beleid"], headcount=10)
    assessment.reporting_groups = [{"name": "", "layers": ["management"]}]  # beleid alone too
    assessment.save()
    submitted_through(link, "beleid", 10, "b")
    submitted_through(link, "management", 10, "m")
    assert collection.open_link_overflow(assessment) == []
    submitted_through(link, "beleid", 1, "extra")
    assert [o.group for o in collection.open_link_overflow(assessment)] == ["beleid"]


def test_the_overflow_costs_three_queries_at_any_size(assessment, django_assert_num_queries):
    link, _token = open_link(assessment, "beleid", headcount=4)
    submitted_through(link, "beleid", 5, "a")
    with django_assert_num_queries(3):
        assert len(collection.open_link_overflow(assessment)) == 1
    submitted_through(link, "beleid", 2000, "b")
    for _n in range(20):
        open_link(assessment, "specialist", headcount=1)
    with django_assert_num_queries(3):
        assert collection.open_link_overflow(assessment)[0].responses == 2005


def test_the_overflow_by_the_results_groups_is_the_same_in_two_queries(
    assessment, django_assert_num_queries
):
    link, _token = open_link(assessment, layers=["management", "beleid"], headcount=10)
    submitted_through(link, "beleid", 11, "b")
    groups = assessment_results(assessment).groups
    expected = collection.open_link_overflow(assessment)
    assert [o.group for o in expected] == ["management+beleid"]
    with django_assert_num_queries(2):
        assert collection.open_link_overflow(assessment, groups) == expected


def test_the_results_page_marks_a_group_whose_link_overflowed(client, people, assessment):
    link, _token = open_link(assessment, "beleid", headcount=4)
    submitted_through(link, "beleid", 6, "a")
    results_forget(assessment)
    client.force_login(people.consultant)
    content = client.get(f"/metingen/{assessment.pk}/resultaten/").content.decode()
    assert "meer antwoorden via een open link dan er mensen in de groep zitten" in content
    assert "6 antwoorden via open links, 4 mensen opgegeven" in content
    link.headcount = 6
    link.save()
    content = client.get(f"/metingen/{assessment.pk}/resultaten/").content.decode()
    assert "via een open link dan er mensen" not in content
