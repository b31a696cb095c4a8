"""The respondent's survey: link, welcome, pages, review, submit, and bad input."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from assessments import collection
from assessments.models import Answer, FactorComment, FactorSum, Invitation, Response
from tests.survey_data import (
    fill_all,
    invite,
    open_assessment,
    open_link,
    page_data,
    questions_of,
    shown_step,
)

# survey and empty_cache: tests/conftest.py
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def start(client, token):
    response = client.get(f"/v/{token}/")
    assert response.status_code == 200
    client.post("/vragenlijst/", {})
    return response


def test_it_moves_the_token_into_the_session_and_out_of_the_address_bar(client, survey):
    _assessment, _invitation, token = survey
    welcome = client.get(f"/v/{token}/")
    page = welcome.content.decode()
    assert welcome.status_code == 200
    assert token not in page
    # survey-flow.js puts the clean address in the address bar (history.replaceState;
    # tests/e2e/test_survey.py), and no Referer carries the token's path along, while a
    # form's POST still has its origin for the CSRF check.
    assert 'data-survey-home="/vragenlijst/"' in page
    assert welcome["Referrer-Policy"] == "strict-origin"
    assert "js/survey-flow.js" in page
    # From then on the session is the key, at the clean address.
    again = client.get("/vragenlijst/")
    assert again.status_code == 200 and token not in again.content.decode()
    assert "ongeveer 21 minuten" in page  # beleid: 31 questions, 2 × 20 s each
    assert "minstens 5 mensen" in page
    # A personal invitation knows the layer: no choice asked.
    assert 'name="layer"' not in page


def test_the_welcome_page_says_truthfully_how_to_continue_later(client, people):
    open_assessment(people.assessment)
    _invitation, token = invite(people.assessment)
    client.get(f"/v/{token}/")
    page = client.get("/vragenlijst/").content.decode()
    assert "later verdergaan met dezelfde link" in page
    _link, open_token = open_link(people.assessment)
    other = Client()
    other.get(f"/v/{open_token}/")
    page = other.get("/vragenlijst/").content.decode()
    # An open link remembers the respondent only in this browser's session.
    assert "later verdergaan met dezelfde link" not in page
    assert "in dezelfde browser op hetzelfde apparaat" in page
    assert "nieuwe, lege vragenlijst" in page


def test_an_unknown_or_tampered_token_gives_404(client, survey):
    _assessment, _invitation, token = survey
    assert client.get("/v/" + "A" * 43 + "/").status_code == 404
    assert client.get(f"/v/{token[:-1]}B/").status_code == 404
    assert client.get("/v/short/").status_code == 404
    assert "Deze link werkt niet" in client.get("/v/short/").content.decode()


def test_without_a_session_the_survey_pages_show_nothing(client, survey):
    for url in ("/vragenlijst/", "/vragenlijst/deel/1/", "/vragenlijst/controleren/"):
        response = client.get(url)
        assert response.status_code == 404
    assert client.post("/vragenlijst/deel/1/", {}).status_code == 404
    assert Response.objects.count() == 0


def test_a_respondent_fills_in_resumes_and_submits(client, survey):
    assessment, invitation, token = survey
    start(client, token)
    response = Response.objects.get(invitation=invitation)
    assert response.layer.code == "beleid"
    page = client.get("/vragenlijst/deel/1/").content.decode()
    assert "Deel 1 van 5" in page
    assert "Over 4 jaar" in page
    assert "Weet ik niet" in page
    questions = questions_of(assessment, 1)
    data = page_data(questions, current="1", desired="x")
    data[f"c{questions[0].factor_id}"] = "Meer <script>alert(1)</script> data graag"
    saved = client.post("/vragenlijst/deel/1/", data)
    assert saved.status_code == 302
    assert saved["Location"] == "/vragenlijst/deel/2/"
    assert Answer.objects.filter(response=response).count() == len(questions)
    answer = Answer.objects.filter(response=response).first()
    assert (answer.current, answer.desired) == (1, None)
    # The link again, in a fresh browser: back on page 2.
    client.cookies.clear()
    resumed = client.get(f"/v/{token}/")
    assert resumed.status_code == 200 and shown_step(resumed.content.decode()) == "2"
    # The saved answers and the comment come back, the script escaped.
    again = client.get("/vragenlijst/deel/1/").content.decode()
    assert "&lt;script&gt;" in again and "<script>alert" not in again
    assert f'id="q{questions[0].pk}-current-1" value="1" checked' in again
    fill_all(client, assessment)
    review = client.get("/vragenlijst/controleren/")
    assert review.status_code == 200
    assert "Antwoorden versturen" in review.content.decode()
    done = client.post("/vragenlijst/controleren/")
    assert done["Location"] == "/vragenlijst/bedankt/"
    response.refresh_from_db()
    assert response.is_submitted and response.submitted_at
    # Submitting keeps step 1 of scoring: per factor the sums of the answers given.
    kept = {
        row.factor_id: (row.current_sum, row.current_count, row.desired_sum, row.desired_count)
        for row in FactorSum.objects.filter(response=response)
    }
    assert len(kept) == assessment.model_version.factors.count()
    for factor_id, (current_sum, current_count, desired_sum, desired_count) in kept.items():
        answers = Answer.objects.filter(response=response, question__factor_id=factor_id)
        current = [a.current for a in answers if a.current is not None]
        desired = [a.desired for a in answers if a.desired is not None]
        assert (current_sum, current_count) == (sum(current), len(current))
        assert (desired_sum, desired_count) == (sum(desired), len(desired))
    assert "Bedankt" in client.get("/vragenlijst/bedankt/").content.decode()
    # Afterwards the link says it is done, and nothing can change.
    client.get(f"/v/{token}/")
    assert "al ingevuld" in client.get("/vragenlijst/").content.decode()
    count = Answer.objects.filter(response=response).count()
    client.post("/vragenlijst/deel/1/", page_data(questions, current="5", desired="5"))
    assert not Answer.objects.filter(response=response, current=5).exists()
    assert Answer.objects.filter(response=response).count() == count


def test_only_the_questions_of_the_respondents_layer_are_asked(client, people):
    assessment = open_assessment(people.assessment)
    _invitation, token = invite(assessment, layer="bestuur")
    start(client, token)
    page = client.get("/vragenlijst/deel/4/").content.decode()  # Informatie & Techniek
    asked = questions_of(assessment, 4, layer="bestuur")
    everyone = questions_of(assessment, 4, layer="specialist")
    assert len(asked) < len(everyone)
    for question in everyone:
        assert (f'name="q{question.pk}-current"' in page) == (question in asked)


def test_next_needs_every_answer_but_keeps_what_was_given_and_so_does_previous(client, survey):
    assessment, invitation, token = survey
    start(client, token)
    questions = questions_of(assessment, 2)
    data = page_data(questions)
    del data[f"q{questions[0].pk}-desired"]
    refused = client.post("/vragenlijst/deel/2/", data)
    assert refused.status_code == 400
    assert "Kies een antwoord" in refused.content.decode()
    # Nothing given is lost: the complete answers and the half one are kept as a draft.
    assert Answer.objects.count() == len(questions) - 1
    response = Response.objects.get()
    assert response.half_answers == {f"q{questions[0].pk}-current": "2"}
    assert response.current_page == 2
    back = client.post("/vragenlijst/deel/2/", {**data, "action": "previous"})
    assert back["Location"] == "/vragenlijst/deel/1/"
    assert Answer.objects.count() == len(questions) - 1
    # "Vorige" on the first page leads to the welcome page, and on again.
    first = page_data(questions_of(assessment, 1), action="previous")
    welcome = client.post("/vragenlijst/deel/1/", first)
    assert welcome["Location"] == "/vragenlijst/?welkom=1"
    page = client.get(welcome["Location"]).content.decode()
    assert "Verder met de vragenlijst" in page and "Beleid &amp; advies" in page
    assert client.post("/vragenlijst/", {})["Location"] == "/vragenlijst/deel/1/"


def test_a_refused_page_lists_links_to_every_unanswered_question_at_the_top(client, survey):
    import re
    from pathlib import Path

    from django.conf import settings

    assessment, _invitation, token = survey
    start(client, token)
    questions = questions_of(assessment, 2)
    assert len(questions) >= 3
    data = page_data(questions)
    del data[f"q{questions[0].pk}-desired"]
    del data[f"q{questions[2].pk}-current"]
    del data[f"q{questions[2].pk}-desired"]
    page = client.post("/vragenlijst/deel/2/", data).content.decode()
    summary = re.search(r'<div [^>]*id="error-summary".*?</div>', page, re.S).group(0)
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    links = re.findall(r'href="#([^"]+)"', summary)
    # One link per question with a missing answer, in page order; nothing else.
    assert links == [f"vraag-{questions[0].pk}", f"vraag-{questions[2].pk}"]
    for anchor in links:
        assert re.search(rf'<fieldset [^>]*id="{anchor}"', page)
    # The summary comes before the first question, and a same-origin script moves focus.
    assert page.index('id="error-summary"') < page.index(f'id="vraag-{questions[0].pk}"')
    assert re.search(r'<script src="[^"]*/js/survey\.js"></script>', page)
    assert "<script>" not in page
    script = (Path(settings.BASE_DIR) / "static" / "js" / "survey.js").read_text()
    assert "error-summary" in script and ".focus(" in script


def test_a_too_long_comment_is_linked_from_the_error_summary(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    questions = questions_of(assessment, 1)
    factor = questions[0].factor_id
    data = page_data(questions, **{f"c{factor}": "x" * 2001})
    page = client.post("/vragenlijst/deel/1/", data).content.decode()
    assert f'href="#id_c{factor}"' in page


def test_a_fresh_page_has_no_error_summary(client, survey):
    _assessment, _invitation, token = survey
    start(client, token)
    assert 'id="error-summary"' not in client.get("/vragenlijst/deel/1/").content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"value": "6"},
        {"value": "-1"},
        {"value": "twee"},
        {"value": "2.5"},
        {"value": ""},
    ],
)
def test_it_refuses_values_outside_the_scale(client, survey, bad):
    assessment, _invitation, token = survey
    start(client, token)
    questions = questions_of(assessment, 1)
    data = page_data(questions)
    data[f"q{questions[0].pk}-current"] = bad["value"]
    response = client.post("/vragenlijst/deel/1/", data)
    assert response.status_code == 400
    # An empty value is no bad value but a question not answered yet: the rest is kept.
    assert Answer.objects.count() == (0 if bad["value"] else len(questions) - 1)


def test_it_refuses_a_question_of_another_page_or_assessment(client, survey, people):
    assessment, _invitation, token = survey
    start(client, token)
    other = questions_of(assessment, 3)[0]
    data = page_data(questions_of(assessment, 1), **{f"q{other.pk}-current": "3"})
    response = client.post("/vragenlijst/deel/1/", data)
    assert response.status_code == 400
    assert "hoort niet bij deze pagina" in response.content.decode()
    assert Answer.objects.count() == 0


def test_it_refuses_a_huge_comment(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    questions = questions_of(assessment, 1)
    data = page_data(questions, **{f"c{questions[0].factor_id}": "x" * 2001})
    assert client.post("/vragenlijst/deel/1/", data).status_code == 400
    assert Answer.objects.count() == 0 and FactorComment.objects.count() == 0


def test_a_page_posted_twice_or_after_the_back_button_writes_each_answer_once(client, survey):
    assessment, invitation, token = survey
    start(client, token)
    questions = questions_of(assessment, 1)
    client.post("/vragenlijst/deel/1/", page_data(questions, current="1"))
    client.post("/vragenlijst/deel/1/", page_data(questions, current="3"))
    client.post("/vragenlijst/", {})
    client.get(f"/v/{token}/")
    client.post("/vragenlijst/", {})
    assert Response.objects.filter(assessment=assessment).count() == 1
    assert Answer.objects.count() == len(questions)
    assert set(Answer.objects.values_list("current", flat=True)) == {3}


def test_submitting_twice_changes_nothing(client, survey):
    assessment, invitation, token = survey
    start(client, token)
    fill_all(client, assessment)
    client.post("/vragenlijst/controleren/")
    first = Response.objects.get(invitation=invitation).submitted_at
    again = client.post("/vragenlijst/controleren/")
    assert again.status_code == 200
    assert "al ingevuld" in again.content.decode()
    assert Response.objects.get(invitation=invitation).submitted_at == first
    assert Response.objects.count() == 1


def test_submit_needs_every_question(client, survey):
    assessment, invitation, token = survey
    start(client, token)
    fill_all(client, assessment, pages=4)
    refused = client.post("/vragenlijst/controleren/")
    assert refused.status_code == 400
    assert "zonder antwoord" in refused.content.decode()
    assert not Response.objects.get(invitation=invitation).is_submitted


def test_the_review_page_links_each_unanswered_question(client, survey):
    assessment, invitation, token = survey
    start(client, token)
    fill_all(client, assessment, pages=4)
    page = client.get("/vragenlijst/controleren/").content.decode()
    missing = collection.missing_questions(response=Response.objects.get(invitation=invitation))
    assert missing
    for question in missing:
        assert f"#vraag-{question.pk}" in page
    assert page.count("Nu invullen") == len(missing)


def test_an_open_link_asks_the_layer_and_department(client, people):
    assessment = open_assessment(people.assessment)
    people.organisation.departments.create(name="Ruimte")
    _link, token = open_link(assessment)
    client.get(f"/v/{token}/")
    page = client.get("/vragenlijst/").content.decode()
    assert 'name="layer"' in page and 'name="department"' in page
    assert client.post("/vragenlijst/", {"layer": "geheim"}).status_code == 200
    assert Response.objects.count() == 0
    response = client.post("/vragenlijst/", {"layer": "specialist", "department": "Ruimte"})
    assert response["Location"] == "/vragenlijst/deel/1/"
    # A double click on "begin" makes no second response.
    client.post("/vragenlijst/", {"layer": "specialist", "department": "Ruimte"})
    created = Response.objects.get()
    assert (created.layer.code, created.department) == ("specialist", "Ruimte")
    # Someone else with the same link gets their own response.
    other = client.__class__()
    other.get(f"/v/{token}/")
    other.post("/vragenlijst/", {"layer": "beleid"})
    assert Response.objects.count() == 2


def test_a_respondents_session_reaches_no_other_response(client, survey, people):
    assessment, invitation, token = survey
    _other_invitation, other_token = invite(assessment, email="anna@aadorp.nl", layer="directie")
    other = client.__class__()
    start(other, other_token)
    questions = questions_of(assessment, 1, layer="directie")
    other.post("/vragenlijst/deel/1/", page_data(questions, current="5"))
    start(client, token)
    mine = Response.objects.get(invitation=invitation)
    page = client.get("/vragenlijst/deel/1/").content.decode()
    assert "checked" not in page
    # The session holds ids; the URLs carry none, so there is nothing to change.
    session = client.session["survey"]
    assert set(session) == {"invitation", "respondent", "open"} and session["open"] is False
    fill_all(client, assessment)
    client.post("/vragenlijst/controleren/")
    theirs = Response.objects.exclude(pk=mine.pk).get()
    assert not theirs.is_submitted
    assert set(Answer.objects.filter(response=theirs).values_list("current", flat=True)) == {5}
    assert not Answer.objects.filter(response=mine, current=5).exists()


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_a_closed_or_unopened_assessment_accepts_nothing(client, people, status):
    assessment = people.assessment
    _invitation, token = invite(assessment)
    client.get(f"/v/{token}/")
    assessment.status = status
    assessment.save()
    page = client.get("/vragenlijst/").content.decode()
    assert ("gesloten" if status == "closed" else "nog niet open") in page
    assert client.post("/vragenlijst/", {}).status_code == 409
    assert client.post("/vragenlijst/deel/1/", {}).status_code == 409
    assert Response.objects.count() == 0


def test_closing_while_filling_in_stops_saving(client, survey):
    assessment, invitation, token = survey
    start(client, token)
    assessment.status = "closed"
    assessment.save()
    response = client.post("/vragenlijst/deel/1/", page_data(questions_of(assessment, 1)))
    assert response.status_code == 409
    assert Answer.objects.count() == 0


def test_unknown_tokens_are_rate_limited_but_a_valid_link_still_works(client, survey, settings):
    settings.SURVEY_BAD_LINK_LIMIT = 3
    _assessment, _invitation, token = survey
    for _ in range(3):
        assert client.get("/v/" + "B" * 43 + "/").status_code == 404
    blocked = client.get("/v/" + "B" * 43 + "/")
    assert blocked.status_code == 429
    assert "Even geduld" in blocked.content.decode()
    # A town hall behind one address: colleagues' old links must not lock out a valid one.
    assert client.get(f"/v/{token}/").status_code == 200
    # Further unknown tokens from that address stay slowed down.
    assert client.get("/v/" + "C" * 43 + "/").status_code == 429
    # Another address is not slowed down.
    assert client.get("/v/" + "B" * 43 + "/", REMOTE_ADDR="10.0.0.9").status_code == 404


def test_the_default_limits_fit_a_big_municipality_behind_one_address():
    from django.conf import settings

    assert settings.SURVEY_LINK_LIMIT >= 3000
    assert settings.SURVEY_BAD_LINK_LIMIT >= 300
    assert settings.SURVEY_LINK_WINDOW == 600


def test_an_old_personal_link_says_a_newer_mail_may_have_replaced_it(client, survey):
    from assessments import collection

    _assessment, invitation, token = survey
    collection.invitation_rotate(invitation=invitation)
    response = client.get(f"/v/{token}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "nieuwere e-mail" in page
    assert "nieuwste e-mail" in page


def test_all_link_requests_are_limited_too(client, survey, settings):
    settings.SURVEY_LINK_LIMIT = 2
    _assessment, _invitation, token = survey
    assert client.get(f"/v/{token}/").status_code == 200
    assert client.get(f"/v/{token}/").status_code == 200
    assert client.get(f"/v/{token}/").status_code == 429


def test_the_survey_page_costs_the_same_queries_at_10_and_5000_respondents(
    client, survey, django_assert_max_num_queries
):
    assessment, _invitation, token = survey
    start(client, token)
    layer = assessment.layers.get(code="beleid")

    def add(count, offset):
        Response.objects.bulk_create(
            Response(assessment=assessment, respondent=f"x-{offset + n}", layer=layer)
            for n in range(count)
        )

    data = page_data(questions_of(assessment, 2))

    def measure():
        with django_assert_max_num_queries(12) as shown:
            assert client.get("/vragenlijst/deel/2/").status_code == 200
        with django_assert_max_num_queries(14) as saved:
            response = client.post("/vragenlijst/deel/2/", data)
            assert response.status_code == 302
        return len(shown.captured_queries), len(saved.captured_queries)

    add(10, 0)
    small = measure()
    add(4990, 10)
    assert measure() == small


def test_the_token_is_stored_only_as_its_hash(survey):
    _assessment, invitation, token = survey
    stored = Invitation.objects.get(pk=invitation.pk)
    assert token not in stored.token_hash
    assert len(token) >= 43  # 32 bytes = 256 bits


def test_the_survey_urls_need_no_login_but_never_list_ids(survey):
    assert reverse("survey_page", args=[1]) == "/vragenlijst/deel/1/"


def test_the_review_page_costs_the_same_queries_at_any_size(
    client, survey, django_assert_max_num_queries
):
    assessment, _invitation, token = survey
    start(client, token)
    fill_all(client, assessment)
    layer = assessment.layers.get(code="beleid")
    counts = []
    for offset, count in ((0, 10), (10, 4990)):
        Response.objects.bulk_create(
            Response(assessment=assessment, respondent=f"y-{offset + n}", layer=layer)
            for n in range(count)
        )
        with django_assert_max_num_queries(14) as review:
            assert client.get("/vragenlijst/controleren/").status_code == 200
        counts.append(len(review.captured_queries))
    assert counts[0] == counts[1]


def test_the_review_page_shows_the_comments_escaped(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    questions = questions_of(assessment, 1)
    data = page_data(questions)
    data[f"c{questions[0].factor_id}"] = "Graag <b>meer</b> data\nen minder Excel"
    client.post("/vragenlijst/deel/1/", data)
    page = client.get("/vragenlijst/controleren/").content.decode()
    assert escape(f"Uw toelichting bij {questions[0].factor.label}") in page
    assert "Graag &lt;b&gt;meer&lt;/b&gt; data<br>en minder Excel" in page
    assert "<b>meer</b>" not in page


def test_the_survey_shows_english_stage_names_in_english(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get("/vragenlijst/deel/1/").content.decode()
    assert "Part 1 of 5" in page
    for name in ("0 · Waiting", "1 · Pioneer", "3 · Competent", "4 · Professional"):
        assert name in page
    assert "Afwachtend" not in page and "Bekwaam" not in page
    client.post("/vragenlijst/deel/1/", page_data(questions_of(assessment, 1), "3", "x"))
    review = client.get("/vragenlijst/controleren/").content.decode()
    assert "3 · Competent" in review and "Don&#x27;t know" in review


def test_a_survey_page_lists_each_factors_levels_once_and_asks_with_0_to_5(client, survey):
    assessment, _invitation, token = survey
    start(client, token)
    page = client.get("/vragenlijst/deel/1/").content.decode()
    questions = questions_of(assessment, 1)
    factors = {question.factor for question in questions}
    assert page.count('<details class="levels') == len(factors)
    assert page.count(" open>") == 1  # the first factor's levels; the others fold
    first = questions[0].factor.levels.get(level=2).text
    assert page.count(escape(first)) == 1  # not again per question
    # Volgende comes before Vorige: Enter in the form goes forward.
    assert page.index('value="next"') < page.index('value="previous"')
