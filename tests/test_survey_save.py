"""Issue 13: every answer kept as it is given (the draft save), resume at the first
unanswered part, and the survey's requests kept cheap (query counts)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import Answer, FactorComment, Response
from tests.survey_data import (
    fill_all,
    open_assessment,
    open_link,
    page_data,
    questions_of,
    shown_step,
)

# survey and empty_cache: tests/conftest.py
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def start(client, token):
    assert client.get(f"/v/{token}/").status_code == 200
    assert client.post("/vragenlijst/", {}).status_code == 302


SAVE = "/vragenlijst/deel/{}/opslaan/"


def test_a_partial_part_is_kept_as_given(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    questions = questions_of(assessment, 3)
    first, second = questions[0], questions[1]
    factor = first.factor_id
    data = {
        f"q{first.pk}-current": "1",
        f"q{first.pk}-desired": "x",
        f"q{second.pk}-desired": "5",  # half an answer
        f"c{factor}": "Nog niet af",
    }
    assert client.post(SAVE.format(3), data).status_code == 204
    assert list(Answer.objects.values_list("question_id", "current", "desired")) == [
        (first.pk, 1, None)
    ]
    assert FactorComment.objects.get().text == "Nog niet af"
    assert Response.objects.get().half_answers == {f"q{second.pk}-desired": "5"}
    # Saved again (a retry, or the next change): no duplicates, the half answer completed.
    data[f"q{second.pk}-current"] = "0"
    assert client.post(SAVE.format(3), data).status_code == 204
    assert client.post(SAVE.format(3), data).status_code == 204
    assert Answer.objects.count() == 2
    assert FactorComment.objects.count() == 1
    assert Response.objects.get().half_answers == {}
    # The page shows every choice and the comment.
    page = client.get("/vragenlijst/deel/3/").content.decode()
    assert f'id="q{first.pk}-current-1" value="1" checked' in page
    assert f'id="q{second.pk}-current-0" value="0" checked' in page
    assert "Nog niet af" in page


def test_a_half_answer_comes_back_on_the_page(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    question = questions_of(assessment, 2)[0]
    client.post(SAVE.format(2), {f"q{question.pk}-current": "4"})
    page = client.get("/vragenlijst/deel/2/").content.decode()
    assert f'id="q{question.pk}-current-4" value="4" checked' in page
    assert Answer.objects.count() == 0  # never scored, never counted


@pytest.mark.parametrize(
    "value", ["6", "-1", "twee", "2.5", "<script>"], ids=["6", "-1", "word", "2.5", "script"]
)
def test_a_bad_value_is_refused_and_nothing_is_saved(client, survey, value):
    assessment, _invitation, token = survey
    start(client, token)
    questions = questions_of(assessment, 1)
    data = page_data(questions, action="")
    data[f"q{questions[-1].pk}-desired"] = value
    response = client.post(SAVE.format(1), data)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert Answer.objects.count() == 0
    assert Response.objects.get().half_answers == {}


def test_a_too_long_comment_is_refused(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    question = questions_of(assessment, 1)[0]
    data = {f"q{question.pk}-current": "2", f"c{question.factor_id}": "x" * 2001}
    assert client.post(SAVE.format(1), data).status_code == 400
    assert Answer.objects.count() == FactorComment.objects.count() == 0


def test_a_question_of_another_part_or_assessment_is_refused(client, survey, people):
    assessment, _invitation, token = survey
    start(client, token)
    other_part = questions_of(assessment, 2)[0]
    mine = questions_of(assessment, 1)[0]
    data = {f"q{mine.pk}-current": "2", f"q{mine.pk}-desired": "3"}
    assert (
        client.post(SAVE.format(1), {**data, f"q{other_part.pk}-current": "1"}).status_code == 400
    )
    # A question no part of this assessment has (an id past every question).
    assert client.post(SAVE.format(1), {**data, "q999999-current": "1"}).status_code == 400
    assert client.post(SAVE.format(9), data).status_code == 404
    assert Answer.objects.count() == 0


def test_a_submitted_response_is_never_changed_by_a_save(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    fill_all(client, assessment)
    assert client.post("/vragenlijst/controleren/", {}).status_code == 302
    before = list(Answer.objects.order_by("pk").values_list("current", "desired"))
    question = questions_of(assessment, 1)[0]
    response = client.post(SAVE.format(1), {f"q{question.pk}-current": "0"})
    assert response.status_code == 409
    assert response.json()["error"] == "submitted"
    assert list(Answer.objects.order_by("pk").values_list("current", "desired")) == before


def test_the_save_needs_the_survey_session_and_a_csrf_token(survey):
    assessment, _invitation, token = survey
    question = questions_of(assessment, 1)[0]
    data = {f"q{question.pk}-current": "2"}
    assert Client().post(SAVE.format(1), data).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.get(f"/v/{token}/")
    welcome = strict.get("/vragenlijst/")
    csrf = welcome.context["csrf_token"]
    assert strict.post("/vragenlijst/", {"csrfmiddlewaretoken": csrf}).status_code == 302
    assert strict.post(SAVE.format(1), data).status_code == 403
    assert Answer.objects.count() == 0 and Response.objects.get().half_answers == {}
    assert strict.post(SAVE.format(1), {**data, "csrfmiddlewaretoken": csrf}).status_code == 204
    # Someone else's browser, without the session, reaches nothing of it.
    assert Client().get("/vragenlijst/deel/1/").status_code == 404


def test_an_open_link_respondent_saves_only_their_own_response(client, people):
    assessment = open_assessment(people.assessment)
    _link, token = open_link(assessment, "beleid")
    start(client, token)
    other = Client()
    start(other, token)
    question = questions_of(assessment, 1)[0]
    client.post(SAVE.format(1), {f"q{question.pk}-current": "1", f"q{question.pk}-desired": "2"})
    mine, theirs = Response.objects.order_by("pk")
    assert mine.answers.count() == 1 and theirs.answers.count() == 0


def test_resume_lands_on_the_first_unanswered_part_with_everything_in_place(survey):
    assessment, _invitation, token = survey
    first = Client()
    start(first, token)
    fill_all(first, assessment, pages=2)
    questions = questions_of(assessment, 3)
    half = {f"q{questions[0].pk}-current": "3", f"q{questions[0].pk}-desired": "5"}
    half[f"c{questions[0].factor_id}"] = "Halverwege"
    assert first.post(SAVE.format(3), half).status_code == 204
    # The browser is closed; the link again, in a new browser: straight to part 3.
    again = Client()
    page = again.get(f"/v/{token}/").content.decode()
    assert shown_step(page) == "3"
    assert f'id="q{questions[0].pk}-desired-5" value="5" checked' in page
    assert "Halverwege" in page
    # Every earlier choice is in the same document too.
    earlier = questions_of(assessment, 1)[0]
    assert f'id="q{earlier.pk}-current-2" value="2" checked' in page
    page = again.get("/vragenlijst/deel/3/").content.decode()
    assert f'id="q{questions[0].pk}-desired-5" value="5" checked' in page
    assert "Halverwege" in page
    # Part 1 complete, part 2 emptied again: back to part 2.
    again.post(SAVE.format(2), {})
    assert shown_step(Client().get(f"/v/{token}/").content.decode()) == "2"


def test_resume_of_a_complete_draft_lands_on_the_review(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    fill_all(client, assessment)
    assert Client().get(f"/v/{token}/")["Location"] == "/vragenlijst/controleren/"


def _queries(call):
    with CaptureQueriesContext(connection) as context:
        response = call()
    # Savepoints are the test's transaction, not the request's work.
    return response, len([q for q in context.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_the_survey_requests_stay_cheap(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    client.get("/vragenlijst/deel/1/")  # the per-process caches filled
    questions = questions_of(assessment, 1)
    full = page_data(questions)
    # Session, invitation with its response, answers, comments.
    response, count = _queries(lambda: client.get("/vragenlijst/deel/1/"))
    assert response.status_code == 200 and count <= 4
    # Session, invitation and response, UPDATE, answers; comments only when given.
    response, count = _queries(lambda: client.post(SAVE.format(1), full))
    assert response.status_code == 204 and count <= 5
    response, count = _queries(lambda: client.post("/vragenlijst/deel/1/", full))
    assert response.status_code == 302 and count <= 5
    # A half answer needs the row lock before the UPDATE: one more.
    half = {f"q{questions[0].pk}-current": "1"}
    response, count = _queries(lambda: client.post(SAVE.format(1), half))
    assert response.status_code == 204 and count <= 7
    # The link of a started survey: the survey at once, open at the part.
    response, count = _queries(lambda: Client().get(f"/v/{token}/"))
    assert shown_step(response.content.decode()) == "1" and count <= 9
