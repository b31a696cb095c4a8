"""The pure planner against every planning rule of spec/roadmap.md (no database)."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.planner import (
    DATA_PROJECT,
    DATA_PROJECT_YEAR1,
    PRECONDITION,
    PREREQUISITE,
    TRANSITION,
    FactorInput,
    LibraryActivity,
    LibraryError,
    Reason,
    check_library,
    factor_target,
    plan_roadmap,
)

FACTORS = [
    ("LC1", "LC"),
    ("LC2", "LC"),
    ("LC3", "LC"),
    ("OG1", "OG"),
    ("OG2", "OG"),
    ("ML1", "ML"),
    ("ML2", "ML"),
    ("IT1", "IT"),
    ("IT2", "IT"),
    ("IT3", "IT"),
    ("PEB1", "PEB"),
    ("PEB2", "PEB"),
]


def moves(factor, level, kind=TRANSITION):
    """The reason of an activity planned for its factor's transition level → level+1."""
    return Reason(kind, factor=factor, from_level=level, to_level=level + 1)


def needed_by(code):
    return Reason(PREREQUISITE, prerequisite_of=code)


def factors(scores=None, chosen=None):
    """Every factor at current 2.0 / desired 2.0 unless `scores` says otherwise."""
    scores = scores or {}
    chosen = chosen or {}
    return [
        FactorInput(code, track, *scores.get(code, (2.0, 2.0)), chosen_target=chosen.get(code))
        for code, track in FACTORS
    ]


def pre(code, prerequisites=(), effort="M"):
    factor, level = code.split("-")[0], int(code.split("-")[1][0])
    return LibraryActivity(code, factor, level, PRECONDITION, effort, tuple(prerequisites))


def dp(code, prerequisites=(), effort="M"):
    factor, level = code.split("-")[0], int(code.split("-")[1][0])
    return LibraryActivity(code, factor, level, DATA_PROJECT, effort, tuple(prerequisites))


def steps(*factor_codes):
    """One precondition per factor per transition: F-0a … F-4a."""
    return [pre(f"{code}-{level}a") for code in factor_codes for level in range(5)]


def by_code(plan):
    return {item.code: item for item in (*plan.activities, *plan.after_horizon)}


def when(item):
    return (item.year if item.year is not None else 99, item.quarter or 0)


def test_it_spreads_the_transitions_of_a_factor_evenly_over_the_horizon_in_order():
    library = steps("LC1", "OG1", "IT1") + [dp("LC1-1d")]
    plan = plan_roadmap(
        factors=factors({"LC1": (1.2, 4.5), "OG1": (0.4, 2.6), "IT1": (0.0, 4.9)}),
        library=library,
        horizon=4,
    )
    items = by_code(plan)
    # OG1 0→2: years 1 and 3 (P2's formula: the OG track has fewer activities than
    # years, so the bar does not apply); IT1 0→4: 1–4.
    assert [items[f"OG1-{level}a"].year for level in (0, 1)] == [1, 3]
    # LC1 1→4 with a data project at 1→2: four activities in four years, so every year
    # holds one (P2's bar). The data project keeps year 1 (P5), the transitions follow
    # in order; P2's formula alone would have left year 4 empty (years 1, 1, 2, 3).
    assert items["LC1-1d"].year == 1
    assert [items[f"LC1-{level}a"].year for level in (1, 2, 3)] == [2, 3, 4]
    assert [items[f"IT1-{level}a"].year for level in (0, 1, 2, 3)] == [1, 2, 3, 4]
    assert "LC1-0a" not in items and "LC1-4a" not in items
    assert items["LC1-2a"].reason == moves("LC1", 2)


def test_it_spreads_a_short_horizon_and_a_single_transition():
    library = steps("LC1", "LC2") + [dp("LC2-3d")]
    plan = plan_roadmap(
        factors=factors({"LC1": (0.0, 5.0), "LC2": (3.0, 4.0)}), library=library, horizon=2
    )
    items = by_code(plan)
    # The target is bounded to current + horizon: LC1 0→2 over two years.
    assert [items["LC1-0a"].year, items["LC1-1a"].year] == [1, 2]
    assert "LC1-2a" not in items
    assert items["LC2-3a"].year == 1


