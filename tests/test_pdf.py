"""The A0 poster and the A4 report: page size, content, fit, privacy, downloads, cache.

Rendering is slow (seconds), so the documents are rendered once per module from data
built in a transaction that is rolled back; the tests read the bytes, the extracted
text and the layout. Download-view tests replace the renderer with a stub: they test
access, headers, queries and the cache, not WeasyPrint.
"""

import io
import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader
from weasyprint.formatting_structure.boxes import LineBox

from assessments.models import (
    Answer,
    Assessment,
    Membership,
    ModelVersion,
    Organisation,
    Response,
)
from assessments.presentation import labels, rounded
from assessments.results import assessment_results, results_forget
from roadmap import charts, pdf
from roadmap.documents import poster_data, poster_density, report_data, sidebar_text
from roadmap.models import PlannedActivity, RenderedPdf
from roadmap.services import roadmap_for, roadmap_generate
from tests.conftest import MODEL_CODE, People

MM_PER_PT = 25.4 / 72
HIDDEN_SCORE = "4,7"  # the hidden layer "bestuur"'s current score on every factor

pytestmark = pytest.mark.django_db


# --- Data ----------------------------------------------------------------------------


def answer(assessment, layer_code, answers, *, prefix):
    """One submitted response per (current, desired) in `answers`, answering every
    question the layer is asked with those values."""
    layer = assessment.layers.get(code=layer_code)
    questions = [q for q in assessment.model_version.questions.all() if q.is_asked_of(layer_code)]
    for number, (current, desired) in enumerate(answers):
        response = Response.objects.create(
            assessment=assessment,
            respondent=f"{prefix}-{layer_code}-{number}",
            layer=layer,
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        Answer.objects.bulk_create(
            Answer(response=response, question=q, current=current, desired=desired)
            for q in questions
        )


def close(assessment):
    assessment.status = Assessment.Status.CLOSED
    assessment.closed_at = timezone.make_aware(datetime(2026, 3, 13, 17, 0))
    assessment.save()
    results_forget(assessment)


def privacy_case(assessment):
    """Beleid (6) is shown; specialist (5) is hidden by complementary suppression
    because bestuur (3, below k = 5) would otherwise be given away. Bestuur's current
    score is 4.67 ("4,7") on every factor: a number no page may print. Every layer is
    its own reporting group, so that privacy has to hide one."""
    assessment.reporting_groups = [
        {"name": "", "layers": [code]} for code in assessment.layers.values_list("code", flat=True)
    ]
    assessment.save()
    answer(assessment, "beleid", [(2, 4)] * 6, prefix="p")
    answer(assessment, "specialist", [(0, 1)] * 5, prefix="p")
    answer(assessment, "bestuur", [(5, 5), (5, 5), (4, 5)], prefix="p")
    close(assessment)
    roadmap = roadmap_for(assessment)
    roadmap.vision = "Wij werken datagedreven voor onze inwoners."
    roadmap.principles = ["Klein beginnen, snel leren.", "Privacy vanaf het begin."]
    roadmap.save()
    roadmap_generate(roadmap=roadmap)
    move_a_prerequisite_after_the_horizon(roadmap)
    return roadmap


def move_a_prerequisite_after_the_horizon(roadmap):
    """A manual move that breaks a prerequisite: the first activity (by code) that has
    a prerequisite on the roadmap now comes before it. Returns (activity, prerequisite)."""
    activities = {a.code: a for a in roadmap.activities.order_by("code")}
    activity, code = next(
        (a, code) for a in activities.values() for code in a.prerequisites if code in activities
    )
    PlannedActivity.objects.filter(pk=activities[code].pk).update(
        year=None, quarter=None, after_horizon=True, moved=True
    )
    return activity, activities[code]


def many_activities(assessment, count=80):
    """`count` activities titled like the library's longest ones, 6 of them after the
    horizon, the rest over 4 years as a capacity of 20 a year allows: each factor's
    activities land in one year, so some cells hold 7 cards."""
    answer(assessment, "beleid", [(1, 4)] * 5, prefix="m")
    close(assessment)
    roadmap = roadmap_for(assessment)
    roadmap.vision = "Wij gebruiken data om inwoners sneller en beter te helpen. " * 18
    roadmap.principles = [
        f"Uitgangspunt {n}: de maatschappelijke opgave staat voorop, niet de techniek."
        for n in range(1, 9)
    ]
    roadmap.save()
    factors = list(assessment.model_version.factors.order_by("track__order", "order"))
    titles = sorted(assessment.model_version.activities.values_list("title", flat=True), key=len)[
        ::-1
    ]
    activities = []
    for number in range(count):
        later = number >= count - 6
        activities.append(
            PlannedActivity(
                roadmap=roadmap,
                code=f"X-{number:02d}",
                title=f"{number:02d} {titles[number % 20]}",
                factor=factors[number % len(factors)],
                kind="dataproject" if number % 3 == 0 else "randvoorwaarde",
                from_level=1,
                year=None if later else number % roadmap.horizon + 1,
                quarter=None if later else number % 4 + 1,
                after_horizon=later,
                effort="M",
                reason={"kind": "custom", "text": "test"},
                status=["gepland", "lopend", "gereed", "vervallen"][number % 4],
            )
        )
    PlannedActivity.objects.bulk_create(activities)
    return roadmap


def text_of(content):
    """All text of a PDF, hyphenation joined and whitespace collapsed."""
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"(\w)[-\u2010\u00ad]\s*\n\s*(\w)", r"\1\2", text)
    return reader, re.sub(r"\s+", " ", text)


