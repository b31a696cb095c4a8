"""The results dashboard, its downloads and `export_results`: access, privacy, queries."""

import codecs
import io
import json
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Membership
from assessments.presentation import display, rounded
from assessments.results import assessment_results
from assessments.results_export import results_json

from . import scoring_data as data

pytestmark = pytest.mark.django_db

# The hidden layer's score: bestuur answers 5, 5 and 4 everywhere → 14 / 3.
HIDDEN = 14 / 3
SECRET_COMMENTS = ["GEHEIM-VAN-BESTUUR", "GEHEIM-VAN-MANAGEMENT"]


@pytest.fixture
def version():
    return data.small_model()


def member(organisation, user, role):
    Membership.objects.create(user=user, organisation=organisation, role=role)


@pytest.fixture
def hidden_case(version, people):
    """An open assessment where privacy hides bestuur (3 < 5) and, by complementary
    suppression, management (5, the smallest shown layer). Shown: directie, uitvoering."""
    organisation = data.organisation("Gemeente Geheim")
    member(organisation, people.consultant, Membership.Role.CONSULTANT)
    member(organisation, people.viewer, Membership.Role.VIEWER)
    assessment = data.assessment(organisation, version)
    # Every layer its own reporting group, so that privacy has to hide the bestuur.
    assessment.reporting_groups = [
        {"name": "", "layers": [code]} for code in assessment.layers.values_list("code", flat=True)
    ]
    assessment.save()
    data.add_respondents(
        assessment,
        [
            ("bestuur", "", data.same_answers(5), {"LC1": "GEHEIM-VAN-BESTUUR"}),
            ("bestuur", "", data.same_answers(5)),
            ("bestuur", "", data.same_answers(4)),
        ]
        + [("directie", "Zorg", data.same_answers(1), {"LC1": "<script>alert(1)</script>"})]
        + [("directie", "Zorg", data.same_answers(1))] * 5
        + [("management", "Zorg", data.same_answers(2), {"IT3": "GEHEIM-VAN-MANAGEMENT"})] * 5
        + [("uitvoering", "Ruimte", data.same_answers(3))] * 7,
    )
    return assessment


def page(client, user, assessment, query=""):
    client.force_login(user)
    return client.get(reverse("results", args=[assessment.pk]) + query)


def download(client, user, assessment, file_format, query=""):
    client.force_login(user)
    return client.get(reverse("results_download", args=[assessment.pk, file_format]) + query)