def test_a_prerequisite_is_never_planned_later_than_what_needs_it():
    library = [
        *steps("LC1", "OG1", "IT1"),
        pre("LC1-3b", ["OG1-0a"]),  # OG1 has no gap: planned only as a prerequisite
        dp("LC1-0d", ["IT1-3a"]),  # IT1's own transition 3→4 would put IT1-3a in year 4
    ]
    plan = plan_roadmap(
        factors=factors({"LC1": (0.0, 4.0), "OG1": (3.0, 3.0), "IT1": (0.0, 4.0)}),
        library=library,
        horizon=4,
    )
    items = by_code(plan)
    assert items["LC1-3b"].year == 4
    assert items["OG1-0a"].year <= 4
    assert when(items["OG1-0a"]) < when(items["LC1-3b"])
    assert items["OG1-0a"].reason == needed_by("LC1-3b")
    # IT1-3a is pulled to year 1, and the lower IT1 levels with it (a lower level never
    # after a higher one).
    assert items["IT1-3a"].year == 1
    assert when(items["IT1-3a"]) < when(items["LC1-0d"])
    assert [items[f"IT1-{level}a"].year for level in range(4)] == [1, 1, 1, 1]
    assert items["IT1-3a"].reason == moves("IT1", 3)


def test_prerequisites_are_planned_even_below_the_current_stage_and_transitively():
    library = [*steps("IT3", "PEB1"), dp("IT3-2d", ["PEB1-1b"]), pre("PEB1-1b", ["PEB1-0a"])]
    plan = plan_roadmap(
        factors=factors({"IT3": (2.1, 3.2), "PEB1": (3.5, 3.6)}), library=library, horizon=4
    )
    items = by_code(plan)
    assert items["PEB1-1b"].reason == needed_by("IT3-2d")
    assert items["PEB1-0a"].reason == needed_by("PEB1-1b")
    assert when(items["PEB1-0a"]) < when(items["PEB1-1b"]) < when(items["IT3-2d"])


def test_peb_preconditions_that_a_data_project_needs_come_first():
    library = [
        *steps("LC1", "OG1", "IT3", "PEB1"),
        pre("PEB1-1b", effort="S"),  # the DPIA procedure
        dp("IT3-0d", ["PEB1-1b"]),  # the first personal-data use case
        dp("IT3-2d", ["PEB1-2b"]),
        pre("PEB1-2b"),
    ]
    plan = plan_roadmap(
        factors=factors({"LC1": (0, 4), "OG1": (0, 4), "IT3": (0, 4), "PEB1": (3, 3)}),
        library=library,
        horizon=4,
        capacity=4,
    )
    items = by_code(plan)
    in_year = {
        year: [item.code for item in plan.activities if item.year == year] for year in (1, 3, 4)
    }
    # Year 1 (5 activities for 4 places) starts with the DPIA procedure, a quarter before
    # the use case that needs it; a transition of IT3 moves to year 2.
    assert in_year[1][0] == "PEB1-1b"
    assert items["PEB1-1b"].quarter < items["IT3-0d"].quarter
    assert items["IT3-0a"].year == 2
    # Year 3 is full too: its PEB precondition stays and comes first, the data project
    # that needs it moves to year 4 (it keeps no priority after year 1).
    assert in_year[3][0] == "PEB1-2b"
    assert items["IT3-2d"].year == 4
    assert items["PEB1-2b"].reason == needed_by("IT3-2d")
    assert_rules(plan, library)


def test_it_keeps_a_data_project_that_a_gap_asks_for_in_year_one():
    library = [*steps("LC1", "IT3"), dp("IT3-1d"), dp("LC1-0d")]
    plan = plan_roadmap(
        factors=factors({"LC1": (3.0, 4.0), "IT3": (1.0, 3.0)}), library=library, horizon=4
    )
    items = by_code(plan)
    assert items["IT3-1d"].year == 1
    assert items["IT3-1d"].reason == moves("IT3", 1)
    assert "LC1-0d" not in items  # no fallback needed


