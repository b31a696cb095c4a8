"""Access management on the organisation's page: who has access, giving it by e-mail,
changing a role, taking access away, and setting a password from the mail."""

import re
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from assessments.access import can_edit
from assessments.models import Membership
from tests.conftest import make_organisation, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()


def add_url(organisation):
    return reverse("membership_add", args=[organisation.pk])


def role_url(membership):
    return reverse("membership_role", args=[membership.organisation_id, membership.pk])


def remove_url(membership):
    return reverse("membership_remove", args=[membership.organisation_id, membership.pk])


def membership(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def page(client, organisation):
    return client.get(reverse("organisation", args=[organisation.pk])).content.decode()


def test_it_shows_the_consultant_who_has_access(client, people):
    people.viewer.email = "victor@aadorp.nl"
    people.viewer.save()
    client.force_login(people.consultant)
    content = page(client, people.organisation)
    assert "victor@aadorp.nl" in content
    assert "Meekijker (alleen lezen)" in content
    assert remove_url(membership(people.viewer, people.organisation)) in content
    assert "charlie" not in content


def test_it_shows_a_viewer_no_access_list_and_no_controls(client, people):
    client.force_login(people.viewer)
    content = page(client, people.organisation)
    assert "Toegang intrekken" not in content
    assert add_url(people.organisation) not in content
    assert "alice" not in content


def test_it_gives_an_existing_account_access_as_viewer(client, people):
    wim = make_user("wim")
    wim.email = "wim@aadorp.nl"
    wim.save()
    client.force_login(people.consultant)
    response = client.post(
        add_url(people.organisation), {"email": "Wim@AADORP.nl", "role": "viewer"}
    )
    assert response.status_code == 302
    assert membership(wim, people.organisation).role == "viewer"
    assert "wim@aadorp.nl heeft nu toegang als meekijker (alleen lezen)." in flashed(response)
    assert mail.outbox == []
    wim.refresh_from_db()
    assert not wim.is_staff
    assert User.objects.count() == 5


def test_it_creates_an_account_for_a_new_address_and_mails_a_working_link(client, people):
    client.force_login(people.consultant)
    response = client.post(
        add_url(people.organisation), {"email": "nieuw@aadorp.nl", "role": "viewer"}
    )
    assert response.status_code == 302
    account = User.objects.get(email="nieuw@aadorp.nl")
    assert account.username == "nieuw@aadorp.nl"
    assert not account.has_usable_password()
    assert not account.is_staff
    assert membership(account, people.organisation).role == "viewer"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@aadorp.nl"]
    assert "Gemeente Aadorp" in message.subject
    assert "Uw gebruikersnaam is nieuw@aadorp.nl" in message.body
    link = re.search(r"http://testserver(/wachtwoord/instellen/\S+/)", message.body).group(1)

    newcomer = Client()
    form = newcomer.get(link, follow=True)
    assert form.status_code == 200
    assert "Wachtwoord instellen" in form.content.decode()
    done = newcomer.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Aadorp-data-2026", "new_password2": "Aadorp-data-2026"},
    )
    assert done.status_code == 302
    assert newcomer.get(done.url).status_code == 200
    assert newcomer.login(
        request=HttpRequest(), username="nieuw@aadorp.nl", password="Aadorp-data-2026"
    )
    assert "Gemeente Aadorp" in newcomer.get("/").content.decode()
    # The link works once.
    assert "werkt niet (meer)" in newcomer.get(link, follow=True).content.decode()


def test_it_makes_a_new_colleague_consultant_a_staff_account(client, people):
    client.force_login(people.consultant)
    client.post(add_url(people.organisation), {"email": "collega@advies.nl", "role": "consultant"})
    colleague = User.objects.get(email="collega@advies.nl")
    assert colleague.is_staff and not colleague.is_superuser
    assert can_edit(colleague, people.organisation)
    assert len(mail.outbox) == 1


def test_it_makes_an_existing_viewer_a_consultant_here_only(client, people):
    """olga views B; a consultant membership of B that counted as viewer (her account
    was not staff) stays read-only when she becomes a consultant of A."""
    olga = people.other_viewer
    olga.email = "olga@bedorp.nl"
    olga.save()
    Membership.objects.create(
        user=olga, organisation=make_organisation_c(people), role=Membership.Role.CONSULTANT
    )
    client.force_login(people.consultant)
    client.post(add_url(people.organisation), {"email": "olga@bedorp.nl", "role": "consultant"})
    olga.refresh_from_db()
    assert olga.is_staff and not olga.is_superuser
    assert can_edit(olga, people.organisation)
    assert not can_edit(olga, people.other_organisation)
    assert set(olga.memberships.values_list("organisation__name", "role")) == {
        ("Gemeente Aadorp", "consultant"),
        ("Gemeente Bedorp", "viewer"),
        ("Gemeente Cedorp", "viewer"),
    }


def make_organisation_c(people):
    organisation, _ = make_organisation(
        "Gemeente Cedorp",
        consultant=make_user("carl", staff=True),
        viewer=make_user("vera"),
        model_version=people.assessment.model_version,
    )
    return organisation


