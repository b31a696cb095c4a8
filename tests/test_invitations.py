"""Invitations and reminders by e-mail, open links, status steps and the response
monitor on the consultant's side."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.collection import invitation_for_token, invitations_send, reminders_send
from assessments.models import Department, Invitation, Response
from tests.survey_data import fill_all, invite, open_assessment, open_link, shown_step

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LINK = re.compile(r"http://testserver(/v/[A-Za-z0-9_-]+/)")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def url(people, name=""):
    return f"/metingen/{people.assessment.pk}/{name}"


def upload_list(client, people, text="email,layer,department\npiet@aadorp.nl,beleid,Ruimte\n"):
    # A list's departments must be the organisation's (issue 14).
    Department.objects.get_or_create(organisation=people.organisation, name="Ruimte")
    file = SimpleUploadedFile("lijst.csv", text.encode())
    return client.post(url(people, "uitnodigingen/"), {"action": "upload", "file": file})


def test_it_mails_invitations_with_a_working_personal_link(client, people):
    client.force_login(people.consultant)
    open_assessment(people.assessment)
    assert upload_list(client, people).status_code == 302
    client.post(url(people, "uitnodigingen/"), {"action": "send"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["piet@aadorp.nl"]
    assert "Nulmeting 2026" in message.subject
    assert "ongeveer 21 minuten" in message.body and "Gemeente Aadorp" in message.body
    path = LINK.search(message.body).group(1)
    respondent = client.__class__()
    opened = respondent.get(path)  # the link shows the survey itself (issue 13)
    assert opened.status_code == 200 and "Welkom bij de vragenlijst" in opened.content.decode()
    # Sending again mails nobody twice.
    client.post(url(people, "uitnodigingen/"), {"action": "send"})
    assert len(mail.outbox) == 1


def test_the_consultant_edits_the_mail_text(client, people):
    client.force_login(people.consultant)
    open_assessment(people.assessment)
    upload_list(client, people)
    page = client.get(url(people, "uitnodigingen/")).content.decode()
    assert "Uw persoonlijke link" in page  # the default text is the starting point
    client.post(
        url(people, "uitnodigingen/"),
        {
            "action": "texts",
            "invitation_text": "Hoi! Doe mee aan {meting}: {link}",
            "reminder_text": "Nog even: {link}",
        },
    )
    client.post(url(people, "uitnodigingen/"), {"action": "send"})
    assert mail.outbox[0].body.startswith("Hoi! Doe mee aan Nulmeting 2026: http://testserver/v/")


def test_reminders_go_only_to_those_who_have_not_submitted(client, people):
    assessment = open_assessment(people.assessment)
    for email in ("a@aadorp.nl", "b@aadorp.nl", "c@aadorp.nl"):
        invite(assessment, email=email)
    invitations_send(assessment=assessment, base_url="http://testserver/")
    links = {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox}
    # a submits, b has started, c did nothing.
    client.get(links["a@aadorp.nl"])
    client.post("/vragenlijst/", {})
    fill_all(client, assessment)
    client.post("/vragenlijst/controleren/")
    started = client.__class__()
    started.get(links["b@aadorp.nl"])
    started.post("/vragenlijst/", {})
    mail.outbox.clear()
    assert reminders_send(assessment=assessment, base_url="http://testserver/") == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["b@aadorp.nl", "c@aadorp.nl"]
    # The reminder's link resumes the started response; the old link no longer works.
    new = next(LINK.search(m.body).group(1) for m in mail.outbox if m.to == ["b@aadorp.nl"])
    assert invitation_for_token(links["b@aadorp.nl"].split("/")[2]) is None
    fresh = client.__class__()
    fresh.get(new)
    assert shown_step(fresh.get("/vragenlijst/").content.decode()) == "1"
    assert Response.objects.filter(invitation__email="b@aadorp.nl").count() == 1
    assert Invitation.objects.filter(reminded_at__isnull=False).count() == 2


def test_no_mail_while_the_survey_is_not_open(client, people):
    client.force_login(people.consultant)
    upload_list(client, people)
    client.post(url(people, "uitnodigingen/"), {"action": "send"})
    assert mail.outbox == []


def test_an_open_link_is_shown_once_and_can_be_renewed(client, people):
    client.force_login(people.consultant)
    open_assessment(people.assessment)
    client.post(
        url(people, "uitnodigingen/"), {"action": "link", "group": "beleid", "headcount": "20"}
    )
    page = client.get(url(people, "uitnodigingen/")).content.decode()
    path = LINK.search(page).group(1)
    assert LINK.search(client.get(url(people, "uitnodigingen/")).content.decode()) is None
    link = Invitation.objects.get(kind="open")
    client.post(url(people, f"links/{link.pk}/vernieuwen/"))
    renewed = LINK.search(client.get(url(people, "uitnodigingen/")).content.decode())
    assert renewed is not None and renewed.group(1) != path
    assert client.__class__().get(path).status_code == 404
    assert client.__class__().get(renewed.group(1)).status_code == 200


def test_a_bad_list_upload_shows_every_bad_line(client, people):
    client.force_login(people.consultant)
    response = upload_list(client, people, "email,layer\nx,beleid\ny@a.nl,geheim\n")
    page = response.content.decode()
    assert response.status_code == 400
    assert "regel 2" in page and "regel 3" in page
    assert Invitation.objects.count() == 0


def test_status_goes_draft_open_closed(client, people):
    client.force_login(people.consultant)
    assessment = people.assessment
    client.post(url(people, "status/"), {"action": "close"})
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    client.post(url(people, "status/"), {"action": "open"})
    assessment.refresh_from_db()
    assert assessment.status == "open"
    client.post(url(people, "status/"), {"action": "close"})  # not confirmed
    assessment.refresh_from_db()
    assert assessment.status == "open"
    client.post(url(people, "status/"), {"action": "close", "confirm": "on"})
    assessment.refresh_from_db()
    assert assessment.status == "closed" and assessment.closed_at
    client.post(url(people, "status/"), {"action": "open"})
    assessment.refresh_from_db()
    assert assessment.status == "closed"


def test_the_monitor_counts_per_layer_and_department_and_shows_no_answers(client, people):
    assessment = open_assessment(people.assessment)
    _invitation, token = invite(assessment, department="Ruimte")
    invite(assessment, email="b@aadorp.nl", layer="directie")
    client.get(f"/v/{token}/")
    client.post("/vragenlijst/", {})
    fill_all(client, assessment)
    client.post("/vragenlijst/controleren/")
    consultant = client.__class__()
    consultant.force_login(people.consultant)
    page = consultant.get(url(people, "respons/")).content.decode()
    assert "Ruimte" in page
    assert "50%" in page  # 1 of 2 invited submitted
    assert "Adept" not in page  # no answers, ever
    assert "Respons bekijken" in consultant.get(url(people)).content.decode()


def test_the_response_rate_is_submitted_of_personally_invited_only(client, people):
    assessment = open_assessment(people.assessment)
    layer = assessment.layers.get(code="beleid")
    first, _token = invite(assessment)
    invite(assessment, email="b@aadorp.nl")
    Response.objects.create(
        assessment=assessment,
        respondent="p1",
        layer=layer,
        invitation=first,
        status="submitted",
        submitted_at=NOW,
    )
    link, _token = open_link(assessment, layer="beleid")
    for number in range(3):
        Response.objects.create(
            assessment=assessment,
            respondent=f"o{number}",
            layer=layer,
            open_link=link,
            status="submitted",
            submitted_at=NOW,
        )
    client.force_login(people.consultant)
    page = client.get(url(people, "respons/")).content.decode()
    # 1 of 2 invited people submitted: 50%, whatever the open link brought in.
    assert "50%" in page
    assert "100%" not in page
    assert "persoonlijk uitgenodigde mensen" in page


def test_with_only_open_links_the_monitor_shows_counts_only(client, people):
    assessment = open_assessment(people.assessment)
    layer = assessment.layers.get(code="beleid")
    link, _token = open_link(assessment, layer="beleid")
    Response.objects.create(
        assessment=assessment,
        respondent="o1",
        layer=layer,
        open_link=link,
        status="submitted",
        submitted_at=NOW,
    )
    Response.objects.create(assessment=assessment, respondent="o2", layer=layer, open_link=link)
    client.force_login(people.consultant)
    page = client.get(url(people, "respons/")).content.decode()
    assert "%" not in page.split("<main", 1)[-1]
    assert "alleen aantallen" in page


def test_the_collection_views_check_access(client, people):
    write_urls = [url(people, "uitnodigingen/")]
    client.force_login(people.viewer)
    assert client.get(url(people, "respons/")).status_code == 200
    for target in write_urls:
        assert client.get(target).status_code == 403
    assert client.post(url(people, "status/"), {"action": "open"}).status_code == 403
    client.force_login(people.other_consultant)
    for target in [url(people, "respons/"), *write_urls]:
        assert client.get(target).status_code == 404
    assert client.post(url(people, "status/"), {"action": "open"}).status_code == 404
    link = Invitation.objects.create(assessment=people.assessment, kind="open", token_hash="x" * 64)
    assert client.post(url(people, f"links/{link.pk}/vernieuwen/")).status_code == 404
    people.assessment.refresh_from_db()
    assert people.assessment.status == "draft"


def test_the_monitor_costs_the_same_queries_at_any_size(
    client, people, django_assert_max_num_queries
):
    client.force_login(people.consultant)
    layer = people.assessment.layers.get(code="beleid")

    def add(count, offset):
        Response.objects.bulk_create(
            Response(
                assessment=people.assessment,
                respondent=f"m-{offset + n}",
                layer=layer,
                department=f"D{n % 7}",
            )
            for n in range(count)
        )

    add(10, 0)
    with django_assert_max_num_queries(12) as small:
        client.get(url(people, "respons/"))
    add(4990, 10)
    with django_assert_max_num_queries(12) as large:
        client.get(url(people, "respons/"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_mail_says_how_long_the_survey_takes_for_the_invitees_layer(people):
    """{minuten}: the layer's questions × 2 answers × 20 s, rounded up to a minute."""
    from assessments.collection import asked_questions

    assessment = open_assessment(people.assessment)
    invite(assessment, email="bestuurder@aadorp.nl", layer="bestuur")
    invite(assessment, email="manager@aadorp.nl", layer="management")
    asked = {
        code: len(asked_questions(assessment=assessment, layer_code=code))
        for code in ("bestuur", "management")
    }
    assert asked["bestuur"] < asked["management"]
    invitations_send(assessment=assessment, base_url="http://testserver")
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "ongeveer 13 minuten" in bodies["bestuurder@aadorp.nl"]  # 19 questions
    assert "ongeveer 22 minuten" in bodies["manager@aadorp.nl"]  # 33 questions
    assert "{minuten}" not in "".join(bodies.values())
    # The consultant's own text may use the placeholder too; the reminder says it again.
    assessment.invitation_text = "Kost u {minuten} minuten: {link}"
    assessment.save()
    mail.outbox.clear()
    invitations_send(assessment=assessment, base_url="http://testserver", resend=True)
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert bodies["bestuurder@aadorp.nl"].startswith("Kost u 13 minuten: http://testserver/v/")
    mail.outbox.clear()
    reminders_send(assessment=assessment, base_url="http://testserver")
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "ongeveer 22 minuten" in bodies["manager@aadorp.nl"]
