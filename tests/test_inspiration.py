"""Issue 15, the inspiration-and-vision part: the shipped glossary and catalogue and their
loader, the glossary and catalogue pages, adding an example to the register, the
session's record (strategy page, roadmap page, report) and the presentation mode."""

import copy
import io
import json
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.models import Membership
from roadmap.documents import report_data
from roadmap.inspiration import (
    InspirationFileError,
    add_use_case_to_register,
    current_version,
    inspiration_files,
    load_inspiration_data,
)
from roadmap.models import (
    DataProject,
    GlossaryTerm,
    InspirationVersion,
    UseCase,
    VisionSession,
)
from roadmap.services import roadmap_for

from . import roadmap_data
from . import scoring_data as data

pytestmark = pytest.mark.django_db

SECRET_COMMENTS = ["GEHEIM-VAN-BESTUUR", "GEHEIM-VAN-MANAGEMENT"]


def shipped():
    (path,) = inspiration_files()
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# --- The shipped content and its loader -----------------------------------------------


def test_the_shipped_content_is_loaded_with_about_30_terms_and_40_use_cases(model_version):
    version = current_version()
    assert version.code == "INSP-2026.1"
    assert 30 <= version.terms.count() <= 40
    assert version.use_cases.count() == 40
    # Every domain and every level has examples, and every term and case has English.
    cases = list(version.use_cases.all())
    assert {uc.domain for uc in cases} == set(UseCase.Domain.values)
    assert {uc.level for uc in cases} == set(UseCase.Level.values)
    assert all(uc.title_en and uc.question_en and uc.action_en for uc in cases)
    assert all(t.term_en and t.definition_en for t in version.terms.all())
    assert {"DPIA", "IAMA", "Algoritmeregister", "Basisregistratie"} <= {
        t.term for t in version.terms.all()
    }


def test_load_inspiration_is_idempotent(model_version):
    out = io.StringIO()
    call_command("load_inspiration", stdout=out)
    assert "INSP-2026.1: unchanged (32 terms, 40 use cases)" in out.getvalue()
    assert InspirationVersion.objects.count() == 1
    assert UseCase.objects.count() == 40


def test_loading_a_changed_file_updates_and_prunes(model_version):
    content = shipped()
    content["terms"] = content["terms"][1:]
    content["use_cases"][0]["title"] = "Vroegsignalering van schulden"
    result = load_inspiration_data(content)
    assert result.outcome == "updated"
    version = current_version()
    assert not version.terms.filter(code="datagedreven-werken").exists()
    assert version.use_cases.get(code="UC01").title == "Vroegsignalering van schulden"
    assert load_inspiration_data(content).outcome == "unchanged"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["use_cases"][0].update(factors=["IT2", "XX9"]),
            "UC01: unknown factor codes XX9",
        ),
        (lambda d: d["use_cases"][1].update(code="UC01"), "duplicate use case code UC01"),
        (lambda d: d["terms"][1].update(code=d["terms"][0]["code"]), "duplicate term code"),
        (lambda d: d["terms"][0].pop("definition_en"), "missing definition_en"),
        (lambda d: d["use_cases"][2].update(title_en="  "), "UC03: missing title_en"),
        (lambda d: d["use_cases"][0].update(level="expert"), "unknown level 'expert'"),
        (lambda d: d["use_cases"][0].update(domain="sport"), "unknown domain 'sport'"),
        (lambda d: d["use_cases"][0].update(privacy=["pia"]), "privacy must be a list"),
        (lambda d: d.pop("version"), "no version code"),
    ],
)
def test_a_bad_file_is_refused_whole_with_a_clear_error(model_version, change, message):
    content = shipped()
    content["version"] = "INSP-TEST"
    change(content)
    with pytest.raises(InspirationFileError, match=message):
        load_inspiration_data(content)
    assert not InspirationVersion.objects.filter(code="INSP-TEST").exists()


def test_every_problem_is_named_at_once(model_version):
    content = copy.deepcopy(shipped())
    content["use_cases"][0]["factors"] = ["QQ1"]
    content["terms"][0]["term_en"] = ""
    with pytest.raises(InspirationFileError) as error:
        load_inspiration_data(content)
    assert "QQ1" in str(error.value) and "term_en" in str(error.value)