def numbers(value):
    """Every number in a JSON value."""
    if isinstance(value, dict):
        for item in value.values():
            yield from numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from numbers(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield value


def close_to_hidden(value):
    return isinstance(value, int | float) and abs(value - HIDDEN) < 1e-6


# --- Access ----------------------------------------------------------------------------


def test_it_shows_a_consultant_the_results_of_an_open_assessment(client, hidden_case, people):
    response = page(client, people.consultant, hidden_case)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Resultaten" in content
    assert "2,7" in content  # overall (14/3 + 1 + 2 + 3) / 4
    assert 'id="chart-radar"' in content
    assert 'id="results-data"' in content
    assert "vendor/plotly/plotly.min.js" in content


def test_a_viewer_cannot_see_an_open_assessment(client, hidden_case, people):
    response = page(client, people.viewer, hidden_case)
    assert response.status_code == 403
    assert "zodra de meting is gesloten" in response.content.decode()
    assert "2,7" not in response.content.decode()
    assert download(client, people.viewer, hidden_case, "json").status_code == 403


def test_a_viewer_sees_a_closed_assessment(client, hidden_case, people):
    hidden_case.status = Assessment.Status.CLOSED
    hidden_case.closed_at = timezone.now()
    hidden_case.save()
    assert page(client, people.viewer, hidden_case).status_code == 200
    assert download(client, people.viewer, hidden_case, "csv").status_code == 200


@pytest.mark.parametrize("stranger", ["other_viewer", "other_consultant"])
def test_a_stranger_gets_404(client, people, stranger):
    people.assessment.status = Assessment.Status.CLOSED
    people.assessment.save()
    user = getattr(people, stranger)
    assert page(client, user, people.assessment).status_code == 404
    assert download(client, user, people.assessment, "xlsx").status_code == 404


def test_it_asks_to_log_in(client, people):
    response = client.get(reverse("results", args=[people.assessment.pk]))
    assert response.status_code == 302
    assert "/inloggen/" in response["Location"]


def test_an_unknown_format_gives_404(client, people):
    assert download(client, people.consultant, people.assessment, "pdf").status_code == 404


def test_below_k_respondents_it_shows_no_scores(client, people):
    response = page(client, people.consultant, people.assessment)
    assert response.status_code == 200
    assert "te weinig respondenten" in response.content.decode()
    assert "Ingevuld per laag" in response.content.decode()
    assert 'id="results-data"' not in response.content.decode()


def test_it_links_to_the_results(client, people):
    client.force_login(people.consultant)
    url = reverse("results", args=[people.assessment.pk])
    assert url in client.get(reverse("assessment", args=[people.assessment.pk])).content.decode()
    assert (
        url in client.get(reverse("organisation", args=[people.organisation.pk])).content.decode()
    )
    client.force_login(people.viewer)  # open: not for a viewer
    assert (
        url not in client.get(reverse("assessment", args=[people.assessment.pk])).content.decode()
    )


# --- Privacy ---------------------------------------------------------------------------


def test_the_hidden_case_hides_what_it_should(hidden_case):
    result = results_json(assessment_results(hidden_case))
    groups = result["groups"]
    assert [(group["code"], group["shown"]) for group in groups] == [
        ("bestuur", False),
        ("directie", True),
        ("management", False),
        ("uitvoering", True),
    ]
    assert groups[0] == {
        "code": "bestuur",
        "name": "Bestuur",
        "layers": ["bestuur"],
        "respondents": 3,
        "shown": False,
    }
    # Layers carry counts only, never scores.
    assert result["layers"][0] == {"code": "bestuur", "respondents": 3, "group": "bestuur"}


def test_no_hidden_score_or_comment_on_the_page(client, hidden_case, people):
    content = page(client, people.consultant, hidden_case).content.decode()
    assert "4,7" not in content
    assert "4.7" not in content  # the charts' data (rounded)
    assert "4.6" not in content
    for secret in SECRET_COMMENTS:
        assert secret not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)" not in content
    assert "te weinig respondenten: minder dan 5" in content
    # The divided picture quotes only shown layers: uitvoering 3,0 against directie 1,0.
    assert "Verdeeld beeld" in content
    assert "Uitvoering geeft 3,0, Directie geeft 1,0 (verschil 2,0" in content


def test_no_hidden_score_in_the_json(client, hidden_case, people):
    result = json.loads(download(client, people.consultant, hidden_case, "json").content)
    assert not any(close_to_hidden(value) for value in numbers(result))
    assert result["groups"][2] == {
        "code": "management",
        "name": "Management",
        "layers": ["management"],
        "respondents": 5,
        "shown": False,
    }
    # The test can fail: the organisation's score does hold the hidden layer.
    assert result["overall"]["current"] == pytest.approx((HIDDEN + 1 + 2 + 3) / 4)


def test_no_hidden_score_in_the_csv(client, hidden_case, people):
    response = download(client, people.consultant, hidden_case, "csv")
    assert response["Content-Type"].startswith("text/csv")
    # Dutch Excel's CSV (spec/interfaces.md): semicolons, decimal commas, one decimal.
    frame = pd.read_csv(io.BytesIO(response.content), sep=";", decimal=",")
    values = frame.select_dtypes("number").to_numpy().ravel()
    assert not any(close_to_hidden(value) for value in values)
    assert not any(value == round(HIDDEN, 1) for value in values)  # 4.7 as shown
    content = response.content.decode("utf-8-sig")
    assert "4.66" not in content and "4,66" not in content and "4,7" not in content
    assert set(frame.loc[frame["section"] == "group_factor", "group"]) == {"directie", "uitvoering"}


def test_no_hidden_score_in_the_xlsx(client, hidden_case, people):
    response = download(client, people.consultant, hidden_case, "xlsx")
    assert 'filename="resultaten-meting-' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [
        cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
    ]
    assert not any(close_to_hidden(value) for value in cells)
    assert not any(value == round(HIDDEN, 1) for value in cells)  # 4.7 as shown
    assert any(value == "directie" for value in cells)


