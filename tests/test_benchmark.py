"""Benchmark participation and what a benchmark gives away (scoring.md v2, Benchmark).

Only the operator lets an organisation take part; only organisations that take part are
peers and see the benchmark; no page, download or report carries a minimum, a maximum
or a single peer's score.
"""

import io
import json
import re
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments.admin import OrganisationAdmin
from assessments.models import Membership, Organisation
from assessments.results import assessment_results
from assessments.results_export import results_json
from roadmap import pdf
from roadmap.documents import report_data

from . import scoring_data as data

pytestmark = pytest.mark.django_db

# Each peer: five respondents in each of three layers answering every question with
# (directie, management, uitvoering); every factor, track and overall score of the peer
# is their mean: 1/3, 2/3, 4/3, 8/3 and 13/3. The peers' mean is 28/15 (1,9); ours is 2.
PEER_ANSWERS = [(1, 0, 0), (1, 1, 0), (2, 1, 1), (3, 3, 2), (5, 4, 4)]
PEER_SCORES = [sum(answers) / 3 for answers in PEER_ANSWERS]
PEER_SHOWN = ["0,3", "0,7", "1,3", "2,7", "4,3"]


@pytest.fixture
def version():
    return data.small_model()


def closed_peer(name, version, answers, *, benchmark=True):
    organisation = data.organisation(name, benchmark=benchmark)
    assessment = data.assessment(organisation, version, closed_at=datetime(2026, 1, 1))
    layers = ["directie", "management", "uitvoering"]
    data.add_respondents(
        assessment,
        [
            (layer, "", data.same_answers(value))
            for layer, value in zip(layers, answers, strict=True)
            for _ in range(5)
        ],
    )
    return assessment


def own_assessment(version, people, *, benchmark=True):
    organisation = data.organisation("Gemeente Eigen", benchmark=benchmark)
    Membership.objects.create(
        user=people.consultant, organisation=organisation, role=Membership.Role.CONSULTANT
    )
    assessment = data.assessment(organisation, version, closed_at=datetime(2026, 3, 1))
    data.add_respondents(assessment, [("directie", "", data.same_answers(2, 4))] * 5)
    return assessment


@pytest.fixture
def five_peers(version, people):
    for number, answers in enumerate(PEER_ANSWERS):
        closed_peer(f"Gemeente {number}", version, answers)
    return own_assessment(version, people)


def page(client, user, assessment):
    client.force_login(user)
    return client.get(reverse("results", args=[assessment.pk])).content.decode()


def download(client, user, assessment, file_format):
    client.force_login(user)
    return client.get(reverse("results_download", args=[assessment.pk, file_format])).content


def benchmark_section(content):
    return re.search(r'<section aria-labelledby="h-benchmark".*?</section>', content, re.S)[0]


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


def a_peer_score(value):
    return isinstance(value, int | float) and any(abs(value - s) < 1e-6 for s in PEER_SCORES)


# --- Taking part -----------------------------------------------------------------------


def test_it_creates_an_organisation_that_does_not_take_part(client, people):
    client.force_login(people.consultant)
    client.post(
        reverse("organisation_create"),
        {
            "name": "Gemeente Nieuw",
            "type": "gemeente",
            "size_class": "m",
            "benchmark_agreed_at": "2026-01-01 12:00",
            "benchmark_agreed_by": "Ikzelf",
        },
    )
    organisation = Organisation.objects.get(name="Gemeente Nieuw")
    assert not organisation.takes_part_in_benchmark
    assert organisation.benchmark_agreed_by == ""


