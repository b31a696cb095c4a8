"""Issue 15 in Chromium: the results page's plan versus effect, peers' movement and
ambitions sections of the demo (a repeat measurement continuing the 2024 route), at
desktop and phone width, with axe-core finding no A/AA issue."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from assessments.demo import load_demo
from assessments.models import Membership

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SHOTS = "/tmp/continuity-shots"


@pytest.fixture
def demo(model_version, people):
    assessment = load_demo()["assessment"]
    Membership.objects.create(
        user=people.viewer, organisation=assessment.organisation, role=Membership.Role.VIEWER
    )
    return assessment


def check(page, width, demo):
    log_in(page, "victor")
    page.goto(f"/metingen/{demo.pk}/resultaten/")
    effect = page.locator("#plan-effect-table")
    effect.wait_for()
    page.get_by_role(
        "heading", name="Plan en effect: wat heeft de vorige routekaart opgeleverd?"
    ).wait_for()
    assert page.get_by_text("gaan door in de nieuwe routekaart").is_visible()
    assert "activiteiten gereed →" in effect.inner_text()
    movement = page.locator("#movement-table")
    assert "Gemiddelde verandering anderen" in movement.inner_text()
    assert page.get_by_text("De gemiddelde verandering van 5 andere organisaties").is_visible()
    ambitions = page.locator("#ambitions-table")
    assert "Gewenst anderen" in ambitions.inner_text()
    assert "Middelste helft gewenst" in ambitions.inner_text()  # 10 peers: quartiles
    # Wide tables scroll inside their region; the page itself does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.locator("#h-plan-effect").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/results-{width}.png", full_page=False)
    result = Axe().run(page, options=WCAG_A_AA)
    return [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]]


def test_plan_versus_effect_and_peers_on_a_desktop(page, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    assert check(page, 1280, demo) == []


def test_plan_versus_effect_and_peers_on_a_phone(phone, demo):
    assert check(phone, 375, demo) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_the_roadmap_shows_carried_work_and_the_routes_history(browser, live_server, demo, width):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    log_in(page, "victor")
    page.goto(f"/metingen/{demo.pk}/routekaart/")
    page.locator("#route-history").wait_for()
    assert page.locator(".carried").count() > 0
    assert page.get_by_text("Eerste meting 2024, routekaart 2025–2028").is_visible()
    page.locator("#route-history").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/roadmap-{width}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    result = Axe().run(page, options=WCAG_A_AA)
    assert [v["id"] for v in result.response["violations"]] == []
    page.get_by_role("link", name="De vorige routekaart bekijken").click()
    page.get_by_text("Gereed").first.wait_for()
    context.close()
