"""The consultant's side of survey collection: status, invitations, mails, response
monitor, and raw-answer upload and download. Every view goes through access.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import collection, imports, outbox, wide
from ..access import get_assessment_for_user, get_assessment_with_role
from ..forms import (
    AnswersUploadForm,
    ImportMappingForm,
    MailPreviewForm,
    MailTextForm,
    OpenLinkForm,
    UploadForm,
)
from ..models import Invitation, Question

MAX_ERRORS_SHOWN = 200


@login_required
@require_POST
def assessment_status(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    action = request.POST.get("action", "")
    if action == "close" and not request.POST.get("confirm"):
        messages.error(request, _("Vink eerst aan dat u de vragenlijst echt wilt sluiten."))
    elif collection.assessment_set_status(assessment=assessment, action=action):
        if assessment.is_open:
            messages.success(request, _("De vragenlijst is open. Respondenten kunnen beginnen."))
        else:
            messages.success(request, _("De vragenlijst is gesloten. Er kan niets meer bij."))
    else:
        messages.error(request, _("Die stap kan nu niet."))
    return redirect("assessment", pk=assessment.pk)


@login_required
def response_monitor(request, pk):
    # Viewers see it too, with the counts of who takes part kept private.
    assessment, consultant = get_assessment_with_role(request.user, pk)
    return render(
        request,
        "assessments/monitor.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "monitor": collection.response_monitor(assessment, private=not consultant),
        },
    )


def _import_upload(importer, *, assessment, form, **options):
    """Run an all-or-nothing import of the uploaded file: (outcome, [], None) or
    (None, errors, the wide file's columns as understood or None)."""
    file = form.cleaned_data["file"]
    try:
        # The file itself, not its bytes: the import reads it streamed, within limits.
        outcome = importer(
            assessment=assessment,
            data=file,
            name=file.name,
            create_departments=form.cleaned_data["create_departments"],
            **options,
        )
        return outcome, [], None
    except imports.FileRejected as rejected:
        return None, rejected.errors, rejected.columns


def _error_context(errors):
    """The bad lines of a rejected file as shown: the first MAX_ERRORS_SHOWN, and a count."""
    return {
        "errors": [imports.describe(*error) for error in errors[:MAX_ERRORS_SHOWN]],
        "more_errors": max(0, len(errors) - MAX_ERRORS_SHOWN),
    }


def _base_url(request):
    return request.build_absolute_uri("/")


@login_required
def invitations(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    upload = UploadForm()
    link_form = OpenLinkForm(assessment=assessment)
    text_form = MailTextForm(instance=assessment)
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "upload":
            upload = UploadForm(request.POST, request.FILES)
            if upload.is_valid():
                outcome, errors, _columns = _import_upload(
                    imports.import_respondents, assessment=assessment, form=upload
                )
                if outcome is not None:
                    added = ngettext(
                        "%(created)s uitnodiging toegevoegd",
                        "%(created)s uitnodigingen toegevoegd",
                        outcome.created,
                    ) % {"created": outcome.created}
                    skipped = ngettext(
                        "%(skipped)s stond er al.",
                        "%(skipped)s stonden er al.",
                        outcome.skipped,
                    ) % {"skipped": outcome.skipped}
                    messages.success(request, f"{added}, {skipped}")
                    return redirect("invitations", pk=assessment.pk)
        elif action == "link":
            link_form = OpenLinkForm(request.POST, assessment=assessment)
            if link_form.is_valid():
                _invitation, token = collection.open_link_create(
                    assessment=assessment,
                    layers=link_form.cleaned_data["layers"],
                    headcount=link_form.cleaned_data["headcount"],
                )
                request.session["new_link"] = request.build_absolute_uri(
                    collection.link_path(token)
                )
                return redirect("invitations", pk=assessment.pk)
        elif action == "texts":
            text_form = MailTextForm(request.POST, instance=assessment)
            if text_form.is_valid():
                text_form.save()
                messages.success(request, _("De teksten zijn opgeslagen."))
                return redirect("invitations", pk=assessment.pk)
        elif action in ("send", "remind", "retry"):
            if assessment.is_closed:
                messages.error(
                    request,
                    _(
                        "De vragenlijst is gesloten: er gaan geen uitnodigingen of "
                        "herinneringen meer uit."
                    ),
                )
            elif not assessment.is_open:
                messages.error(request, _("Zet de vragenlijst eerst open."))
            elif action == "send":
                queued = collection.invitations_send(
                    assessment=assessment, base_url=_base_url(request)
                )
                messages.success(request, _queued_message(queued, reminders=False))
            elif action == "remind":
                queued = collection.reminders_send(
                    assessment=assessment, base_url=_base_url(request)
                )
                messages.success(request, _queued_message(queued, reminders=True))
            else:
                queued = outbox.retry_failed(assessment, base_url=_base_url(request))
                messages.success(
                    request,
                    ngettext(
                        "%(n)s mislukte e-mail staat weer klaar om te versturen.",
                        "%(n)s mislukte e-mails staan weer klaar om te versturen.",
                        queued,
                    )
                    % {"n": queued},
                )
            return redirect("invitations", pk=assessment.pk)
    personal = Invitation.objects.filter(assessment=assessment, kind=Invitation.Kind.PERSONAL)
    preview_form = MailPreviewForm(request.GET or None, assessment=assessment)
    preview = None
    if preview_form.is_bound and preview_form.is_valid():
        subject, body = outbox.preview(
            assessment=assessment,
            invitation=preview_form.cleaned_data["invitee"],
            kind=preview_form.cleaned_data["kind"],
            base_url=_base_url(request),
        )
        preview = {"subject": subject, "body": body}
    return render(
        request,
        "assessments/invitations.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "upload": upload,
            "link_form": link_form,
            "text_form": text_form,
            **_error_context(errors),
            "personal": personal.count(),
            "unsent": personal.filter(sent_at__isnull=True).count(),
            "open_links": _open_links(assessment),
            "outbox": outbox.progress(assessment),
            "failed_mails": outbox.failed_mails(assessment),
            "preview_form": preview_form,
            "preview": preview,
            "new_link": request.session.pop("new_link", None),
        },
        status=400 if errors else 200,
    )


def _queued_message(queued, *, reminders):
    if not queued:
        if reminders:
            return _(
                "Er is niemand om te herinneren: wie een e-mail kreeg, is klaar of staat al "
                "in de wachtrij."
            )
        return _(
            "Er is niemand meer om uit te nodigen: iedereen op de lijst is gemaild of staat "
            "in de wachtrij."
        )
    if reminders:
        text = ngettext(
            "%(n)s herinnering staat klaar om te versturen.",
            "%(n)s herinneringen staan klaar om te versturen.",
            queued,
        )
    else:
        text = ngettext(
            "%(n)s uitnodiging staat klaar om te versturen.",
            "%(n)s uitnodigingen staan klaar om te versturen.",
            queued,
        )
    return text % {"n": queued}


@never_cache
@login_required
def outbox_status(request, pk):
    """The outbox's progress as JSON, for the invitations page's progress bar."""
    assessment = get_assessment_for_user(request.user, pk, write=True)
    return JsonResponse(outbox.progress(assessment))


def _open_links(assessment):
    """The open links with their group's name, use and whether they start new responses."""
    names = {layer.code: layer.label for layer in assessment.layers.all()}
    links = (
        Invitation.objects.filter(assessment=assessment, kind=Invitation.Kind.OPEN)
        .select_related("layer")
        .annotate(used=Count("link_responses"))
        .order_by("created_at", "pk")
    )
    return [
        {
            "link": link,
            "name": collection.open_link_name(link, names),
            "refusal": collection.open_link_refusal(
                link, used=link.used, min_group_size=assessment.min_group_size
            ),
        }
        for link in links
    ]


@login_required
@require_POST
def open_link_renew(request, pk, link):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    invitation = Invitation.objects.filter(
        pk=link, assessment=assessment, kind=Invitation.Kind.OPEN
    ).first()
    if invitation is None:
        raise Http404
    token = collection.invitation_rotate(invitation=invitation)
    request.session["new_link"] = request.build_absolute_uri(collection.link_path(token))
    return redirect("invitations", pk=assessment.pk)


@login_required
def answers_upload(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    action = request.POST.get("action", "upload")
    posted = request.method == "POST"
    form = AnswersUploadForm(
        request.POST if posted and action == "upload" else None,
        request.FILES if posted and action == "upload" else None,
    )
    mapping_form = ImportMappingForm(
        request.POST if posted and action == "mapping" else None, assessment=assessment
    )
    errors, columns, preview = [], None, None
    if posted and action == "mapping" and mapping_form.is_valid():
        mapping_form.save()
        messages.success(request, _("De kolomkoppeling is opgeslagen."))
        return redirect("answers_upload", pk=assessment.pk)
    if posted and action == "upload" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        outcome, errors, columns = _import_upload(
            imports.import_answers, assessment=assessment, form=form, dry_run=dry_run
        )
        if outcome is not None and dry_run:
            preview = outcome.details
            preview["respondents"] = outcome.created
            columns = outcome.details["columns"]
        elif outcome is not None:
            messages.success(
                request,
                _("%(n)s respondenten met %(answers)s antwoorden geïmporteerd.")
                % {"n": outcome.created, "answers": outcome.details["answers"]},
            )
            return redirect("response_monitor", pk=assessment.pk)
    return render(
        request,
        "assessments/answers_upload.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "form": form,
            "mapping_form": mapping_form,
            "columns": _column_rows(assessment, columns),
            "preview": preview,
            **_error_context(errors),
        },
        status=400 if errors or mapping_form.errors else 200,
    )


def _column_rows(assessment, columns):
    """How each column of a wide file was understood, for the dry-run table."""
    if not columns:
        return []
    texts = dict(
        Question.objects.filter(version_id=assessment.model_version_id).values_list("code", "text")
    )
    return [
        {
            "number": column.index + 1,
            "header": column.header,
            "understood": wide.describe_target(column.target, texts),
            "known": bool(column.target),
            "by_mapping": column.source == "mapping",
        }
        for column in columns
    ]


@login_required
def answers_download(request, pk):
    # Respondent-level data: for consultants only (spec/scoring.md, privacy).
    assessment = get_assessment_for_user(request.user, pk, write=True)
    response = HttpResponse(imports.export_answers(assessment), content_type="text/csv")
    name = slugify(f"{assessment.organisation.name}-{assessment.name}") or "antwoorden"
    response["Content-Disposition"] = f'attachment; filename="{name}-antwoorden.csv"'
    return response
