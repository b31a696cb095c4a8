"""Upload limits that answer in seconds: files that are small but huge inside, huge
files, NUL bytes and bad encodings are refused with a 400 naming the limit (or the
line), within 5 s and 300 MB, on the web and in the commands."""

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from assessments import imports, tabular
from assessments.models import Answer, Invitation, Response

ROOT = Path(__file__).resolve().parent.parent
HEADER = "respondent,layer,department,question,current,desired,comment\n"
MiB = 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = "</sheetData></worksheet>"


def header_row():
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(HEADER.strip().split(","))
    )
    return f'<row r="1">{cells}</row>'


def write_xlsx(path, write_sheet, shared_strings=None):
    """A workbook written part by part, its sheet (and shared strings) streamed into
    the zip so that a gigabyte inside never sits in memory here either."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if shared_strings:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                shared_strings(part)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            write_sheet(part)
    return path


def one_huge_cell(part, size=1024 * MiB):
    part.write((SHEET_START + header_row()).encode())
    part.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
    block = b"a" * MiB
    for _ in range(size // MiB):
        part.write(block)
    part.write(b"</t></is></c></row>")
    part.write(SHEET_END.encode())


def huge_shared_string(part, size=512 * MiB):
    part.write(
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    )
    block = b"b" * MiB
    for _ in range(size // MiB):
        part.write(block)
    part.write(b"</t></si></sst>")


def sheet_using_string_0(part):
    part.write((SHEET_START + header_row()).encode())
    part.write(b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>')
    part.write(SHEET_END.encode())


def three_strings(part):
    part.write(
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>a</t></si><si><t>beleid</t></si><si><t>LC1.1</t></si></sst>"
    )


def three_million_rows(part):
    part.write((SHEET_START + header_row()).encode())
    row = (
        b'<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c/><c t="s"><v>2</v></c>'
        b"<c><v>2</v></c><c><v>3</v></c></row>"
    )
    block = row * 10_000
    for _ in range(300):
        part.write(block)
    part.write(SHEET_END.encode())


@pytest.fixture(scope="session")
def bombs(tmp_path_factory):
    """name -> (path, what the refusal names). Made once; the 1 GB cell is ~1 MB."""
    folder = tmp_path_factory.mktemp("bombs")
    made = {
        "xlsx-1gb-cell": (write_xlsx(folder / "cell.xlsx", one_huge_cell), "MB"),
        "xlsx-shared-string": (
            write_xlsx(folder / "shared.xlsx", sheet_using_string_0, huge_shared_string),
            "MB",
        ),
        "xlsx-3m-rows": (
            write_xlsx(folder / "rows.xlsx", three_million_rows, three_strings),
            "50.000 regels",
        ),
    }
    rows = folder / "rows.csv"
    with rows.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for number in range(200_000):
            out.write(f"r{number},beleid,,LC1.1,2,3,\n")
    made["csv-200k-rows"] = (rows, "50.000 regels")
    big = folder / "big.csv"
    comment = "x" * 2000
    with big.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for number in range(10_000):  # far below the row limit: the size stops it
            out.write(f"r{number},beleid,,LC1.1,2,3,{comment}\n")
    made["csv-20mb"] = (big, "16 MB")
    nul = folder / "nul.csv"
    nul.write_bytes((HEADER + "a,beleid,,LC1.1,2,3,\nb,beleid,,LC1.1,2,3,ok\x00\n").encode())
    made["csv-nul"] = (nul, "regel 3")
    latin = folder / "latin.csv"
    latin.write_bytes(
        (HEADER + "a,beleid,,LC1.1,2,3,\nb,beleid,Café,LC1.1,2,3,\n").encode("latin-1")
    )
    made["csv-latin-1"] = (latin, "regel 3")
    return made


BOMBS = [
    "xlsx-1gb-cell",
    "xlsx-shared-string",
    "xlsx-3m-rows",
    "csv-200k-rows",
    "csv-20mb",
    "csv-nul",
    "csv-latin-1",
]


def test_the_bombs_are_what_they_claim(bombs):
    cell, _ = bombs["xlsx-1gb-cell"]
    assert cell.stat().st_size < 1.5 * MiB
    with zipfile.ZipFile(cell) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 1000 * MiB
    rows, _ = bombs["xlsx-3m-rows"]
    assert rows.stat().st_size < 1.5 * MiB
    assert bombs["csv-20mb"][0].stat().st_size > 19 * MiB


@pytest.mark.django_db
@pytest.mark.parametrize("bomb", BOMBS)
def test_an_answers_upload_refuses_the_bomb_with_a_400_in_seconds(client, people, bombs, bomb):
    path, named = bombs[bomb]
    client.force_login(people.consultant)
    start = time.perf_counter()
    with path.open("rb") as file:
        response = client.post(
            f"/metingen/{people.assessment.pk}/antwoorden/import/",
            {"file": SimpleUploadedFile(path.name, file.read())},
        )
    seconds = time.perf_counter() - start
    assert response.status_code == 400
    assert named in response.content.decode()
    assert seconds < 5, f"{bomb}: {seconds:.1f} s"
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("bomb", ["xlsx-1gb-cell", "csv-200k-rows", "csv-nul"])
def test_an_invitation_list_upload_refuses_the_bomb_with_a_400(client, people, bombs, bomb):
    path, named = bombs[bomb]
    client.force_login(people.consultant)
    response = client.post(
        f"/metingen/{people.assessment.pk}/uitnodigingen/",
        {"action": "upload", "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert response.status_code == 400
    assert named in response.content.decode()
    assert Invitation.objects.count() == 0


MEASURE = """
import json, sys, time
import django
django.setup()
from assessments import tabular

