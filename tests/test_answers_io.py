"""Raw answers in and out (import_answers, export_answers, the upload page) and
respondent lists (import_respondents): all or nothing, every bad row reported."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from assessments import imports
from assessments.models import (
    Answer,
    Assessment,
    Department,
    FactorComment,
    FactorSum,
    Invitation,
    Response,
)

pytestmark = pytest.mark.django_db

HEADER = "respondent,layer,department,question,current,desired,comment\n"


def canonical_file(model_version):
    """A file in export order: respondents in turn, questions in model order, each
    factor's comment on its first row."""
    questions = list(
        model_version.questions.select_related("factor").order_by(
            "factor__track__order", "factor__order", "order"
        )
    )
    lines = [HEADER]
    people = [("r1", "beleid", "Ruimte"), ("r2", "bestuur", ""), ("r3", "uitvoering", "Sociaal")]
    for number, (respondent, layer, department) in enumerate(people):
        seen = set()
        for index, question in enumerate(questions):
            if not question.is_asked_of(layer):
                continue
            current = "" if (index + number) % 7 == 0 else str((index + number) % 6)
            desired = "" if (index + number) % 9 == 0 else str((index * 2 + number) % 6)
            comment = ""
            if question.factor_id not in seen:
                seen.add(question.factor_id)
                if (index + number) % 4 == 0:
                    comment = '"Eerste regel, met komma\n\nen een ""citaat"""'
            lines.append(
                f"{respondent},{layer},{department},{question.code},{current},{desired},{comment}\n"
            )
    return "".join(lines)


def run_import(path, *extra, name="Nulmeting 2025"):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_answers",
        str(path),
        "--organisation",
        "Gemeente Cedorp",
        "--type",
        "gemeente",
        "--assessment",
        name,
        *extra,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_import_then_export_reproduces_the_file_with_pseudonymous_ids(tmp_path, model_version):
    text = canonical_file(model_version)
    path = tmp_path / "answers.csv"
    path.write_text(text, encoding="utf-8")
    out, _err = run_import(path, "--close")
    assessment_id = int(out.strip().splitlines()[-1].removeprefix("assessment="))
    assessment = Assessment.objects.get(pk=assessment_id)
    assert assessment.is_closed and assessment.organisation.type == "gemeente"
    assert Response.objects.filter(assessment=assessment, status="submitted").count() == 3
    # Step 1 of scoring is kept for every imported response and factor of the model.
    factors = model_version.factors.count()
    assert FactorSum.objects.filter(response__assessment=assessment).count() == 3 * factors
    target = tmp_path / "export.csv"
    call_command("export_answers", str(assessment_id), "--output", str(target))
    exported = target.read_text(encoding="utf-8")
    original_rows = text.split("\n")
    exported_rows = exported.split("\n")
    assert len(exported_rows) == len(original_rows)
    mapping = {}
    for before, after in zip(original_rows, exported_rows, strict=True):
        if not before or before.startswith("respondent,") or before[0] in ' "e':
            assert before == after
            continue
        old_id, rest = before.split(",", 1)
        new_id, rest_after = after.split(",", 1)
        assert rest == rest_after
        mapping.setdefault(old_id, new_id)
        assert mapping[old_id] == new_id
    assert len(set(mapping.values())) == 3
    assert all(new.startswith("p-") and old not in new for old, new in mapping.items())
    # The comment with a blank line inside survives as one comment.
    assert FactorComment.objects.filter(text__contains="\n\nen een").exists()


def test_import_keeps_a_row_for_every_factor_also_those_not_answered(tmp_path, model_version):
    path = tmp_path / "answers.csv"
    path.write_text(
        HEADER + "ok,beleid,,LC1.1,2,3,\nok,beleid,,LC1.2,4,,\nleeg,beleid,,LC1.1,,,\n",
        encoding="utf-8",
    )
    out, _err = run_import(path)
    assessment_id = int(out.strip().splitlines()[-1].removeprefix("assessment="))
    kept = {}
    for response, code, *sums in FactorSum.objects.filter(
        response__assessment_id=assessment_id
    ).values_list(
        "response_id",
        "factor__code",
        "current_sum",
        "current_count",
        "desired_sum",
        "desired_count",
    ):
        kept.setdefault(response, {})[code] = tuple(sums)
    codes = set(model_version.factors.values_list("code", flat=True))
    assert len(kept) == 2 and all(set(factors) == codes for factors in kept.values())
    answered, silent = sorted(kept.values(), key=lambda factors: factors["LC1"], reverse=True)
    assert answered["LC1"] == (6, 2, 3, 1)
    assert silent["LC1"] == (0, 0, 0, 0)  # one answer, "weet ik niet" twice
    assert all(answered[code] == (0, 0, 0, 0) for code in codes - {"LC1"})


