"""The results of an assessment as a file: JSON, CSV or XLSX.

All three are built from `results_json()` (spec/interfaces.md, "Results JSON"; here, not in
results.py, which only loads and keeps the results), so they carry nothing that the JSON
leaves out: a layer or department that privacy hides has
only its count in any format. The JSON is unrounded; CSV and XLSX are for people
(interfaces.md): one decimal as on screen, the CSV as Dutch Excel reads it (semicolons,
decimal commas), and formula-safe (safe_cells). Used by the `export_results` command and
the download buttons of the results page. Their benchmark and trend rows come from the
same builders as the page's and the report's (presentation.py), with raw numbers.
"""

import io
import json
from dataclasses import asdict

from openpyxl import Workbook

from . import scoring
from .presentation import (
    benchmark_table,
    group_labels,
    group_name,
    labels,
    one_decimal,
    risk_reason,
    trend_table,
)
from .results import ambitions_benchmark, peers_movement
from .safe_cells import csv_line, safe_cell
from .stages import stage_hint, stage_name

FORMATS = ("json", "csv", "xlsx")
MIMETYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# --- Results JSON (spec/interfaces.md) ------------------------------------------------

# The scoring rules' version (spec/scoring.md), written into the results JSON.
SCORING_VERSION = 2


def _score_json(score):
    return {"current": score.current, "desired": score.desired, "gap": score.gap}


def results_json(results):
    """The results in the shape of spec/interfaces.md ("Results JSON"), unrounded."""
    assessment = results.assessment
    overall = results.overall
    names = group_labels(results, labels(assessment))
    group_of = {layer: group.code for group in results.groups for layer in group.layers}
    data = {
        "assessment": {
            "id": assessment.pk,
            "name": assessment.name,
            "organisation": assessment.organisation.name,
            "model_version": assessment.model_version.code,
            "min_group_size": assessment.min_group_size,
            "respondents": results.respondents,
            "scoring": SCORING_VERSION,
        },
        "overall": {
            **_score_json(overall),
            "stage": overall.stage,
            "stage_name": None if overall.stage is None else stage_name(overall.stage),
        },
        "tracks": [
            {"code": code, **_score_json(track), "stage": track.stage}
            for code, track in results.tracks.items()
        ],
        "factors": [
            {
                "code": code,
                "track": factor.track,
                **_score_json(factor),
                "stage": factor.stage,
                "spread": factor.spread,
                "layer_gap": factor.layer_gap,
                "respondents": factor.respondents,
            }
            for code, factor in results.factors.items()
        ],
        "layers": [
            {"code": code, "respondents": n, "group": group_of.get(code)}
            for code, n in results.scoring.layers.items()
        ],
        "groups": [
            _group_json(group, code=group.code, name=group_name(group, names), layers=group.layers)
            for group in results.groups
        ],
        "departments": [
            _group_json(group, name=group.code, counted=group.counted)
            for group in results.departments
        ],
        "highlights": {
            "strengths": results.highlights.strengths,
            "attention": results.highlights.attention,
            "ambitions": results.highlights.ambitions,
            "risks": [
                {
                    "rule": risk.rule,
                    "factor": risk.factor,
                    "reason": risk_reason(risk, names),
                }
                for risk in results.highlights.risks
            ],
        },
        "benchmark": _benchmark_json(results.benchmark),
        "trend": [asdict(point) for point in results.trend],
    }
    if not results.department:
        data["ambitions"] = _ambitions_json(ambitions_benchmark(results))
        movement = peers_movement(results)
        data["peers_movement"] = None if movement is None else asdict(movement)
    if results.department:
        data["assessment"]["department"] = results.department
        del data["layers"], data["groups"], data["departments"]
    return data


def _benchmark_json(benchmark):
    """Per track and factor code the peers' mean, this organisation's percentile and
    the peers' quartiles (null below 10 peers); null when no benchmark is shown."""
    table = benchmark_table(benchmark, raw=True)
    if table is None:
        return None

    def by_code(rows):
        return {
            row["code"]: {key: row[key] for key in ("mean", "percentile", "q1", "q3")}
            for row in rows
        }

    return {
        "peers": table["peers"],
        "factors": by_code(table["factors"]),
        "tracks": by_code(table["tracks"]),
    }


