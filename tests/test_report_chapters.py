"""The A4 report's explaining chapters (issue 16): method, departments, comments per
factor, per-track advice, the Spoor column, stage footnotes, and no mostly-empty page.

The demo's report is rendered once (module fixture); the privacy cases use the small
test model and read the report's text with pypdf, as a reader of the PDF would.
"""

import io
import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pypdf import PdfReader

from assessments import risk_rules
from assessments.models import Assessment, Membership
from assessments.presentation import display
from assessments.results import assessment_results, results_forget
from assessments.stages import stage_hint
from roadmap import pdf
from roadmap.documents import report_data

from . import scoring_data as data

pytestmark = pytest.mark.django_db

# Every page but the front matter (cover, table of contents) and the last holds at
# least this many lines of text (a page with only "Geen risico's gevonden" or a short
# trend table holds about 8; a full page of text about 45).
MIN_LINES = 15
FRONT_MATTER = 2


def thin_pages(content):
    pages = lines_per_page(content)
    return {
        number: len(lines)
        for number, lines in enumerate(pages, start=1)
        if FRONT_MATTER < number < len(pages) and len(lines) < MIN_LINES
    }


CHAPTERS = (
    "Samenvatting",
    "Scores per ontwikkelspoor en sleutelfactor",
    "Wat dit betekent en wat de routekaart eraan doet",
    "Per groep",
    "Per afdeling",
    "Sterktes, aandachtspunten en risico's",
    "Toelichtingen van medewerkers",
    "Vergelijking met andere organisaties",
    "Ontwikkeling sinds eerdere metingen",
    "Routekaart",
    "Zo hebben we gemeten",
)


def lines_per_page(content):
    reader = PdfReader(io.BytesIO(content))
    return [
        [line for line in page.extract_text().splitlines() if line.strip()] for page in reader.pages
    ]


