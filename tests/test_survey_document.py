"""Issue 13, the speed bar: the survey as one document (every part on the welcome's
page, survey-flow.js shows one at a time), one draft endpoint for the whole survey
and one final POST that checks every part and submits."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import Answer, FactorComment, Response
from tests.survey_data import (
    invite,
    open_assessment,
    open_link,
    page_data,
    questions_of,
    shown_step,
)

# survey and empty_cache: tests/conftest.py
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

SAVE = "/vragenlijst/opslaan/"
SUBMIT = "/vragenlijst/versturen/"


def everything(assessment, layer="beleid", **kwargs):
    data = {}
    for number in range(1, 6):
        data.update(page_data(questions_of(assessment, number, layer), **kwargs))
    data.pop("action")
    return data


def asked(assessment, layer="beleid"):
    return sum(len(questions_of(assessment, number, layer)) for number in range(1, 6))


def _queries(call):
    with CaptureQueriesContext(connection) as context:
        response = call()
    return response, len([q for q in context.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_the_welcome_page_holds_every_part_and_the_review_hidden(client, survey):
    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    page = client.get("/vragenlijst/").content.decode()
    assert shown_step(page) == "0"
    for number in range(1, 6):
        assert f'<section data-step="{number}" hidden' in page
        assert f'action="/vragenlijst/deel/{number}/"' in page  # without the script
        for question in questions_of(assessment, number):
            assert f'name="q{question.pk}-current"' in page
    assert '<section data-step="review" hidden' in page
    assert 'action="/vragenlijst/versturen/"' in page
    assert "js/survey-flow.js" in page
    # Nothing is started by looking.
    assert Response.objects.count() == 0


def test_a_whole_survey_in_one_document_a_few_requests(client, survey):
    assessment, invitation, token = survey
    assert client.get(f"/v/{token}/").status_code == 200  # the survey, at once
    # The script saves the draft as it is given: the first save starts the response.
    part_1 = questions_of(assessment, 1)
    draft = page_data(part_1, current="1", desired="x")
    draft.pop("action")
    draft[f"c{part_1[0].factor_id}"] = "Eerste deel"
    draft["deel"] = "1"
    assert client.post(SAVE, draft).status_code == 204
    response = Response.objects.get(invitation=invitation)
    assert response.layer.code == "beleid" and response.current_page == 1
    assert Answer.objects.filter(response=response).count() == len(part_1)
    assert FactorComment.objects.get(response=response).text == "Eerste deel"
    # The last save holds every part; "versturen" posts them all once more.
    data = everything(assessment)
    data[f"c{part_1[0].factor_id}"] = "Eerste deel"
    assert client.post(SAVE, {**data, "deel": "6"}).status_code == 204
    done = client.post(SUBMIT, data)
    assert done.status_code == 302 and done["Location"] == "/vragenlijst/bedankt/"
    response.refresh_from_db()
    assert response.is_submitted
    assert Answer.objects.filter(response=response).count() == asked(assessment)
    assert set(Answer.objects.filter(response=response).values_list("current", "desired")) == {
        (2, 4)
    }
    assert FactorComment.objects.get(response=response).text == "Eerste deel"
    # Afterwards nothing changes any more.
    changed = everything(assessment, current="5", desired="5")
    assert client.post(SAVE, changed).status_code == 409
    assert "al ingevuld" in client.post(SUBMIT, changed).content.decode()
    assert not Answer.objects.filter(current=5).exists()


def test_a_half_answer_and_the_part_shown_are_kept_by_the_whole_survey_save(client, survey):
    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    question = questions_of(assessment, 3)[1]
    assert client.post(SAVE, {f"q{question.pk}-desired": "5", "deel": "3"}).status_code == 204
    response = Response.objects.get()
    assert response.half_answers == {f"q{question.pk}-desired": "5"}
    assert response.current_page == 3
    # A new browser with the link opens at part 3, the half answer in place.
    again = Client()
    again.get(f"/v/{token}/")
    page = again.get("/vragenlijst/").content.decode()
    assert shown_step(page) == "1"  # part 1 has no answer yet: the first open part
    assert f'id="q{question.pk}-desired-5" value="5" checked' in page
    # A strange part number is kept within the survey.
    assert client.post(SAVE, {"deel": "99"}).status_code == 204
    assert Response.objects.get().current_page == 6
    assert client.post(SAVE, {"deel": "x"}).status_code == 204
    assert Response.objects.get().current_page == 1


@pytest.mark.parametrize("value", ["6", "-1", "2.5", "", "drie"])
def test_the_whole_survey_save_refuses_bad_values_and_saves_nothing(client, survey, value):
    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    first, second = questions_of(assessment, 1)[0], questions_of(assessment, 4)[0]
    data = {f"q{first.pk}-current": "2", f"q{first.pk}-desired": "2"}
    data[f"q{second.pk}-current"] = value
    if value == "":
        data[f"c{first.factor_id}"] = "x" * 2001  # too long a comment instead
    reply = client.post(SAVE, data)
    assert reply.status_code == 400 and reply.json()["error"] == "invalid"
    assert Answer.objects.count() == 0 and Response.objects.count() == 0


def test_the_whole_survey_save_refuses_a_question_of_another_layer_or_assessment(
    client, survey, people
):
    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    bestuur_only = {q.pk for n in range(1, 6) for q in questions_of(assessment, n, "bestuur")}
    bestuur_only -= {q.pk for n in range(1, 6) for q in questions_of(assessment, n)}
    assert bestuur_only
    reply = client.post(SAVE, {f"q{min(bestuur_only)}-current": "2"})
    assert reply.status_code == 400
    assert client.post(SAVE, {"q999999-current": "2"}).status_code == 400
    assert Answer.objects.count() == 0


def test_the_whole_survey_save_needs_the_session_and_csrf(survey):
    assessment, _invitation, token = survey
    question = questions_of(assessment, 1)[0]
    data = {f"q{question.pk}-current": "2"}
    assert Client().post(SAVE, data).status_code == 404
    assert Client().post(SUBMIT, data).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.get(f"/v/{token}/")
    csrf = strict.get("/vragenlijst/").context["csrf_token"]
    assert strict.post(SAVE, data).status_code == 403
    assert strict.post(SUBMIT, data).status_code == 403
    assert Response.objects.count() == 0
    assert strict.post(SAVE, {**data, "csrfmiddlewaretoken": csrf}).status_code == 204


def test_an_incomplete_final_post_keeps_everything_and_opens_at_the_first_part_with_an_error(
    client, survey
):
    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    data = everything(assessment)
    gap = questions_of(assessment, 3)[0]
    later = questions_of(assessment, 5)[0]
    del data[f"q{gap.pk}-desired"]
    del data[f"q{later.pk}-current"]
    data[f"c{gap.factor_id}"] = "Bijna"
    refused = client.post(SUBMIT, data)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert shown_step(page) == "3"
    assert page.count('id="error-summary"') == 1
    assert f'href="#vraag-{gap.pk}"' in page
    assert "Kies een antwoord" in page
    # What was posted stays on the page, and is kept as a draft.
    assert f'id="q{gap.pk}-current-2" value="2" checked' in page and "Bijna" in page
    response = Response.objects.get()
    assert not response.is_submitted
    assert Answer.objects.count() == asked(assessment) - 2
    assert response.half_answers == {
        f"q{gap.pk}-current": "2",
        f"q{later.pk}-desired": "4",
    }
    # A field of another survey: refused at the first part, nothing more saved.
    strange = client.post(SUBMIT, {**everything(assessment), "q999999-current": "1"})
    assert strange.status_code == 400
    assert shown_step(strange.content.decode()) == "1"
    assert "hoort niet bij deze pagina" in strange.content.decode()
    assert not Response.objects.get().is_submitted


def test_the_welcome_with_the_script_starts_on_the_survey_itself(people):
    assessment = open_assessment(people.assessment)
    _link, token = open_link(assessment, layers=["beleid", "specialist"])
    client = Client()
    client.get(f"/v/{token}/")
    page = client.get("/vragenlijst/").content.decode()
    # The layer is still to be chosen: no parts yet, and no draft can start it.
    assert shown_step(page) == "0" and 'data-step="1"' not in page
    question = questions_of(assessment, 1)[0]
    reply = client.post(SAVE, {f"q{question.pk}-current": "2"})
    assert reply.status_code == 409 and reply.json()["error"] == "not-started"
    assert Response.objects.count() == 0
    started = client.post("/vragenlijst/", {"layer": "specialist", "script": "1"})
    assert started["Location"] == "/vragenlijst/"
    page = client.get("/vragenlijst/").content.decode()
    assert shown_step(page) == "1"
    assert Response.objects.get().layer.code == "specialist"


def test_a_one_layer_open_link_starts_with_the_first_save_while_it_has_room(people):
    assessment = open_assessment(people.assessment)
    _link, token = open_link(assessment, "beleid", headcount=1)
    question = questions_of(assessment, 1)[0]
    data = {f"q{question.pk}-current": "2", f"q{question.pk}-desired": "3"}
    first, second = Client(), Client()
    first.get(f"/v/{token}/")
    second.get(f"/v/{token}/")
    assert shown_step(second.get("/vragenlijst/").content.decode()) == "0"
    assert first.post(SAVE, data).status_code == 204
    full = second.post(SAVE, data)
    assert full.status_code == 409 and full.json()["error"] == "full"
    assert Response.objects.count() == 1
    assert "vol" in second.post(SUBMIT, everything(assessment)).content.decode().lower()


def test_an_open_link_respondent_costs_no_more_queries_than_a_personal_one(people):
    assessment = open_assessment(people.assessment)
    _link, open_token = open_link(assessment, "beleid")
    _invitation, token = invite(assessment)
    counts = []
    for link in (token, open_token):
        client = Client()
        client.get(f"/v/{link}/")
        client.post("/vragenlijst/", {})
        client.get("/vragenlijst/")  # the per-process caches filled
        data = {**everything(assessment), "deel": "2"}
        reply, saved = _queries(lambda client=client, data=data: client.post(SAVE, data))
        assert reply.status_code == 204
        reply, shown = _queries(lambda client=client: client.get("/vragenlijst/"))
        assert reply.status_code == 302  # all answered: on to the review
        reply, page = _queries(lambda client=client: client.get("/vragenlijst/deel/1/"))
        assert reply.status_code == 200
        counts.append((saved, shown, page))
    assert counts[0] == counts[1]
    saved, shown, page = counts[0]
    # Session, invitation with its response, UPDATE, DELETE of nothing, the upsert.
    assert saved <= 5 and page <= 4


def test_the_survey_document_costs_the_same_queries_for_a_fresh_or_started_respondent(
    client, survey
):
    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    client.get("/vragenlijst/")
    _reply, fresh = _queries(lambda: client.get("/vragenlijst/"))
    client.post(SAVE, {**page_data(questions_of(assessment, 1)), "deel": "2"})
    reply, started = _queries(lambda: client.get("/vragenlijst/"))
    assert shown_step(reply.content.decode()) == "2"
    # Session and invitation; once started also the first open part, answers, comments.
    assert fresh <= 3 and started <= 6
    reply, submit = _queries(lambda: client.post(SUBMIT, everything(assessment)))
    assert reply.status_code == 302 and submit <= 12


def test_a_draft_writes_what_it_holds_and_leaves_the_rest(client, survey):
    assessment, _invitation, token = survey
    client.get(f"/v/{token}/")
    part_1, part_3 = questions_of(assessment, 1), questions_of(assessment, 3)
    first = page_data(part_1)
    first.pop("action")
    first[f"c{part_1[0].factor_id}"] = "Blijft staan"
    assert client.post(SAVE, first).status_code == 204
    # A later draft of part 3 alone: part 1's answers and comment stay.
    third = page_data(part_3, current="5", desired="5")
    third.pop("action")
    assert client.post(SAVE, third).status_code == 204
    assert Answer.objects.count() == len(part_1) + len(part_3)
    assert FactorComment.objects.get().text == "Blijft staan"
    # One side given again: the full answer gives way to the half one.
    question = part_1[0]
    assert client.post(SAVE, {f"q{question.pk}-current": "0"}).status_code == 204
    assert not Answer.objects.filter(question=question).exists()
    assert Response.objects.get().half_answers == {f"q{question.pk}-current": "0"}
    # An emptied comment is removed; a comment with a NUL character is refused.
    assert client.post(SAVE, {f"c{part_1[0].factor_id}": "  "}).status_code == 204
    assert not FactorComment.objects.exists()
    nul = client.post(SAVE, {f"c{part_1[0].factor_id}": "a\x00b"})
    assert nul.status_code == 400 and not FactorComment.objects.exists()
