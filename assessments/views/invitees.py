"""The invitee list: the consultant searches, filters and corrects personal invitations;
a viewer sees counts only (who answered what is never shown, and the counts of who
takes part follow the response monitor's private counting)."""

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import collection, invitees
from ..access import get_assessment_for_user, get_assessment_with_role
from ..models import Department, Invitation

PAGE_SIZE = 50


class FilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Zoek op e-mailadres"), required=False, max_length=254)
    laag = forms.ChoiceField(label=gettext_lazy("Laag"), required=False)
    afdeling = forms.CharField(label=gettext_lazy("Afdeling"), required=False, max_length=200)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, layers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["laag"].choices = [("", _("Alle lagen"))] + [
            (layer.code, layer.label) for layer in layers
        ]
        self.fields["status"].choices = [("", _("Alle"))] + [
            (key, str(label)) for key, label in invitees.STATUS_LABELS.items()
        ]


class InviteeForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mailadres"), max_length=254)
    layer = forms.ChoiceField(label=gettext_lazy("Laag"))
    department = forms.ChoiceField(label=gettext_lazy("Afdeling"), required=False)

    def __init__(self, *args, invitation, layers, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.layers = {layer.code: layer for layer in layers}
        self.fields["layer"].choices = [(layer.code, layer.label) for layer in layers]
        # The organisation's departments, and the invitee's own (a list may have named
        # one the organisation does not have): no new department by a typing error.
        names = sorted(set(departments) | ({invitation.department} - {""}))
        self.fields["department"].choices = [("", _("Geen afdeling"))] + [
            (name, name) for name in names
        ]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = (
            Invitation.objects.filter(assessment_id=self.invitation.assessment_id, email=email)
            .exclude(pk=self.invitation.pk)
            .exists()
        )
        if taken:
            raise forms.ValidationError(_("Dit e-mailadres is al uitgenodigd voor deze meting."))
        return email

    def change(self):
        data = self.cleaned_data
        return invitees.Change(
            email=data["email"], layer=self.layers[data["layer"]], department=data["department"]
        )


def _departments(assessment):
    return list(
        Department.objects.filter(organisation_id=assessment.organisation_id).values_list(
            "name", flat=True
        )
    )


def _filtered(invitations, data):
    if data.get("q"):
        invitations = invitations.filter(email__icontains=data["q"].strip())
    if data.get("laag"):
        invitations = invitations.filter(layer__code=data["laag"])
    if data.get("afdeling"):
        invitations = invitations.filter(department=data["afdeling"])
    if data.get("status"):
        invitations = invitations.filter(invitees.status_filters()[data["status"]])
    return invitations


def _viewer_page(request, assessment):
    """Counts only: invitations (the organisation's own knowledge, not split by how far
    people are, which would give away who started) and the monitor's private totals."""
    personal = invitees.personal_invitations(assessment)
    counts = personal.aggregate(
        total=Count("pk"),
        unsent=Count("pk", filter=Q(sent_at__isnull=True)),
        reminded=Count("pk", filter=Q(reminded_at__isnull=False)),
    )
    return render(
        request,
        "assessments/invitees_viewer.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "counts": counts,
            "monitor": collection.response_monitor(assessment, private=True)["total"],
        },
    )