def text_of(content):
    text = "\n".join("\n".join(lines) for lines in lines_per_page(content))
    text = re.sub(r"(\w)[-\u2010\u00ad]\s*\n\s*(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo's report (its closed Nulmeting 2026), rendered once, and its data."""
    with django_db_blocker.unblock(), transaction.atomic(), translation.override("nl"):
        call_command("load_demo", stdout=io.StringIO())
        assessment = Assessment.objects.get(
            organisation__name="Gemeente Voorbeeldstad", name="Nulmeting 2026"
        )
        result = SimpleNamespace(
            data=report_data(assessment),
            report=pdf.render_report(assessment),
        )
        transaction.set_rollback(True)
    return result


def test_the_demo_report_has_every_chapter(demo):
    text = text_of(demo.report)
    missing = [title for title in CHAPTERS if title not in text]
    assert missing == []


def test_the_trend_says_that_a_change_is_computed_before_rounding(demo):
    assert "Een verandering is berekend vóór het afronden" in text_of(demo.report)


def test_no_page_of_the_demo_report_is_mostly_empty(demo):
    thin = thin_pages(demo.report)
    assert thin == {}, f"pages with fewer than {MIN_LINES} lines: {thin}"


def test_the_method_chapter_states_the_rules_with_the_declared_thresholds(demo):
    text = text_of(demo.report)
    method = text[text.index("Zo hebben we gemeten Het model") :]
    for stage_name in ("Afwachtend", "Pionier", "Adept", "Bekwaam", "Professioneel", "Excellent"):
        assert stage_name in method
    assert "minstens 5 mensen" in method  # k, the promise
    assert "Elke groep telt even zwaar" in method  # the organisation: mean of groups
    for code in (risk_rules.DIVIDED_PICTURE, risk_rules.NO_AGREEMENT):
        assert f"{display(risk_rules.rule(code).thresholds['threshold'])} of meer" in method
    ambition = risk_rules.rule(risk_rules.AMBITION_WITHOUT_BASE).thresholds["threshold"]
    assert f"{display(ambition)} of meer" in method
    below = risk_rules.rule(risk_rules.SAFEGUARDS_LAG).thresholds["below"]
    assert f"lager dan {display(below)}" in method
    # Who was asked what: every layer with its number of questions.
    for layer in demo.data["method"]["layers"]:
        assert f"{layer['label']}: {layer['questions']} vragen" in method


def test_the_spoor_column_names_the_track_and_the_factor_not_codes(demo):
    html = render_to_string("print/report.html", {"doc": demo.data})
    table = html[html.index('id="routekaart"') :]
    cells = re.findall(r"</td><td>(.*?)</td><td>", table)
    assert cells, "no activity rows"
    assert all(not re.fullmatch(r"[A-Z]{2,3}\d", cell.strip()) for cell in cells)
    card = demo.data["roadmap"]["years"][0]["cards"][0]
    track, factor = escape(card["track_label"]), escape(card["factor_label"])
    assert f'<td>{track}<br><span class="muted">{factor}</span></td>' in table


def test_each_track_gets_advice_with_first_activities_from_the_library(demo):
    for page in demo.data["track_pages"]:
        advice = page["advice"]
        assert advice["stage"]["name"]
        assert 1 <= len(advice["activities"]) <= 3
        assert all(item["year"] in (1, 2) and item["description"] for item in advice["activities"])
    text = text_of(demo.report)
    first = demo.data["track_pages"][0]["advice"]["activities"][0]["title"]
    assert first in text


def test_the_department_chapter_shows_the_released_departments(demo):
    table = demo.data["department_table"]
    assert table["rows"]
    text = text_of(demo.report)
    chapter = text[text.index("Per afdeling") :]
    for row in table["rows"]:
        assert f"{row['name']} ({row['counted']})" in chapter


# --- Privacy ---------------------------------------------------------------------------


@pytest.fixture
def hidden_case(people):
    """Bestuur (3 < 5) is hidden, and management (5) with it by complementary
    suppression; department "Klein" has 2 respondents. Each hidden one left a comment."""
    version = data.small_model()
    organisation = data.organisation("Gemeente Geheim")
    Membership.objects.create(
        user=people.consultant, organisation=organisation, role=Membership.Role.CONSULTANT
    )
    assessment = data.assessment(organisation, version)
    assessment.reporting_groups = [
        {"name": "", "layers": [code]} for code in assessment.layers.values_list("code", flat=True)
    ]
    assessment.save()
    data.add_respondents(
        assessment,
        [("bestuur", "", data.same_answers(5), {"LC1": "GEHEIM-VAN-BESTUUR"})]
        + [("bestuur", "", data.same_answers(4))] * 2
        + [("directie", "Zorg", data.same_answers(1), {"LC1": "Zichtbaar-van-directie"})]
        + [("directie", "Zorg", data.same_answers(1))] * 5
        + [("management", "Zorg", data.same_answers(2), {"IT3": "GEHEIM-VAN-MANAGEMENT"})] * 5
        + [("uitvoering", "Ruimte", data.same_answers(3))] * 7
        + [("uitvoering", "Klein", data.same_answers(0))] * 2,
    )
    assessment.status = Assessment.Status.CLOSED
    assessment.save()
    results_forget(assessment)
    return assessment


def test_a_hidden_groups_comment_is_not_in_the_report(hidden_case):
    with translation.override("nl"):
        text = text_of(pdf.render_report(hidden_case))
    assert "Zichtbaar-van-directie" in text  # the chapter is there, with a shown comment
    assert "GEHEIM-VAN-BESTUUR" not in text
    assert "GEHEIM-VAN-MANAGEMENT" not in text


def test_a_small_department_is_not_in_the_report(hidden_case):
    with translation.override("nl"):
        data_ = report_data(hidden_case)
        text = text_of(pdf.render_report(hidden_case))
    names = [row["name"] for row in data_["department_table"]["rows"]]
    # Exactly the departments the results page releases: Zorg; Klein (2 < 5) is
    # hidden, and Ruimte with it (else Klein's figures could be worked out).
    released = [d.code for d in assessment_results(hidden_case).departments if d.shown]
    assert names == released == ["Zorg"]
    chapter = text[text.index("Per afdeling") :]
    assert "Zorg (" in chapter
    assert "Klein" not in text and "Ruimte" not in text
    assert "niet apart getoond" in chapter


def test_below_k_the_report_has_no_comments_departments_or_advice(people):
    version = data.small_model()
    assessment = data.assessment(data.organisation("Gemeente Klein"), version)
    data.add_respondents(
        assessment, [("uitvoering", "Ruimte", data.same_answers(3), {"LC1": "TE-KLEIN"})] * 3
    )
    results_forget(assessment)
    with translation.override("nl"):
        doc = report_data(assessment)
        text = text_of(pdf.render(pdf.REPORT, doc))
    assert doc["comments"] == [] and doc["department_table"] is None
    assert all(page["advice"] is None for page in doc["track_pages"])
    assert "TE-KLEIN" not in text and "Ruimte" not in text
    assert "Zo hebben we gemeten" in text  # the method is explained even without scores


# --- Stage wording -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "hint"),
    [
        (1.96, "1,96 → Pionier; een fase begint bij een heel getal"),
        (1.999, "1,99 → Pionier; een fase begint bij een heel getal"),
        (4.95, "4,95 → Professioneel; een fase begint bij een heel getal"),
        (1.94, ""),
        (2.0, ""),
        (2.04, ""),
        (None, ""),
    ],
)
def test_a_stage_hint_only_where_the_shown_score_and_stage_disagree(score, hint):
    with translation.override("nl"):
        assert stage_hint(score) == hint


