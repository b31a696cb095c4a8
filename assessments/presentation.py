"""What people read of the results: numbers, stages, names, risk wording and rows.

assessments/results.py loads, computes and keeps the results (unrounded figures); this
module turns them into what the results page, the poster and report PDFs and the CSV
and XLSX exports show (issue 16). There is one builder per kind of row, and every
output calls it, so a score, a stage, a benchmark or a trend reads the same everywhere.
Builders that the exports need as numbers take `raw=True`: the same rows, with the
unrounded values that each file format then writes in its own notation.

Privacy stays with the results: the builders read only what results.py released (shown
groups and departments, the benchmark's aggregates), never respondents themselves.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from . import risk_rules
from .models import KeyFactor, Track
from .stages import MAX_LEVEL, MIN_LEVEL, stage, stage_hint, stage_label

# --- Numbers ----------------------------------------------------------------------------


def rounded(value):
    """One decimal, half up (2.25 → 2.3), as a Decimal; None stays None.

    Rounded to 9 decimals first so a mean such as 2.2499999999999996 counts as 2.25.
    """
    if value is None:
        return None
    return Decimal(f"{value:.9f}").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def display(value):
    """A score as shown: one decimal, half up, in the active language's notation."""
    if value is None:
        return "–"
    # Scores lie far below 1,000, so only the decimal separator is localised (a page
    # shows hundreds of scores; number_format's full machinery is the slow part).
    return str(rounded(value)).replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def display_change(change):
    """A change since the previous measurement as shown: signed, one decimal, half up
    (a change that rounds to 0,0 gets no sign)."""
    if change is None:
        return None
    return ("+" if rounded(change) > 0 else "") + display(change)


def one_decimal(value):
    """A float as a file shows it: one decimal, half up (rounded), never "-0.0"."""
    number = rounded(value)
    return abs(number) if number == 0 else number


def chart_value(value):
    """A score as a chart shows it: the displayed value (one decimal, half up)."""
    return None if value is None else float(rounded(value))


def bar_width(value):
    """A score as a bar's width, in percent of the 0–5 scale; 0 without a score.

    The bar is drawn from the displayed value (one decimal, half up, as chart_value), so
    a bar always agrees with the number printed next to it: 2,3 is 46 %, never the 45,2 %
    of an unrounded 2.26. The score is clamped to the scale, and every width is then a
    whole percentage (a tenth of a point is 2 %)."""
    if value is None:
        return 0
    shown = min(Decimal(MAX_LEVEL), max(Decimal(MIN_LEVEL), rounded(value)))
    return int((shown - MIN_LEVEL) * 100 / (MAX_LEVEL - MIN_LEVEL))


def heat(value):
    """A colour step 0–5 for a heat-map cell (the number is always printed too)."""
    return "" if value is None else f"heat-{min(5, max(0, int(float(rounded(value)))))}"


def _raw(value):
    return value


# --- Stages -----------------------------------------------------------------------------


def stage_figure(score):
    """The stage of a score as shown: its level, its name in the active language and
    "hint", the unrounded score where the shown one seems to disagree with the stage
    (2,0 shown, stage Pionier; stages.stage_hint). None without a score."""
    if score is None:
        return None
    level = stage(score)
    return {"level": level, "name": stage_label(level), "hint": stage_hint(score)}


# --- Names ------------------------------------------------------------------------------


def model_labels(assessment):
    """Display names of the assessment's factors and layers by code, and the tracks of
    its model version in order: (names, tracks), in two queries (the tracks joined with
    their factors, and the layers). The results page and the report both name their
    factors and tracks through this."""
    tracks, names = {}, {}
    rows = (
        Track.objects.filter(version_id=assessment.model_version_id)
        .order_by("order", "pk")
        .values_list(
            *("pk", "code", "name", "name_en", "order"),
            *("factors__code", "factors__name", "factors__name_en"),
        )
    )
    for pk, code, name, name_en, order, factor, factor_name, factor_name_en in rows:
        if pk not in tracks:
            tracks[pk] = Track(
                pk=pk,
                version_id=assessment.model_version_id,
                code=code,
                name=name,
                name_en=name_en,
                order=order,
            )
        if factor is not None:
            names[factor] = KeyFactor(code=factor, name=factor_name, name_en=factor_name_en).label
    names.update((layer.code, layer.label) for layer in assessment.layers.all())
    return names, list(tracks.values())


