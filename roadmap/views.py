"""Strategy session, roadmap and data projects register: thin views over services.py.

Every object comes through assessments/access.py: a stranger gets 404, a viewer who
tries to write gets 403.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.access import (
    can_edit,
    get_assessment_for_user,
    get_assessment_with_role,
    get_organisation_for_user,
    results_visible,
)
from assessments.models import Track
from assessments.presentation import display
from assessments.results import assessment_results, department_names, visible_comments
from assessments.stages import stage_hint
from assessments.views.results import DEPARTMENT_PARAMETER

from . import adoption, agreed, continuity, pdf, services
from .forms import (
    TEXT_FIELDS,
    ActivityForm,
    AdoptionForm,
    AgreedLevelsForm,
    CustomActivityForm,
    DataProjectForm,
    GenerateForm,
    StrategyForm,
    when_choices,
    when_value,
)
from .models import DataProject, PlannedActivity, Roadmap, RoadmapVersion, VisionSession


def _roadmap_url(assessment_pk, activity=None):
    url = reverse("roadmap", args=[assessment_pk])
    return f"{url}#activiteit-{activity.pk}" if activity else url


def _new_version(request, roadmap):
    """Before a change: an adopted roadmap becomes the next concept version (issue 15)."""
    if adoption.before_change(roadmap):
        messages.info(
            request,
            _(
                "De routekaart was vastgesteld. Deze wijziging begint versie %(number)s, "
                "een concept; de vastgestelde versie blijft leesbaar bij ‘Versies’."
            )
            % {"number": roadmap.version},
        )


def _adoption_initial(roadmap):
    return {
        "status": roadmap.adoption_status,
        "body": roadmap.adopted_body,
        "body_other": roadmap.adopted_body_other,
        "adopted_on": roadmap.adoption_date,
        "adopted_by": roadmap.adoption_by,
    }


def _adoption_context(roadmap):
    """The status line and the consultant's small status form of the roadmap page."""
    return {
        "adoption_line": adoption.adoption_line(roadmap),
        "adoption_form": AdoptionForm(initial=_adoption_initial(roadmap)),
    }