def test_the_stage_hint_speaks_english_in_english():
    with translation.override("en"):
        hint = stage_hint(1.96)
    assert hint.startswith("1.96 → ") and "Pionier" not in hint


def test_the_report_footnotes_a_score_that_rounds_up_to_the_next_stage(people):
    """Every factor of the small model at 1.96 now: 2,0 shown, stage Pionier."""
    version = data.small_model()
    assessment = data.assessment(data.organisation("Gemeente Afrond"), version)
    # 24 respondents answering 2 and one answering 1: a mean of 1.96.
    data.add_respondents(
        assessment,
        [("uitvoering", "", data.same_answers(2, 4))] * 24
        + [("uitvoering", "", data.same_answers(1, 4))],
    )
    results_forget(assessment)
    with translation.override("nl"):
        doc = report_data(assessment)
        text = text_of(pdf.render(pdf.REPORT, doc))
    assert doc["stage_notes"]
    # A footnote under the scores table, and beside the stage on each factor's page.
    assert text.count("1,96 → Pionier; een fase begint bij een heel getal") >= 2 * len(
        doc["factors"]
    )
    assert any(row.get("note") for row in doc["factors"])


def test_stage_names_in_the_report_follow_the_language(people):
    version = data.small_model()
    assessment = data.assessment(data.organisation("Gemeente Taal"), version)
    data.add_respondents(assessment, [("uitvoering", "", data.same_answers(1, 3))] * 5)
    results_forget(assessment)
    with translation.override("en"):
        doc = report_data(assessment)
    assert [stage["name"] for stage in doc["method"]["stages"]][1] == "Pioneer"
    assert doc["overall"]["stage"]["name"] == "Pioneer"


def test_the_report_download_carries_the_new_chapters(client, people, hidden_case):
    client.force_login(people.consultant)
    response = client.get(reverse("report_pdf", args=[hidden_case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    for title in ("Per afdeling", "Toelichtingen van medewerkers", "Zo hebben we gemeten"):
        assert title in text
    assert "GEHEIM-VAN-BESTUUR" not in text and "Klein" not in text


@pytest.mark.parametrize("count", [40, 80])
def test_no_page_is_mostly_empty_with_40_or_80_activities(people, count):
    """Generated roadmaps (the poster test's long library titles, 6 after the horizon):
    the roadmap's year tables run over several pages and still leave none thin."""
    from tests.test_pdf import many_activities

    many_activities(people.assessment, count=count)
    with translation.override("nl"):
        content = pdf.render_report(people.assessment)
    thin = thin_pages(content)
    assert thin == {}, f"pages with fewer than {MIN_LINES} lines: {thin}"
    assert "Zo hebben we gemeten" in text_of(content)