def squashed(text):
    """Text without spaces and hyphens: a title wrapped or hyphenated anywhere in a
    card still matches itself."""
    return re.sub(r"[\s\-\u2010\u00ad]+", "", text)


def missing_titles(titles, content):
    _reader, text = text_of(content)
    text = squashed(text)
    return [title for title in titles if squashed(title) not in text]


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _classes(box):
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def overflows(document):
    """Descriptions of every line outside its card and every card outside its cell."""
    problems = []
    for page in document.pages:
        for cell in _boxes(page._page_box):
            if "cell" not in _classes(cell) or cell.element_tag != "td":
                continue
            cell_bottom = cell.position_y + cell.margin_height() + 0.01
            cell_right = cell.position_x + cell.margin_width() + 0.01
            for card in _boxes(cell):
                if "card" not in _classes(card) or card.element_tag != "td":
                    continue
                top, left = card.position_y, card.position_x
                bottom = top + card.margin_height() + 0.01
                right = left + card.margin_width() + 0.01
                if bottom > cell_bottom or right > cell_right:
                    problems.append(f"card leaves its cell: {card.element.text_content()[:40]}")
                for line in _boxes(card):
                    if isinstance(line, LineBox) and (
                        line.position_y + line.height > bottom
                        or line.position_x + line.width > right
                    ):
                        problems.append(f"text leaves its card: {card.element.text_content()[:40]}")
    return problems


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """The documents of the privacy case and the 80-activity poster, rendered once."""
    with django_db_blocker.unblock(), transaction.atomic(), translation.override("nl"):
        version = ModelVersion.objects.get(code=MODEL_CODE)
        people = People(version)
        privacy_case(people.assessment)
        many_activities(people.other_assessment)
        crowded = pdf.gather(people.other_assessment, pdf.POSTER)
        crowded_document = pdf.layout(pdf.POSTER, crowded)
        small_document = pdf.layout(pdf.POSTER, pdf.gather(people.assessment, pdf.POSTER))
        result = SimpleNamespace(
            poster=small_document.write_pdf(),
            poster_data=poster_data(people.assessment),
            poster_overflows=overflows(small_document),
            report=pdf.render_report(people.assessment),
            crowded=crowded_document.write_pdf(),
            crowded_data=crowded,
            crowded_overflows=overflows(crowded_document),
            titles=list(
                PlannedActivity.objects.filter(roadmap__assessment=people.other_assessment)
                .order_by("code")
                .values_list("title", flat=True)
            ),
            small_titles=list(
                PlannedActivity.objects.filter(roadmap__assessment=people.assessment).values_list(
                    "title", flat=True
                )
            ),
        )
        transaction.set_rollback(True)
    return result


# --- The poster ----------------------------------------------------------------------


def assert_one_a0_landscape_page(content):
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) * MM_PER_PT == pytest.approx(1189, abs=1)
    assert float(box.height) * MM_PER_PT == pytest.approx(841, abs=1)


