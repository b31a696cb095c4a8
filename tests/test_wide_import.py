"""Answers with one row per respondent (survey tools' exports), departments that must
exist, the saved column mapping, the dry run, and the commands' one-line errors.

The example files are written here after the tools' documented export formats:
Microsoft Forms "Open in Excel" (ID, Start time, Completion time, Email, Name, then a
column per question headed by its text) and LimeSurvey "Export responses" as CSV (with
question codes such as `LC11[nu]`, or with the full question text and the
subquestion in brackets, after Response ID, Date submitted, Last page, …).
"""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from assessments import imports, wide
from assessments.models import Answer, Department, Invitation, Question, Response

pytestmark = pytest.mark.django_db

FORMS_START = ["ID", "Start time", "Completion time", "Email", "Name"]


def questions_for(model_version, layer, count):
    found = []
    for question in Question.objects.filter(version=model_version).order_by(
        "factor__track__order", "factor__order", "order"
    ):
        if question.is_asked_of(layer):
            found.append(question)
    return found[:count]


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def forms_export(model_version):
    """Three respondents as Microsoft Forms exports them (identity columns filled)."""
    qs = questions_for(model_version, "beleid", 3)
    header = FORMS_START + ["Laag", "Afdeling"]
    for question in qs:
        header += [f"{question.text} (nu)", f"{question.text} (gewenst)"]
    people = [
        [
            1,
            "1/15/26 9:02:11",
            "1/15/26 9:10:40",
            "piet@aadorp.nl",
            "Piet Jansen",
            "Beleid & advies",
            "Sociaal Domein",
            "2",
            "4",
            "3 - Bekwaam",
            "Professioneel",
            "Weet ik niet",
            "5",
        ],  # noqa: E501
        [
            2,
            "1/15/26 9:05:00",
            "1/15/26 9:12:13",
            "anna@aadorp.nl",
            "Anna de Vries",
            "beleid",
            "sociaal domein",
            "Pionier",
            "Adept",
            "1",
            "3",
            None,
            None,
        ],  # noqa: E501
        [
            3,
            "1/16/26 14:00:00",
            "1/16/26 14:01:00",
            "anonymous",
            None,
            "Beleid & advies",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],  # noqa: E501
    ]
    return xlsx_bytes([header, *people]), qs


def test_a_microsoft_forms_export_imports_by_question_text(people, model_version):
    Department.objects.create(organisation=people.organisation, name="Sociaal Domein")
    content, qs = forms_export(model_version)
    outcome = imports.import_answers(assessment=people.assessment, data=content, name="f.xlsx")
    assert outcome.created == 2
    assert outcome.details["skipped_rows"] == 1  # the row without any answer
    responses = Response.objects.filter(assessment=people.assessment)
    assert {r.department for r in responses} == {"Sociaal Domein"}  # case-insensitive
    assert {r.layer.code for r in responses} == {"beleid"}
    answers = {
        (a.response.respondent, a.question.code): (a.current, a.desired)
        for a in Answer.objects.select_related("response", "question")
    }
    piet = imports.pseudonym(people.assessment.pk, "1")
    anna = imports.pseudonym(people.assessment.pk, "2")
    assert answers[(piet, qs[0].code)] == (2, 4)
    assert answers[(piet, qs[1].code)] == (3, 4)  # "3 - Bekwaam", "Professioneel"
    assert answers[(piet, qs[2].code)] == (None, 5)  # "Weet ik niet"
    assert answers[(anna, qs[0].code)] == (1, 2)  # stage names
    assert (anna, qs[2].code) not in answers  # both parts empty: not answered
    # Identity columns are never stored anywhere.
    stored = [str(value) for r in responses for value in (r.respondent, r.department)]
    assert not any("aadorp" in value or "Piet" in value for value in stored)


def limesurvey_codes_csv(model_version):
    qs = questions_for(model_version, "specialist", 2)
    codes = [question.code.replace(".", "") for question in qs]  # LimeSurvey: no dots
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
    header += ["laag", "afdeling"]
    for code in codes:
        header += [f"{code}[nu]", f"{code}[gewenst]"]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    stamp = ["2026-01-15 09:10:40", "3", "nl", "1734", "2026-01-15 09:02:11", "2026-01-15"]
    writer.writerow(["11", *stamp, "specialist", "", "0", "Excellent", "2", "2"])
    writer.writerow(["12", *stamp, "Specialist", "", "Competent", "5", "", ""])
    return out.getvalue().encode("utf-8"), qs


