"""scoring.md's guarantee through the app: what a viewer of a closed assessment can
download, checked by tests/disclosure_check.py.

Every organisation here is built in the database; the viewer downloads the results JSON
of the organisation and of every department that respondents named (hidden ones too,
by `?afdeling=`), and the checker rebuilds the linear system from those numbers and the
counts alone. The pages must release nothing the JSON does not: every score in the
factor, track, group and department tables is the JSON's figure rounded to one decimal.
"""

import json
import random
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from assessments import collection, scoring
from assessments.forms import AssessmentForm
from assessments.models import Membership
from assessments.presentation import rounded

from . import scoring_data as data
from .conftest import make_user
from .disclosure_check import Leak, check_release, check_releases
from .test_disclosure import released as core_release

pytestmark = pytest.mark.django_db

QUESTIONS = [q for questions in data.SMALL_QUESTIONS.values() for q in questions]


@pytest.fixture
def version():
    return data.small_model()


@pytest.fixture
def users():
    return {"consultant": make_user("cora", staff=True), "viewer": make_user("vera")}


# --- Building and obtaining ------------------------------------------------------------


def answers(current, desired=None, **overrides):
    """Every question answered (current, desired); `overrides` by factor code with a
    (current, desired) pair for each of its questions, None for "weet ik niet"."""
    result = data.same_answers(current, desired)
    for factor, values in overrides.items():
        for question in data.SMALL_QUESTIONS[factor]:
            result[question] = values
    return result


DONT_KNOW = {question: (None, None) for question in QUESTIONS}


def r_of(given):
    """Rule 1: r(f) per factor, (current, desired), None where undefined."""
    r = {}
    for factor, questions in data.SMALL_QUESTIONS.items():
        parts = []
        for index in (0, 1):
            values = [
                given[q][index] for q in questions if q in given and given[q][index] is not None
            ]
            parts.append(sum(values) / len(values) if values else None)
        r[factor] = tuple(parts)
    return r


def people_of(respondents):
    return [
        {"layer": layer, "department": department, "r": r_of(given)}
        for layer, department, given, *_comments in respondents
    ]


def closed_case(version, users, respondents, *, k=5, groups=None, name="Gemeente Proef"):
    """A closed assessment of these respondents, with a consultant and a viewer."""
    organisation = data.organisation(name)
    Membership.objects.create(
        user=users["consultant"], organisation=organisation, role=Membership.Role.CONSULTANT
    )
    Membership.objects.create(
        user=users["viewer"], organisation=organisation, role=Membership.Role.VIEWER
    )
    assessment = data.assessment(organisation, version, k=k)
    if groups is not None:
        assessment.reporting_groups = groups
        assessment.save()
    data.add_respondents(assessment, respondents)
    assert collection.assessment_set_status(assessment=assessment, action="close")
    return assessment


def get(client, user, assessment, view, department=None, file_format=None):
    client.force_login(user)
    args = [assessment.pk] + ([file_format] if file_format else [])
    url = reverse(view, args=args)
    if department is not None:
        url += "?" + urlencode({"afdeling": department})
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def viewer_release(client, users, assessment, respondents):
    """What the viewer downloads: the organisation's JSON and every named department's
    one at a time (the JSON lists every name respondents used, hidden ones too)."""
    viewer = users["viewer"]
    organisation = json.loads(
        get(client, viewer, assessment, "results_download", file_format="json").content
    )
    names = [d["name"] for d in organisation.get("departments", [])]
    assert set(names) == {department for _l, department, *_ in respondents if department}
    departments = {
        name: json.loads(
            get(client, viewer, assessment, "results_download", name, file_format="json").content
        )
        for name in names
    }
    return organisation, departments


# --- The pages against the JSON --------------------------------------------------------