def labels(assessment):
    """Display names of the assessment's factors and layers, by code (two queries)."""
    return model_labels(assessment)[0]


def group_name(group, names):
    """A reporting group's name: the consultant's, else its layers' names joined
    ("Bestuur & directie"). `names`: see labels()."""
    if group.name:
        return group.name
    parts = [names.get(code, code) for code in group.layers]
    parts[1:] = [part[:1].lower() + part[1:] for part in parts[1:]]
    if len(parts) < 3:
        return " & ".join(parts)
    return ", ".join(parts[:-1]) + " & " + parts[-1]


def group_labels(results, names):
    """`names` with the display name of every reporting group, by its code (risk
    reasons name the groups they compare)."""
    return {**names, **{group.code: group_name(group, names) for group in results.groups}}


def track_labels(tracks):
    """Display names of tracks (from model_labels()), by code."""
    return {track.code: track.label for track in tracks}


# --- Risks (the rules are declared in risk_rules.py) ------------------------------------


def risk_title(code):
    """The title of a risk rule; `risk_rules.UnknownRule` for an undeclared one."""
    return str(risk_rules.rule(code).title)


def _rule_words(declared, names):
    """A rule's thresholds and the model codes its texts name, as shown."""
    words = {key: display(value) for key, value in declared.thresholds.items()}
    words.update((key, names.get(code, code)) for key, code in declared.codes.items())
    return words


def risk_reason(risk, names):
    """The reason shown with a risk, in plain Dutch (B1): its rule's template with the
    rule's thresholds and the risk's figures (codes as names). `names`: see labels()."""
    declared = risk_rules.rule(risk.rule)
    words = _rule_words(declared, names)
    for key, value in risk.values.items():
        words[key] = names.get(value, value) if isinstance(value, str) else display(value)
    return str(declared.reason) % words


def risk_method(declared, names):
    """What a rule checks, with its thresholds, for the report's method chapter."""
    return str(declared.method) % _rule_words(declared, names)


def risk_rows(risks, names, track_names):
    """The risks as shown, in rule order: the rule's code and title, the factor or track
    the risk is about (its code, and its name as `subject`; `factor` only for a
    factor's) and the reason (without the title it starts with: the title is shown
    beside it). `names`: see group_labels()."""
    return [
        {
            "rule": risk.rule,
            "title": risk_title(risk.rule),
            "code": risk.factor or risk.track or "",
            "factor": names.get(risk.factor, risk.factor) if risk.factor else "",
            "subject": names.get(risk.factor, risk.factor)
            if risk.factor
            else track_names.get(risk.track, risk.track),
            "reason": _after_title(risk_reason(risk, names), risk_title(risk.rule)),
        }
        for risk in risks
    ]


def _after_title(reason, title):
    """A reason shown under its rule's title, without that title again at its start
    ("Verdeeld beeld: de lagen …" → "De lagen …"); the exports keep the whole sentence."""
    prefix = f"{title}:"
    if not reason.startswith(prefix):
        return reason
    rest = reason[len(prefix) :].lstrip()
    return rest[:1].upper() + rest[1:]


# --- Scores -----------------------------------------------------------------------------


def score_row(code, label, score):
    """A score (overall, a track's or a factor's) as shown: current, desired and gap,
    and the stage of the current score (stage_figure)."""
    return {
        "code": code,
        "label": label,
        "current": display(score.current),
        "desired": display(score.desired),
        "gap": display(score.gap),
        "stage": stage_figure(score.current),
    }


def bar_row(code, label, score):
    """A factor's score row (score_row) with its spread and the widths of its bars now
    and desired (bar_width): the report's factor bars and the session's score slides."""
    row = score_row(code, label, score)
    row.update(
        spread=display(score.spread),
        current_pct=bar_width(score.current),
        desired_pct=bar_width(score.desired),
    )
    return row


def highlight_rows(codes, results, names):
    """Score rows of the highlighted factors (strengths, attention points, ambitions)."""
    return [
        score_row(code, names.get(code, code), results.factors[code])
        for code in codes
        if code in results.factors
    ]


# --- Groups -----------------------------------------------------------------------------


def group_rows(groups, names, min_group_size=None):
    """Reporting groups by display name, with their layers when the name does not say
    them; `protective` marks a group of k or more that is hidden only so that a smaller
    one cannot be worked out (complementary suppression)."""
    return [
        {
            "code": g.code,
            "label": names.get(g.code, g.code),
            "layers": ", ".join(names.get(code, code) for code in g.layers) if g.name else "",
            "respondents": g.respondents,
            "protective": min_group_size is not None and g.respondents >= min_group_size,
        }
        for g in groups
    ]


