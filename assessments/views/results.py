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

from roadmap.continuity import continuity_display

from ..access import get_assessment_with_role, results_visible
from ..collection import open_link_overflow
from ..models import Track
from ..presentation import (
    display,
    display_change,
    group_labels,
    labels,
    risk_reason,
    risk_title,
    rounded,
)
from ..results import assessment_results, department_names, visible_comments
from ..results_export import FORMATS, results_file
from ..scoring import MIN_BENCHMARK_PEERS
from ..stages import stage_hint, stage_label
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


def _chart_value(value):
    """A score as a chart shows it: the displayed value (one decimal, half up)."""
    return None if value is None else float(rounded(value))


def _stage(score):
    return "" if score.stage is None else stage_label(score.stage)


def _dashboard(results, names, track_names):
    """Rows for the tables and data for the charts of the results page."""
    factors = [
        {
            "code": code,
            "name": names.get(code, code),
            "track": track_names.get(factor.track, factor.track),
            "current": display(factor.current),
            "stage": _stage(factor),
            "stage_hint": stage_hint(factor.current),
            "desired": display(factor.desired),
            "gap": display(factor.gap),
            "spread": display(factor.spread),
            "layer_gap": display(factor.layer_gap),
            "respondents": factor.respondents,
        }
        for code, factor in results.factors.items()
    ]
    tracks = [
        {
            "code": code,
            "name": track_names.get(code, code),
            "current": display(track.current),
            "stage": _stage(track),
            "stage_hint": stage_hint(track.current),
            "desired": display(track.desired),
            "gap": display(track.gap),
        }
        for code, track in results.tracks.items()
    ]
    shown = [group for group in results.groups if group.shown]
    heatmap = [
        {
            "name": names.get(code, code),
            "values": [display(group.factors[code].current) for group in shown],
        }
        for code in results.factors
    ]
    highlights = results.highlights

    def named(codes, attribute):
        return [
            {
                "name": names.get(code, code),
                "value": display(getattr(results.factors[code], attribute)),
            }
            for code in codes
        ]

    # Risks by rule (in rule order), so many risks of one kind read as one point.
    risks = []
    for risk in highlights.risks:
        if not risks or risks[-1]["rule"] != risk.rule:
            risks.append({"rule": risk.rule, "title": risk_title(risk.rule), "items": []})
        risks[-1]["items"].append(
            {
                "subject": names.get(risk.factor, risk.factor)
                if risk.factor
                else track_names.get(risk.track, risk.track),
                "reason": risk_reason(risk, names),
            }
        )
    chart = {
        "factors": [names.get(code, code) for code in results.factors],
        "codes": list(results.factors),
        "current": [_chart_value(f.current) for f in results.factors.values()],
        "desired": [_chart_value(f.desired) for f in results.factors.values()],
        "tracks": [track_names.get(code, code) for code in results.tracks],
        "track_current": [_chart_value(t.current) for t in results.tracks.values()],
        "track_desired": [_chart_value(t.desired) for t in results.tracks.values()],
        "layers": [names.get(group.code, group.code) for group in shown],
        "heatmap": [
            [_chart_value(group.factors[code].current) for group in shown]
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
        "shown_layers": _named_groups(shown, names),
        "hidden_layers": _named_groups(
            [g for g in results.groups if not g.shown], names, results.scoring.min_group_size
        ),
        "department_table": None if results.department else _department_table(results, names),
        "heatmap_rows": heatmap,
        "strengths": named(highlights.strengths, "current"),
        "attention": named(highlights.attention, "current"),
        "ambitions": named(highlights.ambitions, "gap"),
        "risks": risks,
        "chart": chart,
    }


def _named_groups(groups, names, min_group_size=None):
    """Reporting groups by display name, with their layers when the name does not say
    them; `protective` marks a group of k or more that is hidden only so that a smaller
    one cannot be worked out (complementary suppression)."""
    return [
        {
            "name": names.get(g.code, g.code),
            "layers": ", ".join(names.get(code, code) for code in g.layers) if g.name else "",
            "respondents": g.respondents,
            "protective": min_group_size is not None and g.respondents >= min_group_size,
        }
        for g in groups
    ]


def _department_table(results, names):
    """The shown departments side by side (department × factor, current scores), with
    a heat class per cell; the hidden ones by name with the reason."""
    shown = [d for d in results.departments if d.shown]
    k = results.scoring.min_group_size
    return {
        "factors": [{"code": code, "name": names.get(code, code)} for code in results.factors],
        "rows": [
            {
                "name": d.code,
                "counted": d.counted,
                "respondents": d.respondents,
                "cells": [
                    {
                        "value": display(d.factors[code].current),
                        "heat": _heat(d.factors[code].current),
                    }
                    for code in results.factors
                ],
            }
            for d in shown
        ],
        "hidden": [
            {"name": d.code, "small": d.counted < k, "respondents": d.respondents}
            for d in results.departments
            if not d.shown
        ],
    }


def _heat(value):
    """A colour step 0–5 for a heat-map cell (the number is always printed too)."""
    return "" if value is None else f"heat-{min(5, max(0, int(float(rounded(value)))))}"


def _trend_chart(trend, track_names):
    if not trend:
        return None
    return {
        "names": [point.name for point in trend],
        "series": [
            {"name": _("Totaal"), "values": [_chart_value(p.overall.current) for p in trend]}
        ]
        + [
            {
                "name": track_names.get(code, code),
                "values": [_chart_value(p.tracks[code].current) for p in trend],
            }
            for code in trend[-1].tracks
        ],
    }


def _benchmark_rows(benchmark, names, track_names):
    if benchmark is None:
        return None

    def row(item, label):
        return {
            "name": label,
            "score": display(item.score),
            "mean": display(item.mean),
            "percentile": "–" if item.percentile is None else f"{item.percentile:.0f}",
            "middle_half": "–"
            if item.q1 is None
            else _("%(q1)s tot %(q3)s") % {"q1": display(item.q1), "q3": display(item.q3)},
            "compared": _compared(item.score, item.mean),
        }

    return {
        "peers": benchmark.peers,
        "quartiles": benchmark.has_quartiles,
        "tracks": [row(item, track_names.get(item.code, item.code)) for item in benchmark.tracks],
        "factors": [row(item, names.get(item.code, item.code)) for item in benchmark.factors],
    }


def _compared(score, mean):
    """Above, below or at the peers' mean, as shown (one decimal)."""
    if score is None or mean is None:
        return ""
    difference = rounded(score) - rounded(mean)
    if difference > 0:
        return _("▲ hoger")
    if difference < 0:
        return _("▼ lager")
    return _("= gelijk")


def _trend_rows(trend, names, track_names):
    if not trend:
        return None
    codes = [("overall", None, _("Totaal"))]
    codes += [("tracks", code, track_names.get(code, code)) for code in trend[-1].tracks]
    codes += [("factors", code, names.get(code, code)) for code in trend[-1].factors]
    rows = []
    for section, code, label in codes:
        cells = []
        for point in trend:
            value = point.overall if section == "overall" else getattr(point, section)[code]
            change = value.change
            cells.append(
                {
                    "current": display(value.current),
                    "change": display_change(change),
                }
            )
        rows.append({"name": label, "is_factor": section == "factors", "cells": cells})
    return {"points": trend, "rows": rows}


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
    names = group_labels(results, labels(assessment))
    track_names = {
        track.code: track.label
        for track in Track.objects.filter(version_id=assessment.model_version_id)
    }
    context = {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "results": results,
        "consultant": consultant,
        "can_edit": consultant,  # print/_downloads.html
        "department": results.department,
        "departments": results.departments,
        "overall": {
            "current": display(results.overall.current),
            "desired": display(results.overall.desired),
            "gap": display(results.overall.gap),
            "stage": _stage(results.overall),
            "stage_hint": stage_hint(results.overall.current),
        },
        "formats": FORMATS,
        "held_back": held_back(assessment) if consultant else [],
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
        context["benchmark"] = _benchmark_rows(results.benchmark, names, track_names)
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
        context["trend"] = _trend_rows(results.trend, names, track_names)
        if not results.department:
            context["continuity"] = continuity_display(
                assessment, results, {**names, **track_names}
            )
    else:
        context["hidden_layers"] = _named_groups(results.groups, names)
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