def test_the_poster_is_one_a0_landscape_page(rendered):
    assert_one_a0_landscape_page(rendered.poster)


def test_the_poster_holds_title_vision_principles_figures_and_every_activity(rendered):
    _reader, text = text_of(rendered.poster)
    assert "Gemeente Aadorp" in text
    assert "2027–2030" in text
    assert "Wij werken datagedreven voor onze inwoners." in text
    assert "Klein beginnen, snel leren." in text
    assert "RESPONDENTEN 14" in text
    assert "DGW-2026.1" in text
    for code in ("LC1", "PEB2"):  # the radar's labels are text too
        assert code in text
    assert rendered.small_titles
    assert missing_titles(rendered.small_titles, rendered.poster) == []


def test_80_activities_fit_on_one_page_with_every_title_as_text(rendered):
    assert_one_a0_landscape_page(rendered.crowded)
    assert len(rendered.titles) == 80
    assert missing_titles(rendered.titles, rendered.crowded) == []
    assert "Na de horizon" in text_of(rendered.crowded)[1]


def test_80_activities_stay_inside_their_cards_and_cells(rendered):
    assert rendered.crowded_overflows == []


def test_a_card_planned_before_its_prerequisite_says_so_on_the_poster(rendered):
    data = rendered.poster_data
    cards = [card for card in data["later"]] + [
        card
        for track in data["tracks"]
        for cell in track["cells"]
        for row in cell["rows"]
        for card in row
        if card
    ]
    waiting = [card for card in cards if card["short_warnings"] and card in data["later"]]
    assert len(waiting) == 1  # the prerequisite moved after the horizon
    prerequisite = waiting[0]
    holds_up = [
        c for c in cards if f"Let op: vóór voorwaarde {prerequisite['code']}" in c["short_warnings"]
    ]
    assert holds_up
    for card in holds_up:
        # The report says when; the poster's small cards only what.
        assert (
            f"Let op: staat vóór zijn voorwaarde {prerequisite['code']} (na de horizon)"
            in card["warnings"]
        )
        assert f"Let op: eerst nodig voor {card['code']}" in prerequisite["short_warnings"]
    assert sum(1 for card in cards if card["short_warnings"]) == 1 + len(holds_up)
    text = squashed(text_of(rendered.poster)[1])
    assert squashed(f"Let op: vóór voorwaarde {prerequisite['code']}") in text
    assert squashed(f"Let op: eerst nodig voor {holds_up[0]['code']}") in text
    assert rendered.poster_overflows == []
    report = squashed(text_of(rendered.report)[1])
    assert squashed(f"staat vóór zijn voorwaarde {prerequisite['code']} (na de horizon)") in report
    assert squashed("Waarom: voorwaarde voor") in report  # reasons, worded, in the report


def test_80_activities_are_still_readable_at_a_distance(rendered):
    density = rendered.crowded_data["density"]
    assert density["title_pt"] >= 14
    assert density["meta_pt"] >= 13


def test_few_activities_get_larger_cards_than_many():
    card = {"title": "Een activiteit met een titel van gewone lengte voor de routekaart"}
    few = poster_density([[[card]] * 4 for _track in range(5)], [], 4)
    many = poster_density([[[card] * 5] * 4 for _track in range(5)], [], 4)
    assert few["title_pt"] > many["title_pt"]


def test_the_poster_fetches_nothing_but_static_files():
    fetcher = pdf.StaticFilesFetcher()
    with pytest.raises(pdf.RefusedFetch):
        fetcher.fetch("https://example.org/font.ttf")
    with pytest.raises(pdf.RefusedFetch):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(pdf.RefusedFetch):
        fetcher.fetch((pdf.STATIC_ROOT / ".." / "manage.py").as_uri())
    response = fetcher.fetch((pdf.STATIC_ROOT / "css" / "print-poster.css").as_uri())
    assert b"@page" in response.read()
    response.close()


# --- The report ----------------------------------------------------------------------


