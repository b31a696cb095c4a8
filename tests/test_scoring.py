"""The rules of spec/scoring.md, each with a hand-computed example, and their properties.

Most examples call the pure core (assessments/scoring.py) with a small table of answers;
the benchmark and trend examples also go through the database selector, which picks
the peers and the earlier measurements.
"""

import math
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import disclosure, risk_rules, scoring
from assessments.models import Organisation
from assessments.results import assessment_results
from assessments.stages import stage, stage_name

from . import scoring_data as data

SHAPE = scoring.ModelShape(
    factors=(("LC1", "LC"), ("LC2", "LC"), ("IT3", "IT"), ("PEB1", "PEB")),
    tracks=("LC", "IT", "PEB"),
    layers=("bestuur", "directie", "management", "uitvoering"),
)
QUESTIONS = {"LC1.1": "LC1", "LC1.2": "LC1", "LC2.1": "LC2", "IT3.1": "IT3", "PEB1.1": "PEB1"}


def frame(respondents):
    """Answers of respondents given as (layer, {question: (current, desired)}[, dept])."""
    rows = []
    for number, respondent in enumerate(respondents):
        layer, answers = respondent[0], respondent[1]
        department = respondent[2] if len(respondent) > 2 else ""
        if not answers:
            rows.append((f"r{number}", layer, department, None, None, math.nan, math.nan))
        for question, (current, desired) in answers.items():
            rows.append(
                (
                    f"r{number}",
                    layer,
                    department,
                    question,
                    QUESTIONS[question],
                    math.nan if current is None else float(current),
                    math.nan if desired is None else float(desired),
                )
            )
    answers = pd.DataFrame(
        rows,
        columns=["respondent", "layer", "department", "question", "factor", "current", "desired"],
    )
    answers["factor"] = answers["factor"].astype("category")
    answers["layer"] = answers["layer"].astype("category")
    return answers


def score(respondents, k=1, groups=None):
    """Scores with every layer its own reporting group (the rules per group are the
    rules per layer of scoring version 1) unless `groups` are given."""
    groups = scoring.layer_groups(SHAPE.layers) if groups is None else groups
    return scoring.score_answers(frame(respondents), shape=SHAPE, min_group_size=k, groups=groups)


def everything(current, desired=None):
    desired = current if desired is None else desired
    return {question: (current, desired) for question in QUESTIONS}


def layer(result, code):
    return next(group for group in result.groups if group.code == code)


# --- Rules 1–6 -------------------------------------------------------------------------


def test_it_leaves_dont_know_answers_out_of_the_mean():
    result = score(
        [
            # r(LC1): current 2 (the second is "weet ik niet"), desired (4 + 5) / 2.
            ("directie", {"LC1.1": (2, 4), "LC1.2": (None, 5)}),
            # r(LC1): current (4 + 3) / 2 = 3.5, desired 3 (the first is empty).
            ("directie", {"LC1.1": (4, None), "LC1.2": (3, 3)}),
        ]
    )
    lc1 = result.factors["LC1"]
    assert lc1.current == pytest.approx((2 + 3.5) / 2)
    assert lc1.desired == pytest.approx((4.5 + 3) / 2)
    assert lc1.gap == pytest.approx(3.75 - 2.75)
    assert lc1.respondents == 2


def test_a_respondent_who_only_answers_dont_know_has_no_factor_score():
    result = score(
        [
            ("directie", {"LC1.1": (1, 2), "LC1.2": (3, 4)}),
            ("directie", {"LC1.1": (None, None), "LC1.2": (None, None)}),
        ]
    )
    assert result.factors["LC1"].current == 2.0
    assert result.factors["LC1"].respondents == 1
    assert result.respondents == 2


def test_a_respondent_who_skipped_a_whole_factor_counts_only_where_they_answered():
    result = score(
        [
            ("directie", {"LC1.1": (3, 3), "LC2.1": (1, 2)}),
            ("directie", {"LC1.1": (5, 5)}),  # skipped LC2
        ]
    )
    assert result.factors["LC1"].current == 4.0  # (3 + 5) / 2
    assert result.factors["LC2"].current == 1.0  # only the first respondent
    assert result.factors["LC2"].respondents == 1
    assert result.tracks["LC"].current == pytest.approx(2.5)  # (4 + 1) / 2


def test_each_layer_weighs_the_same_however_many_respondents_it_has():
    result = score(
        [("directie", {"IT3.1": (4, 5)})] + [("management", {"IT3.1": (1, 2)})] * 3,
    )
    # Not (4 + 1 + 1 + 1) / 4 = 1.75: the mean of the two layer means.
    assert result.factors["IT3"].current == pytest.approx(2.5)
    assert result.factors["IT3"].desired == pytest.approx(3.5)