def test_export_to_stdout_is_the_same(tmp_path, model_version):
    path = tmp_path / "answers.csv"
    path.write_text(canonical_file(model_version), encoding="utf-8")
    out, _err = run_import(path)
    assessment_id = out.strip().splitlines()[-1].removeprefix("assessment=")
    stdout = io.StringIO()
    call_command("export_answers", assessment_id, stdout=stdout)
    assert stdout.getvalue().count("\n") == path.read_text().count("\n")


def test_import_joins_a_factors_comments_in_question_order(tmp_path, model_version):
    path = tmp_path / "answers.csv"
    path.write_text(
        HEADER + "a,beleid,,LC1.1,2,3,eerste\na,beleid,,LC1.2,2,3,tweede\n", encoding="utf-8"
    )
    run_import(path)
    assert FactorComment.objects.get().text == "eerste\n\ntweede"


BAD_ROWS = [
    ("a,geheim,,LC1.1,2,3,\n", "onbekende laag"),
    ("a,beleid,,XX9.9,2,3,\n", "onbekende vraag"),
    ("a,beleid,,LC1.1,6,3,\n", "0 tot en met 5"),
    ("a,beleid,,LC1.1,2,-1,\n", "0 tot en met 5"),
    ("a,beleid,,LC1.1,twee,3,\n", "0 tot en met 5"),
    ("a,beleid,,LC1.1,2.0,3,\n", "0 tot en met 5"),
    (",beleid,,LC1.1,2,3,\n", "respondent is leeg"),
    ("a,bestuur,,IT1.2,2,3,\n", "niet aan deze laag"),
    ("a,beleid,,LC1.1,2,3," + "x" * 2001 + "\n", "te lang"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_a_bad_row_imports_nothing_and_is_reported_with_its_line(
    tmp_path, model_version, row, reason
):
    path = tmp_path / "answers.csv"
    path.write_text(HEADER + "ok,beleid,,LC1.1,2,3,\n" + row, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run_import(path)
    assert raised.value.returncode == 1
    with pytest.raises(imports.FileRejected) as rejected:
        imports.import_answers_file(
            data=path.read_bytes(),
            name="answers.csv",
            organisation="Gemeente Cedorp",
            type="gemeente",
            assessment="Nulmeting 2025",
        )
    errors = rejected.value.errors
    assert [line for line, _reason in errors] == [3]
    assert reason in errors[0][1]
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    assert not FactorSum.objects.exists()


def test_every_bad_row_is_reported(tmp_path, model_version, capsys):
    path = tmp_path / "answers.csv"
    path.write_text(
        HEADER
        + "a,beleid,,LC1.1,2,3,\n"
        + "a,beleid,,LC1.1,2,3,\n"  # duplicate
        + "a,directie,,LC1.2,2,3,\n"  # other layer than before
        + "b,beleid,,LC1.1,9,3,\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_answers",
            str(path),
            "--organisation",
            "Gemeente Cedorp",
            "--type",
            "gemeente",
            "--assessment",
            "X",
            stderr=err,
        )
    report = err.getvalue()
    assert "regel 3: dubbele regel" in report
    assert "regel 4: de laag of afdeling" in report
    assert "regel 5:" in report
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "leeg"),
        (b"respondent,layer,department,question,current,desired,comment\n", "geen regels"),
        (b"who,layer,question,now,later\na,beleid,LC1.1,2,3\n", "kolommen"),
        (b"respondent,layer,question,current,desired\na,beleid,LC1.1,2,3\n", None),
        (HEADER.encode() + "é,beleid,,LC1.1,2,3,\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_files_are_refused_whole(model_version, people, content, reason):
    assessment = people.assessment
    if reason is None:  # department and comment may be left out
        outcome = imports.import_answers(assessment=assessment, data=content, name="a.csv")
        assert outcome.created == 1
        return
    with pytest.raises(imports.FileRejected) as rejected:
        imports.import_answers(assessment=assessment, data=content, name="a.csv")
    assert reason in str(rejected.value.errors)
    assert Response.objects.count() == 0


def test_a_huge_file_is_refused(people, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(imports.FileRejected) as rejected:
        imports.import_answers(assessment=people.assessment, data=b"x" * 101, name="a.csv")
    assert "te groot" in str(rejected.value.errors)


def test_importing_the_same_respondents_twice_is_refused(people):
    data = (HEADER + "a,beleid,,LC1.1,2,3,\n").encode()
    imports.import_answers(assessment=people.assessment, data=data, name="a.csv")
    with pytest.raises(imports.FileRejected) as rejected:
        imports.import_answers(assessment=people.assessment, data=data, name="a.csv")
    assert "al eerder" in str(rejected.value.errors)
    assert Response.objects.count() == 1


def test_a_closed_assessment_takes_no_import(people):
    people.assessment.status = "closed"
    people.assessment.save()
    with pytest.raises(imports.FileRejected):
        imports.import_answers(
            assessment=people.assessment,
            data=(HEADER + "a,beleid,,LC1.1,2,3,\n").encode(),
            name="a.csv",
        )


def test_import_answers_refuses_a_bad_type_or_model(tmp_path, model_version):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "a,beleid,,LC1.1,2,3,\n", encoding="utf-8")
    for extra in (["--type", "bakkerij"], ["--type", "gemeente", "--model", "NOPE"]):
        with pytest.raises(CommandError):
            call_command(
                "import_answers", str(path), "--organisation", "O", "--assessment", "A", *extra
            )
    assert Assessment.objects.filter(name="A").count() == 0


# --- Respondent lists ------------------------------------------------------------------


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def departments(organisation, *names):
    for name in names:
        Department.objects.create(organisation=organisation, name=name)


def test_it_invites_from_csv_and_xlsx(tmp_path, people):
    departments(people.organisation, "Ruimte")
    path = tmp_path / "lijst.csv"
    path.write_text(
        "email,layer,department\nPiet@Aadorp.nl,beleid,Ruimte\nanna@aadorp.nl,directie,\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_respondents", str(people.assessment.pk), str(path), stdout=out)
    assert "invited 2" in out.getvalue()
    excel = tmp_path / "lijst.xlsx"
    excel.write_bytes(
        xlsx([["email", "layer"], ["piet@aadorp.nl", "beleid"], ["kees@aadorp.nl", "specialist"]])
    )
    out = io.StringIO()
    call_command("import_respondents", str(people.assessment.pk), str(excel), stdout=out)
    assert "invited 1, already invited 1" in out.getvalue()
    piet = Invitation.objects.get(email="piet@aadorp.nl")
    assert (piet.layer.code, piet.department, piet.kind) == ("beleid", "Ruimte", "personal")
    assert Invitation.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"email,layer\ngeen-adres,beleid\n", "l.csv", "geen geldig e-mailadres"),
        (b"email,layer\na@b.nl,geheim\n", "l.csv", "onbekende laag"),
        (b"email,layer\na@b.nl,beleid\nA@b.nl,beleid\n", "l.csv", "al eerder in het bestand"),
        (b"mail,laag\na@b.nl,beleid\n", "l.csv", "kolommen"),
        (b"", "l.csv", "leeg"),
        (b"PK\x03\x04 garbage not a workbook", "l.xlsx", "Excel"),
        ("email,layer\nä@b.nl,beleid\n".encode("utf-16"), "l.csv", "UTF-8"),
    ],
)
def test_a_bad_list_invites_nobody(people, content, name, reason):
    with pytest.raises(imports.FileRejected) as rejected:
        imports.import_respondents(assessment=people.assessment, data=content, name=name)
    assert reason in str(rejected.value.errors)
    assert Invitation.objects.count() == 0


