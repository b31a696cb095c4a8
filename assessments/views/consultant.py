"""The consultant's and viewer's screens: home, organisations (with who has access),
assessments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import collection, memberships
from ..access import (
    can_edit,
    consultant_organisation_ids,
    get_assessment_for_user,
    get_organisation_for_user,
    is_consultant,
    organisations_for,
)
from ..forms import (
    AssessmentForm,
    MemberAddForm,
    MemberRoleForm,
    OrganisationForm,
    ReportingGroupsForm,
)
from ..hooks import assessment_parts, organisation_parts
from ..logo import data_uri as logo_data_uri
from ..models import Assessment, Membership, Response
from ..presentation import group_name
from ..results import groups_now
from ..versions import assessment_reopen, held_back


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


def _organisation_page(request, organisation, *, member_form=None):
    editable = can_edit(request.user, organisation)
    context = {
        "organisation": organisation,
        "assessments": _counts_shown(
            _with_counts(organisation.assessments.order_by("-created_at")),
            None if editable else set(),
        ),
        "departments": organisation.departments.all(),
        "can_edit": editable,
        "sections": organisation_parts(organisation, editable),  # links of other apps
    }
    if editable:
        # Who has access is the consultants' business; viewers do not see the list.
        context["members"] = memberships.members_of(organisation)
        context["roles"] = Membership.Role.choices
        context["member_form"] = member_form or MemberAddForm(organisation=organisation)
    return render(request, "assessments/organisation_detail.html", context)


@login_required
def organisation_detail(request, pk):
    return _organisation_page(request, get_organisation_for_user(request.user, pk))


@login_required
@require_POST
def membership_add(request, pk):
    organisation = get_organisation_for_user(request.user, pk, write=True)
    form = MemberAddForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            added = memberships.membership_add(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except memberships.MembershipError as error:
            form.add_error(None, str(error))
        else:
            _flash_added(request, added)
            return redirect("organisation", pk=organisation.pk)
    return _organisation_page(request, organisation, member_form=form)


def _flash_added(request, added):
    values = {
        "email": added.membership.user.email,
        "role": added.membership.get_role_display().lower(),
    }
    messages.success(request, _("%(email)s heeft nu toegang als %(role)s.") % values)
    if added.mail_sent:
        messages.info(
            request, _("%(email)s krijgt een e-mail om een wachtwoord in te stellen.") % values
        )
    elif added.mail_sent is False:
        messages.warning(
            request,
            _(
                "De e-mail om een wachtwoord in te stellen kon niet worden verstuurd. "
                "%(email)s kan een nieuwe link vragen via 'Wachtwoord vergeten?' op de "
                "inlogpagina."
            )
            % values,
        )


def _membership_for_user(request, pk, membership):
    organisation = get_organisation_for_user(request.user, pk, write=True)
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=membership,
        organisation=organisation,
    )


@login_required
@require_POST
def membership_role(request, pk, membership):
    membership = _membership_for_user(request, pk, membership)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies een bestaande rol."))
        return redirect("organisation", pk=pk)
    try:
        membership = memberships.membership_set_role(
            membership=membership, role=form.cleaned_data["role"]
        )
    except memberships.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s is nu %(role)s.")
            % {
                "name": memberships.display_name(membership.user),
                "role": membership.get_role_display().lower(),
            },
        )
    return redirect("organisation", pk=pk)


@login_required
@require_POST
def membership_remove(request, pk, membership):
    membership = _membership_for_user(request, pk, membership)
    try:
        memberships.membership_remove(membership=membership)
    except memberships.MembershipError as error:
        messages.error(request, str(error))
        return redirect("organisation", pk=pk)
    name = memberships.display_name(membership.user)
    messages.success(request, _("%(name)s heeft geen toegang meer.") % {"name": name})
    if membership.user_id == request.user.pk and not request.user.is_superuser:
        return redirect("home")
    return redirect("organisation", pk=pk)


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
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Organisatie opgeslagen."))
        return redirect("organisation", pk=organisation.pk)
    return render(
        request,
        "assessments/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "logo_uri": logo_data_uri(organisation.logo, organisation.logo_type),
        },
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
def assessment_detail(request, pk, groups_form=None):
    assessment = get_assessment_for_user(request.user, pk)
    layers = list(
        assessment.layers.order_by("order", "pk").annotate(
            submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED))
        )
    )
    editable = can_edit(request.user, assessment.organisation)
    counts = {layer.code: layer.submitted for layer in layers}
    names = {layer.code: layer.label for layer in layers}
    current = groups_now(assessment, counts)
    groups = [
        {
            "name": group_name(group, names),
            "layers": ", ".join(names[code] for code in group.layers),
            "submitted": sum(counts[code] for code in group.layers),
        }
        for group in current
    ]
    groups_fixed = assessment.is_closed or assessment.released_responses is not None
    if editable and not groups_fixed and groups_form is None:
        groups_form = ReportingGroupsForm(
            layers=layers,
            groups=[
                {"name": group_name(group, names), "layers": group.layers} for group in current
            ],
            default=assessment.reporting_groups is None,
        )
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "layers": layers,
            "groups": groups,
            "groups_form": groups_form,
            "can_edit": editable,
            "sections": assessment_parts(assessment, editable),  # buttons and panels of apps
            "reopenings": list(assessment.reopenings.order_by("reopened_at", "pk"))
            if editable
            else [],
            "held_back": held_back(assessment) if editable else [],
        },
    )


@login_required
def assessment_reopen_view(request, pk):
    """Open a closed assessment again, after a confirmation (consultants only)."""
    assessment = get_assessment_for_user(request.user, pk, write=True)
    if not assessment.is_closed:
        messages.error(request, _("Alleen een gesloten meting kan weer open."))
        return redirect("assessment", pk=pk)
    error = ""
    if request.method == "POST":
        if not request.POST.get("confirm"):
            error = _("Vink eerst aan dat u de vragenlijst weer wilt openzetten.")
        elif assessment_reopen(assessment=assessment, user=request.user):
            messages.success(
                request,
                _(
                    "De vragenlijst is weer open. Meekijkers zien de uitslag van de vorige "
                    "sluiting."
                ),
            )
            return redirect("assessment", pk=pk)
    return render(
        request,
        "assessments/reopen_confirm.html",
        {"assessment": assessment, "organisation": assessment.organisation, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def reporting_groups_edit(request, pk):
    """The consultant sets the reporting groups, until the assessment closes."""
    assessment = get_assessment_for_user(request.user, pk, write=True)
    if assessment.is_closed:
        messages.error(request, _("De meting is gesloten: de groepen liggen vast."))
        return redirect("assessment", pk=pk)
    if assessment.released_responses is not None:
        # Reopened: viewers see the earlier close, in its groups; other groups over the
        # same people would set two releases side by side.
        messages.error(request, _("De meting is eerder gesloten: de groepen liggen vast."))
        return redirect("assessment", pk=pk)
    form = ReportingGroupsForm(
        request.POST, layers=assessment.layers.order_by("order", "pk"), groups=[], default=False
    )
    if not form.is_valid():
        return assessment_detail(request, pk, groups_form=form)
    assessment.reporting_groups = form.grouping()
    assessment.save(update_fields=["reporting_groups"])
    messages.success(request, _("De rapportagegroepen zijn opgeslagen."))
    return redirect("assessment", pk=pk)