def test_the_department_filter_shows_only_shown_departments(client, hidden_case, people):
    # Ruimte (7) and Zorg (11) are both large enough.
    content = page(client, people.consultant, hidden_case, "?afdeling=Ruimte").content.decode()
    assert "U ziet alleen de afdeling Ruimte." in content
    assert "Per groep in de organisatie" not in content  # no group × department
    # Zorg (directie and management): only comments of the shown layer directie.
    content = page(client, people.consultant, hidden_case, "?afdeling=Zorg").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "GEHEIM-VAN-MANAGEMENT" not in content
    data.add_respondents(hidden_case, [("uitvoering", "Klein", data.same_answers(0))] * 2)
    content = page(client, people.consultant, hidden_case, "?afdeling=Klein").content.decode()
    assert "Nog geen scores" in content
    result = json.loads(
        download(client, people.consultant, hidden_case, "json", "?afdeling=Klein").content
    )
    assert result["overall"]["current"] is None
    assert result["assessment"]["department"] == "Klein"


def test_an_unknown_department_gives_404(client, hidden_case, people):
    for name in ["Onbekend", "x" * 500]:
        query = f"?afdeling={name}"
        assert page(client, people.consultant, hidden_case, query).status_code == 404
        assert download(client, people.consultant, hidden_case, "csv", query).status_code == 404


# --- Queries ---------------------------------------------------------------------------


def count_queries(client, user, assessment, query=""):
    client.force_login(user)
    url = reverse("results", args=[assessment.pk]) + query
    client.get(url)  # the session and any kept results are in place
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?afdeling=Afdeling%200"])
@pytest.mark.parametrize("closed", [False, True])
def test_the_page_costs_the_same_queries_at_10_and_5000_respondents(
    client, version, people, closed, query
):
    counts = []
    for size in (10, 5000):
        organisation = data.organisation(f"Gemeente {size}")
        member(organisation, people.consultant, Membership.Role.CONSULTANT)
        assessment = data.assessment(
            organisation, version, closed_at=datetime(2026, 3, 1) if closed else None
        )
        answers = [data.same_answers(level % 6, 5) for level in range(6)]
        data.add_respondents(
            assessment,
            [
                (layer, f"Afdeling {n % 2}", answers[n % 6], {"LC1": "Opmerking"})
                for n in range(size)
                for layer in [("directie", "management")[n % 2]]
            ],
        )
        counts.append(count_queries(client, people.consultant, assessment, query))
    assert counts[0] == counts[1]
    # 20 before issue 15; the agreed levels of the results session are one more; the
    # factor and track names in one query (presentation.model_labels) one fewer.
    assert counts[1] <= 20


# --- export_results --------------------------------------------------------------------


def export(*args):
    out = io.StringIO()
    call_command("export_results", *map(str, args), stdout=out)
    return out.getvalue()


def test_export_results_writes_the_json_of_the_interface(hidden_case):
    exported = json.loads(export(hidden_case.pk))
    expected = json.loads(json.dumps(results_json(assessment_results(hidden_case))))
    assert exported == expected
    assert exported["assessment"]["respondents"] == 21


def shown(value):
    """A score as the page shows it (one decimal, half up), as a float."""
    return float(rounded(value))


def test_export_results_round_trips_through_csv(hidden_case, tmp_path):
    expected = results_json(assessment_results(hidden_case))
    text = export(hidden_case.pk, "--format", "csv")
    # For people (spec/interfaces.md): Dutch Excel's CSV, one decimal as on screen.
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    factors = frame[frame["section"] == "factor"].set_index("code")
    for factor in expected["factors"]:
        row = factors.loc[factor["code"]]
        assert row["current"] == shown(factor["current"])
        assert row["desired"] == shown(factor["desired"])
        assert row["respondents"] == factor["respondents"]
        assert row["stage"] == factor["stage"]
    overall = frame[frame["section"] == "overall"].iloc[0]
    assert overall["current"] == shown(expected["overall"]["current"])
    assert f";{display(expected['overall']['current'])};" in text  # "2,7" as on the page
    risks = frame[frame["section"] == "risk"]
    assert list(risks["rule"]) == [risk["rule"] for risk in expected["highlights"]["risks"]]
    output = tmp_path / "results.csv"
    export(hidden_case.pk, "--format", "csv", "--output", output)
    assert output.read_bytes().startswith(codecs.BOM_UTF8)  # Excel then reads UTF-8
    assert pd.read_csv(output, sep=";", decimal=",", encoding="utf-8-sig").equals(frame)