def test_the_command_reports_a_bad_file_in_one_line(model_version, tmp_path, monkeypatch):
    bad = shipped()
    bad["use_cases"][0]["factors"] = ["NOPE1"]
    (tmp_path / "v1.json").write_text(json.dumps(bad), encoding="utf-8")
    monkeypatch.setattr("roadmap.inspiration.INSPIRATION_DIR", tmp_path)
    with pytest.raises(CommandError, match="v1.json: .*unknown factor codes NOPE1"):
        call_command("load_inspiration", stdout=io.StringIO())


# --- Glossary and catalogue pages ------------------------------------------------------


def get(client, user, name, assessment, query=""):
    client.force_login(user)
    return client.get(reverse(name, args=[assessment.pk]) + query)


@pytest.mark.parametrize("name", ["inspiration_glossary", "inspiration_catalogue"])
def test_consultants_and_viewers_read_the_pages_strangers_do_not(client, people, name):
    assert get(client, people.consultant, name, people.assessment).status_code == 200
    assert get(client, people.viewer, name, people.assessment).status_code == 200
    assert get(client, people.other_consultant, name, people.assessment).status_code == 404
    client.logout()
    response = client.get(reverse(name, args=[people.assessment.pk]))
    assert response.status_code == 302 and "inloggen" in response["Location"]


def test_the_glossary_explains_the_terms(client, people, django_assert_max_num_queries):
    client.force_login(people.viewer)
    url = reverse("inspiration_glossary", args=[people.assessment.pk])
    with django_assert_max_num_queries(6):
        text = client.get(url).content.decode()
    assert "Algoritmeregister" in text
    assert "Impact Assessment Mensenrechten en Algoritmes" in text


def titles(response):
    return [uc.title for uc in response.context["use_cases"]]


def test_the_catalogue_filters_by_domain_level_factor_and_track(client, people):
    user, a = people.consultant, people.assessment
    everything = titles(get(client, user, "inspiration_catalogue", a))
    assert len(everything) == 40
    social = titles(get(client, user, "inspiration_catalogue", a, "?domein=sociaal"))
    assert "Vroegsignalering schulden" in social and "Woningbouwmonitor" not in social
    advanced = get(client, user, "inspiration_catalogue", a, "?domein=sociaal&niveau=geavanceerd")
    assert set(titles(advanced)) == {"Uitstroom naar werk (bijstand)", "Monitor leerlingenvervoer"}
    factor = get(client, user, "inspiration_catalogue", a, "?factor=PEB2")
    assert factor.context["use_cases"]
    assert all("PEB2" in uc.factors for uc in factor.context["use_cases"])
    track = get(client, user, "inspiration_catalogue", a, "?spoor=PEB")
    assert all({"PEB1", "PEB2"} & set(uc.factors) for uc in track.context["use_cases"])
    assert len(track.context["use_cases"]) < 40
    assert "2 voorbeelden van 40" in advanced.content.decode()


def test_an_unknown_filter_value_is_ignored(client, people):
    response = get(
        client,
        people.consultant,
        "inspiration_catalogue",
        people.assessment,
        "?domein=x&factor=<b>",
    )
    assert response.status_code == 200
    assert len(response.context["use_cases"]) == 40
    assert "<b>" not in response.content.decode()


def test_a_filter_that_matches_nothing_says_so(client, people):
    query = "?domein=toezicht&niveau=eenvoudig&factor=PEB2"
    response = get(client, people.consultant, "inspiration_catalogue", people.assessment, query)
    assert response.context["use_cases"] == []
    assert "Geen voorbeelden bij deze keuze" in response.content.decode()


def test_the_catalogue_costs_few_queries(client, people, django_assert_max_num_queries):
    client.force_login(people.consultant)
    url = reverse("inspiration_catalogue", args=[people.assessment.pk])
    with django_assert_max_num_queries(10):
        assert client.get(url + "?spoor=IT").status_code == 200


def test_only_consultants_see_the_add_button(client, people):
    button = "Als idee in het register zetten"
    assert (
        button
        in get(
            client, people.consultant, "inspiration_catalogue", people.assessment
        ).content.decode()
    )
    assert (
        button
        not in get(
            client, people.viewer, "inspiration_catalogue", people.assessment
        ).content.decode()
    )


# --- Into the register -----------------------------------------------------------------


def add(client, user, assessment, code, query=""):
    client.force_login(user)
    url = reverse("inspiration_catalogue_add", args=[assessment.pk, code])
    return client.post(url, {"query": query}, follow=True)


