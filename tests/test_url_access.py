"""Every organisation-scoped URL of the project refuses strangers (spec/quality.md).

The URLs are read from the URL configuration itself, so a new view is covered the
moment it gets a URL: a consultant and a viewer of another organisation get 404 on
GET and POST for every URL that names an object of organisation A. A URL this test
cannot place fails the test until it is classified below.
"""

import re
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from assessments.collection import open_link_create
from roadmap.adoption import set_status
from roadmap.models import DataProject
from tests.roadmap_data import answer_and_close, roadmap_with_activities
from tests.survey_data import invite

pytestmark = pytest.mark.django_db

# Named URLs that are not organisation-scoped: public pages, login, setting a password
# (tests/test_memberships.py), the consultant's own overview, and the respondent's token
# links (tested in the survey tests).
NOT_ORGANISATION_SCOPED = {
    "home",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "privacy",
    "accessibility",
    "set_language",
    "organisation_create",
}
# Prefixes of URL paths whose object is found by the respondent's token, not an id.
TOKEN_PREFIXES = ("v/", "vragenlijst/", "enquete/")

# The first path segment of an organisation-scoped URL names the kind of its id.
OBJECT_OF_SEGMENT = {
    "organisaties": "organisation",
    "metingen": "assessment",
    "routekaart": "activity",
    "dataprojecten": "data_project",
}


def project_urls(resolver=None, prefix=""):
    """(route, name, int parameters) of every URL of the project outside the admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("beheer/", "admin/")):
                continue
            yield from project_urls(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name, sorted(entry.pattern.converters)


@pytest.fixture
def objects(people):
    assessment = answer_and_close(people.assessment)
    roadmap = roadmap_with_activities(assessment, 2)
    set_status(roadmap=roadmap, status="vastgesteld", body="college", when=date(2027, 3, 12))
    project = DataProject.objects.create(organisation=people.organisation, subject="Dashboard")
    link, _token = open_link_create(assessment=assessment, layers=["beleid"], headcount=20)
    return {
        "organisation": people.organisation.pk,
        "assessment": assessment.pk,
        "activity": roadmap.activities.first().pk,
        "data_project": project.pk,
        # Parameters beside the pk: every value each one takes.
        "file_format": ["json", "csv", "xlsx"],
        "link": [link.pk],
        "invitation": [invite(assessment, "piet@aadorp.nl")[0].pk],
        "number": [roadmap.version],  # an adopted version of the roadmap
        "membership": list(people.organisation.memberships.values_list("pk", flat=True)),
        # A use case of the shipped catalogue and slides of the presentation.
        "code": ["UC01"],
        "slide": [1, 2],
    }


def scoped_urls(objects):
    urls = []
    for route, name, parameters in project_urls():
        if name in NOT_ORGANISATION_SCOPED or route.startswith(TOKEN_PREFIXES):
            continue
        if not parameters:
            raise AssertionError(f"classify the URL {route!r} ({name}) in this test")
        segment = route.split("/")[0]
        kind = OBJECT_OF_SEGMENT.get(segment)
        others = [p for p in parameters if p != "pk"]
        if kind is None or "pk" not in parameters or any(p not in objects for p in others):
            raise AssertionError(f"classify the URL {route!r} ({name}) in this test")
        variants = ["/" + route.replace("<int:pk>", str(objects[kind]))]
        for parameter in others:
            variants = [
                re.sub(rf"<\w+:{parameter}>", str(value), url)
                for url in variants
                for value in objects[parameter]
            ]
        urls.extend(variants)
    return urls


def test_every_organisation_scoped_url_is_known(objects):
    urls = scoped_urls(objects)
    assert len(urls) >= 15
    assert all("<" not in url for url in urls), urls


@pytest.mark.parametrize("stranger", ["other_consultant", "other_viewer"])
def test_strangers_get_404_on_every_organisation_scoped_url(client, people, objects, stranger):
    client.force_login(getattr(people, stranger))
    for url in scoped_urls(objects):
        # A POST-only URL answers GET with 405 for every id: that tells nothing.
        assert client.get(url).status_code in {404, 405}, url
        assert client.post(url, {"name": "x", "title": "x"}).status_code == 404, url


def test_the_own_consultant_reaches_every_organisation_scoped_url(client, people, objects):
    client.force_login(people.consultant)
    for url in scoped_urls(objects):
        assert client.get(url).status_code in {200, 302, 405}, url
