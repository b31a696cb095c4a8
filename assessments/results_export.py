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
    "respondents",
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
    for layer in data["layers"]:
        rows.append(
            {
                "section": "layer",
                "layer": layer["code"],
                "respondents": layer["respondents"],
                "shown": layer["shown"],
            }
        )
    for layer in data["layers"]:
        for code, score in layer.get("factors", {}).items():
            rows.append(
                {"section": "layer_factor", "code": code, "layer": layer["code"], **_scores(score)}
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


def results_frame(data):
    frame = pd.DataFrame(result_rows(data), columns=CSV_COLUMNS)
    # Counts and stages are whole numbers, also in a column with empty cells.
    return frame.astype(
        {"respondents": "Int64", "stage": "Int64", "shown": "boolean", "peers": "Int64"}
    )


def results_csv(data):
    """The long table as UTF-8 CSV; floats at full precision, undefined values empty."""
    return results_frame(data).to_csv(index=False).encode()


BENCHMARK_COLUMNS = ["section", "code", "peers", "mean", "percentile", "q1", "q3"]


def benchmark_rows(benchmark):
    """The benchmark of results_json() as rows (none when it is not shown): per track
    and factor the peers' mean, the percentile and the quartiles, never a peer's value."""
    return [
        {"section": section, "code": code, "peers": benchmark["peers"], **row}
        for section in ("tracks", "factors")
        for code, row in (benchmark or {}).get(section, {}).items()
    ]


def _benchmark_frame(benchmark):
    return pd.DataFrame(benchmark_rows(benchmark), columns=BENCHMARK_COLUMNS)


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
