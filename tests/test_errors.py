"""Error pages: a lost database gives a clear 503 and the next request works again."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def test_a_lost_database_connection_gives_a_clear_page_to_try_again(client, people):
    client.force_login(people.consultant)
    with mock.patch(
        "assessments.views.consultant.render",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "De database is even niet bereikbaar" in response.content.decode()
    # The application recovers by itself: the next request is served as usual.
    assert client.get("/").status_code == 200


def test_other_errors_are_not_taken_for_an_outage(client, people):
    client.raise_request_exception = False
    client.force_login(people.consultant)
    with mock.patch("assessments.views.consultant.render", side_effect=ValueError("bug")):
        response = client.get("/")
    assert response.status_code == 500


def test_the_server_error_page_needs_no_request_and_no_database():
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=AssertionError):
        page = render_to_string("500.html")
    assert "Er ging iets mis" in page


def test_an_unknown_page_says_so_in_dutch(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_the_app_speaks_dutch_to_an_english_browser_until_english_is_chosen(client):
    page = client.get("/inloggen/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nl">' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/inloggen/"})
    page = client.get("/inloggen/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="en">' in page.content.decode()