def test_the_report_is_a4_portrait_with_its_sections(rendered):
    reader, text = text_of(rendered.report)
    assert len(reader.pages) > 5
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) * MM_PER_PT == pytest.approx(210, abs=1)
        assert float(box.height) * MM_PER_PT == pytest.approx(297, abs=1)
    for heading in (
        "Inhoud",
        "Samenvatting",
        "Scores per ontwikkelspoor en sleutelfactor",
        "Leiderschap & Cultuur",
        "Privacy, Ethiek & Beveiliging",
        "Per groep",
        "Sterktes, aandachtspunten en risico's",
        "Routekaart",
    ):
        assert heading in text
    assert "Geen overeenstemming" in text  # a risk, with its reason
    assert "spreiding" in text


def test_the_report_has_page_numbers_and_a_table_of_contents_with_pages(rendered):
    reader, _text = text_of(rendered.report)
    pages = len(reader.pages)
    assert f"2 / {pages}" in reader.pages[1].extract_text()
    toc = reader.pages[1].extract_text()
    # "Samenvatting ........ 3": the table of contents carries page numbers.
    assert re.search(r"Samenvatting\W*\.+\s*\d+", toc)


# --- Privacy ---------------------------------------------------------------------------


def test_no_hidden_layer_score_appears_in_poster_or_report(rendered):
    for content in (rendered.poster, rendered.report):
        _reader, text = text_of(content)
        assert HIDDEN_SCORE not in text
        assert "Bestuur" in text and "te weinig respondenten (< 5)" in text
        assert "Specialist" in text  # hidden by complementary suppression, by name only


def test_the_report_shows_only_the_shown_layer_in_the_layer_table(rendered):
    _reader, text = text_of(rendered.report)
    assert "n = 6" in text  # beleid
    assert "n = 5" not in text and "n = 3" not in text


# --- Downloads -------------------------------------------------------------------------


@pytest.fixture
def fake_render(monkeypatch):
    calls = []

    def render(kind, data):
        calls.append(kind)
        return b"%PDF-1.7 " + kind.encode()

    monkeypatch.setattr(pdf, "render", render)
    return calls


@pytest.fixture
def printable(people):
    privacy_case(people.assessment)
    return people


def url(name, assessment):
    return reverse(name, args=[assessment.pk])


@pytest.mark.parametrize("name", ["poster_pdf", "report_pdf"])
def test_a_stranger_gets_404(client, printable, fake_render, name):
    for stranger in (printable.other_consultant, printable.other_viewer):
        client.force_login(stranger)
        assert client.get(url(name, printable.assessment)).status_code == 404
    assert fake_render == []


@pytest.mark.parametrize("name", ["poster_pdf", "report_pdf"])
def test_anonymous_visitors_go_to_the_login(client, printable, fake_render, name):
    response = client.get(url(name, printable.assessment))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


@pytest.mark.parametrize("name", ["poster_pdf", "report_pdf"])
def test_a_viewer_downloads_only_closed_assessments(client, printable, fake_render, name):
    client.force_login(printable.viewer)
    assert client.get(url(name, printable.assessment)).status_code == 200
    Assessment.objects.filter(pk=printable.assessment.pk).update(status="open")
    assert client.get(url(name, printable.assessment)).status_code == 403


def test_the_consultant_gets_the_report_of_an_open_assessment(client, people, fake_render):
    client.force_login(people.consultant)
    assert client.get(url("report_pdf", people.assessment)).status_code == 200


def test_there_is_no_poster_without_a_roadmap(client, people, fake_render):
    client.force_login(people.consultant)
    assert client.get(url("poster_pdf", people.assessment)).status_code == 404


@pytest.mark.parametrize(
    ("name", "stem"), [("poster_pdf", "routekaart-poster"), ("report_pdf", "rapport")]
)
def test_it_sends_a_pdf_attachment(client, printable, fake_render, name, stem):
    client.force_login(printable.consultant)
    response = client.get(url(name, printable.assessment))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{stem}-gemeente-aadorp-nulmeting-2026.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def download_queries(client, people, respondents, name):
    # An organisation of its own: a second assessment of one organisation adds a trend.
    organisation = Organisation.objects.create(name=f"Gemeente {respondents}")
    Membership.objects.create(user=people.viewer, organisation=organisation, role="viewer")
    assessment = Assessment.objects.create(
        organisation=organisation,
        model_version=people.assessment.model_version,
        name=f"Meting {respondents}",
    )
    assessment.add_default_layers()
    answer(assessment, "beleid", [(2, 3)] * respondents, prefix=f"q{respondents}")
    close(assessment)
    roadmap_generate(roadmap=roadmap_for(assessment))
    client.get(url(name, assessment))  # the first results computation is kept
    RenderedPdf.objects.all().delete()
    with CaptureQueriesContext(connection) as render_queries:
        assert client.get(url(name, assessment)).status_code == 200
    with CaptureQueriesContext(connection) as cached_queries:
        assert client.get(url(name, assessment)).status_code == 200
    return len(render_queries), len(cached_queries)