def test_tracks_and_overall_are_means_of_the_defined_parts():
    result = score(
        [
            ("directie", {"LC1.1": (2, 3), "LC1.2": (2, 3), "IT3.1": (4, 4)}),
            ("management", {"LC1.1": (2, 3), "LC1.2": (2, 3), "IT3.1": (4, 4)}),
        ]
    )
    assert result.factors["LC2"].current is None  # nobody answered it
    assert result.tracks["LC"].current == 2.0  # LC1 only
    assert result.tracks["IT"].current == 4.0
    assert result.tracks["PEB"].current is None
    assert result.tracks["PEB"].gap is None
    # Each defined track weighs the same: (2 + 4) / 2.
    assert result.overall.current == 3.0
    assert result.overall.desired == pytest.approx(3.5)
    assert result.overall.gap == pytest.approx(0.5)


def test_the_gap_is_only_defined_where_both_scores_are():
    result = score([("directie", {"IT3.1": (3, None)})])
    assert result.factors["IT3"].current == 3.0
    assert result.factors["IT3"].desired is None
    assert result.factors["IT3"].gap is None


# --- Stage and display -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (0.0, 0),
        (0.99, 0),
        (1.0, 1),
        (2.25, 2),
        (2.9999999999, 3),  # within 1e-9 of 3
        (2.99, 2),
        (5.0, 5),
        (7.0, 5),  # clipped
        (-0.5, 0),
    ],
)
def test_it_takes_the_stage_of_a_score(value, expected):
    assert stage(value) == expected


def test_the_stages_have_their_names():
    assert [stage_name(level) for level in range(6)] == [
        "Afwachtend",
        "Pionier",
        "Adept",
        "Bekwaam",
        "Professioneel",
        "Excellent",
    ]


def test_a_score_of_two_and_a_quarter_shows_as_2_3_in_stage_2():
    from assessments.presentation import display

    # Mean of 2, 2, 2, 3 (four layers of one respondent each).
    result = score(
        [
            ("bestuur", {"IT3.1": (2, 2)}),
            ("directie", {"IT3.1": (2, 2)}),
            ("management", {"IT3.1": (2, 2)}),
            ("uitvoering", {"IT3.1": (3, 3)}),
        ]
    )
    assert result.factors["IT3"].current == 2.25
    assert display(result.factors["IT3"].current) == "2,3"
    assert result.factors["IT3"].stage == 2


# --- Spread and layer gap --------------------------------------------------------------


def test_the_spread_is_the_sample_deviation_over_respondents_not_layers():
    result = score(
        [("directie", {"IT3.1": (1, 1)})] + [("management", {"IT3.1": (3, 3)})] * 3,
    )
    # r = 1, 3, 3, 3: mean 2.5, squares 2.25 + 3 × 0.25 = 3, / (4 − 1) = 1.
    assert result.factors["IT3"].spread == pytest.approx(1.0)


def test_the_spread_is_undefined_below_two_respondents():
    assert score([("directie", {"IT3.1": (1, 1)})]).factors["IT3"].spread is None


def test_the_layer_gap_uses_only_the_shown_layers():
    result = score(
        [("bestuur", {"IT3.1": (5, 5)})] * 2  # hidden (< 3), and so is directie
        + [("directie", {"IT3.1": (0, 0)})] * 3
        + [("management", {"IT3.1": (2, 2)})] * 4
        + [("uitvoering", {"IT3.1": (3, 3)})] * 4,
        k=3,
    )
    assert [g.code for g in result.groups if g.shown] == ["management", "uitvoering"]
    assert result.factors["IT3"].layer_gap == pytest.approx(1.0)  # 3 − 2, not 5 − 0


def test_the_layer_gap_is_undefined_below_two_shown_layers():
    result = score([("directie", {"IT3.1": (0, 0)}), ("management", {"IT3.1": (4, 4)})], k=1)
    assert result.factors["IT3"].layer_gap == 4.0
    result = score([("directie", {"IT3.1": (0, 0)})] * 2, k=1)
    assert result.factors["IT3"].layer_gap is None


# --- Privacy ---------------------------------------------------------------------------


def test_one_small_layer_hides_the_smallest_shown_layer_too():
    result = score(
        [("bestuur", everything(5))] * 4
        + [("directie", everything(1))] * 8
        + [("management", everything(2))] * 6
        + [("uitvoering", everything(3))] * 9,
        k=5,
    )
    shown = {g.code: g.shown for g in result.groups}
    # bestuur (4) < 5 is hidden; hidden hold 4 < 5, so management (6, the smallest
    # shown) is hidden too: 10 ≥ 5.
    assert shown == {"bestuur": False, "directie": True, "management": False, "uitvoering": True}
    assert layer(result, "bestuur").factors == {}
    assert layer(result, "management").factors == {}
    # Hidden respondents still count: (5 + 1 + 2 + 3) / 4.
    assert result.factors["IT3"].current == pytest.approx(11 / 4)


