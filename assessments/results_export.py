"""The results of an assessment as a file: JSON, CSV or XLSX.

All three are built from `results_json()` (spec/interfaces.md, "Results JSON"), so they
carry nothing that the JSON leaves out: a layer or department that privacy hides has
only its count in any format. The JSON is unrounded; CSV and XLSX are for people
(interfaces.md): one decimal as on screen, the CSV as Dutch Excel reads it (semicolons,
decimal commas), and formula-safe (safe_cells). Used by the `export_results` command and
the download buttons of the results page.
"""

import io
import json

from openpyxl import Workbook

from .results import results_json, rounded
from .safe_cells import csv_line, safe_cell
from .stages import stage_hint

FORMATS = ("json", "csv", "xlsx")
MIMETYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

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
    for row in benchmark_rows(data["benchmark"]):
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
        ("benchmark", BENCHMARK_COLUMNS, benchmark_rows(data["benchmark"])),
        ("trend", TREND_COLUMNS, trend_rows(data["trend"])),
    ]


BENCHMARK_COLUMNS = ["section", "code", "peers", "mean", "percentile", "q1", "q3"]


def benchmark_rows(benchmark):
    """The benchmark of results_json() as rows (none when it is not shown): per track
    and factor the peers' mean, the percentile and the quartiles, never a peer's value."""
    return [
        {"section": section, "code": code, "peers": benchmark["peers"], **row}
        for section in ("tracks", "factors")
        for code, row in (benchmark or {}).get(section, {}).items()
    ]


def trend_rows(trend):
    rows = []
    for point in trend:
        base = {"assessment": point["assessment"], "name": point["name"]}
        base["closed_at"] = point["closed_at"]
        rows.append({**base, "section": "overall", "code": "", **point["overall"]})
        for section in ("tracks", "factors"):
            for code, value in point[section].items():
                rows.append({**base, "section": section, "code": code, **value})
    return rows


# --- Cells: as on screen, formula-safe -------------------------------------------------


def _one_decimal(value):
    """A float as shown: one decimal, half up (results.rounded), never "-0.0"."""
    number = rounded(value)
    return abs(number) if number == 0 else number


def csv_cell(value):
    """A value as Dutch Excel reads it: decimal comma, one decimal; undefined is empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(_one_decimal(value)).replace(".", ",")
    if isinstance(value, bool | int):
        return str(value)
    return safe_cell(str(value))


def xlsx_cell(value):
    """A value for a worksheet: a float rounded to one decimal, text never a formula."""
    if isinstance(value, float):
        return float(_one_decimal(value))
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
