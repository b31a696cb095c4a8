"""Issue 15 in Chromium: a survey comment becomes a register idea that grows into a
project, the results session records agreed levels and sets the targets, the roadmap
links the register project, and the college adopts strategy and roadmap. The new pages
pass axe-core (A/AA) at phone and desktop width."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from assessments.models import FactorComment, Response
from roadmap.models import DataProject, FactorTarget, PlannedActivity, RoadmapVersion
from roadmap.services import roadmap_for, roadmap_generate
from tests.roadmap_data import answer_and_close

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
IDEA = "Wij willen eerder zien welke inwoners schulden krijgen."


def violations(page):
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    result = Axe().run(page, options=WCAG_A_AA)
    return [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]]


@pytest.fixture
def closed(people):
    assessment = answer_and_close(people.assessment)
    response = Response.objects.filter(assessment=assessment).first()
    factor = assessment.model_version.factors.get(code="OG1")
    FactorComment.objects.create(response=response, factor=factor, text=IDEA)
    roadmap_generate(roadmap=roadmap_for(assessment))
    return assessment


def test_the_route_from_comment_to_adopted_roadmap(page, people, closed):
    log_in(page, "alice")
    # 1. A shown survey comment becomes an idea in the register.
    page.goto(f"/metingen/{closed.pk}/resultaten/")
    comments = page.locator("details", has=page.get_by_text(IDEA))
    comments.locator("summary").click()
    comments.get_by_role("button", name="als idee in register").click()
    page.get_by_text("Toegevoegd aan het register als idee").wait_for()
    project = DataProject.objects.get()
    assert (project.status, project.source, project.description) == ("idee", "toelichting", IDEA)

    # 2. It cannot move on without an action; with one it can.
    page.goto(f"/dataprojecten/{project.pk}/bewerken/")
    page.get_by_label("Onderwerp").fill("Vroegsignalering schulden")
    page.get_by_label("Status").select_option("verkenning")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Zonder actie is het ‘nice to know’").first.wait_for()
    page.get_by_label("Actie", exact=True).fill("Een schuldhulpverlener belt binnen twee weken.")
    page.get_by_label("DPIA nodig").check()
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Dataproject opgeslagen.").wait_for()
    assert page.get_by_text("DPIA nodig").is_visible()

    # 3. The results session: OG1 is really a 1, and should become a 3.
    page.goto(f"/metingen/{closed.pk}/resultaten/")
    page.get_by_role("link", name="Resultatensessie").click()
    page.get_by_label("OG1: Nu").select_option("1")
    page.get_by_label("OG1: Gewenst").select_option("3")
    page.get_by_label("OG1: toelichting").fill("We herkennen een 1: niemand is eigenaar.")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Afspraken uit de resultatensessie opgeslagen.").wait_for()
    page.get_by_role("button", name="Gebruik als doelen voor de routekaart").click()
    page.get_by_role("heading", name="Strategiesessie").wait_for()
    target = FactorTarget.objects.get(roadmap__assessment=closed, factor__code="OG1")
    assert target.chosen == 3

    # 4. A data-project activity carries out the register's project.
    activity = PlannedActivity.objects.filter(kind="dataproject").order_by("code").first()
    page.goto(f"/routekaart/activiteiten/{activity.pk}/")
    page.get_by_label("Dataproject uit het register").select_option(str(project.pk))
    page.get_by_role("button", name="Opslaan").click()
    card = page.locator(f"#activiteit-{activity.pk}")
    card.get_by_text("Register: Vroegsignalering schulden").wait_for()

    # 5. The college adopts; a later change starts version 2 and version 1 stays.
    page.locator("summary", has_text="Status wijzigen").click()
    page.locator("#id_status").select_option("vastgesteld")
    page.get_by_label("Vastgesteld door").select_option("college")
    page.get_by_label("Datum").fill("2027-03-12")
    page.get_by_role("button", name="Status opslaan").click()
    page.get_by_text("Vastgesteld door het college op 12 maart 2027").first.wait_for()
    page.goto(f"/routekaart/activiteiten/{activity.pk}/")
    assert page.get_by_text("begint versie 2, een concept").is_visible()
    page.get_by_label("Eigenaar").fill("Manager Werk en Inkomen")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("begint versie 2").first.wait_for()
    page.get_by_role("link", name="Versies").click()
    page.get_by_role("link", name="Versie 1").click()
    page.get_by_role("heading", name="Versie 1: Vastgesteld door het college").wait_for()
    assert RoadmapVersion.objects.count() == 1


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize(
    "path",
    ["resultatensessie/", "routekaart/", "routekaart/status/", "routekaart/versies/1/", "register"],
)
def test_the_new_pages_pass_axe(browser, live_server, people, closed, path, width):
    from datetime import date

    from roadmap.adoption import set_status

    DataProject.objects.create(
        organisation=people.organisation,
        subject="Vroegsignalering schulden",
        status="verkenning",
        action="Bellen.",
        dpia_needed=True,
        benefits=["efficiency"],
    )
    roadmap = roadmap_for(closed)
    set_status(roadmap=roadmap, status="vastgesteld", body="college", when=date(2027, 3, 12))
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, "alice")
    if path == "register":
        page.goto(f"/organisaties/{people.organisation.pk}/dataprojecten/")
    else:
        page.goto(f"/metingen/{closed.pk}/{path}")
    page.locator("h1").first.wait_for()
    assert violations(page) == []
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
