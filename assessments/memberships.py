"""Who may see an organisation: the consultant's operations on its memberships.

A consultant of an organisation gives access by e-mail (an existing account is linked, a
new address gets an account without a password and a mail with a link to set one),
changes a member's role and takes access away. An organisation always keeps at least
one consultant: without one, no one but the operator could manage it any more.
"""

import logging
import smtplib
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .access import role_of
from .models import Membership, Organisation

logger = logging.getLogger(__name__)

CONSULTANT = Membership.Role.CONSULTANT
VIEWER = Membership.Role.VIEWER


class MembershipError(Exception):
    """A change the consultant asked for that is refused; the message says why."""


@dataclass(frozen=True)
class Member:
    membership: Membership
    role: str  # as access.py counts it, not only as stored
    last_consultant: bool

    @property
    def user(self):
        return self.membership.user

    @property
    def role_label(self):
        return Membership.Role(self.role).label

    @property
    def name(self):
        return display_name(self.user)


def display_name(user):
    return user.get_full_name() or user.get_username()


def _last_consultant_ids(memberships):
    """The membership of the organisation's only consultant (who can sign in), if any."""
    consultants = [m.pk for m in memberships if m.user.is_active and role_of(m) == CONSULTANT]
    return set(consultants) if len(consultants) == 1 else set()


def members_of(organisation):
    """Everyone with access to the organisation, consultants first, for its page."""
    memberships = list(
        organisation.memberships.select_related("user").order_by(
            "user__last_name", "user__first_name", "user__username"
        )
    )
    last = _last_consultant_ids(memberships)
    members = [Member(m, role_of(m), m.pk in last) for m in memberships]
    return sorted(members, key=lambda member: member.role != CONSULTANT)


def _locked_memberships(organisation):
    """The organisation's memberships, read while holding a lock on the organisation, so
    two consultants changing roles at once cannot both leave it without a consultant."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    return list(organisation.memberships.select_related("user"))


def _check_role(role):
    if role not in Membership.Role.values:
        raise MembershipError(_("Kies een bestaande rol."))


def _make_consultant(user, organisation):
    """A consultant is a staff account (access.py). Never a superuser: that is the
    operator's to give."""
    if user.is_staff or user.is_superuser:
        return
    # A non-staff account's consultant memberships elsewhere count as viewer: keep them so,
    # or becoming a consultant here would make it a consultant there too.
    user.memberships.filter(role=CONSULTANT).exclude(organisation=organisation).update(role=VIEWER)
    user.is_staff = True
    user.save(update_fields=["is_staff"])


def same_address(a, b):
    """Two e-mail addresses (or usernames) are the same one (as Django's password reset
    compares them: Unicode-normalised, case-folded)."""
    return _folded(a) == _folded(b)


def _folded(text):
    return unicodedata.normalize("NFKC", text).casefold()


def account_for_email(email):
    """The one account with this e-mail address (or this address as its username), None
    if there is none; refused when several accounts share the address."""
    user_model = get_user_model()
    accounts = [
        user
        for user in user_model.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        if same_address(email, user.email) or same_address(email, user.get_username())
    ]
    if len(accounts) > 1:
        raise MembershipError(
            _(
                "Er zijn meerdere accounts met het e-mailadres %(email)s. Vraag de beheerder "
                "van de installatie om dat op te lossen."
            )
            % {"email": email}
        )
    return accounts[0] if accounts else None


@dataclass(frozen=True)
class Added:
    membership: Membership
    mail_sent: bool | None  # None: no mail was needed (the account has a password)


def membership_add(*, organisation, email, role, request):
    """Give the holder of `email` access to `organisation` in `role`.

    An account without a password (a new one, or one whose earlier set-password mail was
    never used) gets a mail with a link to set one.
    """
    _check_role(role)
    email = get_user_model().objects.normalize_email(email.strip())
    with transaction.atomic():
        memberships = _locked_memberships(organisation)
        user = account_for_email(email)
        if user is None:
            user = get_user_model().objects.create_user(username=email, email=email)
        elif not user.is_active:
            raise MembershipError(
                _(
                    "Het account van %(email)s is uitgeschakeld. Vraag de beheerder van de "
                    "installatie om het weer aan te zetten."
                )
                % {"email": email}
            )
        if not user.email:
            # Found by its username: the address it was given by becomes its e-mail.
            user.email = email
            user.save(update_fields=["email"])
        existing = next((m for m in memberships if m.user_id == user.pk), None)
        if existing is not None:
            raise MembershipError(
                _("%(email)s heeft al toegang, als %(role)s. Een andere rol kiest u in de lijst.")
                % {"email": user.email, "role": Membership.Role(role_of(existing)).label.lower()}
            )
        if role == CONSULTANT:
            _make_consultant(user, organisation)
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    mail_sent = None
    if not user.has_usable_password():
        mail_sent = set_password_mail_send(user=user, membership=membership, request=request)
    return Added(membership, mail_sent)


def membership_set_role(*, membership, role):
    """Give a member another role; the organisation's last consultant keeps theirs."""
    _check_role(role)
    with transaction.atomic():
        memberships = _locked_memberships(membership.organisation)
        membership = next((m for m in memberships if m.pk == membership.pk), None)
        if membership is None:
            raise MembershipError(_("Deze persoon heeft geen toegang meer."))
        if role == CONSULTANT:
            _make_consultant(membership.user, membership.organisation)
        elif membership.pk in _last_consultant_ids(memberships):
            raise MembershipError(
                _(
                    "%(name)s is de laatste consultant van deze organisatie en blijft dat tot er "
                    "een andere consultant is."
                )
                % {"name": display_name(membership.user)}
            )
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership):
    """Take a member's access away; the organisation's last consultant keeps it."""
    with transaction.atomic():
        memberships = _locked_memberships(membership.organisation)
        if membership.pk in _last_consultant_ids(memberships):
            raise MembershipError(
                _(
                    "%(name)s is de laatste consultant van deze organisatie en houdt toegang "
                    "tot er een andere consultant is."
                )
                % {"name": display_name(membership.user)}
            )
        Membership.objects.filter(pk=membership.pk).delete()


def set_password_link(user, request):
    """The link of Django's password reset (its token generator and confirm view)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


def set_password_mail_send(*, user, membership, request):
    """Tell the new member they have access and where to set their password; False when
    the mail could not be sent (the member can still ask for a link on the login page)."""
    context = {
        "user": user,
        "organisation": membership.organisation,
        "role": membership.get_role_display().lower(),
        "link": set_password_link(user, request),
        "login": request.build_absolute_uri(reverse("login")),
        "reset": request.build_absolute_uri(reverse("password_reset")),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)),
    }
    subject = _("Toegang tot %(organisation)s in Datagedreven") % {
        "organisation": membership.organisation.name
    }
    body = render_to_string("registration/access_granted_email.txt", context)
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    except (smtplib.SMTPException, OSError):
        logger.exception("set-password mail to user %s failed", user.pk)
        return False
    return True
