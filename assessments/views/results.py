"""The results dashboard of an assessment and its downloads (JSON, CSV, XLSX).

Consultants see the results also while the assessment is open; viewers only once it is
closed. Everything shown comes from `assessment_results()`, which already leaves out
the groups that privacy hides; this view only arranges it for the page and the charts.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..access import get_assessment_with_role, results_visible
from ..collection import open_link_overflow
from ..hooks import results_context, results_parts
from ..presentation import (
    benchmark_table,
    chart_value,
    department_table,
    display,
    display_change,
    group_labels,
    group_rows,
    group_table,
    highlight_rows,
    model_labels,
    risk_rows,
    rounded,
    score_row,
    track_labels,
    trend_table,
)
from ..results import assessment_results, department_names, visible_comments
from ..results_export import FORMATS, results_file
from ..scoring import MIN_BENCHMARK_PEERS
from ..versions import held_back

DEPARTMENT_PARAMETER = "afdeling"


class UnknownDepartment(Exception):
    """A department parameter that names no department of the assessment's respondents."""


class NotYetClosed(PermissionDenied):
    """A viewer asks for the results of an assessment that is not closed yet."""

    def __init__(self, assessment):
        super().__init__()
        self.assessment = assessment


def _results_for_user(request, pk):
    """The assessment and its results (or one department's), if the user may see them."""
    assessment, consultant = get_assessment_with_role(request.user, pk)
    if not results_visible(assessment, consultant=consultant):
        raise NotYetClosed(assessment)
    department = request.GET.get(DEPARTMENT_PARAMETER, "").strip()
    # The consultant sees the current results; a viewer the version released to them.
    only = None if consultant else assessment.released_responses
    if department:
        # Only a department that respondents named; anything else is not a page (and
        # would otherwise keep a result row for every made-up name).
        if department not in department_names(assessment, only):
            raise UnknownDepartment
    results = assessment_results(assessment, department=department, current=consultant)
    return assessment, consultant, results


def _dashboard(results, names, track_names):
    """Rows for the tables and data for the charts of the results page (the rows from
    presentation.py, as the report builds them)."""
    factors = [
        {
            **score_row(code, names.get(code, code), factor),
            "track": track_names.get(factor.track, factor.track),
            "spread": display(factor.spread),
            "layer_gap": display(factor.layer_gap),
            "respondents": factor.respondents,
        }
        for code, factor in results.factors.items()
    ]
    tracks = [
        score_row(code, track_names.get(code, code), track)
        for code, track in results.tracks.items()
    ]
    shown = [group for group in results.groups if group.shown]
    highlights = results.highlights
    # Risks by rule (in rule order), so many risks of one kind read as one point.
    risks = []
    for risk in risk_rows(highlights.risks, names, track_names):
        if not risks or risks[-1]["rule"] != risk["rule"]:
            risks.append({"rule": risk["rule"], "title": risk["title"], "items": []})
        risks[-1]["items"].append(risk)
    chart = {
        "factors": [names.get(code, code) for code in results.factors],
        "codes": list(results.factors),
        "current": [chart_value(f.current) for f in results.factors.values()],
        "desired": [chart_value(f.desired) for f in results.factors.values()],
        "tracks": [track_names.get(code, code) for code in results.tracks],
        "track_current": [chart_value(t.current) for t in results.tracks.values()],
        "track_desired": [chart_value(t.desired) for t in results.tracks.values()],
        "layers": [names.get(group.code, group.code) for group in shown],
        "heatmap": [
            [chart_value(group.factors[code].current) for group in shown]
            for code in results.factors
        ],
        "trend": _trend_chart(results.trend, track_names),
        "labels": {
            "current": _("Huidige situatie"),
            "desired": _("Gewenste situatie"),
            "score": _("Score (0–5)"),
            "overall": _("Totaal"),
        },
    }
    return {
        "factor_rows": factors,
        "track_rows": tracks,
        "shown_layers": group_rows(shown, names),
        "hidden_layers": group_rows(
            [g for g in results.groups if not g.shown], names, results.scoring.min_group_size
        ),
        "department_table": None if results.department else department_table(results, names),
        "heatmap_rows": group_table(results, names),
        "strengths": highlight_rows(highlights.strengths, results, names),
        "attention": highlight_rows(highlights.attention, results, names),
        "ambitions": highlight_rows(highlights.ambitions, results, names),
        "risks": risks,
        "chart": chart,
    }