def test_it_changes_a_role(client, people):
    client.force_login(people.consultant)
    victor = membership(people.viewer, people.organisation)
    response = client.post(role_url(victor), {"role": "consultant"})
    assert response.status_code == 302
    assert response.url == reverse("organisation", args=[people.organisation.pk])
    assert "victor is nu consultant." in flashed(response)
    people.viewer.refresh_from_db()
    assert people.viewer.is_staff
    assert can_edit(people.viewer, people.organisation)

    client.post(role_url(victor), {"role": "viewer"})
    assert membership(people.viewer, people.organisation).role == "viewer"
    assert not can_edit(people.viewer, people.organisation)


def test_it_takes_access_away(client, people):
    client.force_login(people.consultant)
    response = client.post(remove_url(membership(people.viewer, people.organisation)))
    assert response.status_code == 302
    assert "victor heeft geen toegang meer." in flashed(response)
    assert not Membership.objects.filter(user=people.viewer, organisation=people.organisation)
    client.force_login(people.viewer)
    assert client.get(reverse("organisation", args=[people.organisation.pk])).status_code == 404


def test_it_keeps_the_last_consultant(client, people):
    client.force_login(people.consultant)
    alice = membership(people.consultant, people.organisation)
    content = page(client, people.organisation)
    assert "De laatste consultant van deze organisatie" in content
    assert remove_url(alice) not in content
    assert role_url(alice) not in content

    demoted = client.post(role_url(alice), {"role": "viewer"})
    assert "alice is de laatste consultant" in flashed(demoted)[0]
    removed = client.post(remove_url(alice))
    assert "alice is de laatste consultant" in flashed(removed)[0]
    assert membership(people.consultant, people.organisation).role == "consultant"

    # A consultant whose account is no longer staff does not count (access.py).
    dormant = make_user("dirk")
    Membership.objects.create(
        user=dormant, organisation=people.organisation, role=Membership.Role.CONSULTANT
    )
    client.post(remove_url(alice))
    assert Membership.objects.filter(pk=alice.pk).exists()


def test_it_lets_a_consultant_leave_once_there_is_another(client, people):
    victor = membership(people.viewer, people.organisation)
    victor.role = Membership.Role.CONSULTANT
    victor.save()
    people.viewer.is_staff = True
    people.viewer.save()
    client.force_login(people.consultant)
    response = client.post(remove_url(membership(people.consultant, people.organisation)))
    assert response.url == reverse("home")
    assert client.get(reverse("organisation", args=[people.organisation.pk])).status_code == 404
    client.force_login(people.viewer)
    assert "De laatste consultant van deze organisatie" in page(client, people.organisation)