def test_the_consultants_organisation_form_cannot_switch_it(client, people):
    organisation = people.organisation
    client.force_login(people.consultant)
    response = client.post(
        reverse("organisation_edit", args=[organisation.pk]),
        {
            "name": organisation.name,
            "type": "gemeente",
            "size_class": "m",
            "benchmark_agreed_at": "2026-01-01 12:00",
            "benchmark_agreed_by": "Ikzelf",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert not organisation.takes_part_in_benchmark
    form = client.get(reverse("organisation_edit", args=[organisation.pk])).content.decode()
    assert "benchmark_agreed" not in form


def admin_form(user, organisation, **changes):
    request = RequestFactory().post("/")
    request.user = user
    model_admin = OrganisationAdmin(Organisation, admin.site)
    form_class = model_admin.get_form(request, organisation, change=True)
    values = {"name": organisation.name, "type": organisation.type, "size_class": "m"}
    return form_class({**values, **changes}, instance=organisation)


def test_only_a_superuser_switches_it_in_the_admin(people):
    organisation = people.organisation
    consultant = people.consultant
    consultant.user_permissions.add(Permission.objects.get(codename="change_organisation"))
    agreement = {
        "benchmark_agreed_at_0": "2026-03-12",
        "benchmark_agreed_at_1": "10:00",
        "benchmark_agreed_by": "J. Jansen, CIO, besluit 12-3-2026",
    }
    form = admin_form(consultant, organisation, **agreement)
    assert "benchmark_agreed_at" not in form.fields
    assert form.is_valid()
    form.save()
    organisation.refresh_from_db()
    assert not organisation.takes_part_in_benchmark

    consultant.is_superuser = True
    form = admin_form(consultant, organisation, **agreement)
    assert form.is_valid(), form.errors
    form.save()
    organisation.refresh_from_db()
    assert organisation.takes_part_in_benchmark
    assert organisation.benchmark_agreed_by == "J. Jansen, CIO, besluit 12-3-2026"


def test_taking_part_records_who_agreed(people):
    organisation = people.organisation
    people.consultant.is_superuser = True
    form = admin_form(
        people.consultant,
        organisation,
        benchmark_agreed_at_0="2026-03-12",
        benchmark_agreed_at_1="10:00",
    )
    assert not form.is_valid()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(benchmark_agreed_by="Iemand")


def test_the_organisation_page_says_whether_it_takes_part(client, people):
    url = reverse("organisation", args=[people.organisation.pk])
    client.force_login(people.viewer)
    assert "Doet niet mee." in client.get(url).content.decode()
    Organisation.objects.filter(pk=people.organisation.pk).update(
        benchmark_agreed_at=timezone.make_aware(datetime(2026, 3, 12, 10, 0)),
        benchmark_agreed_by="J. Jansen, CIO, besluit 12-3-2026",
    )
    content = client.get(url).content.decode()
    assert "Doet mee sinds 12 maart 2026 (ingestemd door: J. Jansen, CIO" in content


def test_an_organisation_that_does_not_take_part_is_not_looked_for_peers(
    version, django_assert_num_queries
):
    assessment = data.assessment(data.organisation("Gemeente A"), version)
    data.add_respondents(assessment, [("directie", "", data.same_answers(2))] * 5)
    # shape (3), respondents (1), factor codes (1), kept sums (1), trend (1): no peers
    with django_assert_num_queries(7):
        assert assessment_results(assessment).benchmark is None


# --- What the results say when there is no benchmark -----------------------------------


def test_the_page_says_why_there_is_no_benchmark(client, version, people):
    for number, answers in enumerate(PEER_ANSWERS[:4]):
        closed_peer(f"Gemeente {number}", version, answers)
    own = own_assessment(version, people, benchmark=False)
    section = benchmark_section(page(client, people.consultant, own))
    assert "Deze organisatie doet niet mee aan de benchmark." in section
    Organisation.objects.filter(pk=own.organisation_id).update(
        benchmark_agreed_at=timezone.make_aware(datetime(2026, 3, 12, 10, 0)),
        benchmark_agreed_by="J. Jansen",
    )
    section = benchmark_section(page(client, people.consultant, own))
    assert "Te weinig vergelijkbare organisaties (minimaal 5)" in section
    assert "Vergeleken met" not in section


# --- Nothing gives a single peer away --------------------------------------------------


def test_the_json_gives_mean_and_percentile_by_code(five_peers):
    benchmark = results_json(assessment_results(five_peers))["benchmark"]
    assert benchmark["peers"] == 5
    assert list(benchmark["factors"]) == ["LC1", "LC2", "IT3", "PEB1"]
    assert list(benchmark["tracks"]) == ["LC", "IT", "PEB"]
    # Three peers lower than our 2: 3 / 5 × 100.
    expected = {"mean": pytest.approx(28 / 15), "percentile": 60.0, "q1": None, "q3": None}
    assert benchmark["factors"]["LC1"] == expected
    assert benchmark["tracks"]["PEB"] == expected


def test_no_peer_score_in_the_json(client, five_peers, people):
    result = json.loads(download(client, people.consultant, five_peers, "json"))
    assert result["benchmark"]["peers"] == 5
    assert not any(a_peer_score(value) for value in numbers(result))


def test_no_peer_score_in_the_csv_or_xlsx(client, five_peers, people):
    # Dutch Excel's CSV (interfaces.md): semicolons, decimal commas, one decimal.
    frame = pd.read_csv(
        io.BytesIO(download(client, people.consultant, five_peers, "csv")), sep=";", decimal=","
    )
    rows = frame[frame["section"] == "benchmark_factor"].set_index("code")
    assert rows.loc["LC1", "mean"] == pytest.approx(round(28 / 15, 1))
    assert rows.loc["LC1", "percentile"] == 60.0
    assert not any(
        a_peer_score(value) for value in frame.select_dtypes("number").to_numpy().ravel()
    )
    assert not {"min", "max"} & set(frame.columns)

    workbook = openpyxl.load_workbook(
        io.BytesIO(download(client, people.consultant, five_peers, "xlsx"))
    )
    sheet = workbook["benchmark"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["section", "code", "peers", "mean", "percentile", "q1", "q3"]
    cells = [cell.value for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]
    assert not any(a_peer_score(value) for value in cells)


def test_no_peer_score_on_the_page(client, five_peers, people):
    content = page(client, people.consultant, five_peers)
    section = benchmark_section(content)
    assert "Vergeleken met 5 andere organisaties" in section
    assert "1,9" in section and ">60<" in section
    for shown in PEER_SHOWN:
        assert shown not in section
    for word in ("Laagste", "Hoogste", "Middelste helft anderen"):
        assert word not in content


def test_no_peer_score_in_the_report(five_peers):
    benchmark = report_data(five_peers)["benchmark"]
    assert not benchmark["quartiles"]
    row = benchmark["factors"][0]
    # The benchmark row of the results page (presentation.benchmark_table): aggregates
    # and their wording, never a peer's own score.
    assert set(row) == {
        "code",
        "label",
        "score",
        "mean",
        "q1",
        "q3",
        "percentile",
        "peers",
        "middle_half",
        "compared",
    }
    assert (row["score"], row["mean"], row["percentile"], row["q1"]) == ("2,0", "1,9", 60, "–")
    reader = PdfReader(io.BytesIO(pdf.render_report(five_peers)))
    pages = [page.extract_text() for page in reader.pages]
    chapter = next(text for text in pages if "Vergeleken met 5 organisaties" in text)
    for shown in PEER_SHOWN:
        assert shown not in chapter
    for word in ("Laagste", "Hoogste", "Q1"):
        assert word not in chapter


# --- Ten peers: quartiles --------------------------------------------------------------


def test_from_ten_peers_every_output_gives_the_quartiles(client, version, people):
    answers = PEER_ANSWERS + [(0, 0, 0), (2, 2, 2), (3, 3, 3), (4, 4, 4), (5, 5, 5)]
    for number, peer_answers in enumerate(answers):
        closed_peer(f"Gemeente {number}", version, peer_answers)
    closed_peer("Gemeente Zonder", version, (1, 1, 1), benchmark=False)
    own = own_assessment(version, people)
    # Sorted: 0, 1/3, 2/3, 4/3, 2, 8/3, 3, 4, 13/3, 5. Q1 at 2 11/12: 1/3 + 11/12 × 1/3;
    # Q3 at 8 1/12: 4 + 1/12 × 1/3.
    q1, q3 = 1 / 3 + 11 / 36, 4 + 1 / 36
    benchmark = results_json(assessment_results(own))["benchmark"]
    assert benchmark["peers"] == 10
    assert benchmark["factors"]["IT3"]["q1"] == pytest.approx(q1)
    assert benchmark["factors"]["IT3"]["q3"] == pytest.approx(q3)
    section = benchmark_section(page(client, people.consultant, own))
    assert "Middelste helft anderen" in section
    assert "0,6 tot 4,0" in section
    frame = pd.read_csv(
        io.BytesIO(download(client, people.consultant, own, "csv")), sep=";", decimal=","
    )
    track = frame[frame["section"] == "benchmark_track"].set_index("code")
    assert track.loc["LC", "q3"] == pytest.approx(round(q3, 1))
    report = report_data(own)["benchmark"]
    assert report["quartiles"]
    assert (report["tracks"][0]["q1"], report["tracks"][0]["q3"]) == ("0,6", "4,0")