def test_a_limesurvey_export_with_question_codes(people, model_version):
    content, qs = limesurvey_codes_csv(model_version)
    outcome = imports.import_answers(assessment=people.assessment, data=content, name="ls.csv")
    assert outcome.created == 2 and outcome.details["answers"] == 3
    values = sorted(Answer.objects.values_list("question__code", "current", "desired"))
    assert values == sorted([(qs[0].code, 0, 5), (qs[1].code, 2, 2), (qs[0].code, 3, 5)])


def test_a_limesurvey_export_with_full_question_text_in_english(people, model_version):
    [question] = questions_for(model_version, "beleid", 1)
    header = ["Response ID", "Date submitted", "Last page", "Start language", "layer"]
    header += [f"{question.text_en} [current]", f"{question.text_en} [desired]"]
    content = (
        ",".join(f'"{h}"' for h in header) + "\n" + '"7","2026-01-15","2","en","beleid","2","3"\n'
    ).encode()
    outcome = imports.import_answers(assessment=people.assessment, data=content, name="ls.csv")
    assert outcome.created == 1
    assert Answer.objects.get().question == question


def test_bad_levels_and_unknown_columns_are_reported(people, model_version):
    [question] = questions_for(model_version, "beleid", 1)
    header = f"laag,{question.code} nu,{question.code} gewenst,Wat vond u van deze enquête?\n"
    with pytest.raises(imports.FileRejected) as rejected:
        imports.import_answers(
            assessment=people.assessment, data=(header + "beleid,7,3,fijn\n").encode(), name="a.csv"
        )
    [(line, reason)] = rejected.value.errors
    assert line == 1 and "'Wat vond u van deze enquête?'" in reason
    targets = {column.header: column.target for column in rejected.value.columns}
    assert targets[f"{question.code} nu"] == f"{question.code}:current"
    # Mapped to "ignore", the next complaint is the level 7, on its line.
    people.assessment.import_mapping = {wide.words("Wat vond u van deze enquête?"): "ignore"}
    people.assessment.save()
    with pytest.raises(imports.FileRejected) as rejected:
        imports.import_answers(
            assessment=people.assessment,
            data=(header + "beleid,2,3,fijn\nbeleid,7,Bekwaam (4),\n").encode(),
            name="a.csv",
        )
    assert [line for line, _reason in rejected.value.errors] == [3, 3]
    assert "'7'" in rejected.value.errors[0][1] and "Bekwaam (4)" in rejected.value.errors[1][1]
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("0", 0),
        ("5", 5),
        ("Afwachtend", 0),
        ("excellent", 5),
        ("Competent", 3),
        ("2 - Adept", 2),
        ("Adept (2)", 2),
        ("Weet ik niet", None),
        ("Don't know", None),
    ],
)
def test_levels_by_number_or_stage_name(text, level):
    assert wide.parse_level(text) == level


@pytest.mark.parametrize("text", ["6", "-1", "2.5", "twee", "3 - Adept", "Bekwaam (4)"])
def test_not_a_level(text):
    with pytest.raises(ValueError):
        wide.parse_level(text)


# --- Departments -----------------------------------------------------------------------


def test_an_unknown_department_names_the_closest_and_invites_nobody(people):
    for name in ("Sociaal Domein", "Ruimte", "Bedrijfsvoering"):
        Department.objects.create(organisation=people.organisation, name=name)
    content = b"email,layer,department\na@b.nl,beleid,Sociaal Domien\nc@d.nl,beleid,RUIMTE\n"
    with pytest.raises(imports.FileRejected) as rejected:
        imports.import_respondents(assessment=people.assessment, data=content, name="l.csv")
    [(line, reason)] = rejected.value.errors
    assert line == 2 and "bedoelt u 'Sociaal Domein'?" in reason
    assert Invitation.objects.count() == 0
    outcome = imports.import_respondents(
        assessment=people.assessment, data=content, name="l.csv", create_departments=True
    )
    assert outcome.created == 2 and outcome.details["new_departments"] == ["Sociaal Domien"]
    assert set(Invitation.objects.values_list("department", flat=True)) == {
        "Sociaal Domien",
        "Ruimte",  # the organisation's spelling
    }
    assert people.organisation.departments.count() == 4