def test_it_refuses_a_viewer_with_403(client, people):
    client.force_login(people.viewer)
    alice = membership(people.consultant, people.organisation)
    for url, data in (
        (add_url(people.organisation), {"email": "x@y.nl", "role": "consultant"}),
        (role_url(membership(people.viewer, people.organisation)), {"role": "consultant"}),
        (remove_url(alice), {}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert Membership.objects.filter(organisation=people.organisation).count() == 2
    assert not User.objects.filter(email="x@y.nl").exists()
    people.viewer.refresh_from_db()
    assert not people.viewer.is_staff


@pytest.mark.parametrize("stranger", ["other_consultant", "other_viewer"])
def test_it_gives_strangers_404(client, people, stranger):
    client.force_login(getattr(people, stranger))
    alice = membership(people.consultant, people.organisation)
    for url, data in (
        (add_url(people.organisation), {"email": "x@y.nl", "role": "viewer"}),
        (role_url(alice), {"role": "viewer"}),
        (remove_url(alice), {}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert Membership.objects.filter(organisation=people.organisation).count() == 2


def test_it_gives_404_for_a_member_of_another_organisation(client, people):
    """Charlie names a membership of A under his own organisation B."""
    client.force_login(people.other_consultant)
    alice = membership(people.consultant, people.organisation)
    for name, data in (("membership_role", {"role": "viewer"}), ("membership_remove", {})):
        url = reverse(name, args=[people.other_organisation.pk, alice.pk])
        assert client.post(url, data).status_code == 404, name
    assert membership(people.consultant, people.organisation).role == "consultant"


def test_it_takes_changes_by_post_only(client, people):
    client.force_login(people.consultant)
    alice = membership(people.consultant, people.organisation)
    for url in (add_url(people.organisation), role_url(alice), remove_url(alice)):
        assert client.get(url).status_code == 405, url


def test_it_needs_the_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.consultant)
    response = client.post(add_url(people.organisation), {"email": "x@y.nl", "role": "viewer"})
    assert response.status_code == 403
    assert not User.objects.filter(email="x@y.nl").exists()


@pytest.mark.parametrize(
    "data, error",
    [
        ({"email": "geen-adres", "role": "viewer"}, "Voer een geldig e-mailadres in."),
        ({"email": "", "role": "viewer"}, "Dit veld is verplicht."),
        ({"email": "a" * 141 + "@aadorp.nl", "role": "viewer"}, "niet meer dan 150 tekens"),
        ({"email": "x@aadorp.nl", "role": "eigenaar"}, "Selecteer een geldige keuze."),
        ({"email": "x@aadorp.nl"}, "Dit veld is verplicht."),
    ],
)
def test_it_rejects_bad_input_when_giving_access(client, people, data, error):
    client.force_login(people.consultant)
    response = client.post(add_url(people.organisation), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Membership.objects.filter(organisation=people.organisation).count() == 2
    assert User.objects.count() == 4
    assert mail.outbox == []


@pytest.mark.parametrize("data", [{"role": "eigenaar"}, {}, {"role": ""}])
def test_it_rejects_an_unknown_role(client, people, data):
    client.force_login(people.consultant)
    victor = membership(people.viewer, people.organisation)
    response = client.post(role_url(victor), data)
    assert response.status_code == 302
    assert flashed(response) == ["Kies een bestaande rol."]
    assert membership(people.viewer, people.organisation).role == "viewer"


def test_it_refuses_the_same_person_twice(client, people):
    client.force_login(people.consultant)
    url = add_url(people.organisation)
    client.post(url, {"email": "nieuw@aadorp.nl", "role": "viewer"})
    again = client.post(url, {"email": "NIEUW@aadorp.nl", "role": "consultant"})
    assert again.status_code == 200
    assert "nieuw@aadorp.nl heeft al toegang, als meekijker" in again.content.decode()
    assert User.objects.filter(email__iexact="nieuw@aadorp.nl").count() == 1
    assert membership(User.objects.get(email="nieuw@aadorp.nl"), people.organisation).role == (
        "viewer"
    )
    assert len(mail.outbox) == 1


def test_it_finds_an_account_named_by_its_address(client, people):
    jan = make_user("jan@aadorp.nl")
    client.force_login(people.consultant)
    response = client.post(
        add_url(people.organisation), {"email": "jan@aadorp.nl", "role": "viewer"}
    )
    assert response.status_code == 302
    jan.refresh_from_db()
    assert jan.email == "jan@aadorp.nl"
    assert membership(jan, people.organisation).role == "viewer"
    assert User.objects.count() == 5
    assert mail.outbox == []


def test_it_refuses_a_disabled_account_and_an_address_of_two_accounts(client, people):
    for username in ("piet", "piet2"):
        user = make_user(username)
        user.email = "piet@aadorp.nl"
        user.save()
    gone = make_user("gone")
    gone.email = "gone@aadorp.nl"
    gone.is_active = False
    gone.save()
    client.force_login(people.consultant)
    two = client.post(add_url(people.organisation), {"email": "piet@aadorp.nl", "role": "viewer"})
    assert "meerdere accounts" in two.content.decode()
    disabled = client.post(
        add_url(people.organisation), {"email": "gone@aadorp.nl", "role": "viewer"}
    )
    assert "uitgeschakeld" in disabled.content.decode()
    assert Membership.objects.filter(organisation=people.organisation).count() == 2


def test_it_never_makes_a_superuser(client, people):
    client.force_login(people.consultant)
    client.post(add_url(people.organisation), {"email": "nieuw@aadorp.nl", "role": "consultant"})
    victor = membership(people.viewer, people.organisation)
    client.post(role_url(victor), {"role": "consultant"})
    assert not User.objects.filter(is_superuser=True).exists()


def test_it_says_so_when_the_mail_cannot_be_sent(client, people, monkeypatch):
    def fail(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    client.force_login(people.consultant)
    response = client.post(
        add_url(people.organisation), {"email": "nieuw@aadorp.nl", "role": "viewer"}
    )
    assert response.status_code == 302
    assert any("kon niet worden verstuurd" in message for message in flashed(response))
    assert User.objects.filter(email="nieuw@aadorp.nl").exists()


def test_it_sends_a_new_link_to_an_account_that_never_set_its_password(client, people):
    client.force_login(people.consultant)
    client.post(add_url(people.organisation), {"email": "nieuw@aadorp.nl", "role": "viewer"})
    mail.outbox.clear()
    visitor = Client()
    assert "Wachtwoord vergeten?" in visitor.get(reverse("login")).content.decode()
    response = visitor.post(reverse("password_reset"), {"email": "nieuw@aadorp.nl"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/wachtwoord/instellen/" in mail.outbox[0].body
    visitor.post(reverse("password_reset"), {"email": "niemand@aadorp.nl"})
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("extra", [0, 30])
def test_it_shows_the_access_list_in_a_bounded_number_of_queries(
    client, people, extra, django_assert_max_num_queries
):
    for number in range(extra):
        user = make_user(f"lid{number}", staff=number % 3 == 0)
        role = Membership.Role.CONSULTANT if number % 2 else Membership.Role.VIEWER
        Membership.objects.create(user=user, organisation=people.organisation, role=role)
    client.force_login(people.consultant)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("organisation", args=[people.organisation.pk]))
    assert response.status_code == 200
    assert len(response.context["members"]) == 2 + extra
