"""The results selector: one query for the answers, kept results, JSON shape."""

import importlib
import random
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from django.apps import apps as django_apps

from assessments.models import Assessment, FactorSum, Response, ResultSnapshot
from assessments.presentation import display
from assessments.results import (
    assessment_results,
    load_respondents,
    results_forget,
)
from assessments.results_export import results_json
from assessments.results_sql import keep_factor_sums

from . import scoring_data as data

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return data.small_model()


def test_it_scores_only_submitted_responses(version):
    assessment = data.assessment(data.organisation("Gemeente A"), version, k=1)
    data.add_respondents(assessment, [("directie", "", data.same_answers(2, 4))])
    data.add_respondents(
        assessment, [("directie", "", data.same_answers(5, 5))], status=Response.Status.DRAFT
    )
    results = assessment_results(assessment)
    assert results.respondents == 1
    assert results.overall.current == 2.0
    assert results.overall.desired == 4.0
    assert results.overall.gap == 2.0
    assert results.overall.stage == 2
    assert results.factors["LC1"].respondents == 1


def test_it_loads_all_answers_in_one_query(version, django_assert_num_queries):
    # Organisations that take part in the benchmark: their peers are looked up.
    small = data.assessment(data.organisation("Gemeente A", benchmark=True), version)
    data.add_respondents(small, [("directie", "", data.same_answers(2))] * 5)
    large = data.assessment(data.organisation("Gemeente B", benchmark=True), version)
    everyone = [(layer, "", data.same_answers(2)) for layer in data.SMALL_LAYERS]
    data.add_respondents(large, everyone * 30)
    # shape (3), respondents (1), factor codes (1), kept sums (1), peers (1), trend (1)
    with django_assert_num_queries(8):
        assessment_results(small)
    with django_assert_num_queries(8):
        assessment_results(large)
    # Responses whose sums were not kept are scored from their answers: two queries more.
    unkept = data.assessment(data.organisation("Gemeente C", benchmark=True), version)
    data.add_respondents(unkept, everyone * 30, keep=False)
    with django_assert_num_queries(10):
        assessment_results(unkept)


def test_it_counts_a_submitted_response_without_answers(version):
    assessment = data.assessment(data.organisation("Gemeente A"), version, k=2)
    data.add_respondents(
        assessment, [("directie", "", data.same_answers(3))] * 2 + [("directie", "", {})]
    )
    results = assessment_results(assessment)
    assert results.respondents == 3
    assert results.scores_shown
    assert results.overall.current == 3.0


def test_it_keeps_the_results_of_a_closed_assessment(version, django_assert_num_queries):
    assessment = data.assessment(
        data.organisation("Gemeente A", benchmark=True), version, closed_at=datetime(2026, 3, 1)
    )
    data.add_respondents(assessment, [("directie", "", data.same_answers(2))] * 5)
    first = assessment_results(assessment)
    assert ResultSnapshot.objects.filter(assessment=assessment).count() == 1
    with django_assert_num_queries(3):  # the snapshot, the peers, the trend
        again = assessment_results(assessment)
    assert again.scoring == first.scoring


def test_kept_results_of_an_earlier_format_are_made_again_as_a_new_snapshot(version):
    assessment = data.assessment(
        data.organisation("Gemeente A"), version, closed_at=datetime(2026, 3, 1)
    )
    data.add_respondents(assessment, [("directie", "", data.same_answers(2))] * 5)
    earlier = ResultSnapshot.objects.create(
        assessment=assessment,
        data={"scoring": {}, "departments": [], "order": {}},
        scores={"shown": True, "overall": 4.0, "tracks": {}, "factors": {}},
    )
    assert assessment_results(assessment).overall.current == 2.0
    kept = ResultSnapshot.objects.get(assessment=assessment)
    # A new snapshot (another id): the kept scores known by id are not the earlier ones.
    assert kept.pk != earlier.pk
    assert kept.scores["overall"] == 2.0