def group_table(results, names):
    """The shown reporting groups side by side: per factor (rows, with its code and
    name) the current score of each shown group (columns, in group order)."""
    shown = [group for group in results.groups if group.shown]
    return [
        {
            "code": code,
            "label": names.get(code, code),
            "values": [
                display(group.factors[code].current) if group.factors.get(code) else "–"
                for group in shown
            ],
        }
        for code in results.factors
    ]


def group_table_by_group(results, names, codes):
    """group_table turned around, for a slide with a track's few factors as columns:
    per shown group (group_rows: its label and respondents, in group order) the current
    score of each factor of `codes`, from the same cells as group_table."""
    shown = [group for group in results.groups if group.shown]
    cells = {row["code"]: row["values"] for row in group_table(results, names)}
    return [
        {**group, "values": [cells[code][n] for code in codes]}
        for n, group in enumerate(group_rows(shown, names))
    ]


def department_table(results, names):
    """The shown departments side by side (department × factor, current scores), with
    a heat class per cell; the hidden ones by name with the reason. The results page
    and the report show this same table."""
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
                        "heat": heat(d.factors[code].current),
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


# --- Benchmark --------------------------------------------------------------------------


def compared(score, mean):
    """Above, below or at the peers' mean, as shown (one decimal)."""
    if score is None or mean is None:
        return ""
    difference = rounded(score) - rounded(mean)
    if difference > 0:
        return _("▲ hoger")
    if difference < 0:
        return _("▼ lager")
    return _("= gelijk")


def benchmark_table(benchmark, names=None, *, raw=False):
    """The benchmark per track and factor: this organisation's score, the peers' mean,
    this organisation's percentile and the peers' quartiles (never one peer's value);
    None when no benchmark is shown.

    As shown (the page and the report): one decimal, the percentile a whole number
    (None below the minimum of peers), the middle half and the comparison in words.
    `raw=True` (the exports): the unrounded numbers, without the words.
    """
    if benchmark is None:
        return None
    names = names or {}
    number = _raw if raw else display

    def row(item):
        values = {
            "code": item.code,
            "label": names.get(item.code, item.code),
            "peers": item.peers,
            "score": number(item.score),
            "mean": number(item.mean),
            "q1": number(item.q1),
            "q3": number(item.q3),
        }
        if raw:
            values["percentile"] = item.percentile
            return values
        values["percentile"] = None if item.percentile is None else round(item.percentile)
        values["middle_half"] = (
            "–"
            if item.q1 is None
            else _("%(q1)s tot %(q3)s") % {"q1": display(item.q1), "q3": display(item.q3)}
        )
        values["compared"] = compared(item.score, item.mean)
        return values

    return {
        "peers": benchmark.peers,
        "quartiles": benchmark.has_quartiles,
        "tracks": [row(item) for item in benchmark.tracks],
        "factors": [row(item) for item in benchmark.factors],
    }


# --- Trend ------------------------------------------------------------------------------


def trend_table(trend, names=None, *, raw=False):
    """The trend over this organisation's measurements: the points (oldest first) and
    one row per figure (the total, each track, each factor; `section` says which) with
    a cell per point, its current score and its change since the previous point; None
    without a trend. As shown, or with `raw=True` (the exports) unrounded."""
    if not trend:
        return None
    names = names or {}
    number, change = (_raw, _raw) if raw else (display, display_change)
    last = trend[-1]
    figures = [("overall", "", _("Totaal"))]
    figures += [("tracks", code, names.get(code, code)) for code in last.tracks]
    figures += [("factors", code, names.get(code, code)) for code in last.factors]
    rows = []
    for section, code, label in figures:
        values = [
            point.overall if section == "overall" else getattr(point, section)[code]
            for point in trend
        ]
        rows.append(
            {
                "section": section,
                "code": code,
                "label": label,
                "is_factor": section == "factors",
                "cells": [
                    {"current": number(value.current), "change": change(value.change)}
                    for value in values
                ],
            }
        )
    return {
        "points": [
            {"assessment": point.assessment, "name": point.name, "closed_at": point.closed_at}
            for point in trend
        ],
        "rows": rows,
    }
