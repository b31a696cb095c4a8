"""The results dashboard in Chromium: the charts render and axe-core finds no A/AA issue."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from assessments.demo import load_demo
from assessments.models import Assessment, Membership

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def demo(model_version, people):
    """The demo (140 respondents, peers and an earlier measurement), seen by alice."""
    assessment = load_demo()["assessment"]
    Membership.objects.create(
        user=people.consultant,
        organisation=assessment.organisation,
        role=Membership.Role.CONSULTANT,
    )
    Membership.objects.create(
        user=people.viewer, organisation=assessment.organisation, role=Membership.Role.VIEWER
    )
    return assessment


def violations(page):
    # Also check what the closed <details> (the charts' tables, comments) hold.
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    result = Axe().run(page, options=WCAG_A_AA)
    return [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]]


def test_the_dashboard_draws_its_charts_and_passes_axe(page, demo):
    log_in(page, "alice")
    page.goto(f"/metingen/{demo.pk}/")
    page.get_by_role("link", name="Resultaten").click()
    page.get_by_role("heading", name="Sleutelfactoren: nu en gewenst").wait_for()
    page.locator("#chart-radar svg.main-svg").first.wait_for()
    assert page.locator("#chart-radar .scatterlayer .trace, #chart-radar .scatterpolar").count()
    page.locator("#chart-tracks svg.main-svg").first.wait_for()
    page.locator("#chart-layers svg.main-svg").first.wait_for()
    page.locator("#chart-trend svg.main-svg").first.wait_for()
    assert page.get_by_text("Vergeleken met 10 andere organisaties").is_visible()
    assert violations(page) == []


def test_a_viewer_reads_the_dashboard_on_a_phone(phone, demo):
    log_in(phone, "victor")
    phone.goto(f"/metingen/{demo.pk}/resultaten/")
    phone.locator("#chart-radar svg.main-svg").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    # The department filter works by keyboard too.
    phone.get_by_label("Afdeling", exact=True).select_option("Ruimte")
    phone.get_by_role("button", name="Tonen").press("Enter")
    phone.get_by_text("U ziet alleen de afdeling Ruimte.").wait_for()
    assert violations(phone) == []
    earlier = Assessment.objects.get(name="Eerste meting 2024")
    phone.goto(f"/metingen/{earlier.pk}/resultaten/")
    phone.get_by_text("Nog geen eerdere meting om mee te vergelijken.").wait_for()
