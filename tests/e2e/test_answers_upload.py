"""The answers upload in Chromium: a survey tool's export, tried first as a dry run,
shows how each column was understood; the page passes axe at phone and desktop width."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from assessments.models import Department, Response
from tests.test_wide_import import forms_export

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.parametrize("width", [375, 1280])
def test_a_dry_run_of_a_forms_export_shows_its_columns(
    browser, live_server, people, model_version, tmp_path, width
):
    Department.objects.create(organisation=people.organisation, name="Sociaal Domein")
    content, questions = forms_export(model_version)
    path = tmp_path / "forms.xlsx"
    path.write_bytes(content)
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, "alice")
    page.goto(f"/metingen/{people.assessment.pk}/antwoorden/import/")
    page.get_by_label("Bestand").set_input_files(str(path))
    page.get_by_label("Alleen proefimport").check()
    page.get_by_role("button", name="Importeren").click()
    table = page.get_by_role("region", name="Hoe elke kolom is begrepen")
    expect(table).to_be_visible()  # waits for the page the click loads
    assert f"{questions[0].code} nu" in table.inner_text()
    assert "2 respondenten met 5 antwoorden" in page.inner_text("main")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(
            path=f"{os.environ['SCREENSHOTS']}/answers-upload-{width}.png", full_page=True
        )
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    assert Response.objects.count() == 0
    context.close()