def test_the_migration_drops_kept_results_of_an_earlier_format(version):
    migration = importlib.import_module("assessments.migrations.0007_drop_earlier_snapshots")
    assessment = data.assessment(
        data.organisation("Gemeente A"), version, closed_at=datetime(2026, 3, 1)
    )
    data.add_respondents(assessment, [("directie", "", data.same_answers(2))] * 5)
    assessment_results(assessment)
    current = ResultSnapshot.objects.get(assessment=assessment)
    ResultSnapshot.objects.create(
        assessment=assessment, department="Ruimte", data={"scoring": {}}, scores={}
    )
    migration.drop_earlier_snapshots(django_apps, None)
    assert list(ResultSnapshot.objects.all()) == [current]


def test_it_forgets_kept_results_when_answers_change(version):
    assessment = data.assessment(
        data.organisation("Gemeente A"), version, closed_at=datetime(2026, 3, 1)
    )
    data.add_respondents(assessment, [("directie", "", data.same_answers(2))] * 5)
    assert assessment_results(assessment).overall.current == 2.0
    data.add_respondents(assessment, [("directie", "", data.same_answers(4))] * 5)
    results_forget(assessment)
    assert assessment_results(assessment).overall.current == 3.0
    response = Response.objects.filter(assessment=assessment).first()
    response.save()
    assert not ResultSnapshot.objects.filter(assessment=assessment).exists()


def test_it_forgets_kept_results_when_the_assessment_changes(version):
    assessment = data.assessment(
        data.organisation("Gemeente A"), version, closed_at=datetime(2026, 3, 1)
    )
    data.add_respondents(assessment, [("directie", "", data.same_answers(2))] * 5)
    assert assessment_results(assessment).scores_shown
    assessment.min_group_size = 6
    assessment.save()
    assert not assessment_results(assessment).scores_shown


def test_it_gives_the_json_of_the_interface(version):
    assessment = data.assessment(data.organisation("Gemeente A"), version)
    data.add_respondents(
        assessment,
        [("directie", "", data.same_answers(1, 3))] * 5
        + [("management", "", data.same_answers(4, 5))] * 5
        + [("bestuur", "", data.same_answers(0, 0))] * 2,
    )
    result = results_json(assessment_results(assessment))
    assert list(result) == [
        "assessment",
        "overall",
        "tracks",
        "factors",
        "layers",
        "groups",
        "departments",
        "highlights",
        "benchmark",
        "trend",
        "ambitions",
        "peers_movement",
    ]
    assert result["assessment"] == {
        "id": assessment.pk,
        "name": "Nulmeting",
        "organisation": "Gemeente A",
        "model_version": "TEST-1",
        "min_group_size": 5,
        "respondents": 12,
        "scoring": 2,
    }
    # By default bestuur (2) goes with directie, and the empty uitvoering with
    # management. Groups weigh the same, respondents within a group too:
    # current ((2·0 + 5·1) / 7 + 4) / 2, desired ((2·0 + 5·3) / 7 + 5) / 2.
    top_current, top_desired = 5 / 7, 15 / 7
    assert result["overall"] == {
        "current": pytest.approx((top_current + 4) / 2),
        "desired": pytest.approx((top_desired + 5) / 2),
        "gap": pytest.approx((top_desired + 5 - top_current - 4) / 2),
        "stage": 2,
        "stage_name": "Adept",
    }
    assert result["tracks"][0].keys() == {"code", "current", "desired", "gap", "stage"}
    assert result["factors"][0].keys() == {
        "code",
        "track",
        "current",
        "desired",
        "gap",
        "stage",
        "spread",
        "layer_gap",
        "respondents",
    }
    assert result["layers"] == [
        {"code": "bestuur", "respondents": 2, "group": "bestuur+directie"},
        {"code": "directie", "respondents": 5, "group": "bestuur+directie"},
        {"code": "management", "respondents": 5, "group": "management+uitvoering"},
        {"code": "uitvoering", "respondents": 0, "group": "management+uitvoering"},
    ]
    codes = ["LC1", "LC2", "IT3", "PEB1"]
    assert result["groups"] == [
        {
            "code": "bestuur+directie",
            "name": "Bestuur & directie",
            "layers": ["bestuur", "directie"],
            "respondents": 7,
            "shown": True,
            "factors": {
                code: {
                    "current": pytest.approx(top_current),
                    "desired": pytest.approx(top_desired),
                    "respondents": 7,
                }
                for code in codes
            },
        },
        {
            "code": "management+uitvoering",
            "name": "Management & uitvoering",
            "layers": ["management", "uitvoering"],
            "respondents": 5,
            "shown": True,
            "factors": {code: {"current": 4.0, "desired": 5.0, "respondents": 5} for code in codes},
        },
    ]
    assert result["departments"] == []
    assert result["factors"][0]["layer_gap"] == pytest.approx(4 - top_current)
    assert result["benchmark"] is None
    assert result["trend"] == []


