"""The A4 report's explaining chapters (issue 16): the method, the departments, the
comments per factor and, per track, what its scores mean and what the roadmap does.

Each function returns plain data for one sub-template of templates/print/report/ and is
called once from documents.report_data(). Privacy: everything comes from the results
object as it was released (its shown groups and departments, `visible_comments`);
nothing here looks at respondents itself.
"""

from assessments import risk_rules, scoring
from assessments.models import Question
from assessments.presentation import department_table, display, risk_method
from assessments.results import visible_comments
from assessments.stages import MAX_LEVEL, MIN_LEVEL, stage_label

# How many activities of a track's first two years the advice names.
ADVICE_ACTIVITIES = 3
ADVICE_YEARS = 2


def method(assessment, results, tracks, names):
    """The model, the scale, who was asked what, and the rules behind the figures, with
    the thresholds as risk_rules.py declares them (never retyped here)."""
    # One query for the questions and, through them, the factors they measure; the
    # layers come from the reporting groups (every layer is in one) and `names`.
    questions = list(
        Question.objects.filter(version_id=assessment.model_version_id)
        .select_related("factor")
        .order_by("factor__order", "order")
    )
    factors = list({question.factor_id: question.factor for question in questions}.values())
    layer_codes = [code for group in results.groups for code in group.layers]
    layers = [
        {
            "label": names.get(code, code),
            "questions": sum(1 for question in questions if question.is_asked_of(code)),
        }
        for code in layer_codes
    ]
    k = assessment.min_group_size
    return {
        "tracks": [
            {
                "code": track.code,
                "label": track.label,
                "factors": [
                    {"code": f.code, "label": f.label, "description": f.localised("description")}
                    for f in factors
                    if f.track_id == track.pk
                ],
            }
            for track in tracks
        ],
        "factor_count": len(factors),
        "question_count": len(questions),
        "stages": [
            {"level": level, "name": stage_label(level)}
            for level in range(MIN_LEVEL, MAX_LEVEL + 1)
        ],
        "layers": layers,
        "k": k,
        "groups": [
            {"label": names.get(group.code, group.code), "shown": group.shown}
            for group in results.groups
        ],
        "highlight_count": scoring.HIGHLIGHT_COUNT,
        "rules": [
            {"title": str(declared.title), "text": risk_method(declared, names)}
            for declared in risk_rules.RULES
        ],
        "spread_risk": display(risk_rules.rule(risk_rules.NO_AGREEMENT).thresholds["threshold"]),
        "min_benchmark_peers": scoring.MIN_BENCHMARK_PEERS,
    }


def departments(results, names):
    """The department × factor heat table exactly as the results page releases it
    (presentation.department_table, one builder for both; hidden departments by name
    only), or None when the results show no scores."""
    if not results.scores_shown or results.department:
        return None
    table = department_table(results, names)
    if not table["rows"] and not table["hidden"]:
        return None
    return table


def comments(results, names):
    """The comments per factor that the results page shows (only from respondents in
    shown groups; none at all below k), in factor order."""
    by_factor = visible_comments(results)
    return [
        {"code": code, "label": names.get(code, code), "texts": by_factor[code]}
        for code in results.factors
        if by_factor.get(code)
    ]


def track_advice(track_page, cards_with_activities, descriptors):
    """Per track: where it stands (its stage and the next stage of its lowest factor, in
    the model's words) and the first activities of the roadmap for it in years 1–2, with
    their library descriptions."""
    advice = {"stage": track_page.get("stage"), "current": track_page.get("current")}
    factors = [row for row in track_page["factors"] if row.get("stage")]
    if factors:
        lowest = min(factors, key=lambda row: (row["stage"]["level"], row["current"]))
        level = lowest["stage"]["level"]
        advice["focus"] = {
            "code": lowest["code"],
            "label": lowest["label"],
            "stage": lowest["stage"]["name"],
            "next_stage": stage_label(level + 1) if level < MAX_LEVEL else "",
            "next_text": descriptors.get((lowest["code"], level + 1), ""),
        }
    advice["activities"] = [
        {
            "title": card["title"],
            "factor_label": card["factor_label"],
            "year": activity.year,
            "description": activity.description_label,
        }
        for activity, card in cards_with_activities
        if card["track"] == track_page["code"]
        and not activity.after_horizon
        and activity.year is not None
        and activity.year <= ADVICE_YEARS
        and activity.status != activity.Status.LAPSED
    ][:ADVICE_ACTIVITIES]
    return advice


def stage_footnotes(rows):
    """Footnotes for the score rows whose shown score and stage seem to disagree (2,0
    shown, stage Pionier): each such row gets "note", its footnote's number, and the
    footnotes say which unrounded score the stage comes from."""
    notes = []
    for row in rows:
        hint = (row.get("stage") or {}).get("hint")
        if hint:
            notes.append({"mark": len(notes) + 1, "subject": row["label"], "text": hint})
            row["note"] = len(notes)
    return notes


def add_parts(doc, *, assessment, results, tracks, names, cards, descriptors):
    """Add the explaining chapters to the report's data `doc` (documents.report_data)."""
    doc["method"] = method(assessment, results, tracks, names)
    shown = doc["scores_shown"]
    doc["department_table"] = departments(results, names) if shown else None
    doc["comments"] = comments(results, names) if shown else []
    for page in doc["track_pages"]:
        page["advice"] = track_advice(page, cards, descriptors) if shown else None
    doc["stage_notes"] = stage_footnotes([*doc["tracks"], *doc["factors"]]) if shown else []
    return doc