def peak_mib():
    # VmHWM: this process image's peak resident memory (ru_maxrss would carry the
    # parent's peak over the fork).
    status = open("/proc/self/status").read()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024

figures = {}
for path in sys.argv[1:]:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # start this file's peak from what is resident now
    start = time.perf_counter()
    try:
        with open(path, "rb") as file:
            tabular.read_frame(file, path)
        outcome = "read"
    except tabular.TableError as error:
        outcome = error.reason
    figures[path] = {
        "seconds": time.perf_counter() - start, "peak_mib": peak_mib(), "outcome": outcome
    }
print(json.dumps(figures))
"""


def test_reading_a_bomb_stays_under_300_mb(bombs):
    """Peak resident memory of a fresh process (Django and pandas loaded: ~110 MB) while
    it reads each file, and the time it takes; one process for all, to save start-ups."""
    paths = [str(bombs[bomb][0]) for bomb in BOMBS]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "datagedreven.settings"}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *paths],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for bomb, path in zip(BOMBS, paths, strict=True):
        measured = figures[path]
        print(bomb, f"{measured['seconds']:.3f} s", f"{measured['peak_mib']:.0f} MiB")
        assert measured["outcome"] != "read", bomb
        assert measured["peak_mib"] < 300, bomb
        assert measured["seconds"] < 5, bomb


@pytest.mark.django_db
@pytest.mark.parametrize("bomb", ["xlsx-1gb-cell", "csv-nul", "csv-latin-1"])
def test_the_commands_end_a_bomb_in_a_one_line_error(people, bombs, bomb):
    path, named = bombs[bomb]
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_respondents", str(people.assessment.pk), str(path), stderr=err)
    assert raised.value.returncode == 1
    assert named in err.getvalue()
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
    assert named in err.getvalue()


def test_the_row_limit_is_a_setting(settings):
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(tabular.TableError, match="meer dan 2 regels"):
        tabular.read_frame((HEADER + "a\nb\nc\n").encode(), "a.csv")
    _header, rows = tabular.read_frame((HEADER + "a\n\nb\n").encode(), "a.csv")
    assert list(rows.index) == [2, 3]  # a blank line is not counted (as before)
    assert list(rows[0]) == ["a", "b"]


def test_a_cell_beyond_the_cell_limit_is_an_error_on_its_line(settings):
    settings.IMPORT_MAX_CELL_CHARS = 10
    with pytest.raises(tabular.TableError) as raised:
        tabular.read_frame((HEADER + "a,b\n" + "c," + "x" * 11 + "\n").encode(), "a.csv")
    assert raised.value.line == 3
    assert "10 tekens" in raised.value.reason


@pytest.mark.django_db
def test_nul_and_bad_utf8_are_reported_on_their_line(people):
    for content, reason in [
        ((HEADER + "a,beleid,,LC1.1,2,3,\x00\n").encode(), "NUL"),
        (HEADER.encode() + b"a,beleid,Caf\xe9,LC1.1,2,3,\n", "0xe9"),
    ]:
        with pytest.raises(imports.FileRejected) as rejected:
            imports.import_answers(assessment=people.assessment, data=content, name="a.csv")
        [(line, text)] = rejected.value.errors
        assert line == 2 and reason in text