@login_required
def invitee_list(request, pk, edit=None):
    assessment, consultant = get_assessment_with_role(request.user, pk)
    if not consultant:
        return _viewer_page(request, assessment)
    layers = list(assessment.layers.order_by("order", "pk"))
    filters = FilterForm(request.GET or None, layers=layers)
    data = filters.cleaned_data if filters.is_valid() else {}
    personal = invitees.personal_invitations(assessment)
    shown = _filtered(personal, data)
    page = Paginator(
        invitees.with_mail_failed(shown)
        .select_related("layer", "response")
        .order_by("email", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("pagina"))
    departments = _departments(assessment)
    rows = []
    for invitation in page.object_list:
        status = invitees.status_of(invitation)
        form = None
        if status not in (invitees.STARTED, invitees.SUBMITTED):
            if edit is not None and edit.invitation.pk == invitation.pk:
                form = edit
            else:
                form = InviteeForm(
                    invitation=invitation,
                    layers=layers,
                    departments=departments,
                    initial={
                        "email": invitation.email,
                        "layer": invitation.layer.code,
                        "department": invitation.department,
                    },
                    prefix=f"i{invitation.pk}",
                )
        rows.append(
            {
                "invitation": invitation,
                "status": status,
                "status_label": invitees.STATUS_LABELS[status],
                "form": form,
            }
        )
    query = {key: value for key, value in data.items() if value}
    return render(
        request,
        "assessments/invitees.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "filters": filters,
            "rows": rows,
            "page": page,
            "query": urlencode(query),
            "status_rows": _status_rows(invitees.status_counts(personal), data.get("status")),
            "found": page.paginator.count,
            "back_to": request.get_full_path(),
        },
        status=400 if (edit is not None or filters.errors) else 200,
    )


def _status_rows(counts, chosen):
    return [
        {"key": key, "label": label, "count": counts[key], "chosen": key == chosen}
        for key, label in invitees.STATUS_LABELS.items()
    ]


def _back(request, assessment):
    """Back to the list as it was (the filters and page travel in `next`)."""
    target = request.POST.get("next", "")
    prefix = reverse("invitees", args=[assessment.pk])
    return redirect(target if target.startswith(prefix) else prefix)


@login_required
@require_POST
def invitee_edit(request, pk, invitation):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    found = (
        invitees.personal_invitations(assessment).select_related("layer").filter(pk=invitation)
    ).first()
    if found is None:
        raise Http404
    action = request.POST.get("action")
    if action == "resend":
        return _resend(request, assessment, found)
    if action not in ("save", "remove"):
        raise PermissionDenied
    if invitees.has_started(found):
        messages.error(
            request,
            _("%(email)s is al begonnen: de uitnodiging kan niet meer worden gewijzigd.")
            % {"email": found.email},
        )
        return _back(request, assessment)
    try:
        if action == "remove":
            invitees.invitee_remove(invitation=found)
            messages.success(request, _("%(email)s is verwijderd.") % {"email": found.email})
            return _back(request, assessment)
        form = InviteeForm(
            request.POST,
            invitation=found,
            layers=list(assessment.layers.order_by("order", "pk")),
            departments=_departments(assessment),
            prefix=f"i{found.pk}",
        )
        if not form.is_valid():
            # The list as the consultant left it, with this row's form and its errors.
            request.GET = QueryDict(urlsplit(request.POST.get("next", "")).query)
            return invitee_list(request, pk, edit=form)
        invitees.invitee_change(invitation=found, change=form.change())
    except invitees.InviteeLocked:
        messages.error(
            request,
            _("%(email)s is net begonnen: de uitnodiging kan niet meer worden gewijzigd.")
            % {"email": found.email},
        )
        return _back(request, assessment)
    messages.success(request, _("%(email)s is bijgewerkt.") % {"email": found.email})
    return _back(request, assessment)


def _resend(request, assessment, invitation):
    if not assessment.is_open:
        messages.error(request, _("Alleen terwijl de vragenlijst open is, gaat er mail uit."))
    elif invitees.status_of(invitation) == invitees.SUBMITTED:
        messages.error(
            request, _("%(email)s heeft de vragenlijst al ingevuld.") % {"email": invitation.email}
        )
    else:
        queued = invitees.invitee_send(
            invitation=invitation, base_url=request.build_absolute_uri("/")
        )
        if queued:
            messages.success(
                request,
                _("Een nieuwe uitnodiging voor %(email)s staat klaar om te versturen.")
                % {"email": invitation.email},
            )
        else:
            messages.info(
                request,
                _("Er staat al een uitnodiging voor %(email)s klaar om te versturen.")
                % {"email": invitation.email},
            )
    return _back(request, assessment)
