"""One presentation layer (issue 16): the results page, the report and the exports build
their rows with assessments/presentation.py, so they cannot drift apart again.

The demo (module fixture) has a benchmark and a trend; the rows of the page and of the
report are compared as data, the exports' against the same builder with raw numbers.
"""

import ast
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import presentation
from assessments.models import Assessment
from assessments.presentation import (
    benchmark_table,
    display,
    display_change,
    one_decimal,
    stage_figure,
    trend_table,
)
from assessments.results import assessment_results
from assessments.results_export import export_tables, results_json
from roadmap.documents import report_data
from roadmap.views_session import presentation_slides

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo's closed Nulmeting 2026: the results page's context (as its consultant
    sees it), the report's data and the export tables, in Dutch."""
    with django_db_blocker.unblock(), transaction.atomic(), translation.override("nl"):
        call_command("load_demo", stdout=io.StringIO())
        assessment = Assessment.objects.get(
            organisation__name="Gemeente Voorbeeldstad", name="Nulmeting 2026"
        )
        client = Client()
        client.force_login(get_user_model().objects.get(username="consultant"))
        response = client.get(reverse("results", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code == 200
        results = assessment_results(assessment)
        result = SimpleNamespace(
            page=response.context,
            html=response.content.decode(),
            report=report_data(assessment),
            results=results,
            tables={name: rows for name, _columns, rows in export_tables(results_json(results))},
            slides=presentation_slides(assessment, True),
        )
        transaction.set_rollback(True)
    return result


# --- One builder per kind of row ---------------------------------------------------------


def test_the_page_and_the_report_show_the_same_benchmark_rows(demo):
    page, report = demo.page["benchmark"], demo.report["benchmark"]
    assert page["peers"] >= 1 and page["tracks"] and page["factors"]
    assert page == report
    row = page["tracks"][0]
    assert set(row) == {
        *("code", "label", "peers", "score", "mean", "q1", "q3"),
        *("percentile", "middle_half", "compared"),
    }
    assert isinstance(row["percentile"], int | None)


def test_the_page_and_the_report_show_the_same_trend(demo):
    page, report = demo.page["trend"], demo.report["trend"]
    assert len(page["points"]) >= 2
    assert page["points"] == report["points"]
    # The report prints the total and the tracks; the page also each factor.
    assert report["rows"] == [row for row in page["rows"] if not row["is_factor"]]
    assert [row["section"] for row in report["rows"]][:2] == ["overall", "tracks"]
    assert report["rows"][0]["label"] == "Totaal"


def test_the_page_and_the_report_show_the_same_score_rows(demo):
    # presentation.score_row; the report adds its footnote marks, the page its comments.
    shared = ("code", "label", "current", "desired", "gap", "stage")

    def same(page_rows, report_rows, keys):
        page = {row["code"]: {key: row[key] for key in keys} for row in page_rows}
        assert report_rows and page == {
            row["code"]: {key: row[key] for key in keys} for row in report_rows
        }

    same(demo.page["track_rows"], demo.report["tracks"], shared)
    same(demo.page["factor_rows"], demo.report["factors"], (*shared, "spread", "layer_gap"))
    assert any(row["stage"]["hint"] for row in demo.report["factors"] + demo.report["tracks"])
    assert demo.page["overall"] == demo.report["overall"]
    for kind in ("strengths", "attention", "ambitions"):
        assert demo.page[kind] == demo.report[kind]


def test_the_slides_show_the_reports_bars_and_the_pages_groups(demo):
    # presentation.bar_row and group_table_by_group: the session's slides.
    keys = ("code", "label", "current", "desired", "gap", "stage", "spread")
    keys += ("current_pct", "desired_pct")
    report = {row["code"]: {key: row[key] for key in keys} for row in demo.report["factors"]}
    slides = [row for s in demo.slides if s["kind"] == "scores" for row in s["rows"]]
    assert slides and {row["code"]: row for row in slides} == report
    cells = {row["code"]: row["values"] for row in demo.page["heatmap_rows"]}
    for slide in (s for s in demo.slides if s["kind"] == "groups"):
        columns = [code for code, _name in slide["codes"]]
        for n, group in enumerate(slide["groups"]):
            assert group["values"] == [cells[code][n] for code in columns]
    overview = next(s for s in demo.slides if s["kind"] == "overview")
    assert overview["score"]["current"] == demo.report["overall"]["current"]


def test_the_page_and_the_report_word_the_risks_alike(demo):
    page = [risk for group in demo.page["risks"] for risk in group["items"]]
    assert page == demo.report["risks"]
    for group in demo.page["risks"]:
        assert {risk["title"] for risk in group["items"]} == {group["title"]}
    # Shown under its title, a reason does not start with that title again.
    for risk in page:
        assert not risk["reason"].startswith(risk["title"]), risk
        assert risk["reason"][:1].isupper()


def test_the_page_and_the_report_show_the_same_group_and_department_tables(demo):
    assert demo.page["department_table"] == demo.report["department_table"]
    assert demo.page["heatmap_rows"] and demo.page["heatmap_rows"] == demo.report["layer_table"]
    page_groups = [
        {k: g[k] for k in ("code", "label", "respondents")} for g in demo.page["shown_layers"]
    ]
    assert page_groups == demo.report["layers"]


def test_the_exports_have_the_benchmark_and_trend_of_the_same_builders(demo):
    results = demo.results
    raw = benchmark_table(results.benchmark, raw=True)
    sheet = demo.tables["benchmark"]
    assert [(row["section"], row["code"]) for row in sheet] == [
        (section, row["code"]) for section in ("tracks", "factors") for row in raw[section]
    ]
    for row in sheet:
        expected = next(r for r in raw[row["section"]] if r["code"] == row["code"])
        for key in ("mean", "percentile", "q1", "q3"):
            assert row[key] == expected[key]  # unrounded, as in the JSON
        assert row["peers"] == results.benchmark.peers
    trend = trend_table(results.trend, raw=True)
    rows = demo.tables["trend"]
    assert len(rows) == len(trend["points"]) * len(trend["rows"])
    first = rows[0]
    assert (first["section"], first["code"]) == ("overall", "")
    assert first["current"] == results.trend[0].overall.current


# --- Numbers and stages, in Dutch and English --------------------------------------------


def test_numbers_as_shown_in_dutch_and_english():
    with translation.override("nl"):
        assert (display(2.25), display(None), display_change(0.44)) == ("2,3", "–", "+0,4")
        assert display(2.2499999999999996) == "2,3"  # a mean that is 2.25 on paper
        assert display_change(-0.04) == "-0,0" and display_change(0.04) == "0,0"
    with translation.override("en"):
        assert (display(2.25), display_change(0.44), display_change(None)) == ("2.3", "+0.4", None)
    assert str(one_decimal(-0.04)) == "0.0"  # a file never shows "-0.0"


def test_a_bar_is_as_wide_as_its_shown_score():
    # The shown value, not the unrounded one: 2.26 reads 2,3 and its bar is 46 %.
    assert presentation.bar_width(2.26) == 46
    assert presentation.bar_width(2.2499999999999996) == 46  # 2.25 on paper, shown 2,3
    assert [presentation.bar_width(v) for v in (None, 0, 0.04, 5)] == [0, 0, 0, 100]
    assert (presentation.bar_width(5.3), presentation.bar_width(-0.2)) == (100, 0)
    assert all(isinstance(presentation.bar_width(v / 7), int) for v in range(36))


def test_the_stage_of_a_score_in_dutch_and_english():
    with translation.override("nl"):
        assert stage_figure(2.04) == {"level": 2, "name": "Adept", "hint": ""}
        assert stage_figure(1.96) == {
            "level": 1,
            "name": "Pionier",
            "hint": "1,96 → Pionier; een fase begint bij een heel getal",
        }
        assert stage_figure(None) is None
    with translation.override("en"):
        assert stage_figure(1.96) == {
            "level": 1,
            "name": "Pioneer",
            "hint": "1.96 → Pioneer; a stage starts at a whole number",
        }


def test_the_benchmark_row_as_shown_and_raw():
    from assessments.scoring import Benchmark, BenchmarkRow

    item = BenchmarkRow(code="LC", score=2.25, mean=2.2, percentile=62.5, q1=1.0, q3=3.04, peers=12)
    benchmark = Benchmark(peers=12, tracks=[item], factors=[])
    with translation.override("nl"):
        (row,) = benchmark_table(benchmark, {"LC": "Leiderschap"})["tracks"]
        assert row == {
            "code": "LC",
            "label": "Leiderschap",
            "peers": 12,
            "score": "2,3",
            "mean": "2,2",
            "q1": "1,0",
            "q3": "3,0",
            "percentile": 62,
            "middle_half": "1,0 tot 3,0",
            "compared": "▲ hoger",
        }
    with translation.override("en"):
        (row,) = benchmark_table(benchmark)["tracks"]
        assert (row["label"], row["score"], row["compared"]) == ("LC", "2.3", "▲ higher")
    (raw,) = benchmark_table(benchmark, raw=True)["tracks"]
    assert (raw["score"], raw["percentile"], raw["q3"]) == (2.25, 62.5, 3.04)
    assert "middle_half" not in raw and "compared" not in raw


# --- The duplication cannot come back ----------------------------------------------------

# Row builders that presentation.py holds; no output module defines its own again.
BUILDERS = {
    "_stage",
    "_benchmark_rows",
    "benchmark_rows",
    "_trend_rows",
    "trend_rows",
    "_score_row",
    "_highlight",
    "_department_table",
    "_named_groups",
    "_heat",
    "_compared",
    "_chart_value",
    "_one_decimal",
    "rounded",
    "display",
    "display_change",
    "_percent",
    "percent",
    "bar_width",
    "bar_row",
    "score_row",
    "group_table",
}
OUTPUTS = ("assessments/views/results.py", "roadmap/documents.py", "assessments/results_export.py")
# The session's slides show scores too, but no benchmark or trend.
SLIDES = "roadmap/views_session.py"


def used_names(path):
    return {
        node.id if isinstance(node, ast.Name) else node.attr
        for node in ast.walk(ast.parse((ROOT / path).read_text()))
        if isinstance(node, ast.Name | ast.Attribute)
    }


def defined_functions(path):
    tree = ast.parse((ROOT / path).read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("path", (*OUTPUTS, SLIDES))
def test_no_output_builds_its_own_rows(path):
    assert defined_functions(path) & BUILDERS == set()


@pytest.mark.parametrize("path", OUTPUTS)
def test_every_output_uses_the_shared_benchmark_and_trend(path):
    assert {"benchmark_table", "trend_table"} <= used_names(path)


def test_the_slides_show_scores_only_through_the_shared_rows():
    """No number of its own: no display(), rounding or scale for a bar's width."""
    names = used_names(SLIDES)
    assert {"score_row", "bar_row", "group_table_by_group"} <= names
    assert not names & {"display", "rounded", "chart_value", "MAX_LEVEL", "MIN_LEVEL"}


def test_results_py_only_loads_and_keeps():
    """Wording and display live in presentation.py; the JSON with the other files."""
    from assessments import results

    for name in ("rounded", "display", "risk_reason", "labels", "group_name", "results_json"):
        assert not hasattr(results, name), name
    for name in ("rounded", "display", "risk_reason", "risk_method", "labels", "group_name"):
        assert callable(getattr(presentation, name))


def test_the_presentation_layer_does_not_import_the_roadmap():
    tree = ast.parse((ROOT / "assessments/presentation.py").read_text())
    modules = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert not [module for module in modules if module.split(".")[0] == "roadmap"]


def test_factor_layer_and_track_names_in_two_queries(people, django_assert_num_queries):
    """presentation.model_labels: what labels() gave, and the tracks as the model
    orders them, for both the page and the report (English where it is given)."""
    from assessments.models import KeyFactor, Track

    assessment = people.assessment
    version = assessment.model_version_id
    with translation.override("en"):
        with django_assert_num_queries(2):
            names, tracks = presentation.model_labels(assessment)
        expected = {
            factor.code: factor.label for factor in KeyFactor.objects.filter(version_id=version)
        }
        expected.update((layer.code, layer.label) for layer in assessment.layers.all())
        assert names == expected
        model = list(Track.objects.filter(version_id=version))
        assert [(t.pk, t.code, t.label) for t in tracks] == [(t.pk, t.code, t.label) for t in model]
        assert presentation.track_labels(tracks) == {t.code: t.label for t in model}


def test_the_page_says_that_a_change_is_computed_before_rounding(demo):
    # The demo's overall score went from 1,4 to 1,8 and is shown as +0,5: the page says
    # why, next to the trend (the report too: tests/test_report_chapters.py).
    assert demo.page["trend"]
    assert "Een verandering is berekend vóór het afronden" in demo.html
