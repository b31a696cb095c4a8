"""Double clicks and retries at the same moment (PostgreSQL: real row locks).

Eight requests of the same respondent arrive at once: starting, saving one page,
submitting. Each writes once; nothing is duplicated.
"""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from assessments.models import Answer, Response
from tests.survey_data import fill_all, invite, open_assessment, open_link, page_data, questions_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
    ),
]

REQUESTS = 8


def at_once(cookie, method, path, data=None):
    barrier = threading.Barrier(REQUESTS)
    statuses = []

    def one():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        barrier.wait()
        try:
            statuses.append(getattr(client, method)(path, data or {}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_simultaneous_starts_saves_and_submits_write_once(model_version, people):
    cache.clear()
    assessment = open_assessment(people.assessment)
    _link, token = open_link(assessment)
    client = Client()
    client.get(f"/v/{token}/")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert set(at_once(cookie, "post", "/vragenlijst/", {"layer": "beleid"})) == {302}
    assert Response.objects.count() == 1
    questions = questions_of(assessment, 1)
    assert set(at_once(cookie, "post", "/vragenlijst/deel/1/", page_data(questions))) == {302}
    assert Answer.objects.count() == len(questions)
    fill_all(client, assessment)
    answers = Answer.objects.count()
    statuses = at_once(cookie, "post", "/vragenlijst/controleren/")
    assert statuses.count(302) >= 1
    response = Response.objects.get()
    assert response.is_submitted
    assert Answer.objects.count() == answers


def test_a_personal_invitation_has_one_response_whatever_arrives(model_version, people):
    cache.clear()
    assessment = open_assessment(people.assessment)
    _invitation, token = invite(assessment)
    client = Client()
    client.get(f"/v/{token}/")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    at_once(cookie, "post", "/vragenlijst/", {})
    assert Response.objects.count() == 1


def test_simultaneous_newcomers_on_an_almost_full_link_stop_at_its_headcount(model_version, people):
    cache.clear()
    assessment = open_assessment(people.assessment)
    link, token = open_link(assessment, layers=["management", "beleid"], headcount=12)
    Response.objects.bulk_create(
        Response(
            assessment=assessment,
            respondent=f"earlier-{n}",
            layer=assessment.layers.get(code="beleid"),
            open_link=link,
        )
        for n in range(9)
    )
    cookies = []
    for _n in range(REQUESTS):
        client = Client()
        client.get(f"/v/{token}/")
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    barrier = threading.Barrier(REQUESTS)
    statuses = []

    def one(cookie):
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        barrier.wait()
        try:
            statuses.append(client.post("/vragenlijst/", {"layer": "beleid"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(cookie,)) for cookie in cookies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Three places were left: three newcomers start, the others are told the link is full.
    assert sorted(statuses) == [302] * 3 + [409] * (REQUESTS - 3)
    assert Response.objects.filter(open_link=link).count() == 12