def _ambitions_json(ambitions):
    """Per factor code the peers' mean, this organisation's percentile and the peers'
    quartiles (null below 10 peers) of the current score, the desired score and the gap;
    null when no benchmark is shown."""
    if ambitions is None:
        return None

    def row(item):
        return {"mean": item.mean, "percentile": item.percentile, "q1": item.q1, "q3": item.q3}

    return {
        "peers": ambitions.peers,
        "factors": {
            r.code: {"current": row(r.current), "desired": row(r.desired), "gap": row(r.gap)}
            for r in ambitions.factors
        },
    }


def _group_json(group, **names):
    """A reporting group or department: names and counts, and its factor figures only
    when it is shown (a figure over too few answers is null)."""
    data = {**names, "respondents": group.respondents, "shown": group.shown}
    if group.shown:
        data["factors"] = {
            code: {
                "current": score.current,
                "desired": score.desired,
                "respondents": score.respondents,
            }
            for code, score in group.factors.items()
        }
    return data


# --- CSV and XLSX ---------------------------------------------------------------------

# One long table: every score of the JSON is one row, `section` says which part it is.
CSV_COLUMNS = [
    "section",
    "code",
    "track",
    "layer",
    "group",
    "department",
    "respondents",
    "counted",
    "shown",
    "current",
    "desired",
    "gap",
    "stage",
    "spread",
    "layer_gap",
    "rule",
    "reason",
    # The benchmark's rows (sections benchmark_track and benchmark_factor).
    "peers",
    "mean",
    "percentile",
    "q1",
    "q3",
    # Where the rounded score and its stage seem to disagree (2,0 shown, stage 1): the
    # unrounded score the stage comes from, in words (stages.stage_hint); else empty.
    "stage_note",
]

TREND_COLUMNS = ["assessment", "name", "closed_at", "section", "code", "current", "change"]


def result_rows(data):
    """The rows of the CSV (and of the XLSX sheet "results") from results_json()."""
    rows = [{"section": "overall", "respondents": data["assessment"]["respondents"]}]
    rows[0].update(_scores(data["overall"]))
    rows[0]["stage"] = data["overall"]["stage"]
    rows[0]["stage_note"] = stage_hint(data["overall"]["current"])
    for track in data["tracks"]:
        rows.append({"section": "track", "code": track["code"], **_scores(track)})
        rows[-1]["stage"] = track["stage"]
        rows[-1]["stage_note"] = stage_hint(track["current"])
    for factor in data["factors"]:
        rows.append(
            {
                "section": "factor",
                "code": factor["code"],
                "track": factor["track"],
                "respondents": factor["respondents"],
                **_scores(factor),
                "stage": factor["stage"],
                "stage_note": stage_hint(factor["current"]),
                "spread": factor["spread"],
                "layer_gap": factor["layer_gap"],
            }
        )
    for layer in data.get("layers", []):
        rows.append(
            {
                "section": "layer",
                "layer": layer["code"],
                "group": layer["group"],
                "respondents": layer["respondents"],
            }
        )
    for group in data.get("groups", []):
        rows.append(
            {
                "section": "group",
                "group": group["code"],
                "code": group["name"],
                "respondents": group["respondents"],
                "shown": group["shown"],
            }
        )
    for group in data.get("groups", []):
        for code, score in group.get("factors", {}).items():
            rows.append(
                {"section": "group_factor", "code": code, "group": group["code"], **_scores(score)}
            )
    for department in data.get("departments", []):
        rows.append(
            {
                "section": "department",
                "department": department["name"],
                "respondents": department["respondents"],
                "counted": department["counted"],
                "shown": department["shown"],
            }
        )
    for department in data.get("departments", []):
        for code, score in department.get("factors", {}).items():
            rows.append(
                {
                    "section": "department_factor",
                    "code": code,
                    "department": department["name"],
                    **_scores(score),
                }
            )
    highlights = data["highlights"]
    for section, key in [
        ("strength", "strengths"),
        ("attention", "attention"),
        ("ambition", "ambitions"),
    ]:
        rows.extend({"section": section, "code": code} for code in highlights[key])
    for risk in highlights["risks"]:
        rows.append(
            {
                "section": "risk",
                "code": risk["factor"],
                "rule": risk["rule"],
                "reason": risk["reason"],
            }
        )
    for row in _benchmark_sheet(data):
        section = {"tracks": "benchmark_track", "factors": "benchmark_factor"}[row["section"]]
        rows.append({**row, "section": section})
    return rows


def _scores(score):
    values = {"current": score["current"], "desired": score["desired"]}
    if "gap" in score:
        values["gap"] = score["gap"]
    return values