class Tables(HTMLParser):
    """Every table of a page: its attributes, caption and rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"attrs": dict(attrs), "caption": "", "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th", "caption") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th", "caption") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            if tag == "caption":
                self.tables[-1]["caption"] = text
            else:
                self.tables[-1]["rows"][-1].append(text)
            self._cell = None

    def handle_data(self, text):
        if self._cell is not None:
            self._cell.append(text)


def tables_of(html):
    parser = Tables()
    parser.feed(html)
    return parser.tables


def table(tables, caption):
    """The rows of the table with this caption, without the header row; None if none."""
    found = [t for t in tables if t["caption"] == caption]
    assert len(found) <= 1
    return found[0]["rows"][1:] if found else None


GROUP_TABLE = "Score nu per sleutelfactor en groep"
DEPARTMENT_TABLE = "Score nu per afdeling en sleutelfactor"


def shown(value):
    """A figure as the page shows it (one decimal, half up), "." as the separator."""
    return "–" if value is None else str(rounded(value))


def as_read(text):
    return text.replace(",", ".")


def assert_page_is_json_rounded(html, release, *, department=False):
    """Every score the page shows is the JSON's figure rounded: the page gives nothing
    the JSON does not."""
    tables = tables_of(html)
    factors = release["factors"]
    rows = table(tables, "Scores per sleutelfactor")
    if rows is None:
        assert release["overall"]["current"] is None
        return
    assert len(rows) == len(factors)
    for row, factor in zip(rows, factors, strict=True):
        cells = [as_read(cell) for cell in row]
        expected = [factor["current"], factor["desired"], factor["gap"], factor["spread"]]
        assert [cells[1], cells[3], cells[4], cells[5]] == [shown(v) for v in expected], row
        if not department:
            assert cells[6] == shown(factor["layer_gap"]), row
        assert int(cells[-1]) == factor["respondents"]
    rows = table(tables, "Scores per ontwikkelspoor")
    for row, track in zip(rows, release["tracks"], strict=True):
        cells = [as_read(cell) for cell in row]
        assert [cells[1], cells[3], cells[4]] == [
            shown(track[p]) for p in ("current", "desired", "gap")
        ]
    if department:
        assert table(tables, GROUP_TABLE) is None
        assert table(tables, DEPARTMENT_TABLE) is None
        return
    groups = [g for g in release["groups"] if g["shown"]]
    rows = table(tables, GROUP_TABLE)
    if groups:
        assert len(rows) == len(factors)
        for row, factor in zip(rows, factors, strict=True):
            assert [as_read(cell) for cell in row[1:]] == [
                shown(g["factors"][factor["code"]]["current"]) for g in groups
            ]
    else:
        assert rows is None
    departments = [d for d in release["departments"] if d["shown"]]
    rows = table(tables, DEPARTMENT_TABLE)
    if departments:
        assert [row[0] for row in rows] == [f"{d['name']} ({d['counted']})" for d in departments]
        for row, item in zip(rows, departments, strict=True):
            assert [as_read(cell) for cell in row[1:]] == [
                shown(item["factors"][f["code"]]["current"]) for f in factors
            ]
    else:
        assert rows is None


def figures_of(release):
    """Every score of a JSON release, as shown (one decimal, "." as the separator)."""
    found = set()

    def walk(item):
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("respondents", "counted", "peers", "version"):
                    continue
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)
        elif isinstance(item, float | int) and not isinstance(item, bool):
            found.add(shown(item))

    walk(release)
    return found | {"–"}


def shown_in_documents(assessment):
    """The scores the viewer's session slides and report (department chapter, groups)
    show, as read: they are built from the same results (issues 15, 16)."""
    from roadmap.documents import report_data
    from roadmap.views_session import presentation_slides

    found = []

    def collect(item):
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("current", "desired", "gap", "spread") and isinstance(value, str):
                    found.append(as_read(value))
                elif key in ("values", "cells") and isinstance(value, list):
                    for cell in value:
                        cell = (
                            cell.get("value", cell.get("current"))
                            if isinstance(cell, dict)
                            else cell
                        )
                        if isinstance(cell, str):
                            found.append(as_read(cell))
                else:
                    collect(value)
        elif isinstance(item, list):
            for value in item:
                collect(value)

    collect(presentation_slides(assessment, False))
    report = report_data(assessment)
    collect({"departments": report.get("departments"), "groups": report.get("groups")})
    return found


def check_case(client, users, assessment, respondents):
    """The guarantee on what the viewer obtains, and the pages against the JSON."""
    organisation, departments = viewer_release(client, users, assessment, respondents)
    check_release(
        people_of(respondents),
        organisation,
        departments,
        min_group_size=assessment.min_group_size,
    )
    viewer = users["viewer"]
    html = get(client, viewer, assessment, "results").content.decode()
    assert_page_is_json_rounded(html, organisation)
    # The session slides and the report give no figure that the JSON does not.
    allowed = figures_of(organisation)
    shown_there = shown_in_documents(assessment)
    assert shown_there and set(shown_there) <= allowed, set(shown_there) - allowed
    for name, release in departments.items():
        html = get(client, viewer, assessment, "results", name).content.decode()
        assert_page_is_json_rounded(html, release, department=True)
    return organisation, departments


def shown_departments(release):
    return [d["name"] for d in release["departments"] if d["shown"]]


def shown_groups(release):
    return [g["code"] for g in release["groups"] if g["shown"]]


# --- The attacks of issue 12 -----------------------------------------------------------


def test_attack_a_a_small_bestuur_beside_a_department_that_is_the_whole_directie(
    client, version, users
):
    """bestuur (3) counts with directie; the department Directie is all 6 of directie:
    6·S − S(Directie) − Σ shown groups would leave the bestuur's sum. Directie is hidden."""
    respondents = (
        [("bestuur", "", answers(5))] * 3
        + [("directie", "Directie", answers(1))] * 6
        + [("management", "", answers(2))] * 5
        + [("uitvoering", "", answers(3))] * 6
    )
    assessment = closed_case(version, users, respondents)
    organisation, _departments = check_case(client, users, assessment, respondents)
    assert shown_groups(organisation) == ["bestuur+directie", "management", "uitvoering"]
    assert shown_departments(organisation) == []