def test_export_results_round_trips_through_xlsx(hidden_case, tmp_path):
    expected = results_json(assessment_results(hidden_case))
    output = tmp_path / "results.xlsx"
    export(hidden_case.pk, "--format", "xlsx", "--output", output)
    sheets = pd.read_excel(output, sheet_name=None)
    assert list(sheets) == ["assessment", "results", "benchmark", "trend"]
    tracks = sheets["results"].query("section == 'track'").set_index("code")
    for track in expected["tracks"]:
        # For people (spec/interfaces.md): a number rounded to one decimal, shown with one.
        assert tracks.loc[track["code"], "current"] == shown(track["current"])
    sheet = openpyxl.load_workbook(output)["results"]
    column = [cell.value for cell in sheet[1]].index("current")
    current = [row[column] for row in sheet.iter_rows(min_row=2) if row[column].value is not None]
    assert current and all(cell.number_format == "0.0" for cell in current)
    meta = dict(zip(sheets["assessment"]["key"], sheets["assessment"]["value"], strict=True))
    assert meta["name"] == "Nulmeting"
    assert meta["min_group_size"] == 5


def test_export_results_refuses_bad_input(hidden_case):
    with pytest.raises(CommandError, match="not found"):
        export(999_999)
    with pytest.raises(CommandError, match="--output"):
        export(hidden_case.pk, "--format", "xlsx")
    with pytest.raises(CommandError):
        export(hidden_case.pk, "--format", "pdf")
    with pytest.raises(CommandError, match="department"):
        export(hidden_case.pk, "--department", "Onbekend")
    # Zorg pools its respondents in shown groups: the six of directie (1), not the
    # hidden management's five.
    zorg = json.loads(export(hidden_case.pk, "--department", "Zorg"))
    assert zorg["overall"]["current"] == 1.0
    assert zorg["factors"][0]["respondents"] == 6


def test_export_results_refuses_a_hidden_department_with_exit_1(hidden_case):
    data.add_respondents(hidden_case, [("uitvoering", "Klein", data.same_answers(0))] * 2)
    with pytest.raises(CommandError, match="'Klein' is not shown"):
        export(hidden_case.pk, "--department", "Klein")
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exit_code:
        execute_from_command_line(
            ["manage.py", "export_results", str(hidden_case.pk), "--department", "Klein"]
        )
    assert exit_code.value.code == 1


# --- Demo ------------------------------------------------------------------------------


def test_the_demo_shows_a_benchmark_and_a_trend(model_version):
    from assessments.demo import load_demo
    from roadmap.models import Roadmap

    demo = load_demo()["assessment"]
    load_demo()
    latest = (
        Assessment.objects.filter(organisation=demo.organisation, status="closed")
        .order_by("-closed_at")
        .first()
    )
    assert latest == demo
    # The current roadmap is the latest assessment's; it continues the earlier route.
    assert Roadmap.objects.get(continued_by__isnull=True).assessment == demo
    results = assessment_results(demo)
    assert results.respondents == 140
    # v1's demo had 3 peers; v2 shows a benchmark from 5, quartiles from 10.
    assert demo.organisation.takes_part_in_benchmark
    assert results.benchmark.peers == 10
    assert results.benchmark.has_quartiles
    assert [point.name for point in results.trend] == ["Eerste meting 2024", "Nulmeting 2026"]
    assert results.trend[-1].overall.change > 0
    assert any(group.shown for group in results.departments)


def test_the_page_scripts_exist():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/plotly/plotly.min.js")
    assert finders.find("js/results.js")
    assert finders.find("css/results.css")


def test_a_layer_hidden_to_protect_a_smaller_one_is_named_as_such(client, people, hidden_case):
    text = page(client, people.consultant, hidden_case).content.decode()
    # bestuur (3) has too few respondents; management (5) is hidden only to protect it.
    assert "Bestuur (te weinig respondenten: minder dan 5)" in text
    assert "Management (verborgen om een kleinere groep te beschermen)" in text