def test_a_dutch_excel_list_with_semicolons_dutch_headers_and_layer_names(people):
    departments(people.organisation, "Ruimte", "Sociaal")
    content = (
        " E-mail ;Laag;Afdeling\r\n"
        "piet@aadorp.nl;Beleid & advies;Ruimte\r\n"
        "anna@aadorp.nl;DIRECTIE;\r\n"
        "kees@aadorp.nl; specialist ;Sociaal\r\n"
    ).encode("utf-8-sig")
    outcome = imports.import_respondents(assessment=people.assessment, data=content, name="l.csv")
    assert outcome.created == 3
    got = {
        invitation.email: (invitation.layer.code, invitation.department)
        for invitation in Invitation.objects.select_related("layer")
    }
    assert got == {
        "piet@aadorp.nl": ("beleid", "Ruimte"),
        "anna@aadorp.nl": ("directie", ""),
        "kees@aadorp.nl": ("specialist", "Sociaal"),
    }


def test_a_bad_layer_is_repeated_and_the_allowed_layers_are_listed_in_order(people):
    content = b"email;laag\na@b.nl;Beleid en advies\nc@d.nl;beleid\n"
    with pytest.raises(imports.FileRejected) as rejected:
        imports.import_respondents(assessment=people.assessment, data=content, name="l.csv")
    assert len(rejected.value.errors) == 1
    line, reason = rejected.value.errors[0]
    assert line == 2
    assert "'Beleid en advies'" in reason
    codes = [layer.code for layer in people.assessment.layers.order_by("order")]
    positions = [reason.index(f"{code} (") for code in codes]
    assert positions == sorted(positions)
    assert "beleid (Beleid & advies)" in reason
    assert Invitation.objects.count() == 0


