"""The consultant's and viewer's screens: home, organisations, assessments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import collection
from ..access import (
    can_edit,
    consultant_organisation_ids,
    get_assessment_for_user,
    get_organisation_for_user,
    is_consultant,
    organisations_for,
)
from ..forms import AssessmentForm, OrganisationForm
from ..models import Assessment, Membership, Response


def _with_counts(assessments):
    return assessments.select_related("model_version").annotate(
        submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED))
    )


def _counts_shown(assessments, consulted):
    """Give each assessment `submitted_shown`: its consultant's exact count; for a viewer,
    the response monitor's total (small numbers of who takes part stay private).
    `consulted`: ids of the organisations the user is a consultant of (None: all)."""
    assessments = list(assessments)
    private = [
        a for a in assessments if consulted is not None and a.organisation_id not in consulted
    ]
    shown = collection.viewer_submitted(private)
    for assessment in assessments:
        assessment.submitted_shown = shown.get(assessment.pk, assessment.submitted)
    return assessments


@login_required
def home(request):
    organisations = list(organisations_for(request.user).order_by("name"))
    assessments = _counts_shown(
        _with_counts(
            Assessment.objects.filter(organisation__in=organisations).order_by("-created_at")
        ),
        consultant_organisation_ids(request.user),
    )
    by_organisation = {organisation.pk: [] for organisation in organisations}
    for assessment in assessments:
        by_organisation[assessment.organisation_id].append(assessment)
    rows = [(organisation, by_organisation[organisation.pk]) for organisation in organisations]
    return render(
        request,
        "assessments/home.html",
        {"rows": rows, "consultant": is_consultant(request.user)},
    )


@login_required
def organisation_detail(request, pk):
    organisation = get_organisation_for_user(request.user, pk)
    editor = can_edit(request.user, organisation)
    assessments = _counts_shown(
        _with_counts(organisation.assessments.order_by("-created_at")),
        None if editor else set(),
    )
    return render(
        request,
        "assessments/organisation_detail.html",
        {
            "organisation": organisation,
            "assessments": assessments,
            "departments": organisation.departments.all(),
            "can_edit": editor,
        },
    )


@login_required
def organisation_create(request):
    if not is_consultant(request.user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            organisation = form.save()
            Membership.objects.get_or_create(
                user=request.user,
                organisation=organisation,
                defaults={"role": Membership.Role.CONSULTANT},
            )
        messages.success(request, _("Organisatie aangemaakt."))
        return redirect("organisation", pk=organisation.pk)
    return render(request, "assessments/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request, pk):
    organisation = get_organisation_for_user(request.user, pk, write=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Organisatie opgeslagen."))
        return redirect("organisation", pk=organisation.pk)
    return render(
        request,
        "assessments/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


@login_required
def assessment_create(request, pk):
    organisation = get_organisation_for_user(request.user, pk, write=True)
    form = AssessmentForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.created_by = request.user
            assessment = form.save()
        messages.success(request, _("Meting aangemaakt."))
        return redirect("assessment", pk=assessment.pk)
    return render(
        request,
        "assessments/assessment_form.html",
        {"form": form, "organisation": organisation},
    )


@login_required
def assessment_edit(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    form = AssessmentForm(
        request.POST or None, instance=assessment, organisation=assessment.organisation
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Meting opgeslagen."))
        return redirect("assessment", pk=assessment.pk)
    return render(
        request,
        "assessments/assessment_form.html",
        {"form": form, "organisation": assessment.organisation, "assessment": assessment},
    )


@login_required
def assessment_detail(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    layers = assessment.layers.annotate(
        submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED))
    )
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "layers": layers,
            "can_edit": can_edit(request.user, assessment.organisation),
        },
    )