def test_an_unknown_department_without_anything_close_lists_the_departments(people):
    Department.objects.create(organisation=people.organisation, name="Ruimte")
    content = b"email,layer,department\na@b.nl,beleid,Zzzz\n"
    with pytest.raises(imports.FileRejected) as rejected:
        imports.import_respondents(assessment=people.assessment, data=content, name="l.csv")
    assert "de organisatie heeft: Ruimte" in rejected.value.errors[0][1]


def test_the_invitation_upload_page_checks_departments_unless_ticked(client, people):
    Department.objects.create(organisation=people.organisation, name="Sociaal Domein")
    client.force_login(people.consultant)
    url = f"/metingen/{people.assessment.pk}/uitnodigingen/"
    content = b"email,layer,department\na@b.nl,beleid,Sociaal domien\n"
    response = client.post(url, {"action": "upload", "file": SimpleUploadedFile("l.csv", content)})
    assert response.status_code == 400
    assert (
        "bedoelt u" in response.content.decode() and "Sociaal Domein" in response.content.decode()
    )
    response = client.post(
        url,
        {
            "action": "upload",
            "file": SimpleUploadedFile("l.csv", content),
            "create_departments": "on",
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get().department == "Sociaal domien"


# --- Dry run, mapping, commands ------------------------------------------------------


def test_the_command_dry_run_shows_the_columns_and_imports_nothing(tmp_path, model_version):
    content, qs = limesurvey_codes_csv(model_version)
    path = tmp_path / "ls.csv"
    path.write_bytes(content)
    out = io.StringIO()
    call_command(
        "import_answers",
        str(path),
        "--organisation",
        "Gemeente Cedorp",
        "--type",
        "gemeente",
        "--assessment",
        "Uit LimeSurvey",
        "--dry-run",
        stdout=out,
    )
    text = out.getvalue()
    code = qs[0].code.replace(".", "")
    assert f"'{code}[nu]' -> {qs[0].code}:current" in text
    assert "'submitdate' -> ignore" in text and "'laag' -> layer" in text
    assert "would import 2 respondents, 3 answers" in text
    assert Response.objects.count() == 0
    from assessments.models import Assessment, Organisation

    assert not Organisation.objects.filter(name="Gemeente Cedorp").exists()
    assert not Assessment.objects.filter(name="Uit LimeSurvey").exists()
    out = io.StringIO()
    call_command(
        "import_answers",
        str(path),
        "--organisation",
        "Gemeente Cedorp",
        "--type",
        "gemeente",
        "--assessment",
        "Uit LimeSurvey",
        stdout=out,
    )
    assert "imported 2 respondents, 3 answers" in out.getvalue()


def test_a_missing_input_or_an_unwritable_output_is_one_line(tmp_path, people):
    with pytest.raises(CommandError, match=r"^cannot read .*nope.csv: No such file"):
        call_command("import_respondents", str(people.assessment.pk), str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match=r"^cannot read"):
        call_command(
            "import_answers",
            str(tmp_path),  # a directory
            "--organisation",
            "O",
            "--type",
            "gemeente",
            "--assessment",
            "A",
        )
    target = str(tmp_path / "no" / "such" / "folder" / "x.csv")
    for command in (
        ["export_answers", str(people.assessment.pk), "--output", target],
        ["export_results", str(people.assessment.pk), "--format", "csv", "--output", target],
        ["export_answers", str(people.assessment.pk), "--output", str(tmp_path)],
    ):
        with pytest.raises(CommandError) as raised:
            call_command(*command)
        message = str(raised.value)
        assert message.startswith("cannot write") and "\n" not in message


def test_the_command_row_limit_can_be_raised(tmp_path, model_version, settings):
    settings.IMPORT_MAX_ROWS = 1
    path = tmp_path / "a.csv"
    path.write_text(
        "respondent,layer,department,question,current,desired,comment\n"
        "a,beleid,,LC1.1,2,3,\nb,beleid,,LC1.1,2,3,\n",
        encoding="utf-8",
    )
    arguments = ["--organisation", "O", "--type", "gemeente", "--assessment", "A"]
    err = io.StringIO()
    settings.IMPORT_MAX_ROWS = 1
    with pytest.raises(CommandError):
        call_command("import_answers", str(path), *arguments, stderr=err)
    assert "meer dan 1 regels" in err.getvalue()
    out = io.StringIO()
    call_command("import_answers", str(path), *arguments, "--max-rows", "2", stdout=out)
    assert "imported 2 respondents" in out.getvalue()
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(CommandError):
        call_command("import_answers", str(path), *arguments, stderr=err)
    assert "groter dan 0 MB" in err.getvalue()  # 10 bytes: the message rounds down
    out = io.StringIO()
    arguments[-1] = "B"
    call_command(
        "import_answers", str(path), *arguments, "--max-mb", "1", "--max-rows", "2", stdout=out
    )
    assert "imported 2 respondents" in out.getvalue()


# --- The upload page: dry run and mapping ------------------------------------------------


def test_the_upload_page_dry_run_shows_each_column_and_saves_nothing(client, people, model_version):
    Department.objects.create(organisation=people.organisation, name="Sociaal Domein")
    content, qs = forms_export(model_version)
    client.force_login(people.consultant)
    url = f"/metingen/{people.assessment.pk}/antwoorden/import/"
    response = client.post(
        url, {"action": "upload", "file": SimpleUploadedFile("f.xlsx", content), "dry_run": "on"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Proefimport" in page and "2 respondenten met 5 antwoorden" in page
    assert "Hoe elke kolom is begrepen" in page
    assert f"{qs[0].code} nu" in page and "genegeerd" in page
    assert "piet@aadorp.nl" not in page  # identity values are never shown either
    assert Response.objects.count() == 0


def test_the_saved_mapping_reads_other_headers(client, people, model_version):
    [question] = questions_for(model_version, "beleid", 1)
    client.force_login(people.consultant)
    url = f"/metingen/{people.assessment.pk}/antwoorden/import/"
    content = b"Functie,Vraag 1a,Vraag 1b,Opmerking\nbeleid,2,4,prima\n"
    response = client.post(url, {"action": "upload", "file": SimpleUploadedFile("a.csv", content)})
    assert response.status_code == 400
    assert "niet herkend" in response.content.decode()
    bad = client.post(url, {"action": "mapping", "mapping": "Functie = baas\nVraag 1a nu"})
    assert bad.status_code == 400 and "1, 2" in bad.content.decode()
    mapping = (
        f"Functie = laag\nVraag 1a = {question.code} nu\nVraag 1b = {question.code} gewenst\n"
        "Opmerking = negeren"
    )
    assert client.post(url, {"action": "mapping", "mapping": mapping}).status_code == 302
    people.assessment.refresh_from_db()
    assert people.assessment.import_mapping["functie"] == "layer"
    assert f"{question.code} gewenst" in client.get(url).content.decode()  # shown again
    response = client.post(url, {"action": "upload", "file": SimpleUploadedFile("a.csv", content)})
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert (answer.question, answer.current, answer.desired) == (question, 2, 4)
    assert answer.response.layer.code == "beleid"


def test_answers_to_questions_a_layer_is_not_asked_are_left_out_and_counted(people, model_version):
    only_some = Question.objects.filter(version=model_version).exclude(layers=[]).first()
    assert "uitvoering" not in only_some.layers
    header = f"laag,{only_some.code} nu,{only_some.code} gewenst,LC1.1 nu,LC1.1 gewenst\n"
    content = (header + "uitvoering,2,3,1,2\nbeleid,4,5,,\n").encode()
    outcome = imports.import_answers(assessment=people.assessment, data=content, name="a.csv")
    # uitvoering's answer to it, and beleid's too when beleid is not asked it either.
    assert outcome.details["not_asked"] == 1 + ("beleid" not in only_some.layers)
    kept = sorted(Answer.objects.values_list("response__layer__code", "question__code"))
    assert ("uitvoering", only_some.code) not in kept
    assert ("uitvoering", "LC1.1") in kept
    assert outcome.created == len({layer for layer, _code in kept})
