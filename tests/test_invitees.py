"""The invitee list: search, filters, counts, corrections until an invitee starts, one
mail again; viewers see counts only, strangers nothing."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from assessments.models import Department, Invitation, OutboxMessage, Response
from tests.survey_data import invite, open_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def url(assessment, rest=""):
    return f"/metingen/{assessment.pk}/genodigden/{rest}"


def respond(invitation, status=Response.Status.DRAFT):
    return Response.objects.create(
        assessment=invitation.assessment,
        invitation=invitation,
        respondent=f"r{invitation.pk}",
        layer=invitation.layer,
        department=invitation.department,
        status=status,
        submitted_at=timezone.now() if status == Response.Status.SUBMITTED else None,
    )


@pytest.fixture
def listed(people):
    """Six invitees, one in each status but 'failed'."""
    assessment = open_assessment(people.assessment)
    Department.objects.create(organisation=people.organisation, name="Ruimte")
    Department.objects.create(organisation=people.organisation, name="Sociaal Domein")
    made = {}
    for name, layer, department in [
        ("nieuw", "beleid", "Ruimte"),
        ("gemaild", "beleid", "Ruimte"),
        ("herinnerd", "uitvoering", ""),
        ("bezig", "beleid", "Sociaal Domein"),
        ("klaar", "specialist", "Ruimte"),
        ("ook-klaar", "specialist", ""),
    ]:
        made[name] = invite(assessment, f"{name}@aadorp.nl", layer, department)[0]
    now = timezone.now()
    Invitation.objects.exclude(email="nieuw@aadorp.nl").update(sent_at=now)
    Invitation.objects.filter(email="herinnerd@aadorp.nl").update(reminded_at=now)
    respond(made["bezig"])
    respond(made["klaar"], Response.Status.SUBMITTED)
    respond(made["ook-klaar"], Response.Status.SUBMITTED)
    return assessment, made


def emails(page):
    return re.findall(r'<th scope="row" class="fw-normal text-break">([^<]+)</th>', page)


def test_the_consultant_sees_every_invitee_with_status_and_counts(client, people, listed):
    assessment, _made = listed
    client.force_login(people.consultant)
    page = client.get(url(assessment)).content.decode()
    assert len(emails(page)) == 6
    counts = dict(re.findall(r">([^<>]+)</a>: <strong>(\d+)</strong>", page))
    assert counts == {
        "Nog niet gemaild": "1",
        "Gemaild": "1",
        "Herinnerd": "1",
        "Bezig": "1",
        "Ingevuld": "2",
        "Mail mislukt": "0",
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?q=KLAAR", {"klaar@aadorp.nl", "ook-klaar@aadorp.nl"}),
        ("?laag=uitvoering", {"herinnerd@aadorp.nl"}),
        ("?afdeling=Sociaal+Domein", {"bezig@aadorp.nl"}),
        ("?status=niet-gemaild", {"nieuw@aadorp.nl"}),
        ("?status=gemaild", {"gemaild@aadorp.nl"}),
        ("?status=herinnerd", {"herinnerd@aadorp.nl"}),
        ("?status=bezig", {"bezig@aadorp.nl"}),
        ("?status=ingevuld", {"klaar@aadorp.nl", "ook-klaar@aadorp.nl"}),
        ("?status=mislukt", set()),
        ("?laag=specialist&afdeling=Ruimte", {"klaar@aadorp.nl"}),
    ],
)
def test_search_and_filters(client, people, listed, query, expected):
    assessment, _made = listed
    client.force_login(people.consultant)
    response = client.get(url(assessment, query))
    assert response.status_code == 200
    assert set(emails(response.content.decode())) == expected


@pytest.mark.parametrize("query", ["?laag=geen-laag", "?status=weg", "?q=" + "x" * 300])
def test_a_bad_filter_is_a_400_that_says_so(client, people, listed, query):
    assessment, _made = listed
    client.force_login(people.consultant)
    response = client.get(url(assessment, query))
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()


def test_the_list_is_paginated_with_a_bounded_number_of_queries(
    client, people, django_assert_max_num_queries
):
    assessment = open_assessment(people.assessment)
    layer = assessment.layers.get(code="beleid")
    Invitation.objects.bulk_create(
        Invitation(
            assessment=assessment,
            kind=Invitation.Kind.PERSONAL,
            email=f"p{n:03}@aadorp.nl",
            layer=layer,
            token_hash=f"{n:064}",
        )
        for n in range(120)
    )
    for invitation in Invitation.objects.filter(email__startswith="p00")[:5]:
        respond(invitation)
    client.force_login(people.consultant)
    with django_assert_max_num_queries(9):
        page = client.get(url(assessment)).content.decode()
    assert len(emails(page)) == 50 and "pagina 1 van 3" in page
    with django_assert_max_num_queries(9):
        page = client.get(url(assessment, "?laag=beleid&pagina=3")).content.decode()
    assert len(emails(page)) == 20
    assert "p119@aadorp.nl" in page and "laag=beleid&amp;pagina=2" in page


def save(client, assessment, invitation, **fields):
    data = {
        "action": "save",
        "next": url(assessment),
        f"i{invitation.pk}-email": invitation.email,
        f"i{invitation.pk}-layer": invitation.layer.code,
        f"i{invitation.pk}-department": invitation.department,
    }
    data.update({f"i{invitation.pk}-{key}": value for key, value in fields.items()})
    return client.post(url(assessment, f"{invitation.pk}/"), data)


def test_the_consultant_corrects_an_invitee(client, people, listed):
    assessment, made = listed
    client.force_login(people.consultant)
    response = save(
        client,
        assessment,
        made["nieuw"],
        email=" Nieuw.Adres@Aadorp.nl ",
        layer="management",
        department="Sociaal Domein",
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(pk=made["nieuw"].pk)
    assert (invitation.email, invitation.layer.code, invitation.department) == (
        "nieuw.adres@aadorp.nl",
        "management",
        "Sociaal Domein",
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "gemaild@aadorp.nl"}, "al uitgenodigd"),
        ({"email": "GEMAILD@aadorp.nl"}, "al uitgenodigd"),
        ({"email": "geen-adres"}, "geldig e-mailadres"),
        ({"layer": "bestaat-niet"}, "geldige keuze"),
        ({"department": "Sociaal domein"}, "geldige keuze"),  # no new department by a typo
    ],
)
def test_bad_corrections_are_refused_and_change_nothing(client, people, listed, fields, message):
    assessment, made = listed
    client.force_login(people.consultant)
    response = save(client, assessment, made["nieuw"], **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    invitation = Invitation.objects.get(pk=made["nieuw"].pk)
    assert (invitation.email, invitation.layer.code, invitation.department) == (
        "nieuw@aadorp.nl",
        "beleid",
        "Ruimte",
    )


@pytest.mark.parametrize("name", ["bezig", "klaar"])
def test_a_started_invitee_cannot_be_changed_or_removed(client, people, listed, name):
    assessment, made = listed
    client.force_login(people.consultant)
    invitation = made[name]
    page = client.get(url(assessment)).content.decode()
    row = page.split(f'id="genodigde-{invitation.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Wijzigen" not in row and "Verwijderen" not in row
    response = save(client, assessment, invitation, layer="management")
    assert response.status_code == 302
    response = client.post(
        url(assessment, f"{invitation.pk}/"), {"action": "remove", "next": url(assessment)}
    )
    follow = client.get(response["Location"]).content.decode()
    assert "al begonnen" in follow
    invitation.refresh_from_db()
    assert invitation.layer.code == made[name].layer.code
    assert Response.objects.get(invitation=invitation).layer.code == invitation.layer.code


def test_the_consultant_removes_an_invitee_who_has_not_started(client, people, listed):
    assessment, made = listed
    client.force_login(people.consultant)
    page = client.get(url(assessment, "?status=gemaild")).content.decode()
    assert f'name="next" value="{url(assessment, "?status=gemaild")}"' in page
    response = client.post(
        url(assessment, f"{made['gemaild'].pk}/"),
        {"action": "remove", "next": url(assessment, "?status=gemaild")},
    )
    assert response["Location"] == url(assessment, "?status=gemaild")
    assert not Invitation.objects.filter(pk=made["gemaild"].pk).exists()


def test_the_consultant_mails_one_invitee_again(client, people, listed):
    assessment, made = listed
    client.force_login(people.consultant)
    before = Invitation.objects.get(pk=made["bezig"].pk).token_hash
    client.post(url(assessment, f"{made['bezig'].pk}/"), {"action": "resend"})
    assert [message.to for message in mail.outbox] == [["bezig@aadorp.nl"]]
    assert Invitation.objects.get(pk=made["bezig"].pk).token_hash != before
    # Someone who submitted gets no mail; nor anyone once the survey is closed.
    client.post(url(assessment, f"{made['klaar'].pk}/"), {"action": "resend"})
    assessment.status = "closed"
    assessment.save()
    client.post(url(assessment, f"{made['nieuw'].pk}/"), {"action": "resend"})
    assert len(mail.outbox) == 1


def test_an_invitee_whose_mail_failed_has_that_status_until_it_is_queued_again(
    client, people, listed
):
    assessment, made = listed
    client.force_login(people.consultant)
    failed = OutboxMessage.objects.create(
        assessment=assessment,
        invitation=made["gemaild"],
        kind=OutboxMessage.Kind.INVITATION,
        status=OutboxMessage.Status.FAILED,
        base_url="http://testserver/",
        error="550 mailbox unavailable",
    )
    page = client.get(url(assessment)).content.decode()
    counts = dict(re.findall(r">([^<>]+)</a>: <strong>(\d+)</strong>", page))
    assert counts["Mail mislukt"] == "1"
    assert counts["Gemaild"] == "0"
    failed_page = client.get(url(assessment, "?status=mislukt")).content.decode()
    assert set(emails(failed_page)) == {"gemaild@aadorp.nl"}
    # "Mail again" queues the same row again; it no longer counts as failed.
    client.post(url(assessment, f"{made['gemaild'].pk}/"), {"action": "resend"})
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.SENT
    assert [message.to for message in mail.outbox] == [["gemaild@aadorp.nl"]]
    assert not emails(client.get(url(assessment, "?status=mislukt")).content.decode())


def test_an_open_link_or_another_assessments_invitee_is_not_found(client, people, listed):
    assessment, _made = listed
    other, _token = invite(people.other_assessment, "x@bedorp.nl")
    client.force_login(people.consultant)
    response = client.post(url(assessment, f"{other.pk}/"), {"action": "remove"})
    assert response.status_code == 404
    assert Invitation.objects.filter(pk=other.pk).exists()


def test_a_viewer_sees_counts_only(client, people, listed):
    assessment, made = listed
    client.force_login(people.viewer)
    response = client.get(url(assessment))
    assert response.status_code == 200
    page = response.content.decode()
    assert "@aadorp.nl" not in page
    # 3 people responded: fewer than k, so "< 5", never the exact number.
    assert "&lt; 5" in page
    for action in ("save", "remove", "resend"):
        response = client.post(url(assessment, f"{made['nieuw'].pk}/"), {"action": action})
        assert response.status_code == 403
    assert Invitation.objects.filter(pk=made["nieuw"].pk).exists()
    assert not mail.outbox


def test_a_stranger_gets_404(client, people, listed):
    assessment, made = listed
    client.force_login(people.other_consultant)
    assert client.get(url(assessment)).status_code == 404
    response = client.post(url(assessment, f"{made['nieuw'].pk}/"), {"action": "remove"})
    assert response.status_code == 404
    client.logout()
    assert client.get(url(assessment)).status_code == 302  # to the login