def test_complementary_suppression_takes_the_first_of_equal_layers():
    shown = disclosure.shown_groups(
        {"bestuur": 2, "directie": 5, "management": 5, "uitvoering": 5}, min_group_size=5
    )
    assert shown == ["management", "uitvoering"]


def test_two_small_layers_together_large_enough_hide_nothing_more():
    shown = disclosure.shown_groups(
        {"bestuur": 2, "directie": 3, "management": 6, "uitvoering": 7}, min_group_size=5
    )
    assert shown == ["management", "uitvoering"]


def test_no_layer_is_hidden_when_all_are_large_enough():
    counts = {"bestuur": 5, "directie": 5, "management": 6, "uitvoering": 7}
    assert disclosure.shown_groups(counts, min_group_size=5) == list(counts)


def test_a_layer_without_respondents_gives_nothing_away():
    shown = disclosure.shown_groups(
        {"bestuur": 0, "directie": 5, "management": 6, "uitvoering": 7}, min_group_size=5
    )
    assert shown == ["directie", "management", "uitvoering"]


def test_suppression_goes_on_until_the_hidden_layers_hold_k():
    # bestuur 1 < 10; hide directie (4): 5; hide management (4): 9; hide uitvoering: 21.
    shown = disclosure.shown_groups(
        {"bestuur": 1, "directie": 4, "management": 4, "uitvoering": 12}, min_group_size=10
    )
    assert shown == []


def test_below_k_respondents_in_all_only_counts_are_given():
    result = score([("directie", everything(3))] * 4, k=5)
    assert not result.scores_shown
    assert result.overall.current is None
    assert result.factors["IT3"].current is None
    assert all(not g.shown and not g.factors for g in result.groups)
    assert layer(result, "directie").respondents == 4
    assert result.highlights.strengths == []


def test_departments_are_hidden_until_no_cut_is_lighter_than_k():
    answers = scoring.Respondents.from_answers(
        frame(
            [("directie", everything(1), "Ruimte")] * 3
            + [("directie", everything(2), "Sociaal")] * 6
            + [("management", everything(4), "Zorg")] * 7
            + [("management", everything(5), "")] * 2
        )
    )
    result = scoring.score_respondents(
        answers, shape=SHAPE, min_group_size=5, groups=scoring.layer_groups(SHAPE.layers)
    )
    # Ruimte (3) is too small. Then management − Zorg would be the two people without a
    # department: Zorg goes (the lighter side of that cut); then directie − Sociaal
    # would be Ruimte's three: Sociaal goes too.
    assert [(d.code, d.respondents, d.counted, d.shown) for d in result.departments] == [
        ("Ruimte", 3, 3, False),
        ("Sociaal", 6, 6, False),
        ("Zorg", 7, 7, False),
    ]
    zorg = scoring.score_respondents(
        answers,
        shape=SHAPE,
        min_group_size=5,
        groups=scoring.layer_groups(SHAPE.layers),
        department="Zorg",
    )
    assert not zorg.scores_shown and zorg.overall.current is None
    assert zorg.groups == []  # never a breakdown by group × department
    assert all(not d.factors for d in zorg.departments)  # the others by name and count


def test_a_department_is_pooled_over_respondents_in_shown_groups():
    answers = scoring.Respondents.from_answers(
        frame(
            [("bestuur", everything(5), "Zorg")] * 2  # hidden: never in a department
            + [("directie", everything(0), "")] * 3  # hidden with bestuur: 5 together
            + [("management", everything(2), "Zorg")] * 5
            + [("management", everything(4), "Sociaal")] * 5
            + [("uitvoering", everything(1), "Zorg")] * 5
            + [("uitvoering", everything(3), "Sociaal")] * 5
        )
    )
    groups = scoring.layer_groups(SHAPE.layers)
    result = scoring.score_respondents(answers, shape=SHAPE, min_group_size=5, groups=groups)
    assert [g.code for g in result.groups if g.shown] == ["management", "uitvoering"]
    zorg, sociaal = {d.code: d for d in result.departments}["Zorg"], result.departments[0]
    assert (zorg.respondents, zorg.counted, zorg.shown) == (12, 10, True)
    # Pooled: every respondent weighs the same, (5·2 + 5·1) / 10, not per group.
    assert zorg.factors["IT3"].current == pytest.approx(1.5)
    assert zorg.factors["IT3"].respondents == 10
    assert sociaal.factors["IT3"].current == pytest.approx(3.5)
    one = scoring.score_respondents(
        answers, shape=SHAPE, min_group_size=5, groups=groups, department="Zorg"
    )
    assert one.factors["IT3"].current == zorg.factors["IT3"].current
    assert one.overall.current == pytest.approx(1.5)