def test_it_displays_one_decimal_rounded_half_up():
    assert display(2.25) == "2,3"
    assert display(2.2499999999999996) == "2,3"
    assert display(2.24) == "2,2"
    assert display(1.15) == "1,2"
    assert display(None) == "–"


@pytest.mark.parametrize("kept", [True, False], ids=["kept sums", "answers"])
def test_a_response_submitted_while_the_answers_load_is_left_out(version, monkeypatch, kept):
    """The respondents and their sums (or answers) are two queries: a response submitted
    in between has sums but no layer in this computation, and must not borrow one."""
    from assessments import results as results_module
    from assessments import results_sql

    assessment = data.assessment(data.organisation("Gemeente A"), version)
    data.add_respondents(assessment, [("directie", "", data.same_answers(2))] * 5, keep=kept)
    reader = "read_integers" if kept else "read_answers"
    read = getattr(results_sql, reader)

    calls = []

    def read_with_a_latecomer(*args):
        rows = read(*args)
        calls.append(args)
        if kept:  # arrays: respondent, factor, current sum and count, desired sum and count
            late = [np.array([10**9]), rows[1][:1], np.array([5]), np.array([1]), *rows[4:]]
            return [
                np.concatenate([column, extra[:1]])
                for column, extra in zip(rows, late, strict=True)
            ]
        late = rows[rows["respondent"] == rows["respondent"].iloc[0]].copy()
        late["respondent"] = 10**9
        late["current"] = 5.0
        return pd.concat([rows, late], ignore_index=True)

    monkeypatch.setattr(results_sql, reader, read_with_a_latecomer)
    loaded = results_module.load_respondents(assessment)
    assert len(calls) == 1  # the path under test read through the patched reader
    assert 10**9 not in set(loaded.r.index.get_level_values("respondent"))
    assert 10**9 not in set(loaded.people["respondent"])
    assert assessment_results(assessment).overall.current == 2.0


def _random_respondents(seed, count):
    """Respondents with random answers, "weet ik niet" and unanswered questions among
    them, over every layer and three departments (one empty)."""
    rng = random.Random(seed)
    questions = [q for codes in data.SMALL_QUESTIONS.values() for q in codes]
    levels = [None, 0, 1, 2, 3, 4, 5]
    respondents = []
    for _ in range(count):
        answers = {
            question: (rng.choice(levels), rng.choice(levels))
            for question in questions
            if rng.random() < 0.85
        }
        respondents.append(
            (rng.choice(data.SMALL_LAYERS), rng.choice(["", "Ruimte", "Sociaal"]), answers)
        )
    return respondents


