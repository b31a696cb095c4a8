"""The one place that answers "may this user see this?".

Every organisation-scoped view gets its objects through these helpers. A stranger
gets 404 (the object's existence is not disclosed); a viewer asking for write access
to their own organisation gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Assessment, Membership, Organisation


def is_consultant(user):
    return user.is_authenticated and (user.is_superuser or user.is_staff)


def organisations_for(user):
    """The organisations a user may see: all for a superuser, else their memberships."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user).distinct()


def role_of(membership):
    """The role a membership gives its user (the same rule as for every view)."""
    user = membership.user
    if user.is_superuser:
        return Membership.Role.CONSULTANT
    # A consultant's role only counts while the account is still a staff account.
    if membership.role == Membership.Role.CONSULTANT and not user.is_staff:
        return Membership.Role.VIEWER
    return membership.role


def _role(user, organisation_id):
    if user.is_superuser:
        return Membership.Role.CONSULTANT
    membership = Membership.objects.filter(user=user, organisation_id=organisation_id).first()
    if membership is None:
        return None
    membership.user = user
    return role_of(membership)


def can_edit(user, organisation):
    return user.is_authenticated and _role(user, organisation.pk) == Membership.Role.CONSULTANT


def _check(user, organisation_id, write):
    role = _role(user, organisation_id) if user.is_authenticated else None
    if role is None:
        raise Http404
    if write and role != Membership.Role.CONSULTANT:
        raise PermissionDenied


def get_organisation_for_user(user, pk, *, write=False):
    organisation = get_object_or_404(Organisation, pk=pk)
    _check(user, organisation.pk, write)
    return organisation


def get_assessment_with_role(user, pk):
    """(assessment, whether the user is its consultant), with one membership lookup;
    404 for a stranger. For read views that also show consultants' controls."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("organisation", "model_version"), pk=pk
    )
    role = _role(user, assessment.organisation_id) if user.is_authenticated else None
    if role is None:
        raise Http404
    return assessment, role == Membership.Role.CONSULTANT


def results_visible(assessment, *, consultant):
    """Results (pages, exports, poster, report): consultants always, viewers only once
    the assessment is closed, because an open assessment's scores are not final."""
    # After a reopen, viewers keep the version of the earlier close (versions.py).
    return consultant or assessment.is_closed or assessment.released_responses is not None


def get_assessment_for_user(user, pk, *, write=False):
    assessment = get_object_or_404(
        Assessment.objects.select_related("organisation", "model_version"), pk=pk
    )
    _check(user, assessment.organisation_id, write)
    return assessment


def consultant_organisation_ids(user):
    """The ids of the organisations the user is a consultant of (as _role decides), or
    None for a superuser, who is everywhere. One query."""
    if user.is_superuser:
        return None
    if not (user.is_authenticated and user.is_staff):
        return set()
    return set(
        Membership.objects.filter(user=user, role=Membership.Role.CONSULTANT).values_list(
            "organisation_id", flat=True
        )
    )