def test_by_default_a_small_layer_is_merged_with_the_next():
    counts = {"bestuur": 3, "directie": 4, "management": 9, "uitvoering": 20}
    groups = scoring.default_groups(counts, min_group_size=5)
    assert [g.layers for g in groups] == [
        ("bestuur", "directie"),
        ("management",),
        ("uitvoering",),
    ]
    assert groups[0].code == "bestuur+directie"
    # The last layer goes with the one before it; until one group is left.
    counts = {"bestuur": 9, "directie": 8, "management": 6, "uitvoering": 2}
    assert [g.code for g in scoring.default_groups(counts, min_group_size=5)] == [
        "bestuur",
        "directie",
        "management+uitvoering",
    ]
    counts = {"bestuur": 1, "directie": 1, "management": 1, "uitvoering": 1}
    assert [g.code for g in scoring.default_groups(counts, min_group_size=5)] == [
        "bestuur+directie+management+uitvoering"
    ]


def test_the_default_groups_show_the_top_beside_the_shop_floor():
    result = score(
        [("bestuur", everything(4))] * 3
        + [("directie", everything(3))] * 4
        + [("management", everything(2))] * 6
        + [("uitvoering", everything(1))] * 8,
        k=5,
        groups=scoring.default_groups(
            {"bestuur": 3, "directie": 4, "management": 6, "uitvoering": 8}, min_group_size=5
        ),
    )
    top = next(g for g in result.groups if g.code == "bestuur+directie")
    assert top.shown and top.respondents == 7
    # Every respondent of a group weighs the same: (3·4 + 4·3) / 7.
    assert top.factors["IT3"].current == pytest.approx(24 / 7)
    # Each group weighs the same in S(f): (24/7 + 2 + 1) / 3.
    assert result.factors["IT3"].current == pytest.approx((24 / 7 + 3) / 3)


def test_the_consultants_grouping_keeps_layer_order_and_adds_left_out_layers():
    groups = scoring.configured_groups(
        [{"name": "Top", "layers": ["directie", "bestuur"]}, {"name": "", "layers": ["x"]}],
        SHAPE.layers,
    )
    assert [(g.code, g.name) for g in groups] == [
        ("bestuur+directie", "Top"),
        ("management", ""),
        ("uitvoering", ""),
    ]


def test_a_factor_over_fewer_than_k_answers_is_not_shown():
    result = score(
        [("directie", {"IT3.1": (3, 4), "LC1.1": (2, 2)})] * 3
        + [("directie", {"LC1.1": (2, 2)})] * 3
        + [("management", {"IT3.1": (1, None), "LC1.1": (4, 4)})] * 6,
        k=5,
    )
    # IT3: 9 answers, but directie has 3: G(IT3, directie) is withheld, and then so is
    # management's, since S(IT3) would give directie's away.
    assert result.factors["IT3"].current is not None
    assert layer(result, "directie").factors["IT3"].current is None
    assert layer(result, "management").factors["IT3"].current is None
    # Desired on IT3: 3 answers in all: not shown, nor in its track or the overall score.
    assert result.factors["IT3"].desired is None
    assert result.tracks["IT"].desired is None
    assert result.overall.desired == pytest.approx(result.tracks["LC"].desired)


# --- Highlights and risks --------------------------------------------------------------


def test_highlights_rank_by_score_and_ties_go_to_the_lower_factor_order():
    result = score(
        [
            (
                "directie",
                {
                    "LC1.1": (2, 5),
                    "LC1.2": (2, 5),
                    "LC2.1": (3, 4),
                    "IT3.1": (2, 5),
                    "PEB1.1": (3, 3),
                },
            )
        ]
    )
    # current LC1 2, LC2 3, IT3 2, PEB1 3; gap LC1 3, LC2 1, IT3 3, PEB1 0.
    assert result.highlights.strengths == ["LC2", "PEB1", "LC1"]
    assert result.highlights.attention == ["LC1", "IT3", "LC2"]
    assert result.highlights.ambitions == ["LC1", "IT3", "LC2"]


def rules(result):
    return [(risk.rule, risk.factor) for risk in result.highlights.risks]


