"""Issue 13's speed bar: what the faster survey relies on. A fresh respondent's parts
come from the cache and never go stale; a resumed respondent sees their own choices;
a draft save writes no session; the link and the saves stay within a few queries; the
short draft save (PostgreSQL) refuses what the full one refuses."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from assessments.models import Answer, Assessment, LevelDescriptor, Question, Response
from tests.survey_data import invite, page_data, questions_of

# survey and empty_cache: tests/conftest.py
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

SAVE = "/vragenlijst/opslaan/"
SUBMIT = "/vragenlijst/versturen/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the short draft save is PostgreSQL's"
)


def draft_of(assessment, number, **kwargs):
    data = page_data(questions_of(assessment, number), **kwargs)
    data.pop("action")
    data["deel"] = str(number + 1)
    return data


def checked(page):
    return re.findall(r'name="(q\d+-\w+)" id="[^"]+" value="([^"]+)" checked', page)


def test_fresh_respondents_get_the_same_parts_each_with_their_own_csrf_token(survey):
    assessment, _invitation, token = survey
    _other, other_token = invite(assessment, email="klaas@aadorp.nl")
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    page_1 = first.get(f"/v/{token}/").content.decode()
    page_2 = second.get(f"/v/{other_token}/").content.decode()  # from the cache
    assert "@@survey-csrf-token@@" not in page_1 + page_2
    for number in range(1, 6):
        for question in questions_of(assessment, number):
            assert f'name="q{question.pk}-current"' in page_2
    assert not checked(page_2)
    # Each token is the client's own: the draft save with it is accepted (CSRF on).
    token_2 = CSRF.search(page_2)[1]  # the first part's form's
    data = {"csrfmiddlewaretoken": token_2, **draft_of(assessment, 1)}
    assert second.post(SAVE, data).status_code == 204
    data["csrfmiddlewaretoken"] = "x" * 64
    assert first.post(SAVE, data).status_code == 403


def test_the_cached_parts_are_not_served_after_the_model_or_the_horizon_changes(survey):
    assessment, _invitation, token = survey
    page = Client().get(f"/v/{token}/").content.decode()
    question = questions_of(assessment, 1)[0]
    assert escape(question.text) in page
    question = Question.objects.get(pk=question.pk)
    question.text = "Hoe vaak gebruikt uw team een dashboard?"
    question.save()
    descriptor = LevelDescriptor.objects.filter(factor=question.factor).order_by("level").first()
    descriptor.text = "Nog niemand werkt met gegevens."
    descriptor.save()
    _second, token_2 = invite(assessment, email="klaas@aadorp.nl")
    page = Client().get(f"/v/{token_2}/").content.decode()
    assert "Hoe vaak gebruikt uw team een dashboard?" in page
    assert "Nog niemand werkt met gegevens." in page
    Assessment.objects.filter(pk=assessment.pk).update(horizon=7)
    _third, token_3 = invite(assessment, email="jan@aadorp.nl")
    page = Client().get(f"/v/{token_3}/").content.decode()
    assert "Over 7 jaar" in page
    assert "Over 4 jaar" not in page and "Over 3 jaar" not in page


def test_a_resumed_respondent_sees_their_choices_and_a_fresh_one_sees_none(client, survey):
    assessment, _invitation, token = survey
    _other, other_token = invite(assessment, email="klaas@aadorp.nl")
    client.get(f"/v/{token}/")
    draft = draft_of(assessment, 1, current="3", desired="x")
    assert client.post(SAVE, draft).status_code == 204
    again = Client().get(f"/v/{token}/").content.decode()  # the browser was closed
    mine = dict(checked(again))
    for question in questions_of(assessment, 1):
        assert mine[f"q{question.pk}-current"] == "3"
        assert mine[f"q{question.pk}-desired"] == "x"
    assert not checked(Client().get(f"/v/{other_token}/").content.decode())


def test_a_draft_save_does_not_write_the_session(client, survey):
    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    key = client.cookies["sessionid"].value
    assert client.post(SAVE, draft_of(assessment, 1)).status_code == 204  # starts it
    before = Session.objects.get(session_key=key)
    for number in (2, 3):
        response = client.post(SAVE, draft_of(assessment, number))
        assert response.status_code == 204
        assert "sessionid" not in response.cookies  # not saved, so no new cookie
    after = Session.objects.get(session_key=key)
    assert (after.session_data, after.expire_date) == (before.session_data, before.expire_date)


def test_the_link_reads_the_invitation_once_and_a_draft_save_is_a_few_queries(
    client, survey, django_assert_max_num_queries
):
    assessment, _invitation, token = survey
    # Another respondent came first: the model and the fresh parts are in the caches
    # (without this the bound held only after tests that happened to warm them).
    _other, other_token = invite(assessment, email="klaas@aadorp.nl")
    assert Client().get(f"/v/{other_token}/").status_code == 200
    with CaptureQueriesContext(connection) as link:
        assert client.get(f"/v/{token}/").status_code == 200
    invitation_reads = [q for q in link.captured_queries if "assessments_invitation" in q["sql"]]
    assert len(invitation_reads) == 1
    statements = [q for q in link.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 3  # the invitation; the session: its key free?, INSERT
    assert client.post(SAVE, draft_of(assessment, 1)).status_code == 204
    with django_assert_max_num_queries(6):  # session, invitation, UPDATE, upsert (+BEGIN)
        assert client.post(SAVE, draft_of(assessment, 2)).status_code == 204


@postgres_only
def test_the_short_draft_save_is_one_statement_and_stores_what_was_sent(client, survey):
    assessment, invitation, token = survey
    client.get(f"/v/{token}/")
    assert client.post(SAVE, draft_of(assessment, 1)).status_code == 204
    with CaptureQueriesContext(connection) as context:
        draft = draft_of(assessment, 2, current="5", desired="1")
        assert client.post(SAVE, draft).status_code == 204
    written = [q["sql"] for q in context.captured_queries if "django_session" not in q["sql"]]
    assert len(written) == 1 and "WITH guard" in written[0]
    response = Response.objects.get(invitation=invitation)
    assert response.current_page == 3
    for question in questions_of(assessment, 2):
        answer = Answer.objects.get(response=response, question=question)
        assert (answer.current, answer.desired) == (5, 1)


@postgres_only
def test_the_short_draft_save_refuses_what_the_full_one_refuses(client, survey):
    assessment, invitation, token = survey
    client.get(f"/v/{token}/")
    assert client.post(SAVE, draft_of(assessment, 1)).status_code == 204
    # A half answer goes the full way and comes back; the short way then steps aside.
    part_2 = questions_of(assessment, 2)
    half = {f"q{part_2[0].pk}-current": "2", "deel": "2"}
    assert client.post(SAVE, half).status_code == 204
    assert client.post(SAVE, draft_of(assessment, 3)).status_code == 204
    response = Response.objects.get(invitation=invitation)
    assert response.half_answers == {f"q{part_2[0].pk}-current": "2"}
    assert client.post(SAVE, draft_of(assessment, 2)).status_code == 204
    response.refresh_from_db()
    assert response.half_answers == {}
    # A bad value: 400, nothing written, as before.
    bad = draft_of(assessment, 4)
    bad[next(iter(k for k in bad if k.startswith("q")))] = "9"
    assert client.post(SAVE, bad).status_code == 400
    assert not Answer.objects.filter(
        response=response, question__in=questions_of(assessment, 4)
    ).exists()
    # Closed: nothing written, the full way says why.
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.CLOSED)
    refused = client.post(SAVE, draft_of(assessment, 4, current="0"))
    assert refused.status_code == 409 and refused.json()["error"] == "closed"
    assert not Answer.objects.filter(response=response, current=0).exists()
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.OPEN)
    # Submitted (by another tab): refused, nothing written.
    Response.objects.filter(pk=response.pk).update(
        status=Response.Status.SUBMITTED, submitted_at=timezone.now()
    )
    refused = client.post(SAVE, draft_of(assessment, 4, current="0"))
    assert refused.status_code == 409 and refused.json()["error"] == "submitted"
    assert not Answer.objects.filter(response=response, current=0).exists()


def test_the_cached_document_is_the_rendered_one_but_for_the_csrf_tokens(survey):
    from django.core.cache import cache

    assessment, _invitation, token = survey
    _other, other_token = invite(assessment, email="klaas@aadorp.nl")

    def page(link_token):
        html = Client().get(f"/v/{link_token}/").content.decode()
        return CSRF.sub("TOKEN", html)

    cache.clear()
    rendered = page(token)  # rendered, then kept
    kept = page(other_token)  # from the cache
    assert kept == rendered


def _first_descriptor(assessment):
    question = questions_of(assessment, 1)[0]
    return LevelDescriptor.objects.filter(factor=question.factor).order_by("level").first()


def test_a_resumed_respondent_sees_a_descriptor_changed_after_the_survey_was_shown(client, survey):
    """The descriptors are kept per process; a save (admin, load_model) must reach them."""
    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    assert client.post(SAVE, draft_of(assessment, 1)).status_code == 204
    descriptor = _first_descriptor(assessment)
    page = client.get("/vragenlijst/").content.decode()
    assert escape(descriptor.text) in page
    descriptor.text = "Gegevens liggen nog in losse bestanden."
    descriptor.save()
    page = client.get("/vragenlijst/").content.decode()
    assert "Gegevens liggen nog in losse bestanden." in page
    page = client.get("/vragenlijst/deel/1/").content.decode()  # the page without script
    assert "Gegevens liggen nog in losse bestanden." in page


def test_a_descriptor_changed_by_another_process_is_shown_here_too(client, survey):
    """Another worker's save changes the shared generation, not this process's memory:
    what this process kept of the descriptors follows the generation."""
    from assessments.views.survey import FRAGMENT_GENERATION

    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    assert client.post(SAVE, draft_of(assessment, 1)).status_code == 204
    descriptor = _first_descriptor(assessment)
    assert escape(descriptor.text) in client.get("/vragenlijst/").content.decode()
    # What the other process does: the row changes (no signal here), a new generation.
    LevelDescriptor.objects.filter(pk=descriptor.pk).update(text="Tekst van elders.")
    cache.set(FRAGMENT_GENERATION, "elders", None)
    assert "Tekst van elders." in client.get("/vragenlijst/").content.decode()
    assert "Tekst van elders." in client.get("/vragenlijst/deel/1/").content.decode()
    _second, token_2 = invite(assessment, email="klaas@aadorp.nl")
    assert "Tekst van elders." in Client().get(f"/v/{token_2}/").content.decode()


def test_a_question_changed_by_another_process_is_shown_here_too(client, survey):
    """The tracks and questions are kept per process too: another worker's save (the
    admin, `load_model`) reaches them through the shared generation."""
    from assessments.collection import asked_questions
    from assessments.models import Track
    from assessments.views.survey import FRAGMENT_GENERATION

    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    assert client.post(SAVE, draft_of(assessment, 1)).status_code == 204
    question = questions_of(assessment, 1)[0]
    assert escape(question.text) in client.get("/vragenlijst/").content.decode()
    # What the other process does: the rows change (no signal here), a new generation.
    Question.objects.filter(pk=question.pk).update(text="Vraag van elders?")
    Track.objects.filter(pk=question.factor.track_id).update(name="Spoor van elders")
    cache.set(FRAGMENT_GENERATION, "elders", None)
    for address in ("/vragenlijst/", "/vragenlijst/deel/1/", "/vragenlijst/controleren/"):
        page = client.get(address).content.decode()
        assert "Vraag van elders?" in page, address
        assert "Spoor van elders" in page, address
    _second, token_2 = invite(assessment, email="klaas@aadorp.nl")
    assert "Vraag van elders?" in Client().get(f"/v/{token_2}/").content.decode()
    # Outside a request (a management command, the import) the same holds.
    texts = [q.text for q in asked_questions(assessment=assessment, layer_code="beleid")]
    assert "Vraag van elders?" in texts


def test_a_question_saved_here_is_shown_on_the_next_page(client, survey):
    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    assert client.post(SAVE, draft_of(assessment, 1)).status_code == 204
    question = Question.objects.get(pk=questions_of(assessment, 1)[0].pk)
    assert escape(question.text) in client.get("/vragenlijst/deel/1/").content.decode()
    question.text = "Hoe vaak kijkt uw team naar een dashboard?"
    question.save()  # as the admin saves it: with signals
    for address in ("/vragenlijst/", "/vragenlijst/deel/1/", "/vragenlijst/controleren/"):
        assert "Hoe vaak kijkt uw team naar een dashboard?" in client.get(address).content.decode()


def test_a_survey_request_reads_the_models_generation_once(client, survey, monkeypatch):
    """What the process keeps of the model follows the shared generation, read once per
    request and passed on; a fresh respondent's link reads it with the parts."""
    from django.core.cache import caches

    from assessments.views.survey import FRAGMENT_GENERATION

    backend = caches["default"]
    reads = []
    depth = []  # a backend's get_many may call its own get

    def spy(name):
        original = getattr(backend, name)

        def read(keys, *args, **kwargs):
            if not depth:
                asked = [keys] if name == "get" else list(keys)
                if FRAGMENT_GENERATION in asked:
                    reads.append(asked)
            depth.append(name)
            try:
                return original(keys, *args, **kwargs)
            finally:
                depth.pop()

        monkeypatch.setattr(backend, name, read)

    assessment, _invitation, token = survey
    draft, page_2 = draft_of(assessment, 1), page_data(questions_of(assessment, 2))
    spy("get")
    spy("get_many")
    client.get(f"/v/{token}/")
    assert len(reads) == 1 and len(reads[0]) == 2  # the generation and the parts
    for number, request in enumerate(
        [
            lambda: client.post(SAVE, draft),
            lambda: client.get("/vragenlijst/"),
            lambda: client.get("/vragenlijst/deel/2/"),
            lambda: client.post("/vragenlijst/deel/2/", page_2),
            lambda: client.get("/vragenlijst/controleren/"),
        ]
    ):
        reads.clear()
        assert request().status_code in (200, 204, 302)
        assert len(reads) == 1, number
