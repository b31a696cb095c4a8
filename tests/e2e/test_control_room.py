"""The consultant's control room in Chromium at phone and desktop width: the response
monitor, the invitations page and the invitee list pass axe-core (A/AA), and their wide
tables scroll in a region the keyboard reaches, with a hint at phone width."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.utils import timezone

from assessments.models import Department, Response
from tests.survey_data import invite, open_assessment, open_link

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SCROLL_RULE = {"runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]}}


def violations(page, options=WCAG_A_AA):
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    result = Axe().run(page, options=options)
    return [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]]


@pytest.fixture
def control_room(people):
    cache.clear()
    assessment = open_assessment(people.assessment)
    Department.objects.create(organisation=people.organisation, name="Sociaal Domein")
    for number in range(12):
        invitation, _token = invite(
            assessment,
            f"medewerker.met.een.lange.naam.{number}@gemeente-aadorp.example.nl",
            "beleid" if number % 2 else "uitvoering",
            "Sociaal Domein" if number % 3 else "",
        )
        if number < 6:
            Response.objects.create(
                assessment=assessment,
                invitation=invitation,
                respondent=f"p{number}",
                layer=invitation.layer,
                status=Response.Status.SUBMITTED,
                submitted_at=timezone.now(),
            )
    link, _token = open_link(assessment, "beleid")
    for number in range(6):
        Response.objects.create(
            assessment=assessment,
            open_link=link,
            respondent=f"o{number}",
            layer=assessment.layers.get(code="beleid"),
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
    yield assessment
    cache.clear()


PAGES = {
    "respons": ("respons/", "Respons"),
    "uitnodigingen": ("uitnodigingen/", "Uitnodigen"),
    "genodigden": ("genodigden/", "Genodigden"),
    "meting": ("", "Nulmeting 2026"),
}


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_control_room_pages_pass_axe(browser, live_server, control_room, name, width):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, "alice")
    path, heading = PAGES[name]
    page.goto(f"/metingen/{control_room.pk}/{path}")
    page.get_by_role("heading", name=heading).first.wait_for()
    page.screenshot(path=f"/tmp/ctl/{name}-{width}.png", full_page=True)
    assert violations(page, SCROLL_RULE) == []
    assert violations(page) == []
    # Every scrolling table is a labelled region the keyboard reaches, with a hint
    # that shows at phone width only.
    wrappers = page.locator(".table-responsive")
    regions = page.locator(".table-responsive[tabindex='0'][role='region'][aria-label]")
    assert regions.count() == wrappers.count() == page.locator("table").count()
    hints = page.locator(".scroll-hint")
    assert hints.count() == wrappers.count()
    for index in range(hints.count()):
        assert hints.nth(index).is_visible() == (width == 375)
    context.close()


def test_a_viewers_invitee_counts_pass_axe(phone, control_room):
    log_in(phone, "victor")
    phone.goto(f"/metingen/{control_room.pk}/genodigden/")
    phone.get_by_role("heading", name="Genodigden").wait_for()
    assert "@" not in phone.locator("main").inner_text()
    assert violations(phone) == []


def test_a_wide_table_scrolls_by_keyboard_at_phone_width(phone, control_room):
    log_in(phone, "alice")
    phone.goto(f"/metingen/{control_room.pk}/genodigden/")
    region = phone.get_by_role("region", name="Genodigden")
    region.focus()
    assert phone.evaluate("document.activeElement.matches('.table-responsive')")
    before = region.evaluate("(element) => element.scrollLeft")
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("End")
    phone.wait_for_timeout(200)
    assert region.evaluate("(element) => element.scrollWidth > element.clientWidth")
    assert region.evaluate("(element) => element.scrollLeft") > before


def test_the_consultant_corrects_an_invitee_in_the_browser(page, control_room):
    log_in(page, "alice")
    page.goto(f"/metingen/{control_room.pk}/genodigden/?status=niet-gemaild&laag=beleid")
    row = page.locator("tbody tr").first
    email = row.locator("th").inner_text()
    row.locator("summary").click()
    row.get_by_label("Laag").select_option("management")
    row.get_by_role("button", name="Opslaan").click()
    page.get_by_text(f"{email} is bijgewerkt.").wait_for()
    # Back on the filtered list, where it no longer matches the layer.
    assert "laag=beleid" in page.url
    assert page.locator("tbody th", has_text=email).count() == 0


@pytest.mark.parametrize("width", [375, 1280])
def test_the_roadmap_and_a_closed_assessment_pass_axe(browser, live_server, people, width):
    from roadmap.services import roadmap_for, roadmap_generate
    from tests.roadmap_data import answer_and_close

    assessment = answer_and_close(people.assessment)
    roadmap_generate(roadmap=roadmap_for(assessment))
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, "alice")
    for path in ("routekaart/", "", "heropenen/"):
        page.goto(f"/metingen/{assessment.pk}/{path}")
        page.locator("h1").first.wait_for()
        page.screenshot(path=f"/tmp/ctl/closed-{path.strip('/') or 'meting'}-{width}.png")
        assert violations(page, SCROLL_RULE) == []
        assert violations(page) == []
    context.close()