def test_without_a_data_project_it_takes_the_lowest_one_of_the_factor_with_the_largest_gap():
    library = [
        *steps("LC1", "OG1", "ML1"),
        dp("OG1-1d"),
        dp("OG1-0d", ["OG1-0a"]),
        dp("ML1-0d"),  # ML1 has no gap at all
        dp("LC1-4d"),
    ]
    plan = plan_roadmap(
        factors=factors({"LC1": (2.0, 3.5), "OG1": (2.0, 4.1), "ML1": (1.0, 1.0)}),
        library=library,
        horizon=4,
    )
    items = by_code(plan)
    assert [item.code for item in plan.activities if item.kind == DATA_PROJECT] == ["OG1-0d"]
    assert items["OG1-0d"].year == 1
    assert items["OG1-0d"].reason == moves("OG1", 0, DATA_PROJECT_YEAR1)
    assert items["OG1-0a"].reason == needed_by("OG1-0d")
    assert when(items["OG1-0a"]) < when(items["OG1-0d"])


def test_the_fallback_skips_factors_without_a_data_project_and_breaks_ties_by_score_gap():
    library = [*steps("LC1", "LC2", "IT2"), dp("LC2-1d"), dp("IT2-1d")]
    plan = plan_roadmap(
        # LC1 has the largest gap but no data project; LC2 and IT2 tie on the stage gap
        # (1), IT2 has the larger score gap. Both data projects lie below the current
        # stage, so no gap asks for them.
        factors=factors({"LC1": (0.0, 3.0), "LC2": (2.5, 3.1), "IT2": (2.0, 3.9)}),
        library=library,
        horizon=4,
    )
    items = by_code(plan)
    assert items["IT2-1d"].year == 1
    assert items["IT2-1d"].reason == moves("IT2", 1, DATA_PROJECT_YEAR1)
    assert "LC2-1d" not in items


def test_a_data_project_planned_later_is_brought_forward_to_year_one():
    library = [*steps("IT3"), dp("IT3-3d")]
    plan = plan_roadmap(factors=factors({"IT3": (0.0, 4.0)}), library=library, horizon=4)
    items = by_code(plan)
    assert items["IT3-3d"].year == 1
    assert items["IT3-3d"].reason == moves("IT3", 3)
    # The lower levels of IT3 come along so no lower level is after a higher one.
    assert all(items[f"IT3-{level}a"].year == 1 for level in range(3))
    # Four of the track's five activities must be in year 1, so no plan meets P2's bar
    # (at least one a year); the one left is spread over the years left, first year
    # first (P2's formula alone put it in year 4).
    assert items["IT3-3a"].year == 2


def test_capacity_overflows_to_the_next_year_and_data_projects_keep_year_one():
    codes = ["LC1", "LC2", "LC3", "OG1", "OG2", "ML1"]
    library = [*steps(*codes), dp("ML1-1d"), dp("LC3-0d", ["LC3-0a"])]
    plan = plan_roadmap(
        factors=factors({code: (0.0, 2.0) for code in codes}),
        library=library,
        horizon=2,
        capacity=4,
    )
    # Year 1 asks for 6 transitions 0→1 and a data project with its prerequisite (8 for
    # 4 places): the data project keeps its place, the last transitions move to year 2,
    # where they go before year 2's own activities; what year 2 cannot hold is listed
    # after the horizon.
    assert [(i.code, i.year, i.quarter) for i in plan.activities] == [
        ("LC3-0a", 1, 1),
        ("LC3-0d", 1, 2),
        ("LC1-0a", 1, 3),
        ("LC2-0a", 1, 4),
        ("OG1-0a", 2, 1),
        ("OG2-0a", 2, 2),
        ("ML1-0a", 2, 3),
        ("LC1-1a", 2, 4),
    ]
    assert [i.code for i in plan.after_horizon] == [
        "LC2-1a",
        "LC3-1a",
        "OG1-1a",
        "OG2-1a",
        "ML1-1a",
        "ML1-1d",
    ]
    assert all(item.year is None and item.quarter is None for item in plan.after_horizon)
    assert plan.after_horizon[-1].reason == moves("ML1", 1)
    assert_rules(plan, library)