def test_a_consultant_adds_an_example_to_the_register_as_an_idea(client, people):
    response = add(client, people.consultant, people.assessment, "UC01", "domein=sociaal")
    assert response.redirect_chain[-1][0].endswith(
        reverse("inspiration_catalogue", args=[people.assessment.pk]) + "?domein=sociaal#uc-UC01"
    )
    project = DataProject.objects.get(organisation=people.organisation)
    assert project.subject == "Vroegsignalering schulden"
    assert project.status == DataProject.Status.IDEA
    assert project.domain == "Sociaal domein"
    assert project.source == DataProject.Source.CATALOGUE
    assert "Welke huishoudens hebben nu betalingsachterstanden" in project.information_question
    assert project.action and project.description
    assert project.dpia_needed and project.iama_needed
    assert "staat nu als idee in het register" in response.content.decode()
    # The catalogue now says it is in the register instead of offering it again.
    assert "Staat in het register van dataprojecten" in response.content.decode()


def test_a_second_add_is_refused_politely(client, people):
    add(client, people.consultant, people.assessment, "UC02")
    response = add(client, people.consultant, people.assessment, "UC02")
    assert response.status_code == 200
    assert "staat al in het register" in response.content.decode()
    assert DataProject.objects.filter(organisation=people.organisation).count() == 1


def test_an_existing_register_entry_with_the_same_subject_is_kept(people, model_version):
    DataProject.objects.create(
        organisation=people.organisation, subject="Woningbouwmonitor", description="eigen"
    )
    use_case = current_version().use_cases.get(code="UC07")
    assert add_use_case_to_register(people.organisation, use_case) is None
    assert DataProject.objects.get(organisation=people.organisation).description == "eigen"


def test_viewers_strangers_and_bad_requests_cannot_add(client, people):
    url = reverse("inspiration_catalogue_add", args=[people.assessment.pk, "UC01"])
    client.force_login(people.viewer)
    assert client.post(url).status_code == 403
    client.force_login(people.other_consultant)
    assert client.post(url).status_code == 404
    client.force_login(people.consultant)
    assert client.get(url).status_code == 405
    unknown = reverse("inspiration_catalogue_add", args=[people.assessment.pk, "UC99"])
    assert client.post(unknown).status_code == 404
    assert not DataProject.objects.exists()


def test_a_foreign_query_is_not_sent_back(client, people):
    response = add(
        client, people.consultant, people.assessment, "UC01", "next=https://evil.example"
    )
    assert "evil" not in response.redirect_chain[-1][0]


# --- The session's record --------------------------------------------------------------


def session_url(assessment):
    return reverse("vision_session", args=[assessment.pk])


VALID = {
    "held_on": "2026-02-10",
    "role_bestuur": "2",
    "role_directie": "3",
    "role_uitvoering": "6",
    "notes": "Voorbeelden uit het sociaal domein spraken het meest aan.",
}


