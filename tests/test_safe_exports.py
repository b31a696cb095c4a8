"""Formula-safe exports (spec/scoring.md, privacy; spec/interfaces.md): a text cell that a
spreadsheet would compute is written with a leading ', in the raw-answers CSV and in the
results CSV and XLSX; numbers stay numbers; the raw answers still round-trip."""

import csv
import io

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from assessments import imports
from assessments.models import FactorComment, Response
from assessments.safe_cells import FORMULA_STARTS, safe_cell, unquote

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
        assessment=people.assessment, data=answers_file(model_version, quote="'"), name="a.csv"
    )
    client.force_login(people.consultant)
    content = client.get(f"/metingen/{people.assessment.pk}/antwoorden.csv").content.decode()
    assert '"\'=HYPERLINK(""http://x"")"' in content
    assert ",'=2+3\n" in content
    assert ",=" not in content and ",@" not in content and ",-" not in content
    assert "\r" in content and '"\'\rCR"' in content  # the lone CR inside quotes