def test_nothing_is_dropped_when_the_capacity_is_one():
    library = [*steps("LC1", "OG1"), dp("OG1-0d", ["OG1-0a"])]
    plan = plan_roadmap(
        factors=factors({"LC1": (0.0, 3.0), "OG1": (0.0, 3.0)}),
        library=library,
        horizon=3,
        capacity=1,
    )
    # Year 1's one place goes to what the data project needs; from year 2 on the
    # oldest overflow goes first.
    assert [item.code for item in plan.activities] == ["OG1-0a", "LC1-0a", "OG1-0d"]
    assert len(plan.after_horizon) == 4
    assert_rules(plan, library)


def test_target_bounds():
    def target(current, desired, chosen=None, horizon=4):
        factor = FactorInput("LC1", "LC", current, desired, chosen_target=chosen)
        result = factor_target(factor, horizon)
        return result.current, result.target

    assert target(2.4, 4.2) == (2, 4)
    assert target(2.9999999999, 3.0) == (3, 3)  # stage() is floor(s + 1e-9)
    assert target(3.2, 1.5) == (3, 3)  # never below the current stage
    assert target(3.2, 4.0, chosen=1) == (3, 3)
    assert target(1.0, 5.0, horizon=2) == (1, 3)  # at most one stage per year
    assert target(1.0, 2.0, chosen=5, horizon=4) == (1, 5)
    assert target(3.0, 5.0, chosen=5, horizon=1) == (3, 4)
    assert target(4.5, 5.0, horizon=10) == (4, 5)
    assert target(None, 3.0) == (0, 3)
    assert target(2.0, None) == (2, 2)
    assert target(2.0, None, chosen=4) == (2, 4)


def test_the_consultants_target_overrides_the_desired_score():
    library = steps("LC1")
    plan = plan_roadmap(
        factors=factors({"LC1": (1.0, 4.0)}, chosen={"LC1": 2}), library=library, horizon=4
    )
    assert [item.code for item in plan.activities] == ["LC1-1a"]
    assert plan.targets[0].target == 2


def test_it_refuses_a_bad_horizon_capacity_or_library():
    with pytest.raises(ValueError):
        plan_roadmap(factors=factors(), library=[], horizon=0)
    with pytest.raises(ValueError):
        plan_roadmap(factors=factors(), library=[], horizon=4, capacity=0)
    with pytest.raises(LibraryError, match="unknown prerequisite"):
        check_library([pre("LC1-0a", ["XX-1a"])], {"LC1"})
    with pytest.raises(LibraryError, match="unknown factor"):
        check_library([pre("XX9-0a")], {"LC1"})
    # A prerequisite at a higher level of the same factor contradicts the level order.
    with pytest.raises(LibraryError, match="cycle"):
        check_library([pre("LC1-1a", ["LC1-3a"]), pre("LC1-3a")], {"LC1"})
    with pytest.raises(LibraryError, match="cycle"):
        check_library([pre("LC1-0a", ["OG1-0a"]), pre("OG1-0a", ["LC1-0a"])], {"LC1", "OG1"})


def test_it_plans_the_same_roadmap_every_time_whatever_the_library_order():
    library = full_library(random.Random(7))
    scores = {code: (1.0 + i % 3 * 0.7, 3.0 + i % 4 * 0.5) for i, (code, _t) in enumerate(FACTORS)}
    first = plan_roadmap(factors=factors(scores), library=library, horizon=4, capacity=9)
    for seed in range(5):
        shuffled = list(library)
        random.Random(seed).shuffle(shuffled)
        again = plan_roadmap(factors=factors(scores), library=shuffled, horizon=4, capacity=9)
        assert again == first