def test_a_consultant_records_the_session_and_the_strategy_page_shows_it(client, people):
    client.force_login(people.consultant)
    response = client.post(session_url(people.assessment), VALID)
    assert response.status_code == 302
    session = VisionSession.objects.get(assessment=people.assessment)
    assert session.held_on == date(2026, 2, 10)
    assert session.participants == {"bestuur": 2, "directie": 3, "uitvoering": 6}
    content = client.get(reverse("strategy", args=[people.assessment.pk])).content.decode()
    assert "Bestuur: 2, Directie: 3, Uitvoering: 6 (11 personen)" in content
    assert "sociaal domein spraken" in content
    # Recorded once: saving again changes the same record.
    client.post(session_url(people.assessment), {**VALID, "role_bestuur": "1"})
    assert VisionSession.objects.get().participants["bestuur"] == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"role_bestuur": "", "role_directie": "", "role_uitvoering": ""}, "minstens één rol"),
        ({"role_bestuur": "-1"}, "minstens 0"),
        ({"role_bestuur": "twee"}, "geheel getal"),
        ({"held_on": "31-31-2026"}, "geldige datum"),
        ({"held_on": ""}, "verplicht"),
        ({"notes": "x" * 4001}, "4000"),
    ],
)
def test_bad_session_input_is_refused(client, people, change, message):
    client.force_login(people.consultant)
    response = client.post(session_url(people.assessment), {**VALID, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not VisionSession.objects.exists()


def test_viewers_cannot_record_the_session(client, people):
    client.force_login(people.viewer)
    assert client.get(session_url(people.assessment)).status_code == 403
    assert client.post(session_url(people.assessment), VALID).status_code == 403
    assert not VisionSession.objects.exists()


def test_frameworks_appear_on_the_roadmap_page_and_in_the_report(client, people):
    roadmap = roadmap_for(people.assessment)
    roadmap.frameworks = "Binnen het bestaande budget; de I-visie van de regio."
    roadmap.save()
    VisionSession.objects.create(
        assessment=people.assessment,
        held_on=date(2026, 2, 10),
        participants={"directie": 4, "overig": 1},
        notes="Opbrengst",
    )
    client.force_login(people.viewer)
    content = client.get(reverse("roadmap", args=[people.assessment.pk])).content.decode()
    assert "Randvoorwaarden en kaders" in content
    assert "de I-visie van de regio" in content
    doc = report_data(people.assessment)
    assert doc["roadmap"]["frameworks"] == roadmap.frameworks
    assert doc["vision_session"]["total"] == 5
    assert doc["vision_session"]["participants"] == [
        {"role": "Directie", "count": 4},
        {"role": "Overig", "count": 1},
    ]
    from django.template.loader import render_to_string

    html = render_to_string("print/report.html", {"doc": doc})
    assert "Sessie visie en inspiratie" in html
    assert "met 5 deelnemers: Directie 4, Overig 1." in html
    assert "de I-visie van de regio" in html


# --- Presentation mode -----------------------------------------------------------------


def slide(client, user, assessment, number=None):
    client.force_login(user)
    if number is None:
        return client.get(reverse("presentation", args=[assessment.pk]))
    return client.get(reverse("presentation_slide", args=[assessment.pk, number]))


def all_slides(client, user, assessment):
    first = slide(client, user, assessment)
    assert first.status_code == 200
    count = first.context["count"]
    pages = [first] + [slide(client, user, assessment, n) for n in range(2, count + 1)]
    assert all(page.status_code == 200 for page in pages)
    return pages


def test_the_presentation_runs_knowledge_inspiration_then_tracks(client, people):
    roadmap_data.answer_and_close(people.assessment)
    pages = all_slides(client, people.consultant, people.assessment)
    kinds = [page.context["slide"]["kind"] for page in pages]
    assert kinds[0] == "title"
    assert kinds.index("knowledge") < kinds.index("inspiration") < kinds.index("overview")
    assert kinds.count("inspiration") == 3  # eenvoudig, gevorderd, geavanceerd
    assert kinds.count("scores") == 5  # one per track
    first, last = pages[0], pages[-1]
    assert first.context["previous_url"] == "" and first.context["next_url"].endswith("/2/")
    assert last.context["next_url"] == ""
    # Works without script: plain links to the next and previous slides and a way out.
    text = pages[1].content.decode()
    assert 'rel="next"' in text and 'rel="prev"' in text and "Stoppen" in text
    scores = next(page for page in pages if page.context["slide"]["kind"] == "scores")
    assert "Visie &amp; strategie" in scores.content.decode()


def test_a_slide_beyond_the_end_is_404(client, people):
    count = slide(client, people.consultant, people.assessment).context["count"]
    assert slide(client, people.consultant, people.assessment, count + 1).status_code == 404
    assert slide(client, people.consultant, people.assessment, 0).status_code == 404


def test_a_viewer_sees_no_results_before_the_close_and_strangers_nothing(client, people):
    roadmap_data.answer_and_close(people.assessment)
    people.assessment.status = people.assessment.Status.OPEN
    people.assessment.closed_at = None
    people.assessment.save()
    viewer = [
        p.context["slide"]["kind"] for p in all_slides(client, people.viewer, people.assessment)
    ]
    assert "scores" not in viewer and "knowledge" in viewer and viewer[-1] == "message"
    consultant = [
        p.context["slide"]["kind"] for p in all_slides(client, people.consultant, people.assessment)
    ]
    assert "scores" in consultant
    assert slide(client, people.other_viewer, people.assessment).status_code == 404


def test_a_closed_assessment_is_presented_to_viewers(client, people):
    roadmap_data.answer_and_close(people.assessment)
    kinds = [
        p.context["slide"]["kind"] for p in all_slides(client, people.viewer, people.assessment)
    ]
    assert "scores" in kinds


@pytest.fixture
def hidden_case(people):
    """As in test_results_page: privacy hides bestuur (3 < 5) and, by complementary
    suppression, management. Closed, so viewers see it too."""
    version = data.small_model()
    organisation = data.organisation("Gemeente Geheim")
    Membership.objects.create(
        user=people.consultant, organisation=organisation, role=Membership.Role.CONSULTANT
    )
    Membership.objects.create(
        user=people.viewer, organisation=organisation, role=Membership.Role.VIEWER
    )
    assessment = data.assessment(organisation, version, closed_at=datetime(2026, 3, 1))
    assessment.reporting_groups = [
        {"name": "", "layers": [code]} for code in assessment.layers.values_list("code", flat=True)
    ]
    assessment.save()
    data.add_respondents(
        assessment,
        [
            ("bestuur", "", data.same_answers(5), {"LC1": "GEHEIM-VAN-BESTUUR"}),
            ("bestuur", "", data.same_answers(5)),
            ("bestuur", "", data.same_answers(4)),
        ]
        + [("directie", "Zorg", data.same_answers(1), {"LC1": "<script>alert(1)</script>"})]
        + [("directie", "Zorg", data.same_answers(1))] * 5
        + [("management", "Zorg", data.same_answers(2), {"IT3": "GEHEIM-VAN-MANAGEMENT"})] * 5
        + [("uitvoering", "Ruimte", data.same_answers(3))] * 7,
    )
    return assessment


@pytest.mark.parametrize("who", ["consultant", "viewer"])
def test_no_small_group_figure_or_comment_on_any_slide(client, people, hidden_case, who):
    pages = all_slides(client, getattr(people, who), hidden_case)
    kinds = [page.context["slide"]["kind"] for page in pages]
    assert "groups" in kinds and "comments" in kinds
    everything = "".join(page.content.decode() for page in pages)
    for secret in SECRET_COMMENTS:
        assert secret not in everything
    assert "4,7" not in everything  # the bestuur's score (14/3)
    assert "<script>alert(1)" not in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything
    groups = [p for p in pages if p.context["slide"]["kind"] == "groups"]
    for page in groups:
        names = [group["label"] for group in page.context["slide"]["groups"]]
        assert names == ["Directie", "Uitvoering"]


def test_below_k_the_presentation_shows_no_scores(client, people):
    roadmap_data.answer_and_close(people.assessment, respondents=3)
    pages = all_slides(client, people.consultant, people.assessment)
    assert pages[-1].context["slide"]["kind"] == "message"
    assert "te weinig ingevulde vragenlijsten" in pages[-1].content.decode()
    assert not any(p.context["slide"]["kind"] == "scores" for p in pages)


def test_a_slide_costs_a_bounded_number_of_queries(
    client, people, hidden_case, django_assert_max_num_queries
):
    slide(client, people.consultant, hidden_case, 12)  # kept results in place
    for number in (2, 8, 12):
        with django_assert_max_num_queries(25):
            assert slide(client, people.consultant, hidden_case, number).status_code == 200


def test_the_strategy_page_links_to_the_session_pages(client, people):
    client.force_login(people.consultant)
    content = client.get(reverse("strategy", args=[people.assessment.pk])).content.decode()
    for name in ("inspiration_glossary", "inspiration_catalogue", "presentation", "vision_session"):
        assert reverse(name, args=[people.assessment.pk]) in content


def test_glossary_term_and_use_case_strings(model_version):
    term = GlossaryTerm.objects.get(code="dpia")
    assert str(term) == "DPIA"
    assert str(UseCase.objects.get(code="UC01")) == "UC01 Vroegsignalering schulden"


def test_the_demo_records_its_session_once(people):
    from roadmap.demo import load_demo_roadmap

    load_demo_roadmap(people.assessment)
    load_demo_roadmap(people.assessment)
    session = VisionSession.objects.get(assessment=people.assessment)
    assert session.participant_total == 19


def test_the_register_subject_is_the_dutch_title_in_any_language(people):
    from django.utils import translation

    use_case = current_version().use_cases.get(code="UC07")
    with translation.override("en"):
        project = add_use_case_to_register(people.organisation, use_case)
        assert add_use_case_to_register(people.organisation, use_case) is None
    assert project.subject == "Woningbouwmonitor"
    assert "Housing construction" not in project.subject


def test_viewers_find_the_presentation_and_the_examples_on_the_roadmap_page(client, people):
    client.force_login(people.viewer)
    content = client.get(reverse("roadmap", args=[people.assessment.pk])).content.decode()
    assert reverse("presentation", args=[people.assessment.pk]) in content
    assert reverse("inspiration_catalogue", args=[people.assessment.pk]) in content