@login_required
def strategy(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    roadmap = services.roadmap_for(assessment)
    targets = services.strategy_targets(roadmap=roadmap)
    initial = {
        "vision": roadmap.vision,
        "principles": "\n".join(roadmap.principles),
        "frameworks": roadmap.frameworks,
        "horizon": roadmap.horizon,
        "start_year": roadmap.start_year,
        "capacity": roadmap.capacity,
    }
    form = StrategyForm(request.POST or None, initial=initial, targets=targets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form.has_changed() or "generate" in request.POST:
            _new_version(request, roadmap)
        services.strategy_save(
            roadmap=roadmap,
            vision=data["vision"],
            principles=data["principles"],
            frameworks=data["frameworks"],
            horizon=data["horizon"],
            start_year=data["start_year"],
            capacity=data["capacity"],
            targets=form.chosen_targets(),
        )
        messages.success(request, _("Strategiesessie opgeslagen."))
        if "generate" in request.POST and assessment.is_closed:
            first = not roadmap.activities.exists()
            services.roadmap_generate(roadmap=roadmap)
            if first:
                messages.success(request, _("Routekaart gemaakt."))
            else:
                messages.success(
                    request, _("Routekaart bijgewerkt; uw eigen wijzigingen zijn bewaard.")
                )
            return redirect(_roadmap_url(assessment.pk))
        return redirect("strategy", pk=assessment.pk)
    for row in targets:
        row["current_shown"] = display(row["current"])
        row["desired_shown"] = display(row["desired"])
        # The default target is the desired score's stage: 3,96 shows as 4,0 with a
        # default of 3, so say where the 3 comes from.
        row["desired_hint"] = stage_hint(row["desired"])
    return render(
        request,
        "roadmap/strategy.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "form": form,
            "no_scores": all(row["current"] is None for row in targets),
            "roadmap": roadmap,
            "vision_session": VisionSession.objects.filter(assessment=assessment).first(),
        },
    )


def _grid(activities, tracks, years):
    """Rows per track of cells per year, and the activities after the horizon."""
    cells = {(track.pk, year): [] for track in tracks for year, _calendar in years}
    later = []
    for activity in activities:
        if activity.after_horizon:
            later.append(activity)
        else:
            cells.setdefault((activity.factor.track_id, activity.year), []).append(activity)
    rows = [
        (track, [(year, calendar, cells[track.pk, year]) for year, calendar in years])
        for track in tracks
    ]
    return rows, later


@login_required
def roadmap_detail(request, pk):
    assessment, editable = get_assessment_with_role(request.user, pk)
    roadmap = Roadmap.objects.filter(assessment=assessment).first()
    context = {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "roadmap": roadmap,
        "can_edit": editable,
    }
    if roadmap is not None:
        activities = services.roadmap_activities(roadmap)
        tracks = list(Track.objects.filter(version_id=assessment.model_version_id))
        years = roadmap.years
        rows, later = _grid(activities, tracks, years)
        context.update(
            rows=rows,
            later=later,
            before_prerequisite=services.prerequisite_warnings(
                activities, start_year=roadmap.start_year
            ),
            waiting=[activity for activity in activities if activity.waits_for],
            activities=activities,
            progress=services.roadmap_progress(activities, tracks=tracks, years=years),
            targets=list(roadmap.targets.select_related("factor").exclude(target_stage=None)),
            generate_form=GenerateForm(),
            history=continuity.done_history(roadmap),
            **_adoption_context(roadmap),
        )
        if editable:
            context.update(
                when_choices=when_choices(roadmap),
                status_choices=PlannedActivity.Status.choices,
                data_projects=list(assessment.organisation.data_projects.all()),
            )
            for activity in activities:
                activity.when = when_value(activity)
    return render(request, "roadmap/roadmap.html", context)


@login_required
@require_POST
def roadmap_generate(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    form = GenerateForm(request.POST)
    if not assessment.is_closed:
        messages.error(request, _("Sluit eerst de meting: de routekaart volgt uit de uitslag."))
        return redirect(_roadmap_url(assessment.pk))
    reset = form.is_valid() and form.cleaned_data["reset"]
    roadmap = services.roadmap_for(assessment)
    _new_version(request, roadmap)
    first = not roadmap.activities.exists()
    services.roadmap_generate(roadmap=roadmap, reset=reset)
    if first:
        messages.success(request, _("Routekaart gemaakt."))
    elif reset:
        messages.success(request, _("Routekaart opnieuw gemaakt vanaf de bibliotheek."))
    else:
        messages.success(request, _("Routekaart bijgewerkt; uw eigen wijzigingen zijn bewaard."))
    return redirect(_roadmap_url(assessment.pk))


def _activity_for_user(user, pk, *, write):
    activity = get_object_or_404(
        PlannedActivity.objects.select_related("roadmap", "factor__track", "data_project"), pk=pk
    )
    assessment = get_assessment_for_user(user, activity.roadmap.assessment_id, write=write)
    activity.roadmap.assessment = assessment
    return activity


@login_required
def activity_edit(request, pk):
    activity = _activity_for_user(request.user, pk, write=True)
    roadmap = activity.roadmap
    assessment = roadmap.assessment
    form = ActivityForm(
        request.POST or None,
        roadmap=roadmap,
        organisation=assessment.organisation,
        custom=activity.custom,
        initial={
            "title": activity.title,
            "title_en": activity.title_en,
            "description": activity.description,
            "description_en": activity.description_en,
            "when": when_value(activity),
            "owner": activity.owner,
            "status": activity.status,
            "data_project": activity.data_project,
        },
    )
    if request.method == "POST" and form.is_valid():
        year, quarter = form.cleaned_data["when"]
        if form.has_changed():
            _new_version(request, roadmap)
        services.activity_update(
            activity=activity,
            year=year,
            quarter=quarter,
            owner=form.cleaned_data["owner"],
            status=form.cleaned_data["status"],
            data_project=form.cleaned_data["data_project"],
            texts={
                field: form.cleaned_data[field] for field in TEXT_FIELDS if field in form.fields
            },
        )
        messages.success(request, _("Activiteit %(code)s opgeslagen.") % {"code": activity.code})
        return redirect(_roadmap_url(assessment.pk, activity))
    # The same warnings as on its card: its place against its prerequisites.
    others = list(
        roadmap.activities.only("code", "year", "quarter", "after_horizon", "prerequisites")
    )
    services.prerequisite_warnings(
        [activity, *(other for other in others if other.pk != activity.pk)],
        start_year=roadmap.start_year,
    )
    return render(
        request,
        "roadmap/activity_form.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "activity": activity,
            "roadmap": roadmap,
            "form": form,
            "suggestions": []
            if activity.data_project_id
            else services.suggest_data_projects(activity, form.fields["data_project"].queryset),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_remove(request, pk):
    """GET asks to confirm (a removed activity cannot be brought back); POST removes."""
    activity = _activity_for_user(request.user, pk, write=True)
    assessment_pk = activity.roadmap.assessment_id
    if request.method == "GET":
        assessment = activity.roadmap.assessment
        return render(
            request,
            "roadmap/activity_remove.html",
            {
                "assessment": assessment,
                "organisation": assessment.organisation,
                "activity": activity,
            },
        )
    _new_version(request, activity.roadmap)
    services.activity_remove(activity=activity)
    messages.success(request, _("Activiteit verwijderd."))
    return redirect(_roadmap_url(assessment_pk))


@login_required
def activity_add(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    roadmap = services.roadmap_for(assessment)
    form = CustomActivityForm(request.POST or None, roadmap=roadmap)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        year, quarter = data["when"]
        _new_version(request, roadmap)
        activity = services.activity_add(
            roadmap=roadmap,
            title=data["title"],
            title_en=data["title_en"],
            description=data["description"],
            description_en=data["description_en"],
            factor=data["factor"],
            kind=data["kind"],
            effort=data["effort"],
            year=year,
            quarter=quarter,
            owner=data["owner"],
            reason=data["reason"],
        )
        messages.success(request, _("Activiteit toegevoegd."))
        return redirect(_roadmap_url(assessment.pk, activity))
    return render(
        request,
        "roadmap/activity_add.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "roadmap": roadmap,
            "form": form,
        },
    )


# --- Data projects register and portal -------------------------------------------------


@login_required
def data_projects(request, pk):
    organisation = get_organisation_for_user(request.user, pk)
    projects = organisation.data_projects.all()
    return render(
        request,
        "roadmap/data_projects.html",
        {
            "organisation": organisation,
            "projects": projects,
            "can_edit": can_edit(request.user, organisation),
        },
    )


@login_required
def data_portal(request, pk):
    organisation = get_organisation_for_user(request.user, pk)
    products = organisation.data_projects.filter(status=DataProject.Status.IN_USE)
    return render(
        request, "roadmap/data_portal.html", {"organisation": organisation, "products": products}
    )


def _data_project_for_user(user, pk, *, write):
    project = get_object_or_404(DataProject.objects.select_related("organisation"), pk=pk)
    get_organisation_for_user(user, project.organisation_id, write=write)
    return project


@login_required
def data_project_create(request, pk):
    organisation = get_organisation_for_user(request.user, pk, write=True)
    form = DataProjectForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Dataproject toegevoegd aan het register."))
        return redirect("data_projects", pk=organisation.pk)
    return render(
        request, "roadmap/data_project_form.html", {"organisation": organisation, "form": form}
    )


@login_required
def data_project_edit(request, pk):
    project = _data_project_for_user(request.user, pk, write=True)
    organisation = project.organisation
    form = DataProjectForm(request.POST or None, instance=project, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Dataproject opgeslagen."))
        return redirect("data_projects", pk=organisation.pk)
    return render(
        request,
        "roadmap/data_project_form.html",
        {"organisation": organisation, "form": form, "project": project},
    )


@login_required
@require_POST
def data_project_delete(request, pk):
    project = _data_project_for_user(request.user, pk, write=True)
    organisation_pk = project.organisation_id
    project.delete()
    messages.success(request, _("Dataproject verwijderd uit het register."))
    return redirect("data_projects", pk=organisation_pk)


def _lines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


@login_required
@require_POST
def comment_to_idea(request, pk):
    """Add a survey comment shown on the results page to the register as an idea.

    Only a comment the consultant's results page shows (visible_comments: shown groups,
    the same department) can become an idea; the text is checked against that list, so
    a forged post cannot pull in a comment of a hidden group. Never who wrote it."""
    assessment = get_assessment_for_user(request.user, pk, write=True)
    code = request.POST.get("factor", "")
    text = request.POST.get("text", "")
    department = request.POST.get(DEPARTMENT_PARAMETER, "").strip()
    if department and department not in department_names(assessment, None):
        raise Http404
    results = assessment_results(assessment, department=department, current=True)
    # A browser sends the line breaks of a form value as CRLF whatever was stored.
    wanted = _lines(text)
    stored = next((c for c in visible_comments(results).get(code, []) if _lines(c) == wanted), None)
    if stored is None:
        raise Http404
    project = services.idea_from_comment(
        organisation=assessment.organisation, factor_code=code, text=stored
    )
    messages.success(
        request,
        _("Toegevoegd aan het register als idee: ‘%(subject)s’.") % {"subject": project.subject},
    )
    url = reverse("results", args=[assessment.pk])
    if department:
        url += "?" + urlencode({DEPARTMENT_PARAMETER: department})
    return redirect(f"{url}#h-comments")


# --- Adoption and versions ---------------------------------------------------------------


@login_required
def roadmap_adoption(request, pk):
    """The consultant records the status: concept, discussed, adopted (by, when, who)."""
    assessment = get_assessment_for_user(request.user, pk, write=True)
    roadmap = get_object_or_404(Roadmap, assessment=assessment)
    form = AdoptionForm(request.POST or None, initial=_adoption_initial(roadmap))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        adoption.set_status(
            roadmap=roadmap,
            status=data["status"],
            body=data["body"],
            body_other=data["body_other"].strip(),
            when=data["adopted_on"],
            by=data["adopted_by"].strip(),
        )
        messages.success(request, _("Status van strategie en routekaart opgeslagen."))
        return redirect(_roadmap_url(assessment.pk))
    return render(
        request,
        "roadmap/adoption.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "roadmap": roadmap,
            "form": form,
            "adoption_line": adoption.adoption_line(roadmap),
        },
    )


@login_required
def roadmap_versions(request, pk, number=None):
    """The adopted versions of strategy and roadmap, and one of them in full."""
    assessment, editable = get_assessment_with_role(request.user, pk)
    roadmap = get_object_or_404(Roadmap, assessment=assessment)
    versions = list(RoadmapVersion.objects.filter(roadmap=roadmap))
    for version in versions:
        version.line = adoption.version_line(version)
    shown = None
    if number is not None:
        shown = next((v for v in versions if v.number == number), None)
        if shown is None:
            raise Http404
        statuses = dict(PlannedActivity.Status.choices)
        for item in shown.snapshot.get("activities", []):
            item["status_label"] = statuses.get(item["status"], item["status"])
    return render(
        request,
        "roadmap/versions.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "roadmap": roadmap,
            "versions": versions,
            "shown": shown,
            "adoption_line": adoption.adoption_line(roadmap),
        },
    )


# --- Results session (validation) -------------------------------------------------------


@login_required
def agreed_levels_page(request, pk):
    """The consultant records per factor what the organisation agreed in the results
    session, beside the survey's figures (shown only under the usual privacy rules)."""
    assessment = get_assessment_for_user(request.user, pk, write=True)
    factors = list(
        assessment.model_version.factors.select_related("track").order_by("track__order", "order")
    )
    current = agreed.agreed_levels(assessment)
    form = AgreedLevelsForm(
        request.POST if "save" in request.POST else None, factors=factors, agreed=current
    )
    if request.method == "POST":
        if "use_targets" in request.POST:
            if agreed.agreed_levels_with_desired(assessment):
                _new_version(request, services.roadmap_for(assessment))
            codes, adjusted = agreed.use_as_targets(assessment)
            if not codes:
                messages.error(request, _("Er is nog geen gewenst niveau afgesproken."))
                return redirect("agreed_levels", pk=assessment.pk)
            messages.success(
                request,
                _("De afgesproken gewenste niveaus zijn de doelen van de routekaart (%(codes)s).")
                % {"codes": ", ".join(codes)},
            )
            if adjusted:
                messages.warning(
                    request,
                    _(
                        "Aangepast aan wat binnen de horizon kan (niet onder de huidige fase, "
                        "hoogstens één fase per jaar): %(codes)s."
                    )
                    % {"codes": ", ".join(adjusted)},
                )
            return redirect("strategy", pk=assessment.pk)
        if form.is_valid():
            agreed.agreed_levels_save(assessment=assessment, rows=form.levels())
            messages.success(request, _("Afspraken uit de resultatensessie opgeslagen."))
            return redirect("agreed_levels", pk=assessment.pk)
    results = assessment_results(assessment, current=True)
    survey = results.factors if results.scores_shown else {}
    rows = [
        {
            "factor": factor,
            "current": display(survey[factor.code].current) if factor.code in survey else "–",
            "desired": display(survey[factor.code].desired) if factor.code in survey else "–",
            "fields": fields,
        }
        for factor, *fields in form.rows()
    ]
    return render(
        request,
        "roadmap/agreed_levels.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "form": form,
            "rows": rows,
            "scores_shown": results.scores_shown,
            "has_desired": any(level.desired is not None for level in current.values()),
        },
    )


# --- Printed documents -----------------------------------------------------------------


def _printable_assessment(user, pk):
    """The assessment for a download, on the same terms as its results."""
    assessment, consultant = get_assessment_with_role(user, pk)
    if not results_visible(assessment, consultant=consultant):
        raise PermissionDenied
    return assessment


def _pdf_response(assessment, kind, roadmap=None):
    name, mimetype, content = pdf.generate(assessment, kind, roadmap=roadmap)
    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def poster_pdf(request, pk):
    assessment = _printable_assessment(request.user, pk)
    roadmap = Roadmap.objects.filter(assessment=assessment).first()
    if roadmap is None:
        raise Http404
    roadmap.assessment = assessment
    return _pdf_response(assessment, pdf.POSTER, roadmap)


@login_required
def report_pdf(request, pk):
    return _pdf_response(_printable_assessment(request.user, pk), pdf.REPORT)