def full_library(rng):
    """A library like the shipped one: every factor at every transition, some data
    projects, prerequisites on other factors and PEB preconditions.

    A prerequisite lies on a lower level, or on the same level when it is a PEB
    precondition of a factor outside PEB, so the library has no cycle.
    """
    library = steps(*(code for code, _track in FACTORS))
    for code, _track in FACTORS:
        for level in sorted(rng.sample(range(5), 2)):
            prerequisites = set()
            if rng.random() < 0.6 and not code.startswith("PEB"):
                prerequisites.add(f"PEB{rng.choice((1, 2))}-{rng.randrange(0, level + 1)}a")
            if rng.random() < 0.5 and level > 0:
                other = rng.choice([c for c, _t in FACTORS if c != code])
                prerequisites.add(f"{other}-{rng.randrange(0, level)}a")
            builder = dp if rng.random() < 0.5 else pre
            library.append(builder(f"{code}-{level}x", sorted(prerequisites)))
    return library


def assert_rules(plan, library):
    """The invariants every plan must keep, whatever the inputs."""
    items = by_code(plan)
    library = {a.code: a for a in library}
    targets = {t.factor: t for t in plan.targets}
    for target in plan.targets:
        assert target.current <= target.target <= min(5, target.current + plan.horizon)
    # P1: exactly the transitions' activities plus their prerequisites.
    wanted = {
        a.code
        for a in library.values()
        if targets[a.factor].current <= a.from_level < targets[a.factor].target
    }
    closure, stack = set(wanted), list(wanted)
    while stack:
        for p in library[stack.pop()].prerequisites:
            if p not in closure:
                closure.add(p)
                stack.append(p)
    assert closure <= set(items)
    # Beyond those only P5's data project with its prerequisites.
    extra = set(items) - closure
    fallback = [c for c in extra if items[c].reason.kind != PREREQUISITE]
    if extra:
        assert len(fallback) == 1 and library[fallback[0]].kind == DATA_PROJECT
    # P3 and the level order within a factor.
    for item in items.values():
        for prerequisite in item.prerequisites:
            assert when(items[prerequisite]) <= when(item), (prerequisite, item.code)
        for other in items.values():
            if other.factor == item.factor and other.from_level < item.from_level:
                assert when(other) <= when(item), (other.code, item.code)
    # P6: capacity, years and quarters.
    for year in range(1, plan.horizon + 1):
        assert len([i for i in plan.activities if i.year == year]) <= plan.capacity
    for item in plan.activities:
        assert 1 <= item.year <= plan.horizon and 1 <= item.quarter <= 4
    # P7: a reason for everything.
    for item in items.values():
        reason = item.reason
        if reason.kind == PREREQUISITE:
            assert item.code in items[reason.prerequisite_of].prerequisites
        else:
            assert reason.kind in (TRANSITION, DATA_PROJECT_YEAR1), reason
            assert reason == moves(item.factor, item.from_level, reason.kind)
            if reason.kind == DATA_PROJECT_YEAR1:
                assert item.code in fallback


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    horizon=st.integers(1, 6),
    capacity=st.integers(1, 20),
    scores=st.lists(
        st.tuples(st.floats(0, 5), st.floats(0, 5), st.none() | st.integers(0, 5)),
        min_size=12,
        max_size=12,
    ),
)
def test_every_plan_keeps_the_rules(seed, horizon, capacity, scores):
    library = full_library(random.Random(seed))
    inputs = [
        FactorInput(code, track, current, desired, chosen_target=chosen)
        for (code, track), (current, desired, chosen) in zip(FACTORS, scores, strict=True)
    ]
    plan = plan_roadmap(factors=inputs, library=library, horizon=horizon, capacity=capacity)
    assert_rules(plan, library)
    assert plan == plan_roadmap(factors=inputs, library=library, horizon=horizon, capacity=capacity)
    # P5: year 1 holds a data project unless what that project needs fills year 1.
    year_one = [i for i in plan.activities if i.year == 1]
    assert any(i.kind == DATA_PROJECT for i in year_one) or len(year_one) == capacity


def track_counts(plan):
    """{track: [activities in year 1, …, year H]} of the plan's activities."""
    tracks = dict(FACTORS)
    counts = {}
    for item in plan.activities:
        row = counts.setdefault(tracks[item.factor], [0] * plan.horizon)
        row[item.year - 1] += 1
    return counts


