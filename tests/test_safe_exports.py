"""Formula-safe exports (spec/scoring.md, privacy; spec/interfaces.md): a text cell that a
spreadsheet would compute is written with a leading ', in the raw-answers CSV and in the
results CSV and XLSX; numbers stay numbers; the raw answers still round-trip."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments import imports
from assessments.models import Assessment, FactorComment, Membership, Response
from assessments.results import assessment_results
from assessments.results_export import results_csv, results_json, results_xlsx
from assessments.safe_cells import FORMULA_STARTS, safe_cell, unquote

from . import scoring_data as data

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x")'
COMMENTS = ["=2+3", "-minder", "@x", "\tTab", "+31 6 12345678", "\rCR", "'=al met quote"]


# --- The helper ------------------------------------------------------------------------


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_it_prefixes_text_that_starts_a_formula(start):
    assert safe_cell(start + "1") == "'" + start + "1"


def test_it_leaves_numbers_and_other_text_alone():
    assert safe_cell(-0.5) == -0.5
    assert safe_cell(-1) == -1
    assert safe_cell(None) is None
    assert safe_cell("Ruimte") == "Ruimte"
    assert safe_cell("'gewoon") == "'gewoon"
    assert safe_cell("") == ""


@given(st.text())
def test_it_gives_back_every_text_that_it_quoted(text):
    written = safe_cell(text)
    assert not written.startswith(FORMULA_STARTS)
    assert unquote(written) == text


# --- Raw answers -----------------------------------------------------------------------


def first_questions(model_version, layer, count):
    """The first question asked of `layer` of the first `count` factors, in model order."""
    chosen = {}
    for question in model_version.questions.select_related("factor").order_by(
        "factor__track__order", "factor__order", "order"
    ):
        if question.is_asked_of(layer) and question.factor_id not in chosen:
            chosen[question.factor_id] = question.code
    return list(chosen.values())[:count]


def answers_file(model_version, quote=""):
    """Rows of two respondents whose comments and departments look like formulas;
    quote="'" writes them as an export does (a tab or CR would otherwise be trimmed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)  # also a lone \r
    writer.writerow(imports.ANSWER_COLUMNS)
    for code, comment in zip(first_questions(model_version, "beleid", 7), COMMENTS, strict=True):
        writer.writerow(["r1", "beleid", quote + HYPERLINK, code, 2, 3, quote + comment])
    for code in first_questions(model_version, "uitvoering", 2):
        writer.writerow(["r2", "uitvoering", quote + "-Noord", code, 1, "", quote + "@SUM(A1)"])
    return out.getvalue().encode()


def import_into(name, content):
    outcome = imports.import_answers_file(
        data=content, name="a.csv", organisation="Gemeente Cedorp", type="gemeente", assessment=name
    )
    return outcome.details["assessment"]


def export(assessment):
    out = io.StringIO()
    call_command("export_answers", str(assessment.pk), stdout=out)
    return out.getvalue()


def without_respondents(text):
    return [row[1:] for row in csv.reader(io.StringIO(text))]


def test_the_raw_answers_are_formula_safe_and_round_trip(model_version):
    content = answers_file(model_version, quote="'")
    first = import_into("Eerste", content)
    # Import takes off the one quote: the database holds what the respondents wrote.
    assert sorted(FactorComment.objects.values_list("text", flat=True)) == sorted(
        COMMENTS + ["@SUM(A1)"] * 2
    )
    assert set(Response.objects.values_list("department", flat=True)) == {HYPERLINK, "-Noord"}
    exported = export(first)
    assert without_respondents(exported) == without_respondents(content.decode())
    rows = list(csv.reader(io.StringIO(exported)))
    assert {row[2] for row in rows[1:]} == {"'" + HYPERLINK, "'-Noord"}
    assert [row[6] for row in rows[1:8]] == ["'" + comment for comment in COMMENTS]
    assert all(not cell.startswith(FORMULA_STARTS) for row in rows for cell in row)
    # Export → import → export gives the same file (only the pseudonyms are new).
    second = import_into("Tweede", exported.encode())
    again = export(second)
    assert without_respondents(again) == without_respondents(exported)
    assert again.count("\n") == exported.count("\n")