# The tables of the XLSX, one sheet each: (sheet name, columns, rows as dicts). The CSV
# is the table "results". A new section is a new row kind or a new table here.
def export_tables(data):
    assessment = [{"key": key, "value": value} for key, value in data["assessment"].items()]
    return [
        ("assessment", ["key", "value"], assessment),
        ("results", CSV_COLUMNS, result_rows(data)),
        ("benchmark", BENCHMARK_COLUMNS, _benchmark_sheet(data)),
        ("trend", TREND_COLUMNS, _trend_sheet(data)),
    ]


BENCHMARK_COLUMNS = ["section", "code", "peers", "mean", "percentile", "q1", "q3"]


def _benchmark_of(data):
    """The benchmark of results_json() back as scoring.Benchmark, for benchmark_table():
    the file carries what the JSON carries (each row with the peers of the benchmark)."""
    benchmark = data["benchmark"]
    if benchmark is None:
        return None

    def rows(section):
        return [
            scoring.BenchmarkRow(code=code, score=None, peers=benchmark["peers"], **row)
            for code, row in benchmark[section].items()
        ]

    return scoring.Benchmark(
        peers=benchmark["peers"], tracks=rows("tracks"), factors=rows("factors")
    )


def _trend_of(data):
    """The trend of results_json() back as scoring.TrendPoint, for trend_table()."""

    def values(section):
        return {code: scoring.TrendValue(**value) for code, value in section.items()}

    return [
        scoring.TrendPoint(
            assessment=point["assessment"],
            name=point["name"],
            closed_at=point["closed_at"],
            overall=scoring.TrendValue(**point["overall"]),
            tracks=values(point["tracks"]),
            factors=values(point["factors"]),
        )
        for point in data["trend"]
    ]


def _benchmark_sheet(data):
    """The benchmark of results_json() as rows (none when it is not shown): per track
    and factor the peers' mean, the percentile and the quartiles, never a peer's value
    (presentation.benchmark_table, unrounded)."""
    table = benchmark_table(_benchmark_of(data), raw=True)
    return [
        {**row, "section": section}
        for section in ("tracks", "factors")
        for row in (table or {}).get(section, [])
    ]


def _trend_sheet(data):
    """The trend of results_json() as one row per measurement and figure, the
    measurements oldest first (presentation.trend_table, unrounded)."""
    table = trend_table(_trend_of(data), raw=True)
    if table is None:
        return []
    return [
        {
            "assessment": point["assessment"],
            "name": point["name"],
            "closed_at": point["closed_at"],
            "section": row["section"],
            "code": row["code"],
            **row["cells"][index],
        }
        for index, point in enumerate(table["points"])
        for row in table["rows"]
    ]


# --- Cells: as on screen, formula-safe -------------------------------------------------


def csv_cell(value):
    """A value as Dutch Excel reads it: decimal comma, one decimal; undefined is empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(one_decimal(value)).replace(".", ",")
    if isinstance(value, bool | int):
        return str(value)
    return safe_cell(str(value))


def xlsx_cell(value):
    """A value for a worksheet: a float rounded to one decimal, text never a formula."""
    if isinstance(value, float):
        return float(one_decimal(value))
    if value is None or isinstance(value, bool | int):
        return value
    return safe_cell(str(value))


def results_csv(data):
    """The long table for Dutch Excel: UTF-8 with a BOM (so Excel reads accents),
    semicolons, decimal commas, one decimal as on screen, undefined values empty."""
    lines = [csv_line(CSV_COLUMNS, ";")]
    for row in result_rows(data):
        lines.append(csv_line([csv_cell(row.get(column)) for column in CSV_COLUMNS], ";"))
    return "".join(lines).encode("utf-8-sig")


def results_xlsx(data):
    """A workbook: the assessment, the long results table, benchmark and trend. Scores
    are numbers rounded to one decimal and shown with one; text is never a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, columns, rows in export_tables(data):
        sheet = workbook.create_sheet(name)
        sheet.append(columns)
        for row in rows:
            sheet.append([xlsx_cell(row.get(column)) for column in columns])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def results_file(results, file_format):
    """(filename, mimetype, bytes) of the results in one of FORMATS."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}; choose one of {', '.join(FORMATS)}")
    data = results_json(results)
    if file_format == "json":
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    elif file_format == "csv":
        content = results_csv(data)
    else:
        content = results_xlsx(data)
    name = f"resultaten-meting-{results.assessment.pk}"
    if results.department:
        name += "-" + "".join(
            c if c.isascii() and c.isalnum() else "-" for c in results.department.lower()
        )
    return f"{name}.{file_format}", MIMETYPES[file_format], content
