"""The invitations page in Chromium while the worker sends: the progress bar fills
without a reload, and axe-core finds no A/AA issue with a round in progress, failed
mails and a preview, at phone and desktop width."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from assessments import outbox
from assessments.collection import invitations_send
from assessments.models import Invitation, OutboxMessage
from tests.survey_data import open_assessment

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def queued(people, settings):
    cache.clear()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assessment = open_assessment(people.assessment)
    layer = assessment.layers.get(code="beleid")
    Invitation.objects.bulk_create(
        Invitation(
            assessment=assessment,
            kind=Invitation.Kind.PERSONAL,
            email=f"p{number}@aadorp.nl",
            layer=layer,
            token_hash=f"{number:064d}",
        )
        for number in range(outbox.CHUNK * 3)
    )
    invitations_send(assessment=assessment, base_url="http://testserver/")
    return assessment


def bar(page):
    return int(page.locator("#outbox-bar").get_attribute("aria-valuenow"))


def test_the_progress_bar_fills_as_the_worker_sends(page, people, queued):
    log_in(page, people.consultant.username)
    page.goto(f"/metingen/{queued.pk}/uitnodigingen/")
    assert bar(page) == 0
    outbox.drain(chunks=1)
    # The page's script asks the status endpoint again: no reload.
    expect(page.locator("#outbox-bar")).to_have_attribute("aria-valuenow", "33")
    outbox.drain()
    page.locator("#outbox-done").wait_for(state="visible")
    assert page.locator("[data-count=sent]").inner_text() == str(outbox.CHUNK * 3)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_page_passes_axe_while_sending(browser, live_server, people, queued, width):
    from axe_playwright_python.sync_playwright import Axe

    outbox.drain(chunks=1)
    OutboxMessage.objects.filter(status="queued").filter(
        pk__in=list(OutboxMessage.objects.filter(status="queued").values_list("pk", flat=True)[:2])
    ).update(status="failed", error="550 5.1.1 User unknown", attempts=1)
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    log_in(page, people.consultant.username)
    page.goto(f"/metingen/{queued.pk}/uitnodigingen/?invitee=p1@aadorp.nl&kind=reminder")
    assert page.get_by_text("550 5.1.1 User unknown").count() == 2
    assert page.get_by_text("/v/voorbeeldlink/").count() == 1
    results = Axe().run(page, options=WCAG)
    page.screenshot(path=f"/tmp/dg-outbox-page-{width}.png", full_page=True)
    context.close()
    assert results.violations_count == 0, results.generate_report()
