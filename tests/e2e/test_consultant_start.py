"""A consultant logs in, creates an organisation and an assessment in Chromium."""

import pytest

from assessments.models import Assessment

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_creates_an_organisation_and_an_assessment(page, people):
    log_in(page, "alice")
    page.get_by_role("link", name="Nieuwe organisatie").click()
    page.get_by_label("Naam").fill("Provincie Zuidwaard")
    page.get_by_label("Type").select_option("provincie")
    page.get_by_label("Afdelingen").fill("Mobiliteit\nNatuur")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Provincie Zuidwaard").wait_for()
    page.get_by_role("link", name="Nieuwe meting").click()
    page.get_by_label("Naam").fill("Nulmeting 2027")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Nulmeting 2027").wait_for()
    assessment = Assessment.objects.get(name="Nulmeting 2027")
    assert assessment.organisation.name == "Provincie Zuidwaard"
    assert assessment.layers.count() == 6


def test_a_viewer_sees_no_edit_buttons_on_a_phone(phone, people):
    log_in(phone, "victor")
    phone.get_by_role("link", name="Gemeente Aadorp").click()
    phone.get_by_role("heading", name="Gemeente Aadorp").wait_for()
    assert phone.get_by_role("link", name="Bewerken").count() == 0
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_the_consultants_organisation_page_fits_a_phone(phone, people):
    # Found in a walk-through: the access table's screen-reader labels escaped its scroll
    # box and made the page 478 px wide at 375.
    log_in(phone, "alice")
    phone.get_by_role("link", name="Gemeente Aadorp").click()
    phone.get_by_role("heading", name="Gemeente Aadorp").wait_for()
    assert phone.get_by_role("button", name="Toegang intrekken").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
