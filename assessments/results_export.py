"""The results of an assessment as a file: JSON, CSV or XLSX.

All three are built from `results_json()` (spec/interfaces.md, "Results JSON"), so they
carry the same unrounded numbers and nothing that the JSON leaves out: a layer or
department that privacy hides has only its count in any format. Used by the
`export_results` command and the download buttons of the results page.
"""

import io
import json

import pandas as pd

from .results import results_json

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
]


def result_rows(data):
    """The rows of the CSV (and of the XLSX sheet "results") from results_json()."""
    rows = [{"section": "overall", "respondents": data["assessment"]["respondents"]}]
    rows[0].update(_scores(data["overall"]))
    rows[0]["stage"] = data["overall"]["stage"]
    for track in data["tracks"]:
        rows.append({"section": "track", "code": track["code"], **_scores(track)})
        rows[-1]["stage"] = track["stage"]
    for factor in data["factors"]:
        rows.append(
            {
                "section": "factor",
                "code": factor["code"],
                "track": factor["track"],
                "respondents": factor["respondents"],
                **_scores(factor),
                "stage": factor["stage"],
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
    return rows


def _scores(score):
    values = {"current": score["current"], "desired": score["desired"]}
    if "gap" in score:
        values["gap"] = score["gap"]
    return values


def results_frame(data):
    frame = pd.DataFrame(result_rows(data), columns=CSV_COLUMNS)
    # Counts and stages are whole numbers, also in a column with empty cells.
    return frame.astype(
        {"respondents": "Int64", "counted": "Int64", "stage": "Int64", "shown": "boolean"}
    )


def results_csv(data):
    """The long table as UTF-8 CSV; floats at full precision, undefined values empty."""
    return results_frame(data).to_csv(index=False).encode()


def _benchmark_frame(benchmark):
    rows = [
        {"section": section, **row}
        for section in ("tracks", "factors")
        for row in (benchmark or {}).get(section, [])
    ]
    columns = ["section", "code", "score", "mean", "min", "max", "percentile", "peers"]
    return pd.DataFrame(rows, columns=columns)


def _trend_frame(trend):
    rows = []
    for point in trend:
        base = {"assessment": point["assessment"], "name": point["name"]}
        base["closed_at"] = point["closed_at"]
        rows.append({**base, "section": "overall", "code": "", **point["overall"]})
        for section in ("tracks", "factors"):
            for code, value in point[section].items():
                rows.append({**base, "section": section, "code": code, **value})
    columns = ["assessment", "name", "closed_at", "section", "code", "current", "change"]
    return pd.DataFrame(rows, columns=columns)


def results_xlsx(data):
    """A workbook: the assessment, the long results table, benchmark and trend."""
    assessment = pd.DataFrame(list(data["assessment"].items()), columns=["key", "value"])
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        assessment.to_excel(writer, sheet_name="assessment", index=False)
        results_frame(data).to_excel(writer, sheet_name="results", index=False)
        _benchmark_frame(data["benchmark"]).to_excel(writer, sheet_name="benchmark", index=False)
        _trend_frame(data["trend"]).to_excel(writer, sheet_name="trend", index=False)
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