@pytest.mark.parametrize("name", ["poster_pdf", "report_pdf"])
def test_downloads_make_the_same_few_queries_at_5_and_40_respondents(
    client, people, fake_render, name
):
    client.force_login(people.viewer)
    small = download_queries(client, people, 5, name)
    large = download_queries(client, people, 40, name)
    assert small == large
    # 20 before issue 15 (19 after issue 16's report chapters read the model in one
    # query); issue 15's report sections add four: the previous roadmap (its id, then
    # the roadmap) for plan versus effect, the agreed levels, the vision session; the
    # factor and track names in one query (presentation.model_labels) one fewer.
    assert max(small) <= 22


def test_the_same_data_is_rendered_once(client, printable, fake_render):
    client.force_login(printable.viewer)
    first = client.get(url("poster_pdf", printable.assessment)).content
    second = client.get(url("poster_pdf", printable.assessment)).content
    assert first == second
    assert fake_render == ["poster"]
    client.get(url("report_pdf", printable.assessment))
    client.get(url("report_pdf", printable.assessment))
    assert fake_render == ["poster", "report"]


def test_changed_data_is_rendered_again(client, printable, fake_render):
    client.force_login(printable.consultant)
    client.get(url("poster_pdf", printable.assessment))
    activity = PlannedActivity.objects.filter(roadmap__assessment=printable.assessment).first()
    activity.status = PlannedActivity.Status.DONE
    activity.save()
    client.get(url("poster_pdf", printable.assessment))
    assert fake_render == ["poster", "poster"]
    assert RenderedPdf.objects.filter(assessment=printable.assessment).count() == 1


def test_the_download_buttons_show_on_the_roadmap_and_assessment_pages(client, printable):
    client.force_login(printable.viewer)
    for name in ("roadmap", "assessment"):
        page = client.get(url(name, printable.assessment)).content.decode()
        assert url("poster_pdf", printable.assessment) in page
        assert url("report_pdf", printable.assessment) in page


def test_a_viewer_of_an_open_assessment_gets_no_buttons(client, people):
    client.force_login(people.viewer)
    page = client.get(url("assessment", people.assessment)).content.decode()
    assert url("report_pdf", people.assessment) not in page


# --- Commands ----------------------------------------------------------------------------


def test_render_commands_write_the_files(printable, fake_render, tmp_path):
    from django.core.management import call_command

    call_command("render_poster", printable.assessment.pk, output=tmp_path / "p.pdf")
    call_command("render_report", printable.assessment.pk, output=tmp_path / "r.pdf")
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_render_poster_plans_a_closed_assessment_without_roadmap(people, fake_render, tmp_path):
    from django.core.management import call_command

    answer(people.assessment, "beleid", [(1, 3)] * 5, prefix="c")
    close(people.assessment)
    call_command("render_poster", people.assessment.pk, output=tmp_path / "p.pdf")
    assert PlannedActivity.objects.filter(roadmap__assessment=people.assessment).exists()