def test_a_divided_picture_from_a_layer_gap_of_one_and_a_half():
    result = score(
        [("directie", {"LC2.1": (1, 1)}), ("management", {"LC2.1": (2, 2)})]
        + [("directie", {"IT3.1": (1, 1)}), ("management", {"IT3.1": (2, 2)})]
        + [("uitvoering", {"LC2.1": (3, 3), "IT3.1": (2, 2)})],
    )
    # LC2: layers 1, 2, 3 → gap 2; IT3: layers 1, 2, 2 → gap 1.
    assert (risk_rules.DIVIDED_PICTURE, "LC2") in rules(result)
    assert (risk_rules.DIVIDED_PICTURE, "IT3") not in rules(result)
    risk = result.highlights.risks[0]
    assert risk.values == {
        "layer_gap": 2.0,
        "low_layer": "directie",
        "low": 1.0,
        "high_layer": "uitvoering",
        "high": 3.0,
    }
    exactly = score(
        [("directie", {"LC1.1": (1, 1), "LC1.2": (2, 2)}), ("management", everything(3))]
    )
    assert exactly.factors["LC1"].layer_gap == 1.5
    assert (risk_rules.DIVIDED_PICTURE, "LC1") in rules(exactly)


def test_no_agreement_from_a_spread_of_one_and_a_half():
    # r(LC1) = 0, 1.5, 3: mean 1.5, squares 2.25 + 0 + 2.25 = 4.5, / 2 = 2.25 → 1.5.
    result = score(
        [
            ("directie", {"LC1.1": (0, 0), "LC1.2": (0, 0)}),
            ("directie", {"LC1.1": (1, 1), "LC1.2": (2, 2)}),
            ("directie", {"LC1.1": (3, 3), "LC1.2": (3, 3)}),
            ("directie", {"IT3.1": (1, 1)}),
            ("directie", {"IT3.1": (3, 3)}),  # IT3: spread √2 ≈ 1.41, no risk
        ]
    )
    assert result.factors["LC1"].spread == pytest.approx(1.5)
    assert rules(result) == [(risk_rules.NO_AGREEMENT, "LC1")]


@pytest.mark.parametrize(
    "peb, it3, holds",
    [((1, 1), (3, 3), True), ((2, 2), (3, 3), False), ((1, 1), (2, 2), False)],
)
def test_safeguards_lag_behind_use(peb, it3, holds):
    result = score([("directie", {"PEB1.1": peb, "IT3.1": it3})])
    found = (risk_rules.SAFEGUARDS_LAG, None) in rules(result)
    assert found == holds
    if holds:
        risk = result.highlights.risks[0]
        assert risk.track == "PEB"
        assert risk.values == {"track_score": 1.0, "use_score": 3.0}


def test_ambition_without_base_from_a_gap_of_three():
    result = score([("directie", {"LC2.1": (1, 4), "IT3.1": (2, 4)})])
    assert rules(result) == [(risk_rules.AMBITION_WITHOUT_BASE, "LC2")]
    assert result.highlights.risks[0].values == {"gap": 3.0, "current": 1.0, "desired": 4.0}


# --- Benchmark -------------------------------------------------------------------------


def scores(lc1, shown=True):
    return {
        "shown": shown,
        "overall": lc1,
        "tracks": {"LC": lc1},
        "factors": {"LC1": lc1},
    }


def test_it_gives_no_benchmark_with_four_peers():
    peers = scoring.peer_group([scores(value) for value in (1.0, 2.0, 3.0, 4.0)])
    assert peers.peers == 4
    assert scoring.benchmark(scores(2.0), peers) is None


def test_it_gives_mean_and_percentile_but_no_quartiles_with_five_peers():
    # v1 showed a benchmark from 3 peers with their minimum and maximum; v2 needs 5
    # and never gives a minimum or maximum.
    result = scoring.benchmark(
        scores(2.0), scoring.peer_group([scores(v) for v in (1.0, 2.0, 4.0, 0.5, 3.5)])
    )
    row = result.factors[0]
    assert result.peers == 5
    assert not result.has_quartiles
    assert (row.code, row.score, row.peers) == ("LC1", 2.0, 5)
    assert row.mean == pytest.approx(11 / 5)
    # Two lower, one equal: (2 + 0.5) / 5 × 100.
    assert row.percentile == pytest.approx(50.0)
    assert (row.q1, row.q3) == (None, None)
    assert result.tracks[0].percentile == pytest.approx(50.0)
    assert not hasattr(row, "min") and not hasattr(row, "max")


def test_it_gives_quartiles_from_ten_peers():
    values = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
    nine = scoring.benchmark(scores(2.0), scoring.peer_group([scores(v) for v in values[:9]]))
    assert (nine.factors[0].q1, nine.factors[0].q3) == (None, None)
    result = scoring.benchmark(scores(2.0), scoring.peer_group([scores(v) for v in values]))
    row = result.factors[0]
    assert result.has_quartiles
    # Positions (10 + 1/3) × 0.25 + 1/3 = 2 11/12 and (10 + 1/3) × 0.75 + 1/3 = 8 1/12:
    # between the 2nd and 3rd value (1.0, 1.5), and the 8th and 9th (4.0, 4.5).
    assert row.q1 == pytest.approx(1.0 + 11 / 12 * 0.5)
    assert row.q3 == pytest.approx(4.0 + 1 / 12 * 0.5)
    assert row.mean == pytest.approx(2.75)
    assert result.tracks[0].q1 == pytest.approx(row.q1)


