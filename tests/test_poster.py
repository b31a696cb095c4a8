"""The A0 poster looked at as a printed page: the demo and two generated organisations
(40 and 80 activities spread over the years) are rendered once, and the tests read
the PDF: one A0 page, type sizes from the PDF's own text, nothing outside the page
or its card, every year with cards, the story, the wording and the logo."""

import io
import math
import re
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import translation
from pypdf import PdfReader
from weasyprint.formatting_structure.boxes import LineBox

from assessments import logo
from assessments.demo import load_demo
from assessments.models import ModelVersion, Organisation
from roadmap import pdf
from roadmap.adoption import adoption_line, set_status
from roadmap.documents import (
    TEXT_MIN_PT,
    TITLE_MIN_PT,
    _hyphenated,
    poster_density,
)
from roadmap.models import DataProject, PlannedActivity
from roadmap.services import roadmap_for
from tests.conftest import MODEL_CODE, People
from tests.test_pdf import _boxes, _classes, answer, close, overflows

pytestmark = pytest.mark.django_db
MM_PER_PT = 25.4 / 72
PX_PER_MM = 96 / 25.4


def spread_activities(assessment, count):
    """`count` library-titled activities, each factor's spread over the years as the
    planner spreads them; the last 4 after the horizon."""
    answer(assessment, "beleid", [(1, 3)] * 3 + [(2, 4)] * 3, prefix=f"s{count}")
    close(assessment)
    roadmap = roadmap_for(assessment)
    roadmap.vision = "Wij gebruiken data om inwoners sneller en beter te helpen."
    roadmap.principles = ["Klein beginnen, snel leren.", "Privacy vanaf het begin."]
    roadmap.frameworks = "AVG, BIO en de Woo."
    roadmap.save()
    factors = list(assessment.model_version.factors.order_by("track__order", "order"))
    titles = list(assessment.model_version.activities.order_by("code"))
    PlannedActivity.objects.bulk_create(
        PlannedActivity(
            roadmap=roadmap,
            code=f"S-{number:02d}",
            title=titles[number % len(titles)].title,
            factor=factors[(number // roadmap.horizon) % len(factors)],
            kind="dataproject" if number % 3 == 0 else "randvoorwaarde",
            year=None if number >= count - 4 else number % roadmap.horizon + 1,
            quarter=None if number >= count - 4 else number % 4 + 1,
            after_horizon=number >= count - 4,
            effort="M",
            reason="test",
        )
        for number in range(count)
    )
    return roadmap


def text_runs(content):
    """(text, size in pt, x, y) of every piece of text the PDF draws, and the page."""
    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    runs = []

    def visit(text, cm, tm, _font, size):
        if not text.strip():
            return
        scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        runs.append((text.strip(), round(size * scale, 1), x, y))

    page.extract_text(visitor_text=visit)
    return reader, runs


def outside_the_page(document):
    """Lines of text that leave the page, and sidebar or plan lines that reach into
    the footer (absolutely placed boxes overflow silently instead of breaking)."""
    page = document.pages[0]
    width, height = page.width, page.height
    problems = []
    footer_top = None
    for box in _boxes(page._page_box):
        if "foot" in _classes(box):
            footer_top = box.position_y
    for box in _boxes(page._page_box):
        if isinstance(box, LineBox):
            if box.position_x < -0.5 or box.position_x + box.width > width + 0.5:
                problems.append(f"line leaves the page sideways at y={box.position_y:.0f}")
            if box.position_y < -0.5 or box.position_y + box.height > height + 0.5:
                problems.append(f"line leaves the page at y={box.position_y:.0f}")
    for box in _boxes(page._page_box):
        if "band" in _classes(box):
            band_bottom = box.position_y + box.margin_height()
            for line in _boxes(box):
                if isinstance(line, LineBox) and line.position_y + line.height > band_bottom:
                    problems.append("the title band's text runs out of the band")
                    break
        if {"side", "plan"} & _classes(box):
            for line in _boxes(box):
                if isinstance(line, LineBox) and line.position_y + line.height > footer_top:
                    problems.append(f"{_classes(box)} runs into the footer")
                    break
    return problems


def render(assessment):
    data = pdf.gather(assessment, pdf.POSTER)
    document = pdf.layout(pdf.POSTER, data)
    content = document.write_pdf()
    return SimpleNamespace(
        data=data,
        content=content,
        card_overflows=overflows(document),
        page_overflows=outside_the_page(document),
        runs=text_runs(content)[1],
        text=" ".join(run[0] for run in text_runs(content)[1]),
    )


@pytest.fixture(scope="module")
def posters(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), translation.override("nl"):
        demo = load_demo()["assessment"]  # the current measurement (it has an earlier one)
        organisation = demo.organisation
        from tests.test_logo import png

        organisation.logo, organisation.logo_type = logo.clean_png(png(300, 120)), logo.PNG
        organisation.save()
        project = DataProject.objects.get(
            organisation=organisation, subject="Vroegsignalering schulden"
        )
        linked = demo.roadmap.activities.filter(kind="dataproject").order_by("code").first()
        linked.data_project = project
        linked.save()
        version = ModelVersion.objects.get(code=MODEL_CODE)
        people = People(version)
        # A name that takes two lines at 92 pt in the title band.
        Organisation.objects.filter(pk=people.organisation.pk).update(
            name="Gemeenschappelijke Regeling Omgevingsdienst Aadorp"
        )
        people.assessment.organisation.refresh_from_db()
        spread_activities(people.assessment, 40)
        spread_activities(people.other_assessment, 80)
        result = SimpleNamespace(
            demo=render(demo),
            forty=render(people.assessment),
            eighty=render(people.other_assessment),
            linked_title=linked.title,
        )
        transaction.set_rollback(True)
    return result


POSTERS = ["demo", "forty", "eighty"]


@pytest.mark.parametrize("name", POSTERS)
def test_the_poster_is_one_a0_landscape_page(posters, name):
    reader = PdfReader(io.BytesIO(getattr(posters, name).content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) * MM_PER_PT == pytest.approx(1189, abs=1)
    assert float(box.height) * MM_PER_PT == pytest.approx(841, abs=1)


@pytest.mark.parametrize("name", POSTERS)
def test_nothing_leaves_the_page_its_column_or_its_card(posters, name):
    poster = getattr(posters, name)
    assert poster.card_overflows == []
    assert poster.page_overflows == []
    reader = PdfReader(io.BytesIO(poster.content))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    for text, _size, x, y in poster.runs:
        assert -1 <= x <= width and -1 <= y <= height, text


@pytest.mark.parametrize("name", POSTERS)
def test_every_year_has_cards(posters, name):
    data = getattr(posters, name).data
    for index, year in enumerate(data["years"]):
        assert any(track["cells"][index]["rows"] for track in data["tracks"]), year


def card_title_sizes(poster):
    """The size each card title's first line is printed at."""
    titles = [
        card["title"]
        for track in poster.data["tracks"]
        for cell in track["cells"]
        for row in cell["rows"]
        for card in row
        if card
    ]
    sizes = {}
    for title in titles:
        for text, size, _x, _y in poster.runs:
            first = re.sub(r"[\u00ad\-]$", "", text)
            if len(first) >= 4 and title.startswith(first):
                sizes[title] = max(size, sizes.get(title, 0))
    return titles, sizes


@pytest.mark.parametrize("name", ["demo", "forty", "eighty"])
def test_type_is_set_for_distance_when_the_cards_fit(posters, name):
    """Nothing under 18 pt, card titles 24 pt or more, the title 90 pt or more;
    measured in the PDF, radar labels, legend and colophon included."""
    poster = getattr(posters, name)
    density = poster.data["density"]
    if name in ("demo", "forty"):
        # The demo's plan and 36 cards spread over the years fit at 24 pt and more.
        assert not density["crowded"]
    sizes = [size for _text, size, _x, _y in poster.runs]
    floor = TEXT_MIN_PT if not density["crowded"] else density["meta_pt"]
    assert min(sizes) >= floor - 0.1
    card_floor = TITLE_MIN_PT if not density["crowded"] else density["title_pt"]
    titles, title_sizes = card_title_sizes(poster)
    assert set(titles) == set(title_sizes)
    assert min(title_sizes.values()) >= card_floor - 0.1
    first_word = poster.data["organisation"].split()[0]
    organisation = [size for text, size, _x, _y in poster.runs if text.startswith(first_word)]
    assert max(organisation) >= 90
    # Everything outside the cards (header, story column, track names, legend,
    # colophon) stays at 18 pt or more even on a crowded poster: anything smaller
    # lies in the plan's year cells.
    cells_left = 20 + density["plan_left"] + 62  # mm from the left: margin, sidebar, track
    plan_top, plan_bottom = 110 + 14 + 20, 841 - 10 - 30  # mm from the top
    for text, size, x, y in poster.runs:
        if size < TEXT_MIN_PT - 0.1:
            x_mm, y_mm = x * MM_PER_PT, 841 - y * MM_PER_PT
            assert x_mm >= cells_left and plan_top <= y_mm <= plan_bottom, (text, size)


def test_a_long_name_takes_two_lines_and_the_years_move_up(posters):
    assert posters.forty.data["title_lines"] == 2 and posters.demo.data["title_lines"] == 1
    assert "ROUTEKAART DATAGEDREVEN WERKEN 2027–2030" in posters.forty.text


def test_few_cards_get_larger_type_than_many(posters):
    assert posters.forty.data["density"]["title_pt"] > posters.eighty.data["density"]["title_pt"]


def test_the_demo_poster_reads_as_words_not_codes(posters):
    text = posters.demo.text
    assert "Fase nu" not in text and "0% gereed" not in text
    stage = posters.demo.data["figures"]["overall"]["stage"]["name"]
    current = posters.demo.data["figures"]["overall"]["current"]
    assert f"{stage} ({current})" in text
    assert not re.search(r"\b(LC|OG|ML|IT|PEB)\d · K\d", text)
    assert "Datagedreven cultuur" in text  # a factor's name on a card


def test_the_demo_poster_tells_the_story(posters):
    text = posters.demo.text
    story = posters.demo.data["story"]
    assert "SINDS DE VORIGE METING" in text
    assert story["change"]["overall"] == "+0,5" and "+0,5" in text
    assert "STERK EN AANDACHT" in text and story["strengths"] and story["attention"]
    assert story["strengths"][0]["label"] in text
    assert "RANDVOORWAARDEN EN KADERS" in text and "AVG, BIO en de Woo" in text
    assert "Project: Vroegsignalering schulden" in text


def test_a_poster_is_marked_concept_until_adopted(posters):
    assert adoption_line(None) is None
    assert posters.forty.data["concept"] is True
    assert "CONCEPT" in posters.forty.text and "Concept: nog niet vastgesteld" in posters.forty.text


def test_the_demo_poster_says_the_college_adopted_it(posters):
    # The demo walks the whole route (issue 15): its roadmap was adopted by the college.
    assert posters.demo.data["concept"] is False
    assert "Vastgesteld door het college op 12 mei 2026" in posters.demo.text
    assert "CONCEPT" not in posters.demo.text


def test_the_demo_poster_says_where_its_vision_comes_from(posters):
    # The session is recorded once and shown on the poster too (issue 15); an
    # organisation without a recorded session gets no such line.
    line = posters.demo.data["story"]["session"]
    assert line.startswith("Opgesteld in de strategiesessie van 14 april 2026 met 19 deelnemers")
    assert "Directie 3" in line or "directie 3" in line
    assert " ".join(line.split()[:6]) in " ".join(posters.demo.text.split())
    assert posters.forty.data["story"]["session"] is None
    assert posters.demo.data["side"]["fits"]


def test_the_demo_poster_shows_the_organisations_logo(posters):
    reader = PdfReader(io.BytesIO(posters.demo.content))
    assert posters.demo.data["logo"].startswith("data:image/png;base64,")
    assert len(reader.pages[0].images) == 1
    assert posters.forty.data["logo"] == ""


def test_a_word_is_hyphenated_only_when_it_does_not_fit():
    with translation.override("nl"):
        assert _hyphenated("de pieken in klantcontact", 60, 24, bold=True) == (
            "de pieken in klantcontact"
        )
        narrow = _hyphenated("de pieken in klantcontact", 40, 24, bold=True)
    assert narrow.startswith("de pieken in klant") and "\u00ad" in narrow
    assert narrow.replace("\u00ad", "") == "de pieken in klantcontact"
    assert "\u00ad" not in narrow.split()[0]


def test_the_grid_is_filled_by_fewer_cards_at_a_larger_size():
    card = {
        "title": "Een activiteit met een titel van gewone lengte voor de routekaart",
        "factor_label": "Visie & strategie",
        "quarter": 1,
        "status": "gepland",
        "status_label": "Gepland",
    }
    few = poster_density([[[card]] * 4 for _track in range(5)], [], 4)
    many = poster_density([[[card] * 3] * 4 for _track in range(5)], [], 4)
    assert few["title_pt"] > many["title_pt"] >= TITLE_MIN_PT
    assert few["fits"] and many["fits"] and not many["crowded"]
    assert few["slack"] >= 0 and few["slack"] < 150  # the rows take up the rest


def test_below_k_the_story_tells_nothing_about_scores(people):
    answer(people.assessment, "beleid", [(3, 4)] * 3, prefix="few")
    close(people.assessment)
    roadmap = roadmap_for(people.assessment)
    roadmap.frameworks = "AVG en BIO"
    roadmap.save()
    from roadmap.documents import poster_data, report_data
    from roadmap.services import roadmap_generate

    roadmap_generate(roadmap=roadmap)
    with translation.override("nl"):
        story = poster_data(people.assessment)["story"]
        report = report_data(people.assessment)
    assert story["change"] is None and story["benchmark"] is None
    assert story["strengths"] == [] and story["attention"] == []
    assert story["frameworks"] == "AVG en BIO"  # the strategy's words hold no scores
    assert report["logo"] == ""


def test_the_renderer_takes_inline_images_but_nothing_else_inline():
    fetcher = pdf.StaticFilesFetcher()
    for url in ("data:text/html;base64,PHNjcmlwdD4=", "data:image/gif;base64,R0lGODlh"):
        with pytest.raises(pdf.RefusedFetch):
            fetcher.fetch(url)
    from tests.test_logo import png

    response = fetcher.fetch(logo.data_uri(png(), logo.PNG))
    assert response.read().startswith(logo.PNG_SIGNATURE)
    response.close()


def test_an_adopted_roadmap_carries_its_adoption_line_and_no_concept_mark(people):
    from datetime import date

    demo = load_demo()["assessment"]
    with translation.override("nl"):
        set_status(roadmap=demo.roadmap, status="besproken", when=date(2027, 2, 1))
        discussed = pdf.gather(demo, pdf.POSTER)
        assert discussed["concept"] is True
        assert discussed["adoption"] == "Besproken met de directie op 1 februari 2027"
        set_status(
            roadmap=demo.roadmap, status="vastgesteld", body="college", when=date(2027, 3, 12)
        )
        adopted = render(demo)
    assert adopted.data["concept"] is False
    assert "Vastgesteld door het college op 12 maart 2027" in adopted.text
    assert "CONCEPT" not in adopted.text and "Concept: nog niet vastgesteld" not in adopted.text