def _same(a, b):
    """Equal, floats to 12 significant digits, through dicts, lists and tuples."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return a == b


@pytest.mark.parametrize("seed", range(8))
def test_kept_sums_score_exactly_as_the_answers(version, seed):
    """r(f) from the kept sums is the same float as the mean of the answers, so every
    figure of the results is too: all kept, none kept (the answers) and half kept."""
    respondents = _random_respondents(seed, 40)
    outcomes = []
    for name, kept in (
        ("kept", [True, True]),
        ("answers", [False, False]),
        ("mixed", [True, False]),
    ):
        assessment = data.assessment(data.organisation(f"Gemeente {name}"), version, k=3)
        data.add_respondents(assessment, respondents[:20], keep=kept[0])
        data.add_respondents(assessment, respondents[20:], keep=kept[1])
        results = assessment_results(assessment)
        department = assessment_results(assessment, department="Sociaal")
        outcomes.append(
            (
                results.scoring.to_dict(),
                [group.__dict__ for group in results.departments],
                department.scoring.to_dict(),
            )
        )
    # Means of means may differ in the last bit with the order they are summed in
    # (rows come in no set order): far below the 9 decimals anything is compared at.
    assert _same(outcomes[1], outcomes[0])
    assert _same(outcomes[2], outcomes[0])
    assert outcomes[0][0]["scores_shown"]
    # Rule 1 itself, r(f), is the same float either way.
    r = {}
    for name in ("kept", "answers"):
        assessment = Assessment.objects.get(organisation__name=f"Gemeente {name}")
        loaded = load_respondents(assessment).r.dropna(how="all")
        r[name] = loaded.reset_index().astype({"layer": str, "factor": str})
        r[name] = (
            r[name]
            .drop(columns="respondent")
            .sort_values(["layer", "factor", "current", "desired"])
        )
    pd.testing.assert_frame_equal(
        r["kept"].reset_index(drop=True), r["answers"].reset_index(drop=True), check_exact=True
    )


def test_the_migration_keeps_what_keep_factor_sums_keeps(version):
    """Responses submitted before FactorSum came get their sums from the migration."""
    from django.db import connection

    migration = importlib.import_module("assessments.migrations.0003_factor_sums")
    respondents = _random_respondents(3, 12) + [("directie", "", {})]
    before = data.assessment(data.organisation("Gemeente Voor"), version)
    data.add_respondents(before, respondents, keep=False)
    data.add_respondents(before, respondents[:2], status=Response.Status.DRAFT, keep=False)
    with connection.cursor() as cursor:
        for statement in migration.KEEP_SUBMITTED:
            cursor.execute(statement)
    after = data.assessment(data.organisation("Gemeente Na"), version)
    data.add_respondents(after, respondents)

    def kept(assessment):
        return sorted(
            FactorSum.objects.filter(response__assessment=assessment).values_list(
                "response__respondent",
                "factor__code",
                "current_sum",
                "current_count",
                "desired_sum",
                "desired_count",
            )
        )

    assert len(kept(before)) == 13 * len(data.SMALL_QUESTIONS)  # drafts not kept
    assert kept(before) == kept(after)


def test_sums_of_another_model_versions_factor_are_not_scored(version):
    """An assessment whose model version changed after answers came in (admin) keeps
    sums of factors outside its version: they are not scored, not put on another factor."""
    assessment = data.assessment(data.organisation("Gemeente A"), version)
    (first, *_rest) = data.add_respondents(assessment, [("directie", "", data.same_answers(2))] * 5)
    before = assessment_results(assessment).scoring.to_dict()
    stranger = data.small_model(code="TEST-2").factors.get(code="PEB1")
    FactorSum.objects.create(
        response=first,
        factor=stranger,
        current_sum=5,
        current_count=1,
        desired_sum=5,
        desired_count=1,
    )
    results_forget(assessment)
    assert assessment_results(assessment).scoring.to_dict() == before
    keep_factor_sums(Response.objects.filter(pk__in=[]))  # nothing to keep: no error


def test_the_sums_kept_are_those_of_the_answers(version):
    assessment = data.assessment(data.organisation("Gemeente A"), version, k=1)
    (response,) = data.add_respondents(
        assessment,
        [("directie", "", {"LC1.1": (1, None), "LC1.2": (4, None), "LC2.1": (None, None)})],
    )
    sums = {
        row.factor.code: (row.current_sum, row.current_count, row.desired_sum, row.desired_count)
        for row in FactorSum.objects.filter(response=response).select_related("factor")
    }
    # One row per factor of the model, also where nothing was answered.
    assert sums == {
        "LC1": (5, 2, 0, 0),
        "LC2": (0, 0, 0, 0),
        "IT3": (0, 0, 0, 0),
        "PEB1": (0, 0, 0, 0),
    }
    # Keeping again changes nothing; drafts are never kept.
    keep_factor_sums(Response.objects.filter(assessment=assessment))
    assert FactorSum.objects.filter(response=response).count() == 4
    (draft,) = data.add_respondents(
        assessment, [("directie", "", data.same_answers(3))], status=Response.Status.DRAFT
    )
    assert not FactorSum.objects.filter(response=draft).exists()


def test_a_change_is_signed_as_it_is_shown():
    from django.utils import translation

    from assessments.presentation import display_change

    with translation.override("nl"):
        assert display_change(0.04) == "0,0"  # rounds to nothing: no sign
        assert display_change(0.05) == "+0,1"
        assert display_change(-0.26) == "-0,3"
        assert display_change(None) is None