def test_attack_b_a_department_of_all_managers_and_one_board_member(client, version, users):
    """Mix = the 6 managers and 1 of the bestuur: 7·S(Mix) − 6·L(management) would be
    the board member's answers. Nothing else is hidden; Mix is."""
    respondents = (
        [("bestuur", "Mix", answers(5))]
        + [("bestuur", "", answers(4))] * 4
        + [("directie", "", answers(1))] * 5
        + [("management", "Mix", answers(2))] * 6
        + [("uitvoering", "", answers(3))] * 6
    )
    assessment = closed_case(version, users, respondents)
    organisation, _departments = check_case(client, users, assessment, respondents)
    assert shown_groups(organisation) == ["bestuur", "directie", "management", "uitvoering"]
    assert shown_departments(organisation) == []


def test_attack_c_a_team_of_five_of_the_six_managers_where_nothing_is_hidden(
    client, version, users
):
    """6·L(management) − 5·S(Team) would be the sixth manager's answers."""
    respondents = (
        [("bestuur", "", answers(5))] * 5
        + [("directie", "", answers(1))] * 5
        + [("management", "Team", answers(2))] * 5
        + [("management", "", answers(4))]
        + [("uitvoering", "", answers(3))] * 6
    )
    assessment = closed_case(version, users, respondents)
    organisation, _departments = check_case(client, users, assessment, respondents)
    assert shown_groups(organisation) == ["bestuur", "directie", "management", "uitvoering"]
    assert shown_departments(organisation) == []


# --- More hand-made cases --------------------------------------------------------------


def test_departments_inside_one_group_are_shown_and_add_up(client, version, users):
    """Two departments that split uitvoering exactly: both shown, their figures the
    group's; nothing smaller can be worked out."""
    respondents = (
        [("bestuur", "", answers(5))] * 5
        + [("directie", "", answers(1))] * 5
        + [("management", "", answers(2))] * 6
        + [("uitvoering", "Ruimte", answers(3, 4))] * 6
        + [("uitvoering", "Sociaal", answers(1, 5))] * 6
    )
    assessment = closed_case(version, users, respondents)
    organisation, departments = check_case(client, users, assessment, respondents)
    assert shown_departments(organisation) == ["Ruimte", "Sociaal"]
    assert departments["Ruimte"]["overall"]["current"] == pytest.approx(3)


def test_dont_know_on_one_factor_hides_the_department_for_every_factor(client, version, users):
    """Ruimte has 6, but 2 of them said "weet ik niet" on IT3: IT3 of Ruimte would be
    over 4. Ruimte is hidden (for every factor), and so is nothing else."""
    respondents = (
        [("directie", "", answers(1))] * 5
        + [("management", "", answers(2))] * 6
        + [("uitvoering", "Ruimte", answers(3))] * 4
        + [("uitvoering", "Ruimte", answers(4, IT3=(None, None)))] * 2
        + [("uitvoering", "Sociaal", answers(1))] * 6
    )
    assessment = closed_case(version, users, respondents)
    organisation, _departments = check_case(client, users, assessment, respondents)
    assert "Ruimte" not in shown_departments(organisation)


