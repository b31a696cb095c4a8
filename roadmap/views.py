"""Strategy session, roadmap and data projects register: thin views over services.py.

Every object comes through assessments/access.py: a stranger gets 404, a viewer who
tries to write gets 403.
"""

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
from assessments.results import display

from . import pdf, services
from .forms import (
    TEXT_FIELDS,
    ActivityForm,
    CustomActivityForm,
    DataProjectForm,
    GenerateForm,
    StrategyForm,
    when_choices,
    when_value,
)
from .models import DataProject, PlannedActivity, Roadmap


def _roadmap_url(assessment_pk, activity=None):
    url = reverse("roadmap", args=[assessment_pk])
    return f"{url}#activiteit-{activity.pk}" if activity else url


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
    return render(
        request,
        "roadmap/strategy.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "form": form,
            "no_scores": all(row["current"] is None for row in targets),
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
            "form": form,
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
        {"assessment": assessment, "organisation": assessment.organisation, "form": form},
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
