"""scoring.md's guarantee, proved on generated organisations: no linear combination of
the released figures determines a sum or mean over fewer than k respondents.

The pure core is checked here on many generated organisations (hypothesis) with
tests/disclosure_check.py, which rebuilds the linear system from what is released;
tests/test_disclosure_release.py does the same through the JSON exports of real
assessments in the database, including the attacks of issue 12.
"""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import disclosure, scoring

from .disclosure_check import Leak, check_release

SHAPE = scoring.ModelShape(
    factors=(("LC1", "LC"), ("IT3", "IT")),
    tracks=("LC", "IT"),
    layers=("bestuur", "directie", "management", "uitvoering"),
)
DEPARTMENTS = ("Ruimte", "Sociaal", "Zorg", "")


def respondents_of(people):
    """scoring.Respondents of [{"layer", "department", "r": {factor: (cur, des)}}]."""
    frame = pd.DataFrame(
        [(i, p["layer"], p["department"]) for i, p in enumerate(people)],
        columns=["respondent", "layer", "department"],
    )
    rows = [
        (p["layer"], i, factor, *(float("nan") if v is None else float(v) for v in values))
        for i, p in enumerate(people)
        for factor, values in p["r"].items()
    ]
    r = pd.DataFrame(rows, columns=["layer", "respondent", "factor", "current", "desired"])
    return scoring.Respondents(people=frame, r=r.set_index(["layer", "respondent", "factor"]))


def score_json(score):
    return {"current": score.current, "desired": score.desired}


def release_of(result):
    """A ScoringResult in the shape of the results JSON (what the exports release)."""
    return {
        "overall": score_json(result.overall),
        "tracks": [{"code": c, **score_json(t)} for c, t in result.tracks.items()],
        "factors": [
            {"code": c, "track": f.track, **score_json(f)} for c, f in result.factors.items()
        ],
        "groups": [
            {
                "code": g.code,
                "layers": g.layers,
                "shown": g.shown,
                "factors": {c: score_json(s) for c, s in g.factors.items()},
            }
            for g in result.groups
        ],
        "departments": [
            {
                "name": d.code,
                "shown": d.shown,
                "factors": {c: score_json(s) for c, s in d.factors.items()},
            }
            for d in result.departments
        ],
    }


def released(people, k, groups=None):
    """The organisation's release and every department's, one at a time."""
    respondents = respondents_of(people)
    result = scoring.score_respondents(respondents, shape=SHAPE, min_group_size=k, groups=groups)
    departments = {}
    for department in result.departments:
        one = scoring.score_respondents(
            respondents, shape=SHAPE, min_group_size=k, groups=groups, department=department.code
        )
        assert one.scores_shown == department.shown
        departments[department.code] = release_of(one)
    return result, release_of(result), departments


LEVEL = st.one_of(st.none(), st.integers(min_value=0, max_value=5))
PERSON = st.fixed_dictionaries(
    {
        "layer": st.sampled_from(SHAPE.layers),
        "department": st.sampled_from(DEPARTMENTS),
        "r": st.fixed_dictionaries(
            {"LC1": st.tuples(LEVEL, LEVEL), "IT3": st.tuples(LEVEL, LEVEL)}
        ),
    }
)
GROUPINGS = st.sampled_from(["default", "layers", "top"])


def grouping(name):
    if name == "layers":
        return scoring.layer_groups(SHAPE.layers)
    if name == "top":
        return scoring.configured_groups(
            [{"name": "Top", "layers": ["bestuur", "directie"]}], SHAPE.layers
        )
    return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(PERSON, min_size=0, max_size=32),
    st.integers(min_value=2, max_value=5),
    GROUPINGS,
)
def test_no_release_determines_a_sum_over_fewer_than_k(people, k, groups):
    _result, organisation, departments = released(people, k, grouping(groups))
    check_release(people, organisation, departments, min_group_size=k)


def person(layer, department, current, desired=None):
    desired = current if desired is None else desired
    return {
        "layer": layer,
        "department": department,
        "r": {"LC1": (current, desired), "IT3": (current, desired)},
    }


def test_the_attacks_of_issue_12_find_nothing_and_the_check_would_catch_them():
    """The bestuur (3) beside a department that is the whole directie, and a team of 5
    of the 6 managers: each shown department would give a small group away (6·S −
    directie − Σ groups; L(management) − team). The release hides both departments,
    and the checker finds the leak in a release that shows either."""
    people = (
        [person("bestuur", "", 5)] * 3
        + [person("directie", "Directie", 1)] * 6
        + [person("management", "Team", 2)] * 5
        + [person("management", "", 4)]
        + [person("uitvoering", "", 3)] * 6
    )
    result, organisation, departments = released(people, 5)
    assert [g.code for g in result.groups if g.shown] == [
        "bestuur+directie",
        "management",
        "uitvoering",
    ]
    assert [(d.code, d.shown) for d in result.departments] == [
        ("Directie", False),
        ("Team", False),
    ]
    check_release(people, organisation, departments, min_group_size=5)
    for name, value, pooled in (("Directie", 1.0, 6), ("Team", 2.0, 5)):
        leaky = dict(organisation)
        leaky["departments"] = [
            {
                "name": name,
                "shown": True,
                "factors": {f: {"current": value, "desired": value} for f in ("LC1", "IT3")},
            }
        ]
        with pytest.raises(Leak):
            check_release(people, leaky, {}, min_group_size=5)
        assert pooled >= 5  # each department alone was big enough for the old rule


def test_lighter_side_of_the_cut_loses_its_smallest_department():
    cells = {("a", "X"): 6, ("a", "Y"): 2, ("b", "Y"): 7, ("b", ""): 6}
    cut = disclosure.light_cut(cells, set(), min_group_size=5)
    assert cut is not None and cut.weight == 2
    # a − Y's share would be two people: X, on the lighter side ({a, X}: 8 respondents
    # against 15), is hidden; then every cut weighs 8 or more.
    shown = disclosure.shown_departments(
        {("LC1", "current"): cells}, {"X": 6, "Y": 9}, min_group_size=5
    )
    assert shown == ["Y"]