def test_a_file_written_by_hand_keeps_its_formula_like_text(model_version):
    import_into("Met de hand", answers_file(model_version))
    texts = set(FactorComment.objects.values_list("text", flat=True))
    assert {"=2+3", "-minder", "@x", "@SUM(A1)"} <= texts
    # A quote before a formula character means "text" in a spreadsheet: it is taken off.
    assert "=al met quote" in texts
    assert "Tab" in texts  # leading white space is trimmed, as in every import


def test_the_answers_download_is_formula_safe(client, people, model_version):
    imports.import_answers(
        assessment=people.assessment,
        data=answers_file(model_version, quote="'"),
        name="a.csv",
        create_departments=True,
    )
    client.force_login(people.consultant)
    content = client.get(f"/metingen/{people.assessment.pk}/antwoorden.csv").content.decode()
    assert '"\'=HYPERLINK(""http://x"")"' in content
    assert ",'=2+3\n" in content
    assert ",=" not in content and ",@" not in content and ",-" not in content
    assert "\r" in content and '"\'\rCR"' in content  # the lone CR inside quotes


# --- Results ---------------------------------------------------------------------------


@pytest.fixture
def risky_results(people):
    """Free text that looks like formulas, and a negative gap of -0.5 (a number)."""
    organisation = data.organisation("@SUM(A1:A9)")
    Membership.objects.create(
        user=people.consultant, organisation=organisation, role=Membership.Role.CONSULTANT
    )
    assessment = data.assessment(organisation, data.small_model(), name="=2+3")
    data.add_respondents(
        assessment,
        [("directie", HYPERLINK, data.same_answers(3, 2))] * 5
        + [("uitvoering", "-Noord", data.same_answers(3))] * 5,
    )
    return assessment


def results_data(assessment):
    result = results_json(assessment_results(assessment))
    # Text of the kinds the reporting groups and departments will bring.
    result["highlights"]["risks"].append({"rule": "+x", "factor": "@y", "reason": HYPERLINK})
    return result


def test_the_results_csv_quotes_formulas_but_not_negative_numbers(risky_results):
    result = results_data(risky_results)
    assert result["overall"]["gap"] == pytest.approx(-0.5)
    text = results_csv(result).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert "'" + HYPERLINK in cells and "'+x" in cells and "'@y" in cells
    overall = dict(zip(rows[0], rows[1], strict=True))
    assert overall["gap"] == "-0,5"  # a number for Excel, not text
    assert all(not cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
    assert all(cell[1:2].isdigit() for cell in cells if cell.startswith("-"))  # numbers


def test_the_results_xlsx_has_no_formula_and_keeps_numbers(risky_results):
    workbook = openpyxl.load_workbook(io.BytesIO(results_xlsx(results_data(risky_results))))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert {"'=2+3", "'@SUM(A1:A9)", "'" + HYPERLINK, "'+x", "'@y"} <= texts
    assert not any(text.startswith(FORMULA_STARTS) for text in texts)
    results = workbook["results"]
    header = [cell.value for cell in results[1]]
    overall = dict(zip(header, [cell.value for cell in results[2]], strict=True))
    assert overall["gap"] == -0.5
    assert results.cell(row=2, column=header.index("gap") + 1).number_format == "0.0"


def test_the_results_downloads_are_formula_safe(client, people, risky_results):
    client.force_login(people.consultant)
    url = reverse("results_download", args=[risky_results.pk, "xlsx"])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
    meta = {row[0].value: row[1].value for row in workbook["assessment"].iter_rows(min_row=2)}
    assert meta["name"] == "'=2+3"
    assert meta["organisation"] == "'@SUM(A1:A9)"
    assert Assessment.objects.get(pk=risky_results.pk).name == "=2+3"
    url = reverse("results_download", args=[risky_results.pk, "csv"])
    assert ";-0,5;" in client.get(url).content.decode("utf-8-sig")