def fixed_in_year_one(plan):
    """What is in year 1 whatever the spread does: P5's data project, the year-1
    activities of tracks with fewer activities than years (they keep P2's years), and
    all that must not be later than those."""
    items = by_code(plan)
    order = [code for code, _track in FACTORS]
    tracks = dict(FACTORS)
    counts = track_counts(plan)
    year_one = [i for i in plan.activities if i.year == 1]
    projects = [i for i in year_one if i.kind == DATA_PROJECT]
    stack = [i for i in year_one if sum(counts[tracks[i.factor]]) < plan.horizon]
    fallback = [i for i in projects if i.reason.kind == DATA_PROJECT_YEAR1]
    if fallback:
        stack.extend(fallback)
    elif projects:
        stack.append(min(projects, key=lambda i: (i.from_level, order.index(i.factor), i.code)))
    closure = set()
    while stack:
        item = stack.pop()
        if item.code in closure:
            continue
        closure.add(item.code)
        stack.extend(items[p] for p in item.prerequisites)
        stack.extend(
            other
            for other in items.values()
            if other.factor == item.factor and other.from_level < item.from_level
        )
    return closure


def assert_spread(plan):
    """P2's bar: per track with at least as many activities as years, no year holds
    fewer than half of the track's mean per year, unless what is fixed in year 1
    leaves too few activities for the other years (then no plan meets the bar)."""
    tracks = dict(FACTORS)
    fixed = fixed_in_year_one(plan)
    for track, row in track_counts(plan).items():
        total = sum(row)
        if total < plan.horizon:
            continue
        in_year_one = sum(1 for code in fixed if tracks[by_code(plan)[code].factor] == track)
        least = -(-total // (2 * plan.horizon))  # half the mean, rounded up
        if total - in_year_one < (plan.horizon - 1) * least:
            continue  # no plan meets the bar for this track
        assert min(row) * 2 * plan.horizon >= total, (track, row)


def track_library(rng):
    """Like full_library, but a prerequisite stays within its track (a lower level of
    another factor of the same track). Then every track can be spread whatever the
    others do, so P2's bar is always within reach (the full library can tie a track
    to another so that no plan meets it)."""
    tracks = dict(FACTORS)
    library = steps(*(code for code, _track in FACTORS))
    for code, track in FACTORS:
        for level in sorted(rng.sample(range(5), 2)):
            prerequisites = set()
            others = [c for c, t in FACTORS if t == track and c != code]
            if others and level > 0 and rng.random() < 0.6:
                prerequisites.add(f"{rng.choice(others)}-{rng.randrange(0, level)}a")
            builder = dp if rng.random() < 0.5 else pre
            library.append(builder(f"{code}-{level}x", sorted(prerequisites)))
    assert all(
        tracks[p.split("-")[0]] == tracks[a.factor] for a in library for p in a.prerequisites
    )
    return library


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    horizon=st.integers(1, 6),
    scores=st.lists(
        st.tuples(st.floats(0, 5), st.floats(0, 5), st.none() | st.integers(0, 5)),
        min_size=12,
        max_size=12,
    ),
)
def test_every_track_uses_every_year_when_the_capacity_allows(seed, horizon, scores):
    library = track_library(random.Random(seed))
    inputs = [
        FactorInput(code, track, current, desired, chosen_target=chosen)
        for (code, track), (current, desired, chosen) in zip(FACTORS, scores, strict=True)
    ]
    capacity = len(library)  # never binding: the spread alone decides the years
    plan = plan_roadmap(factors=inputs, library=library, horizon=horizon, capacity=capacity)
    assert not plan.after_horizon
    assert_rules(plan, library)
    assert_spread(plan)
    # P5: with room to spare, year 1 always holds a data project.
    if any(activity.kind == DATA_PROJECT for activity in library):
        assert any(i.kind == DATA_PROJECT and i.year == 1 for i in plan.activities)
    assert plan == plan_roadmap(factors=inputs, library=library, horizon=horizon, capacity=capacity)