def _trend_chart(trend, track_names):
    if not trend:
        return None
    return {
        "names": [point.name for point in trend],
        "series": [{"name": _("Totaal"), "values": [chart_value(p.overall.current) for p in trend]}]
        + [
            {
                "name": track_names.get(code, code),
                "values": [chart_value(p.tracks[code].current) for p in trend],
            }
            for code in trend[-1].tracks
        ],
    }


def _summary(results, names):
    """A few plain sentences a director reads first (the details follow on the page)."""
    lines = []
    highlights = results.highlights
    if highlights.strengths and highlights.attention:
        best, worst = highlights.strengths[0], highlights.attention[0]
        lines.append(
            _("Sterkste punt: %(name)s (%(score)s).")
            % {"name": names.get(best, best), "score": display(results.factors[best].current)}
        )
        lines.append(
            _("Meeste aandacht nodig: %(name)s (%(score)s).")
            % {"name": names.get(worst, worst), "score": display(results.factors[worst].current)}
        )
    if results.benchmark:
        rows = [
            row
            for row in results.benchmark.tracks
            if row.score is not None and row.mean is not None
        ]
        higher = sum(1 for row in rows if rounded(row.score) > rounded(row.mean))
        lines.append(
            _(
                "Vergeleken met %(peers)s vergelijkbare organisaties scoort u op %(higher)s van "
                "de %(tracks)s ontwikkelsporen hoger dan gemiddeld."
            )
            % {"peers": results.benchmark.peers, "higher": higher, "tracks": len(rows)}
        )
    if len(results.trend) >= 2:
        previous, now = results.trend[-2], results.trend[-1]
        if now.overall.change is not None:
            change = now.overall.change
            lines.append(
                _("Sinds %(previous)s: van %(before)s naar %(after)s (%(change)s).")
                % {
                    "previous": previous.name,
                    "before": display(previous.overall.current),
                    "after": display(now.overall.current),
                    "change": display_change(change),
                }
            )
    return lines


def _unknown_department(request, pk):
    """A rendered 404 (not Django's debug page listing every URL pattern when DEBUG is on)
    for a department name that no respondent gave, with the way back to the results."""
    return render(
        request,
        "assessments/unknown_department.html",
        {"results_url": reverse("results", args=[pk])},
        status=404,
    )


@login_required
def results_page(request, pk):
    try:
        assessment, consultant, results = _results_for_user(request, pk)
    except NotYetClosed as refused:
        context = {"assessment": refused.assessment}
        return render(request, "assessments/results_not_yet.html", context, status=403)
    except UnknownDepartment:
        return _unknown_department(request, pk)
    names, tracks = model_labels(assessment)
    names = group_labels(results, names)
    track_names = track_labels(tracks)
    context = {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "results": results,
        "consultant": consultant,
        "department": results.department,
        "departments": results.departments,
        "overall": score_row("", "", results.overall),
        "formats": FORMATS,
        "held_back": held_back(assessment) if consultant else [],
        # Other apps' buttons, comment actions and downloads (roadmap), see hooks.py.
        "parts": results_parts(assessment, consultant),
    }
    if results.scores_shown:
        comments = visible_comments(results)
        context.update(_dashboard(results, names, track_names))
        context["summary"] = _summary(results, names)
        # The results session's agreed levels (issue 15), beside the survey's figures;
        # organisation-wide, so not on a department's page.
        agreed = (
            {}
            if results.department
            else {a.factor.code: a for a in assessment.agreed_levels.select_related("factor")}
        )
        context["has_agreed"] = bool(agreed)
        for row in context["factor_rows"]:
            row["comments"] = comments.get(row["code"], [])
            row["agreed"] = agreed.get(row["code"])
        context["has_comments"] = bool(comments)
        context["benchmark"] = benchmark_table(results.benchmark, {**names, **track_names})
        if not results.department:
            context["overflow"] = [
                {
                    "name": names.get(o.group, o.group),
                    "responses": o.responses,
                    "headcount": o.headcount,
                }
                for o in open_link_overflow(assessment, results.groups)
            ]
        context["min_benchmark_peers"] = MIN_BENCHMARK_PEERS
        context["trend"] = trend_table(results.trend, {**names, **track_names})
        if not results.department:
            # Sections of other apps (roadmap: plan versus effect), see hooks.py.
            context.update(results_context(assessment, results, {**names, **track_names}))
    else:
        context["hidden_layers"] = group_rows(results.groups, names)
    return render(request, "assessments/results.html", context)


@login_required
def results_download(request, pk, file_format):
    if file_format not in FORMATS:
        raise Http404
    try:
        _assessment, _consultant, results = _results_for_user(request, pk)
    except UnknownDepartment:
        return _unknown_department(request, pk)
    filename, mimetype, content = results_file(results, file_format)
    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