def test_desired_left_open_by_some_of_a_group(client, version, users):
    """Counts differ between current and desired: management gives a current figure on
    LC2 (6 answers) but its desired one is over 3 and withheld, with complementary
    suppression of the next smallest."""
    respondents = (
        [("bestuur", "A", answers(5))] * 5
        + [("directie", "A", answers(1))] * 5
        + [("management", "B", answers(2, LC2=(2, None)))] * 3
        + [("management", "B", answers(2, 3))] * 3
        + [("uitvoering", "B", answers(3))] * 7
    )
    assessment = closed_case(version, users, respondents)
    organisation, _departments = check_case(client, users, assessment, respondents)
    management = next(g for g in organisation["groups"] if g["code"] == "management")
    assert management["factors"]["LC2"]["current"] is not None
    assert management["factors"]["LC2"]["desired"] is None


def test_a_consultants_grouping_of_layers_far_apart(client, version, users):
    """bestuur and uitvoering as one group, a hidden management, departments across."""
    respondents = (
        [("bestuur", "Ruimte", answers(5))] * 2
        + [("directie", "Ruimte", answers(1))] * 6
        + [("management", "Sociaal", answers(2))] * 3
        + [("uitvoering", "Sociaal", answers(3))] * 5
        + [("uitvoering", "", answers(0, 5))] * 4
    )
    groups = [{"name": "Buitenkant", "layers": ["bestuur", "uitvoering"]}]
    assessment = closed_case(version, users, respondents, groups=groups)
    check_case(client, users, assessment, respondents)


# --- Generated organisations -----------------------------------------------------------

DEPARTMENTS = ["Ruimte", "Sociaal", "Zorg", "Klein", ""]
GROUPINGS = {
    "default": None,
    "layers": [{"name": "", "layers": [layer]} for layer in data.SMALL_LAYERS],
    "top": [{"name": "Top", "layers": ["bestuur", "directie"]}],
    "ends": [{"name": "Buitenkant", "layers": ["bestuur", "uitvoering"]}],
}


def generated(seed):
    """An organisation of up to ~40 respondents, with "weet ik niet" here and there."""
    rng = random.Random(seed)
    respondents = []
    for layer in data.SMALL_LAYERS:
        for _ in range(rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12])):
            department = rng.choices(DEPARTMENTS, weights=[5, 4, 2, 1, 2])[0]
            if rng.random() < 0.05:
                respondents.append((layer, department, dict(DONT_KNOW)))
                continue
            given = {}
            for question in QUESTIONS:
                current = None if rng.random() < 0.12 else rng.randint(0, 5)
                desired = None if rng.random() < 0.12 else rng.randint(current or 0, 5)
                given[question] = (current, desired)
            respondents.append((layer, department, given))
    return respondents, rng.choice([3, 4, 5, 5, 5]), rng.choice(sorted(GROUPINGS))


@pytest.mark.parametrize("seed", range(16))
def test_generated_organisations_give_nothing_away(client, version, users, seed):
    respondents, k, grouping = generated(seed)
    assessment = closed_case(version, users, respondents, k=k, groups=GROUPINGS[grouping])
    check_case(client, users, assessment, respondents)


# --- Leaks found -----------------------------------------------------------------------


def raise_k(client, users, assessment, k):
    """The consultant raises k on the assessment's edit form, as the page posts it."""
    form = AssessmentForm(instance=assessment, organisation=assessment.organisation)
    posted = {
        name: "" if field.value() is None else field.value()
        for name, field in ((name, form[name]) for name in form.fields)
        if not form.fields[name].disabled
    }
    posted["min_group_size"] = k
    client.force_login(users["consultant"])
    response = client.post(reverse("assessment_edit", args=[assessment.pk]), posted)
    assessment.refresh_from_db()
    return response


