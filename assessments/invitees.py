"""The invitee list of an assessment: who is invited, how far each one is, and the
consultant's corrections (e-mail, layer, department, removal, one mail again).

An invitee can be corrected or removed only until they start: from then on their
response carries their layer and department, and the results count them there.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import Invitation, OutboxMessage, Response

NOT_INVITED = "niet-gemaild"
MAILED = "gemaild"
REMINDED = "herinnerd"
STARTED = "bezig"
SUBMITTED = "ingevuld"
FAILED = "mislukt"

STATUS_LABELS = {
    NOT_INVITED: _("Nog niet gemaild"),
    MAILED: _("Gemaild"),
    REMINDED: _("Herinnerd"),
    STARTED: _("Bezig"),
    SUBMITTED: _("Ingevuld"),
    FAILED: _("Mail mislukt"),
}


def _failed_mail():
    return Exists(
        OutboxMessage.objects.filter(invitation=OuterRef("pk"), status=OutboxMessage.Status.FAILED)
    )


def failed_filter():
    """The invitations with a mail in the outbox that failed (and was not retried: a
    retry turns the same row back into queued)."""
    return Q(_failed_mail())


def with_mail_failed(invitations):
    """The invitations annotated with `mail_failed`, which status_of reads."""
    return invitations.annotate(mail_failed=_failed_mail())


def status_filters():
    """One Q per status; every invitation has exactly one (first match in this order)."""
    submitted = Q(response__status=Response.Status.SUBMITTED)
    started = Q(response__status=Response.Status.DRAFT)
    failed = failed_filter() & ~submitted & ~started
    responded = submitted | started
    return {
        SUBMITTED: submitted,
        STARTED: started,
        FAILED: failed,
        REMINDED: Q(reminded_at__isnull=False) & ~responded & ~failed,
        MAILED: Q(sent_at__isnull=False, reminded_at__isnull=True) & ~responded & ~failed,
        NOT_INVITED: Q(sent_at__isnull=True, reminded_at__isnull=True) & ~responded & ~failed,
    }


def personal_invitations(assessment):
    return Invitation.objects.filter(assessment=assessment, kind=Invitation.Kind.PERSONAL)


def status_counts(invitations):
    """{status: count} over these invitations, in one query."""
    filters = status_filters()
    return invitations.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in filters.items()}
    )


def status_of(invitation):
    """The status of one invitation with its response loaded (select_related) and
    `mail_failed` annotated (with_mail_failed; without it, no mail counts as failed)."""
    response = getattr(invitation, "response", None)
    if response is not None:
        return SUBMITTED if response.status == Response.Status.SUBMITTED else STARTED
    if getattr(invitation, "mail_failed", False):
        return FAILED
    if invitation.reminded_at:
        return REMINDED
    if invitation.sent_at:
        return MAILED
    return NOT_INVITED


def has_started(invitation):
    return Response.objects.filter(invitation=invitation).exists()


class InviteeLocked(Exception):
    """The invitee has started: their invitation can no longer be changed or removed."""


@dataclass(frozen=True)
class Change:
    email: str
    layer: object  # AssessmentLayer
    department: str


def invitee_change(*, invitation, change):
    """Correct an invitee who has not started. The conditional UPDATE is the check:
    a response that starts meanwhile makes it change nothing (InviteeLocked)."""
    with transaction.atomic():
        updated = Invitation.objects.filter(pk=invitation.pk, response__isnull=True).update(
            email=change.email, layer=change.layer, department=change.department
        )
        if not updated:
            raise InviteeLocked
    invitation.email = change.email
    invitation.layer = change.layer
    invitation.department = change.department


def invitee_remove(*, invitation):
    """Remove an invitee who has not started; their link stops working."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if locked is None or has_started(locked):
            raise InviteeLocked
        # A response that starts after the check above keeps its data (SET_NULL).
        locked.delete()


def invitee_send(*, invitation, base_url):
    """Queue one invitation mail again, with a fresh link made when the worker sends
    it. Returns 0 when a mail to this invitee is already queued or being sent."""
    return outbox.queue(invitation.assessment, [invitation], outbox.Kind.INVITATION, base_url)