def test_the_quartiles_are_numpys_median_unbiased_ones():
    rng = np.random.default_rng(12)
    for n in range(10, 60):
        values = sorted(rng.uniform(0, 5, n))
        for p in (0.25, 0.75):
            expected = np.quantile(values, p, method="median_unbiased")
            assert scoring.quantile(values, p) == pytest.approx(expected)


def test_a_quartile_is_never_one_peers_score():
    # With distinct scores a quartile lies strictly between two peers' scores, for any
    # number of peers (the "inclusive" definition gives the 4th score of 13 exactly).
    for n in range(10, 200):
        values = [index + 0.5 for index in range(n)]
        for p in (0.25, 0.75):
            quartile = scoring.quantile(values, p)
            assert min(abs(quartile - value) for value in values) >= 1 / 12 - 1e-9


def test_a_peer_without_scores_does_not_count():
    shown = [scores(value) for value in (1.0, 3.0, 3.5, 4.0)]
    peers = scoring.peer_group([*shown, scores(None, shown=False)])
    assert peers.peers == 4
    assert scoring.benchmark(scores(2.0), peers) is None


def test_a_peer_with_an_undefined_score_does_not_count():
    # Counted, it would be in the track's mean but not in the factor's: the two means
    # together would give its track score away.
    partial = {"shown": True, "overall": 1.0, "tracks": {"LC": 1.0}, "factors": {"LC1": None}}
    peers = scoring.peer_group([*(scores(v) for v in (1.0, 3.0, 3.5, 4.0, 4.5)), partial])
    assert peers.peers == 5
    result = scoring.benchmark(scores(2.0), peers)
    assert result.tracks[0].mean == pytest.approx(result.factors[0].mean)
    assert result.tracks[0].peers == result.factors[0].peers == 5


def test_a_row_with_fewer_than_five_scores_shows_nothing():
    group = scoring.PeerGroup(
        peers=5, tracks={"LC": [1.0, 2.0, 3.0, 4.0, 5.0]}, factors={"LC1": [1.0, 2.0, 3.0, 4.0]}
    )
    result = scoring.benchmark(scores(2.0), group)
    assert result.tracks[0].mean == pytest.approx(3.0)
    row = result.factors[0]
    assert (row.mean, row.percentile, row.q1, row.q3, row.peers) == (None, None, None, None, 4)


def test_percentile_rank():
    assert scoring.percentile_rank(3.0, [1.0, 2.0, 4.0, 5.0]) == 50.0
    assert scoring.percentile_rank(0.5, [1.0, 2.0]) == 0.0
    assert scoring.percentile_rank(5.0, [1.0, 2.0]) == 100.0
    assert scoring.percentile_rank(2.0, [2.0, 2.0]) == 50.0


@pytest.fixture
def version(db):
    return data.small_model()


def closed_with(organisation, version, current, *, name="Nulmeting", when=datetime(2026, 3, 1)):
    assessment = data.assessment(organisation, version, name=name, closed_at=when)
    asked = set(version.questions.values_list("code", flat=True))
    answers = {q: v for q, v in data.same_answers(current).items() if q in asked}
    data.add_respondents(assessment, [("directie", "", answers)] * 5)
    return assessment


def peer(name, type=Organisation.Type.GEMEENTE):
    """An organisation that takes part in the benchmark."""
    return data.organisation(name, type, benchmark=True)


def test_the_benchmark_compares_with_the_latest_closed_assessment_of_each_peer(version):
    own = closed_with(peer("Gemeente Eigen"), version, 2)
    a = peer("Gemeente A")
    closed_with(a, version, 0, name="Oud", when=datetime(2024, 1, 1))
    closed_with(a, version, 1, name="Nieuw", when=datetime(2025, 1, 1))
    closed_with(peer("Gemeente B"), version, 2)
    closed_with(peer("Gemeente E"), version, 3)
    c = peer("Gemeente C")
    closed_with(c, version, 4)
    data.assessment(c, version, name="Nog open")  # open: not a measurement yet
    # Not peers: another type, and a model version with other factor codes.
    closed_with(peer("Provincie P", type=Organisation.Type.PROVINCIE), version, 5)
    other = data.small_model(code="TEST-2", factors={"LC1", "LC2", "IT3"})
    closed_with(peer("Gemeente D"), other, 5)
    assert assessment_results(own).benchmark is None  # four peers (v1: three were enough)
    closed_with(peer("Gemeente F"), version, 5)
    benchmark = assessment_results(own).benchmark
    assert benchmark.peers == 5
    lc1 = benchmark.factors[0]
    # A counts with 1 (its latest), not 0: (1 + 2 + 3 + 4 + 5) / 5.
    assert (lc1.code, lc1.score, lc1.mean, lc1.q1, lc1.q3) == ("LC1", 2.0, 3.0, None, None)
    # One lower, one equal: (1 + 0.5) / 5 × 100.
    assert lc1.percentile == pytest.approx(30.0)


