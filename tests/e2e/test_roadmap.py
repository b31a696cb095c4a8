"""A consultant sets targets, generates the roadmap, moves a card and marks one done."""

import re

import pytest

from roadmap.models import PlannedActivity
from roadmap.services import roadmap_for, roadmap_generate
from tests.roadmap_data import answer_and_close

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_plans_edits_and_follows_up_the_roadmap(page, people):
    assessment = answer_and_close(people.assessment)
    log_in(page, "alice")
    page.goto(f"/metingen/{assessment.pk}/")
    page.get_by_role("link", name="Strategiesessie").click()
    page.get_by_label("Visie", exact=True).fill("Data helpt Aadorp vooruit.")
    page.get_by_label("Strategische uitgangspunten").fill("Opgave voorop\nLeren door te doen")
    page.get_by_label("Doel voor Visie & strategie").select_option("3")
    page.get_by_role("button", name="Opslaan en routekaart maken").click()

    page.get_by_role("heading", name="Routekaart 2027–2030").wait_for()
    assert page.get_by_text("Leren door te doen").is_visible()
    total = PlannedActivity.objects.filter(after_horizon=False).count()
    assert page.get_by_text(f"0 van {total} gereed (0%)").is_visible()
    assert not PlannedActivity.objects.filter(
        reason__kind="transition", reason__factor="LC1", reason__from=3
    ).exists()

    # Move a card of year 1 to 2028, quarter 1.
    moved = PlannedActivity.objects.filter(year=1).order_by("code").first()
    card = page.locator(f"#activiteit-{moved.pk}")
    card.locator("summary", has_text="Wijzigen").click()
    card.get_by_label("Wanneer").select_option("2-1")
    card.get_by_role("button", name="Opslaan").click()
    page.get_by_text(f"Activiteit {moved.code} opgeslagen.").wait_for()
    year_two = page.locator(".roadmap-track", has=page.locator(f"#activiteit-{moved.pk}"))
    cell = year_two.locator(".roadmap-cell", has=page.locator(f"#activiteit-{moved.pk}"))
    assert "2028" in cell.locator("h3").inner_text()

    # Mark another one done: the progress changes.
    done = PlannedActivity.objects.filter(year=1).exclude(pk=moved.pk).order_by("code").first()
    card = page.locator(f"#activiteit-{done.pk}")
    card.locator("summary", has_text="Wijzigen").click()
    card.get_by_label("Status").select_option("gereed")
    card.get_by_label("Eigenaar").fill("Team data")
    card.get_by_role("button", name="Opslaan").click()
    page.get_by_text(f"Activiteit {done.code} opgeslagen.").wait_for()
    percent = round(100 / total)
    assert page.get_by_text(f"1 van {total} gereed ({percent}%)").is_visible()
    assert re.search(r"1/\d+ · \d+%", page.locator("#progress-years").inner_text())
    assert page.locator(f"#activiteit-{done.pk} .status-pill").inner_text() == "Gereed"

    # Regenerating keeps both edits.
    page.get_by_role("button", name="Routekaart opnieuw maken").click()
    page.get_by_text("uw eigen wijzigingen zijn bewaard").wait_for()
    moved.refresh_from_db()
    done.refresh_from_db()
    assert (moved.year, moved.quarter, done.status) == (2, 1, "gereed")


def test_a_viewer_reads_the_roadmap_on_a_phone(phone, people):
    assessment = answer_and_close(people.assessment)
    roadmap_generate(roadmap=roadmap_for(assessment))
    log_in(phone, "victor")
    phone.goto(f"/metingen/{assessment.pk}/routekaart/")
    phone.get_by_role("heading", name="Leiderschap & Cultuur").wait_for()
    assert phone.locator("select[name=when]").count() == 0
    assert phone.locator("summary", has_text="Wijzigen").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_moving_a_prerequisite_after_what_needs_it_is_kept_with_a_warning(page, phone, people):
    """The issue's case: "voorwaarde voor X" moved after X. The move is saved, both cards
    and the page say so, on a desktop and a phone, and the page stays accessible."""
    from .test_survey import assert_accessible

    assessment = answer_and_close(people.assessment)
    roadmap = roadmap_for(assessment)
    roadmap_generate(roadmap=roadmap)
    activities = {a.code: a for a in roadmap.activities.order_by("code")}
    dependent, prerequisite = next(
        (a, activities[code])
        for a in activities.values()
        for code in a.prerequisites
        if code in activities and not a.after_horizon
    )
    log_in(page, "alice")
    page.goto(f"/metingen/{assessment.pk}/routekaart/")
    card = page.locator(f"#activiteit-{prerequisite.pk}")
    card.locator("summary", has_text="Wijzigen").click()
    card.get_by_label("Wanneer").select_option("na")
    card.get_by_role("button", name="Opslaan").click()
    page.get_by_text(f"Activiteit {prerequisite.code} opgeslagen.").wait_for()
    summary = page.locator("#prerequisite-summary")
    assert re.search(
        r"\d+ activiteit(en)? sta(at|an) vóór (haar|hun) voorwaarde", summary.inner_text()
    )
    waiting = page.locator(f"#activiteit-{dependent.pk} .prerequisite-warning")
    assert waiting.inner_text().endswith(
        f"Let op: staat vóór zijn voorwaarde {prerequisite.code} (na de horizon)"
    )
    assert page.locator(f"#activiteit-{prerequisite.pk} .prerequisite-warning").count() >= 1
    summary.get_by_role("link", name=re.compile(f"^{dependent.code} ")).click()
    assert page.evaluate("location.hash") == f"#activiteit-{dependent.pk}"
    assert_accessible(page)

    log_in(phone, "victor")
    phone.goto(f"/metingen/{assessment.pk}/routekaart/")
    phone.locator("#prerequisite-summary").wait_for()
    assert phone.locator(f"#activiteit-{dependent.pk} .prerequisite-warning").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)