def test_import_respondents_exits_1_on_a_bad_list(tmp_path, people):
    path = tmp_path / "l.csv"
    path.write_text("email,layer\nx,beleid\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_respondents", str(people.assessment.pk), str(path), stderr=err)
    assert raised.value.returncode == 1
    assert "regel 2" in err.getvalue()


# --- The upload page -------------------------------------------------------------------


def test_the_upload_page_imports_and_reports(client, people):
    client.force_login(people.consultant)
    url = f"/metingen/{people.assessment.pk}/antwoorden/import/"
    bad = SimpleUploadedFile("a.csv", (HEADER + "a,beleid,,LC1.1,7,3,\n").encode())
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "regel 2" in response.content.decode()
    good = SimpleUploadedFile("a.csv", (HEADER + "a,beleid,,LC1.1,2,3,\n").encode())
    assert client.post(url, {"file": good}).status_code == 302
    assert Response.objects.filter(assessment=people.assessment).count() == 1
    download = client.get(f"/metingen/{people.assessment.pk}/antwoorden.csv")
    assert download.status_code == 200
    assert download.content.decode().startswith(HEADER)


def test_upload_and_download_are_for_the_consultant_only(client, people):
    urls = [
        f"/metingen/{people.assessment.pk}/antwoorden/import/",
        f"/metingen/{people.assessment.pk}/antwoorden.csv",
    ]
    client.force_login(people.viewer)
    assert [client.get(url).status_code for url in urls] == [403, 403]
    client.force_login(people.other_consultant)
    assert [client.get(url).status_code for url in urls] == [404, 404]


def test_the_upload_form_refuses_a_huge_file(client, people, monkeypatch):
    monkeypatch.setattr("assessments.forms.MAX_UPLOAD_BYTES", 100)
    client.force_login(people.consultant)
    big = SimpleUploadedFile("a.csv", HEADER.encode() + b"x" * 200)
    response = client.post(f"/metingen/{people.assessment.pk}/antwoorden/import/", {"file": big})
    assert "te groot" in response.content.decode()
    assert Response.objects.count() == 0


def test_an_answers_csv_from_dutch_excel_with_semicolons(people):
    departments(people.organisation, "Ruimte")
    content = (
        HEADER.replace(",", ";")
        + "a;beleid;Ruimte;LC1.1;2;3;te weinig tijd, en geen geld\n"
        + "a;beleid;Ruimte;LC1.2;1;4;\n"
    ).encode("utf-8-sig")
    outcome = imports.import_answers(assessment=people.assessment, data=content, name="a.csv")
    assert outcome.created == 1
    assert Answer.objects.count() == 2
    assert FactorComment.objects.get().text == "te weinig tijd, en geen geld"


def test_a_comma_file_keeps_semicolons_in_its_comments(people):
    content = (HEADER + 'a,beleid,,LC1.1,2,3,"eerst dit; dan dat"\n').encode()
    imports.import_answers(assessment=people.assessment, data=content, name="a.csv")
    assert FactorComment.objects.get().text == "eerst dit; dan dat"


def test_an_answers_xlsx_and_a_garbage_xlsx(people):
    rows = [HEADER.strip().split(","), ["a", "beleid", None, "LC1.1", 2, 3, None]]
    outcome = imports.import_answers(assessment=people.assessment, data=xlsx(rows), name="a.xlsx")
    assert outcome.created == 1
    answer = Answer.objects.get()
    assert (answer.current, answer.desired) == (2, 3)
    with pytest.raises(imports.FileRejected):
        imports.import_answers(assessment=people.assessment, data=b"\x00" * 50, name="b.xlsx")


def test_a_closed_assessment_takes_no_invitations(people):
    people.assessment.status = "closed"
    people.assessment.save()
    with pytest.raises(imports.FileRejected):
        imports.import_respondents(
            assessment=people.assessment, data=b"email,layer\na@b.nl,beleid\n", name="l.csv"
        )