def test_the_benchmark_counts_a_peer_only_with_its_latest_closed_assessment(version):
    own = closed_with(peer("Gemeente Eigen"), version, 2)
    for name in ["A", "B", "D", "E"]:
        closed_with(peer(f"Gemeente {name}"), version, 3)
    c = peer("Gemeente C")
    closed_with(c, version, 3, name="Oud", when=datetime(2024, 1, 1))
    # C's latest closed assessment uses other factor codes, so C is no peer at all.
    closed_with(c, data.small_model(code="TEST-2", factors={"LC1"}), 3, name="Nieuw")
    assert assessment_results(own).benchmark is None


def test_a_peer_on_another_model_version_with_the_same_factor_codes_counts(version):
    own = closed_with(peer("Gemeente Eigen"), version, 2)
    for name in ["A", "B", "D", "E"]:
        closed_with(peer(f"Gemeente {name}"), version, 3)
    assert assessment_results(own).benchmark is None
    closed_with(peer("Gemeente C"), data.small_model(code="TEST-3"), 5)
    benchmark = assessment_results(own).benchmark
    assert benchmark.peers == 5
    assert benchmark.factors[0].mean == pytest.approx((4 * 3 + 5) / 5)


def test_an_organisation_that_does_not_take_part_is_never_a_peer(version):
    own = closed_with(peer("Gemeente Eigen"), version, 2)
    for number in range(12):
        closed_with(data.organisation(f"Gemeente Zonder {number}"), version, 5)
    for name in ["A", "B", "C", "D"]:
        closed_with(peer(f"Gemeente {name}"), version, 1)
    assert assessment_results(own).benchmark is None  # 4 that take part, 12 that do not
    closed_with(peer("Gemeente E"), version, 1)
    benchmark = assessment_results(own).benchmark
    assert benchmark.peers == 5
    assert benchmark.factors[0].mean == 1.0


def test_an_organisation_that_does_not_take_part_sees_no_benchmark(version):
    organisation = data.organisation("Gemeente Eigen")
    own = closed_with(organisation, version, 2)
    for name in "ABCDEFGHIJ":
        closed_with(peer(f"Gemeente {name}"), version, 1)
    assert assessment_results(own).benchmark is None
    organisation.benchmark_agreed_at = timezone.now()
    organisation.benchmark_agreed_by = "J. Jansen, CIO, besluit 12-3-2026"
    organisation.save()
    benchmark = assessment_results(own).benchmark
    assert benchmark.peers == 10
    assert benchmark.has_quartiles


# --- Trend -----------------------------------------------------------------------------


def test_the_trend_gives_each_measurement_and_the_change():
    points = scoring.trend(
        [(1, "2024", "2024-03-01", scores(1.0)), (2, "2026", "2026-03-01", scores(2.5))]
    )
    assert [p.factors["LC1"].current for p in points] == [1.0, 2.5]
    assert [p.factors["LC1"].change for p in points] == [None, 1.5]
    assert points[1].tracks["LC"].change == 1.5
    assert points[1].overall.change == 1.5
    assert scoring.trend([(1, "2024", None, scores(1.0))]) == []


def test_the_trend_of_an_assessment_follows_close_dates(version):
    organisation = data.organisation("Gemeente Eigen")
    third = data.assessment(organisation, version, name="Nu")  # open, comes last
    data.add_respondents(third, [("directie", "", data.same_answers(4))] * 5)
    closed_with(organisation, version, 3, name="2025", when=datetime(2025, 3, 1))
    closed_with(organisation, version, 1, name="2023", when=datetime(2023, 3, 1))
    other = data.small_model(code="TEST-2", factors={"LC1"})
    closed_with(organisation, other, 5, name="Ander model", when=datetime(2024, 3, 1))
    trend = assessment_results(third).trend
    assert [p.name for p in trend] == ["2023", "2025", "Nu"]
    assert [p.factors["LC1"].current for p in trend] == [1.0, 3.0, 4.0]
    assert [p.factors["LC1"].change for p in trend] == [None, 2.0, 1.0]
    # An earlier measurement shows the trend up to itself.
    earlier = organisation.assessments.get(name="2025")
    assert [p.name for p in assessment_results(earlier).trend] == ["2023", "2025"]


# --- Properties ------------------------------------------------------------------------

