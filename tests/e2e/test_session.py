"""The inspiration-and-vision session in a browser: the catalogue filtered without
script and an example put into the register; the session recorded; the presentation
at projector size (1280×720) driven by the keyboard; every page passes axe (A/AA)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from roadmap.models import DataProject, VisionSession
from tests.roadmap_data import answer_and_close

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page):
    result = Axe().run(page, options=WCAG_A_AA)
    return [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]]


def context_page(browser, live_server, width, height=900, javascript=True):
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        viewport={"width": width, "height": height},
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_the_catalogue_filters_without_script_and_adds_to_the_register(
    browser, live_server, people
):
    context, page = context_page(browser, live_server, 1280, javascript=False)
    log_in(page, "alice")
    page.goto(f"/metingen/{people.assessment.pk}/strategie/")
    page.get_by_role("link", name="Voorbeelden van andere overheden").click()
    page.get_by_role("heading", name="Voorbeelden van andere overheden").wait_for()
    page.get_by_label("Domein").select_option("sociaal")
    page.get_by_label("Niveau").select_option("gevorderd")
    page.get_by_role("button", name="Toon").click()
    page.get_by_text("voorbeelden van 40").wait_for()
    assert "domein=sociaal" in page.url
    case = page.locator("#uc-UC01")
    case.get_by_role("button", name="Als idee in het register zetten").click()
    page.get_by_text("staat nu als idee in het register").wait_for()
    assert "domein=sociaal" in page.url  # back on the same filters
    assert page.locator("#uc-UC01").get_by_text("Staat in het register").is_visible()
    assert DataProject.objects.get().status == DataProject.Status.IDEA
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_glossary_and_catalogue_pass_axe_and_fit_the_screen(browser, live_server, people, width):
    context, page = context_page(browser, live_server, width)
    log_in(page, "alice")
    for path in ("voorbeelden/?niveau=geavanceerd", "begrippen/"):
        page.goto(f"/metingen/{people.assessment.pk}/inspiratie/{path}")
        page.locator("h1").wait_for()
        assert violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_the_consultant_records_the_session(page, people):
    log_in(page, "alice")
    page.goto(f"/metingen/{people.assessment.pk}/strategie/")
    page.get_by_role("link", name="Sessie vastleggen").click()
    page.get_by_label("Datum van de sessie").fill("2026-02-10")
    page.get_by_label("Directie").fill("3")
    page.get_by_label("Beleid & advies").fill("8")
    page.get_by_label("Opbrengst en aantekeningen").fill("Iedereen wil beginnen met schulden.")
    assert violations(page) == []
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Sessie visie en inspiratie opgeslagen.").wait_for()
    assert page.get_by_text("Directie: 3, Beleid & advies: 8 (11 personen)").is_visible()
    assert VisionSession.objects.get().participants == {"directie": 3, "beleid": 8}


def test_the_presentation_is_driven_by_the_keyboard_at_projector_size(browser, live_server, people):
    assessment = answer_and_close(people.assessment)
    context, page = context_page(browser, live_server, 1280, 720)
    log_in(page, "victor")  # a viewer of a closed assessment may present it
    base = f"/metingen/{assessment.pk}/presentatie/"
    page.goto(base)
    page.locator("h1").wait_for()
    count = int(page.locator(".count").inner_text().split()[-1])
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 28
    assert violations(page) == []

    def at(number):
        page.wait_for_url(f"**{base}{number}/")

    page.keyboard.press("ArrowRight")
    at(2)
    page.keyboard.press("PageDown")
    at(3)
    page.keyboard.press("ArrowLeft")
    at(2)
    page.keyboard.press("PageUp")
    at(1)
    page.keyboard.press("End")
    at(count)
    page.keyboard.press("Home")
    at(1)
    # Every slide passes axe and fits the projector's screen at the large type.
    for number in range(1, count + 1):
        page.goto(f"{base}{number}/")
        page.locator("h1").wait_for()
        assert violations(page) == [], number
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, number
        assert page.evaluate("document.documentElement.scrollHeight") <= 720, number
    page.keyboard.press("Escape")
    page.wait_for_url(f"**/metingen/{assessment.pk}/")
    context.close()


def test_without_script_the_slides_are_plain_linked_pages(browser, live_server, people):
    context, page = context_page(browser, live_server, 1280, 720, javascript=False)
    log_in(page, "alice")
    page.goto(f"/metingen/{people.assessment.pk}/presentatie/")
    page.get_by_role("link", name="Volgende").click()
    page.wait_for_url("**/presentatie/2/")
    page.get_by_role("link", name="Vorige").click()
    page.wait_for_url("**/presentatie/1/")
    page.get_by_role("link", name="Stoppen (Esc)").click()
    page.wait_for_url(f"**/metingen/{people.assessment.pk}/strategie/")
    context.close()
