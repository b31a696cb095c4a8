"""Every organisation-scoped view checks access the same way (assessments/access.py)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def read_urls(people):
    return [
        reverse("organisation", args=[people.organisation.pk]),
        reverse("assessment", args=[people.assessment.pk]),
    ]


def write_urls(people):
    return [
        reverse("organisation_edit", args=[people.organisation.pk]),
        reverse("assessment_create", args=[people.organisation.pk]),
        reverse("assessment_edit", args=[people.assessment.pk]),
    ]


def test_it_sends_anonymous_visitors_to_the_login(client, people):
    for url in [reverse("home"), *read_urls(people), *write_urls(people)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_it_lets_the_consultant_in_everywhere(client, people):
    client.force_login(people.consultant)
    for url in [reverse("home"), *read_urls(people), *write_urls(people)]:
        assert client.get(url).status_code == 200, url


def test_it_lets_the_viewer_read_but_not_write(client, people):
    client.force_login(people.viewer)
    for url in read_urls(people):
        assert client.get(url).status_code == 200, url
    for url in write_urls(people):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "x"}).status_code == 403, url


@pytest.mark.parametrize("stranger", ["other_consultant", "other_viewer"])
def test_strangers_get_404(client, people, stranger):
    client.force_login(getattr(people, stranger))
    for url in [*read_urls(people), *write_urls(people)]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "x"}).status_code == 404, url


def test_an_unknown_id_gives_404(client, people):
    client.force_login(people.consultant)
    assert client.get(reverse("organisation", args=[999999])).status_code == 404
    assert client.get(reverse("assessment", args=[999999])).status_code == 404


def test_only_consultants_create_organisations(client, people):
    client.force_login(people.viewer)
    assert client.get(reverse("organisation_create")).status_code == 403


def test_a_consultant_who_lost_staff_status_only_reads(client, people):
    people.consultant.is_staff = False
    people.consultant.save()
    client.force_login(people.consultant)
    assert client.get(reverse("organisation", args=[people.organisation.pk])).status_code == 200
    assert (
        client.get(reverse("organisation_edit", args=[people.organisation.pk])).status_code == 403
    )


def test_home_lists_only_own_organisations(client, people):
    client.force_login(people.viewer)
    page = client.get(reverse("home")).content.decode()
    assert "Gemeente Aadorp" in page
    assert "Gemeente Bedorp" not in page