LEVEL = st.one_of(st.none(), st.integers(min_value=0, max_value=5))
RESPONDENT = st.tuples(
    st.sampled_from(SHAPE.layers),
    st.dictionaries(st.sampled_from(sorted(QUESTIONS)), st.tuples(LEVEL, LEVEL), min_size=1),
)
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def all_scores(result):
    values = [result.overall.current, result.overall.desired]
    for part in [*result.tracks.values(), *result.factors.values()]:
        values += [part.current, part.desired]
    for group in result.groups:
        for s in group.factors.values():
            values += [s.current, s.desired]
    return values


@PROPERTY_SETTINGS
@given(st.lists(RESPONDENT, min_size=1, max_size=25), st.integers(min_value=1, max_value=6))
def test_every_score_lies_between_0_and_5(respondents, k):
    result = score(respondents, k=k)
    for value in all_scores(result):
        assert value is None or -1e-9 <= value <= 5 + 1e-9
    for factor in result.factors.values():
        assert factor.spread is None or factor.spread >= 0
        assert factor.layer_gap is None or 0 <= factor.layer_gap <= 5 + 1e-9


@PROPERTY_SETTINGS
@given(st.lists(RESPONDENT, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_the_order_of_the_respondents_does_not_matter(respondents, random):
    shuffled = list(respondents)
    random.shuffle(shuffled)
    first, second = score(respondents, k=2), score(shuffled, k=2)
    assert all_scores(first) == pytest.approx(all_scores(second), nan_ok=True)
    assert [(g.code, g.shown) for g in first.groups] == [(g.code, g.shown) for g in second.groups]
    for a, b in zip(first.factors.values(), second.factors.values(), strict=True):
        assert (a.spread is None) == (b.spread is None)
        assert a.spread is None or a.spread == pytest.approx(b.spread)


@PROPERTY_SETTINGS
@given(st.lists(RESPONDENT, min_size=1, max_size=25), RESPONDENT)
def test_a_new_respondent_changes_no_other_layers_score(respondents, newcomer):
    before = score(respondents, k=1)
    after = score([*respondents, newcomer], k=1)
    for old, new in zip(before.groups, after.groups, strict=True):
        if old.code == newcomer[0] or not old.shown:
            continue
        for code, value in old.factors.items():
            assert new.factors[code].current == value.current
            assert new.factors[code].desired == value.desired


def test_the_benchmark_follows_a_peer_whose_results_change(version):
    from assessments.results import results_forget

    own = closed_with(peer("Gemeente Eigen"), version, 2)
    peers = [closed_with(peer(f"Gemeente {n}"), version, 1) for n in "ABCDE"]
    assert assessment_results(own).benchmark.factors[0].mean == 1.0
    assert assessment_results(own).benchmark.factors[0].mean == 1.0  # from kept scores
    data.add_respondents(peers[0], [("management", "", data.same_answers(4))] * 5)
    results_forget(peers[0])
    # Peer A: layers directie 1 and management 4 → 2.5; mean (2.5 + 4 × 1) / 5.
    assert assessment_results(own).benchmark.factors[0].mean == pytest.approx(1.3)
    # Again from kept scores only: a new peer group, not the one kept before.
    assert assessment_results(own).benchmark.factors[0].mean == pytest.approx(1.3)
    # v1 checked the maximum (2.5); v2 has none: A's 2.5 now lies above our 2.
    assert assessment_results(own).benchmark.factors[0].percentile == pytest.approx(80.0)


def test_the_trend_follows_an_earlier_measurement_whose_results_change(
    version, django_assert_num_queries
):
    """The trend reads kept scores through the benchmark's reader (one per process):
    read once, and read again only when the kept results are another snapshot."""
    from assessments.results import results_forget

    organisation = data.organisation("Gemeente Eigen")
    earlier = closed_with(organisation, version, 1, name="2025", when=datetime(2025, 3, 1))
    now = data.assessment(organisation, version, name="Nu")
    data.add_respondents(now, [("directie", "", data.same_answers(4))] * 5)
    # 2025's results are computed and kept on the first call, read back on the second.
    for _ in range(2):
        assert [p.factors["LC1"].current for p in assessment_results(now).trend] == [1.0, 4.0]
    # Kept scores read before are not read again: shape (3), respondents, factor codes,
    # kept sums, the trend's assessments with the keys of their kept results.
    with django_assert_num_queries(7):
        again = assessment_results(now).trend
    assert [p.factors["LC1"].current for p in again] == [1.0, 4.0]
    data.add_respondents(earlier, [("management", "", data.same_answers(4))] * 5)
    results_forget(earlier)
    # 2025: layers directie 1 and management 4 → 2.5; computed, kept, then read back.
    assert [p.factors["LC1"].current for p in assessment_results(now).trend] == [2.5, 4.0]
    assert [p.factors["LC1"].current for p in assessment_results(now).trend] == [2.5, 4.0]