def test_render_commands_reject_an_unknown_assessment(db, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("render_report", 999999, output=tmp_path / "r.pdf")
    with pytest.raises(CommandError):
        call_command("render_poster", 999999, output=tmp_path / "p.pdf")


def test_a_long_vision_gets_smaller_type_and_is_shortened_only_when_very_long():
    short = sidebar_text("Korte visie.", ["Een uitgangspunt."], 6)
    long = sidebar_text("Een lange visie met veel woorden. " * 33, ["Uitgangspunt."] * 8, 6)
    huge = sidebar_text("Woord " * 1000, ["Uitgangspunt."] * 20, 6)
    assert short["vision_pt"] > long["vision_pt"]
    assert long["vision"] == "Een lange visie met veel woorden. " * 33
    assert len(huge["vision"]) <= 1200 and huge["vision"].endswith("…")
    assert len(huge["principles"]) == 10


def test_below_k_respondents_the_documents_carry_counts_but_no_scores(people):
    answer(people.assessment, "beleid", [(3, 4)] * 3, prefix="few")
    close(people.assessment)
    roadmap_generate(roadmap=roadmap_for(people.assessment))
    with translation.override("nl"):
        report = report_data(people.assessment)
        poster = poster_data(people.assessment)
    assert report["respondents"] == 3 and not report["scores_shown"]
    assert report["overall"] is None and report["tracks"] == [] and report["factors"] == []
    assert report["layer_table"] == [] and report["radar_svg"] == ""
    assert all("current" not in page for page in report["track_pages"])
    assert poster["figures"]["overall"] is None and poster["radar_svg"] == ""
    # By default all layers form one group of 3: hidden, by name only.
    assert poster["layers"] == [] and "beleid" in poster["hidden_layers"][0]["code"].split("+")


def test_the_radar_draws_the_displayed_scores_and_the_targets(people):
    privacy_case(people.assessment)
    results = assessment_results(people.assessment)
    rows = charts.radar_data(results, labels(people.assessment), {"LC1": 3})
    assert [row["code"] for row in rows] == list(results.factors)
    lc1 = rows[0]
    assert lc1["current"] == float(rounded(results.factors["LC1"].current))
    assert lc1["desired"] == float(rounded(results.factors["LC1"].desired))
    assert lc1["target"] == 3 and rows[1]["target"] is None
    svg = charts.radar_svg(
        rows, series_names={"current": "Nu", "desired": "Wens", "target": "Doel"}
    )
    assert svg.startswith("<svg") and svg.count("<title>") == 3
    assert "Visie &amp; strategie" in svg
    assert charts.radar_svg(charts.radar_data(results, {}, None)).count("<title>") == 2


def test_downloads_read_the_template_and_stylesheet_once_per_process(
    client, printable, fake_render, monkeypatch
):
    """The digest's fixed part (templates, stylesheet) is read on the first download
    only; the data part still changes the digest."""
    pdf._fixed_digest.cache_clear()
    templates, stylesheets = [], []
    get_template = pdf.get_template
    read_bytes = pdf.Path.read_bytes

    def counted_template(name, *args, **kwargs):
        templates.append(name)
        return get_template(name, *args, **kwargs)

    def counted_read(path):
        if path.suffix == ".css":
            stylesheets.append(path.name)
        return read_bytes(path)

    monkeypatch.setattr(pdf, "get_template", counted_template)
    monkeypatch.setattr(pdf.Path, "read_bytes", counted_read)
    client.force_login(printable.consultant)
    client.get(url("poster_pdf", printable.assessment))
    first = RenderedPdf.objects.get(assessment=printable.assessment, kind="poster").digest
    assert stylesheets == ["print-poster.css"]
    assert "print/poster.html" in templates and "print/_poster_cards.html" in templates
    read = len(templates)
    client.get(url("poster_pdf", printable.assessment))
    activity = PlannedActivity.objects.filter(roadmap__assessment=printable.assessment).first()
    activity.status = PlannedActivity.Status.DONE
    activity.save()
    client.get(url("poster_pdf", printable.assessment))
    assert stylesheets == ["print-poster.css"] and len(templates) == read
    assert fake_render == ["poster", "poster"]  # the same data once, the changed again
    second = RenderedPdf.objects.get(assessment=printable.assessment, kind="poster").digest
    assert second != first


def test_the_digest_holds_the_included_templates():
    assert pdf._template_names("print/poster.html") == [
        "print/poster.html",
        "print/_poster_cards.html",
    ]
    assert "print/report/_method.html" in pdf._template_names("print/report.html")
    data = {"title": "Routekaart"}
    assert pdf.digest(pdf.POSTER, data) == pdf.digest(pdf.POSTER, dict(data))
    assert pdf.digest(pdf.POSTER, data) != pdf.digest(pdf.POSTER, {"title": "Anders"})
    assert pdf.digest(pdf.POSTER, data) != pdf.digest(pdf.REPORT, data)