def test_raising_k_after_closing_gives_no_small_group_away(client, version, users):
    """Closed with k = 5: groups bestuur+directie (6), management (5), uitvoering (12),
    all shown; department X has 2 of directie, 1 of management and 6 of uitvoering and
    is shown over 9. Were k raised to 6 afterwards, management would be hidden,
    bestuur+directie too (complementary), and X shown over its 6 in uitvoering. Both
    versions are safe on their own; 9·D₅(X) − 6·D₆(X) is the sum of the other 3. So
    the edit form no longer changes k of a closed assessment."""
    respondents = (
        [("directie", "X", answers(1))] * 2
        + [("directie", "", answers(2))] * 4
        + [("management", "X", answers(4))]
        + [("management", "", answers(2))] * 4
        + [("uitvoering", "X", answers(3))] * 6
        + [("uitvoering", "", answers(2))] * 6
    )
    people = people_of(respondents)
    assessment = closed_case(version, users, respondents)
    before = viewer_release(client, users, assessment, respondents)
    assert shown_departments(before[0]) == ["X"]
    check_release(people, *before, min_group_size=5)
    assert raise_k(client, users, assessment, 6).status_code == 302  # saved, but not k
    assert assessment.min_group_size == 5
    after = viewer_release(client, users, assessment, respondents)
    assert shown_departments(after[0]) == ["X"]
    check_release(people, *after, min_group_size=assessment.min_group_size)
    # Every version the viewer could have seen, together; respondents were told k = 5.
    check_releases(people, [before, after], min_group_size=5)


def test_the_two_versions_of_that_organisation_would_leak(client, version, users):
    """Why k stays: the same organisation scored by the core with its frozen groups at
    k = 5 and at k = 6; each release is safe, the two together are not."""
    respondents = (
        [("directie", "X", answers(1))] * 2
        + [("directie", "", answers(2))] * 4
        + [("management", "X", answers(4))]
        + [("management", "", answers(2))] * 4
        + [("uitvoering", "X", answers(3))] * 6
        + [("uitvoering", "", answers(2))] * 6
    )
    people = [
        {**person, "r": {f: person["r"][f] for f in ("LC1", "IT3")}}
        for person in people_of(respondents)
    ]
    groups = scoring.configured_groups(
        [{"layers": ["bestuur", "directie"]}, {"layers": ["management"]}], data.SMALL_LAYERS
    )
    versions = []
    for k in (5, 6):
        result, organisation, departments = core_release(people, k, groups)
        assert [d.code for d in result.departments if d.shown] == ["X"]
        check_release(people, organisation, departments, min_group_size=5)
        versions.append((organisation, departments))
    with pytest.raises(Leak, match=r"\('directie', 'X'\), \('management', 'X'\)"):
        check_releases(people, versions, min_group_size=5)


def comments_on(html):
    return set(re.findall(r'<li class="comment-text">(.*?)</li>', html, re.S))


def test_comments_of_a_small_department_cannot_be_told_apart(client, version, users):
    """uitvoering (10): 9 in Ruimte, the one member of Klein answered "weet ik niet"
    everywhere but left a comment. No score graph has a Klein node, but comments come
    from everyone in the shown groups: were Ruimte shown, the organisation's comments
    minus Ruimte's would be the one member of Klein's. The headcount graph hides it."""
    respondents = [
        ("uitvoering", "Ruimte", answers(3), {"LC1": f"Ruimte-toelichting {i}"}) for i in range(9)
    ] + [("uitvoering", "Klein", dict(DONT_KNOW), {"LC1": "ALLEEN-VAN-KLEIN"})]
    assessment = closed_case(version, users, respondents)
    organisation, departments = check_case(client, users, assessment, respondents)
    viewer = users["viewer"]
    everyone = comments_on(get(client, viewer, assessment, "results").content.decode())
    told = set()
    for name in shown_departments(organisation):
        told |= comments_on(get(client, viewer, assessment, "results", name).content.decode())
    shown_groups_layers = {
        layer for g in organisation["groups"] if g["shown"] for layer in g["layers"]
    }
    # The respondents in shown groups whose comments the difference would be.
    rest = sum(
        1
        for layer, department, *_ in respondents
        if layer in shown_groups_layers and department not in shown_departments(organisation)
    )
    assert not (everyone - told) or rest >= assessment.min_group_size, everyone - told
