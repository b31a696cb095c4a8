"""The response monitor keeps participation private from viewers: rows per reporting
group, and no count of people who started or submitted under k, nor a way to work one
out from the totals. The consultant keeps the exact counts per layer."""

import re
from html import unescape

import pytest
from django.utils import timezone

from assessments.models import Response
from tests.survey_data import invite, open_assessment

pytestmark = pytest.mark.django_db


def respond(assessment, layer, count, *, status="submitted", department="", invited=False):
    """`count` responses in a layer; with `invited`, each from its own personal invitation."""
    for n in range(count):
        invitation = None
        if invited:
            email = f"{layer}-{status}-{department}-{n}@aadorp.nl".lower()
            invitation, _token = invite(assessment, email=email, layer=layer, department=department)
        Response.objects.create(
            assessment=assessment,
            respondent=f"{layer}-{status}-{department}-{n}",
            layer=assessment.layers.get(code=layer),
            invitation=invitation,
            department=department,
            status=status,
            submitted_at=timezone.now() if status == "submitted" else None,
        )


def texts(row):
    """The texts of a table row's data cells, as a reader sees them."""
    return [
        re.sub(r"<[^>]+>", "", unescape(cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    ]


def cells(page, label):
    """The cell texts of every row headed `label`, in order."""
    pattern = rf'<tr><th scope="row"[^>]*>{re.escape(label)}</th>(.*?)</tr>'
    return [texts(row) for row in re.findall(pattern, page, flags=re.S)]


def total_cells(page):
    (total,) = re.findall(r"<tfoot>(.*?)</tfoot>", page, flags=re.S)
    return texts(total)


def monitor(client, user, assessment):
    client.force_login(user)
    reply = client.get(f"/metingen/{assessment.pk}/respons/")
    assert reply.status_code == 200
    return reply.content.decode()


@pytest.fixture
def assessment(people):
    """The attack of issue 12: one directie member invited and busy, nobody of the top
    finished; the rest of the organisation well on its way."""
    assessment = open_assessment(people.assessment)
    assessment.reporting_groups = [
        {"name": "", "layers": ["bestuur", "directie"]},
        {"name": "", "layers": ["management", "beleid", "specialist", "uitvoering"]},
    ]
    assessment.save()
    directie, _token = invite(assessment, email="dir@aadorp.nl", layer="directie")
    Response.objects.create(
        assessment=assessment,
        respondent="the-director",
        layer=assessment.layers.get(code="directie"),
        invitation=directie,
    )
    respond(assessment, "beleid", 6, invited=True, department="Ruimte")
    respond(assessment, "specialist", 7, department="Ruimte")
    respond(assessment, "uitvoering", 3, status="draft", department="Ruimte")
    return assessment


def test_a_viewer_sees_groups_and_less_than_k_never_the_small_count(client, people, assessment):
    page = monitor(client, people.viewer, assessment)
    top = cells(page, "Bestuur &amp; directie")
    assert len(top) == 1
    invited, started, submitted, rate = top[0]
    assert invited == "1"  # the organisation knows whom it invited
    assert (started, submitted) == ("< 5", "< 5")
    assert rate.startswith("–")
    # No row per layer, so nowhere a "1 bezig, 0 ingevuld" about one colleague.
    assert cells(page, "Directie") == [] and cells(page, "Bestuur") == []
    rest = cells(
        page, "Management, beleid &amp; advies, specialist &amp; uitvoering (eindgebruiker)"
    )
    assert rest[0][:3] == ["6", "< 5", "13"]
    assert rest[0][3] == "100%"  # 6 of 6 invited: from a count of k or more


def test_the_total_does_not_give_the_hidden_group_away(client, people, assessment):
    texts = total_cells(monitor(client, people.viewer, assessment))
    invited, started, submitted, rate = texts
    assert invited == "7"
    assert started == "< 5"  # 4 started in all
    # 13 submitted in all, all of them in the shown group: "13" exactly would say the
    # top has 0. The viewer reads what the rows say anyway.
    assert submitted == "≥ 13"
    assert rate.startswith("–")  # 6 of 7 would say the director has not submitted


def test_the_total_is_exact_when_the_hidden_groups_hold_k_together(client, people, assessment):
    assessment.reporting_groups = [
        {"name": "Top", "layers": ["bestuur", "directie"]},
        {"name": "Midden", "layers": ["management"]},
        {"name": "Rest", "layers": ["beleid", "specialist", "uitvoering"]},
    ]
    assessment.save()
    respond(assessment, "directie", 3)
    respond(assessment, "management", 2)
    page = monitor(client, people.viewer, assessment)
    assert cells(page, "Top")[0][1:3] == ["< 5", "< 5"]
    assert cells(page, "Midden")[0][1:3] == ["< 5", "< 5"]
    # 3 and 2 hidden: the total says they hold 5 together, not who holds what.
    assert total_cells(page)[2] == "18"
    assert total_cells(page)[1] == "< 5"  # 4 started in all


def test_departments_hide_when_they_would_give_a_small_count_away(client, people, assessment):
    # Everyone but the director is in Ruimte: Ruimte's exact counts would give the
    # total, and so the top's. The viewer gets a sentence instead of the table.
    page = monitor(client, people.viewer, assessment)
    assert cells(page, "Ruimte") == []
    assert "per afdeling zijn nu niet te zien" in page
    # With other departments under k too, in every column, the table can show.
    respond(assessment, "management", 2, status="draft", department="Financiën")
    respond(assessment, "management", 3, invited=True, department="Financiën")
    respond(assessment, "management", 2, invited=True)
    page = monitor(client, people.viewer, assessment)
    assert "per afdeling zijn nu niet te zien" not in page
    assert cells(page, "Ruimte")[0][:3] == ["6", "< 5", "13"]
    assert cells(page, "Financiën")[0][:3] == ["3", "< 5", "< 5"]
    assert cells(page, "Geen afdeling")[0][:3] == ["3", "< 5", "< 5"]


def test_the_consultant_keeps_the_exact_counts_per_layer(client, people, assessment):
    page = monitor(client, people.consultant, assessment)
    assert cells(page, "Directie")[0][:3] == ["1", "1", "0"]
    assert cells(page, "Specialist")[0][:3] == ["–", "0", "7"]
    assert cells(page, "Ruimte")[0][:3] == ["6", "3", "13"]
    assert "&lt; 5" not in page.split("<table", 1)[1]
    assert total_cells(page)[:3] == ["7", "4", "13"]


def test_a_viewer_of_a_tiny_organisation_sees_only_less_than_k(client, people):
    assessment = open_assessment(people.assessment)
    respond(assessment, "beleid", 2, invited=True)
    invite(assessment, email="late@aadorp.nl", layer="beleid")
    page = monitor(client, people.viewer, assessment)
    # By default layers under k respondents are merged: one group, all layers.
    (body,) = re.findall(r"<tbody>(.*?)</tbody>", page, flags=re.S)[:1]
    assert body.count("<tr>") == 1
    assert "&lt; 5" in body and ">2<" not in body
    assert total_cells(page)[:3] == ["3", "< 5", "< 5"]
    assert "67%" not in page  # 2 of 3 invited


def test_the_viewers_monitor_costs_the_same_queries_at_any_size(
    client, people, django_assert_max_num_queries
):
    client.force_login(people.viewer)
    layer = people.assessment.layers.get(code="beleid")

    def add(count, offset):
        Response.objects.bulk_create(
            Response(
                assessment=people.assessment,
                respondent=f"m-{offset + n}",
                layer=layer,
                department=f"D{n % 7}",
            )
            for n in range(count)
        )

    add(10, 0)
    with django_assert_max_num_queries(12) as small:
        client.get(f"/metingen/{people.assessment.pk}/respons/")
    add(4990, 10)
    with django_assert_max_num_queries(12) as large:
        client.get(f"/metingen/{people.assessment.pk}/respons/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_lists_and_the_assessment_page_follow_the_monitor(client, people, assessment):
    """The same counts appear on the overview, the organisation and the assessment page:
    the viewer reads the monitor's total there, and no count per layer."""
    client.force_login(people.viewer)
    for url in ("/", f"/organisaties/{people.organisation.pk}/"):
        page = client.get(url).content.decode()
        assert "≥ 13" in page
    page = client.get(f"/metingen/{assessment.pk}/").content.decode()
    assert "Directie" not in page
    client.force_login(people.consultant)
    for url in ("/", f"/organisaties/{people.organisation.pk}/"):
        assert ">13<" in client.get(url).content.decode()
    assert "Directie" in client.get(f"/metingen/{assessment.pk}/").content.decode()


def test_a_viewers_overview_costs_the_same_queries_for_more_assessments(
    client, people, model_version, django_assert_max_num_queries
):
    from assessments.models import Assessment

    client.force_login(people.viewer)
    with django_assert_max_num_queries(12) as few:
        client.get("/")
    for number in range(10):
        other = Assessment.objects.create(
            organisation=people.organisation, model_version=model_version, name=f"Meting {number}"
        )
        other.add_default_layers()
        respond(other, "beleid", 3)
    with django_assert_max_num_queries(12) as many:
        page = client.get("/").content.decode()
    assert page.count("&lt; 5") == 11  # and the fixture's own, without respondents
    assert len(few.captured_queries) == len(many.captured_queries)
