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


def chart_widths(page):
    """(chart id, drawn svg width, the chart box's width) for every drawn chart."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.chart')).map((el) => {
            const svg = el.querySelector('svg.main-svg');
            return [el.id, svg ? svg.getBoundingClientRect().width : 0,
                    el.getBoundingClientRect().width];
        })"""
    )


def test_the_charts_redraw_when_a_desktop_window_is_narrowed_to_a_phone(page, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "alice")
    page.goto(f"/metingen/{demo.pk}/resultaten/")
    for chart in ("radar", "tracks", "layers", "trend"):
        page.locator(f"#chart-{chart} svg.main-svg").first.wait_for()
    wide = dict((name, svg) for name, svg, _box in chart_widths(page))
    assert min(wide.values()) > 600  # drawn for the desktop
    # The desktop radar names its axes; a phone's uses the codes.
    assert page.locator("#chart-radar .angularaxistick text", has_text="Visie & strategie").count()

    page.set_viewport_size({"width": 375, "height": 740})
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.chart svg.main-svg'))
            .every((svg) => svg.getBoundingClientRect().width <= 375)"""
    )
    page.wait_for_timeout(300)  # one more frame for the redraw at the breakpoint
    for name, svg, box in chart_widths(page):
        assert svg <= box + 1, f"{name} is wider ({svg}) than its box ({box})"
        assert svg <= 375, f"{name} is wider ({svg}) than the window"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not page.locator(
        "#chart-radar .angularaxistick text", has_text="Visie & strategie"
    ).count()
    assert page.locator("#chart-radar .angularaxistick text", has_text="LC1").count()
