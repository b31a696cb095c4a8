"""The roadmap planner: scores, targets and the activity library in, a yearly plan out.

Pure and deterministic: plain records in, plain records out (no ORM, request or
template), and the same inputs always give the same plan. `roadmap/services.py`
gathers the inputs from the database and stores the plan. The rules of
spec/roadmap.md, by number:

Targets
  T1 current stage = stage(S_current(f)).
  T2 target stage = the consultant's choice from the strategy session, else
     stage(S_desired(f)).
  T3 current ≤ target ≤ current + horizon (one stage per year at most), and ≤ 5.

Planning
  P1 Needed: per factor the library activities whose from-level lies in
     [current, target − 1], plus their prerequisites (transitively, whatever their
     factor or level).
  P2 The k transitions current→current+1 … target−1→target of a factor are spread
     evenly over the horizon H, in order: transition i (0-based) gets year
     floor(i · H / k) + 1, the first year of its equal share of the horizon. So the
     first transition always starts in year 1 and the years never go down.
  P3 A prerequisite is never planned later than the activity that needs it: not in
     a later year and, in the same year, not in a later quarter.
  P4 PEB preconditions that a data project needs (directly or through other
     prerequisites) come first: P3 keeps them in the same or an earlier year, and
     within a year they rank before the other activities (only year 1's first data
     project ranks higher, P5), both for the capacity (they are the last to move out
     of a full year) and for the quarters (they get the earliest).
  P5 Year 1 holds at least one data project. When none is planned there, the planner
     takes the factor with the largest gap (target − current; ties: the larger score
     gap desired − current, then factor order) that has a data project in the library,
     and plans that factor's lowest-level data project (ties: code) in year 1. Year
     1's data project with the lowest level (then factor order, code) and what it needs
     rank first of all, so the capacity keeps it in year 1 whenever it fits at all.
  P6 Capacity: at most C activities a year. Year by year, the activities of a full
     year are ordered (below) and the first C stay; the rest move to the next year.
     In year 1 data projects (and what they need) keep priority over the rest. What
     the last year cannot hold is returned in `after_horizon` ("na de horizon"),
     never dropped.
  P7 Every planned activity records why it is there: "LC1 2→3" (its factor and
     transition) or "voorwaarde voor X" (a prerequisite of X).

Decisions where roadmap.md is silent
  - Unknown scores: a factor without a current score starts at stage 0; without a
    desired score (and no consultant choice) its target is its current stage.
  - A prerequisite at a level the organisation has already passed is still planned
    (P1 says "plus their prerequisites"); its reason says which activity needs it.
  - Order within a factor: besides transitions, no activity of a factor is planned
    later than an activity of the same factor with a higher from-level. Pulling an
    activity earlier (P3, P5) therefore pulls the lower levels of its factor along;
    activities only ever move earlier, except for a capacity overflow (P6), which
    moves an activity together with everything of that year that waits for it.
  - Order inside a year (for capacity and quarters): a topological order of the "not
    later than" relation above, choosing first by rank (0: year 1's first data
    project, P5; 1: PEB precondition that a data project needs; 2: data project in
    year 1; 3: the rest), then the year the activity was first given (so an overflow
    goes before the newcomers), from-level, factor order and code. An activity ranks
    as high as anything of that year that waits for it.
  - Quarters: the ordered activities of a year are spread evenly over the four
    quarters by position (quarter = 1 + floor(position · 4 / count)); an activity is
    never in an earlier quarter than the lower levels of its factor, and is at least
    one quarter later than its prerequisites while quarters last (Q4 at most).
  - P5's fallback gets the reason of its own transition ("IT3 0→1"), even when that
    level lies below the current stage; a data project already planned in a later
    year is brought forward to year 1 instead.
  - A "voorwaarde voor X" names one activity: of those that need it, the one planned
    first (then by code).
  - Capacity counts activities, not effort; it applies to generated activities only.
  - Manual edits are not the planner's business: services.py records them on the
    stored activities (`moved` for a year/quarter set by hand, owner and status,
    `Roadmap.removed_codes` for generated activities the consultant removed,
    `custom` for the consultant's own) and keeps them when it stores a new plan,
    unless the consultant starts over. Kept edits may break P3 or P6; that is the
    consultant's call, and the roadmap page shows a year over capacity.
"""

import heapq
from collections import defaultdict
from dataclasses import dataclass

from assessments.stages import MAX_LEVEL, MIN_LEVEL, stage

DATA_PROJECT = "dataproject"
PRECONDITION = "randvoorwaarde"
KINDS = (DATA_PROJECT, PRECONDITION)
EFFORTS = ("S", "M", "L")
PEB_TRACK = "PEB"
QUARTERS = 4
DEFAULT_CAPACITY = 15


class LibraryError(ValueError):
    """The activity library cannot be planned with (unknown codes, cycles)."""


@dataclass(frozen=True)
class FactorInput:
    """One key factor as the planner sees it, in the model's factor order."""

    code: str
    track: str
    current: float | None
    desired: float | None
    chosen_target: int | None = None  # the consultant's target stage, if any


@dataclass(frozen=True)
class LibraryActivity:
    code: str
    factor: str
    from_level: int
    kind: str
    effort: str
    prerequisites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    factor: str
    current: int
    target: int

    @property
    def gap(self):
        return self.target - self.current


@dataclass(frozen=True)
class PlannedItem:
    code: str
    factor: str
    kind: str
    from_level: int
    effort: str
    prerequisites: tuple[str, ...]
    reason: str
    year: int | None  # None: after the horizon
    quarter: int | None

    @property
    def after_horizon(self):
        return self.year is None


@dataclass(frozen=True)
class Plan:
    horizon: int
    capacity: int
    targets: tuple[Target, ...]
    activities: tuple[PlannedItem, ...]
    after_horizon: tuple[PlannedItem, ...]


def transition_reason(factor, from_level):
    return f"{factor} {from_level}→{from_level + 1}"


def prerequisite_reason(code):
    return f"voorwaarde voor {code}"


def factor_target(factor, horizon):
    """T1–T3: the current and the bounded target stage of one factor."""
    current = stage(factor.current) if factor.current is not None else MIN_LEVEL
    if factor.chosen_target is not None:
        wanted = factor.chosen_target
    elif factor.desired is not None:
        wanted = stage(factor.desired)
    else:
        wanted = current
    return Target(factor.code, current, max(current, min(wanted, current + horizon, MAX_LEVEL)))


def _not_later_than(activities):
    """Edges p → a meaning "p is never planned later than a" (P3 and the factor order)."""
    successors = defaultdict(set)
    for activity in activities.values():
        for prerequisite in activity.prerequisites:
            if prerequisite in activities:
                successors[prerequisite].add(activity.code)
    by_factor = defaultdict(list)
    for activity in activities.values():
        by_factor[activity.factor].append(activity)
    for members in by_factor.values():
        for lower in members:
            for higher in members:
                if lower.from_level < higher.from_level:
                    successors[lower.code].add(higher.code)
    return successors


def check_library(library, factor_codes):
    """Raise LibraryError unless every activity can be planned.

    Factors and prerequisites must exist, and the prerequisites together with the
    level order within a factor must not form a cycle (else no order satisfies P3).
    """
    activities = {}
    problems = []
    for activity in library:
        if activity.code in activities:
            problems.append(f"{activity.code}: duplicate code")
        activities[activity.code] = activity
        if activity.factor not in factor_codes:
            problems.append(f"{activity.code}: unknown factor {activity.factor}")
        if not MIN_LEVEL <= activity.from_level < MAX_LEVEL:
            problems.append(f"{activity.code}: from level must be 0–4")
        if activity.kind not in KINDS:
            problems.append(f"{activity.code}: unknown kind {activity.kind}")
        if activity.effort not in EFFORTS:
            problems.append(f"{activity.code}: unknown effort {activity.effort}")
    for activity in activities.values():
        for prerequisite in activity.prerequisites:
            if prerequisite not in activities:
                problems.append(f"{activity.code}: unknown prerequisite {prerequisite}")
    if not problems:
        cycle = _find_cycle(activities, _not_later_than(activities))
        if cycle:
            problems.append(
                "prerequisites and levels form a cycle: " + " → ".join(cycle + cycle[:1])
            )
    if problems:
        raise LibraryError("; ".join(problems))


def _find_cycle(activities, successors):
    state = {}  # 1: on the path, 2: done

    def visit(code, path):
        state[code] = 1
        path.append(code)
        for nxt in sorted(successors.get(code, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :]
            if nxt not in state:
                found = visit(nxt, path)
                if found:
                    return found
        path.pop()
        state[code] = 2
        return None

    for code in sorted(activities):
        if code not in state:
            found = visit(code, [])
            if found:
                return found
    return None


def _with_prerequisites(codes, library):
    needed = set(codes)
    stack = sorted(needed)
    while stack:
        for prerequisite in library[stack.pop()].prerequisites:
            if prerequisite not in needed:
                needed.add(prerequisite)
                stack.append(prerequisite)
    return needed


def _pull_forward(years, needed, library):
    """P3 and the factor order: nothing later than what comes after it (a fixpoint)."""
    successors = _not_later_than({code: library[code] for code in needed})
    changed = True
    while changed:
        changed = False
        for code in sorted(needed):
            earliest = min((years[s] for s in successors.get(code, ())), default=years[code])
            if earliest < years[code]:
                years[code] = earliest
                changed = True
    return successors


def _fallback_data_project(targets, factors, library):
    """P5: the lowest-level data project of the factor with the largest gap."""

    def score_gap(factor):
        if factor.current is None or factor.desired is None:
            return float("-inf")
        return factor.desired - factor.current

    order = sorted(
        range(len(factors)),
        key=lambda i: (-targets[factors[i].code].gap, -score_gap(factors[i]), i),
    )
    for index in order:
        projects = [
            a
            for a in library.values()
            if a.factor == factors[index].code and a.kind == DATA_PROJECT
        ]
        if projects:
            return min(projects, key=lambda a: (a.from_level, a.code)).code
    return None


def _needed_by_data_projects(needed, library):
    """Codes that some data project needs, directly or through other prerequisites."""
    direct = [
        prerequisite
        for code in needed
        if library[code].kind == DATA_PROJECT
        for prerequisite in library[code].prerequisites
    ]
    return _with_prerequisites(direct, library)


def _year_order(members, year, *, successors, first_year, serves_data_project, library, order):
    """Topological order of one year's activities with the priority of the docstring."""
    members = set(members)
    anchor = None
    if year == 1:
        anchor = min(
            (code for code in members if library[code].kind == DATA_PROJECT),
            key=lambda code: (library[code].from_level, order[library[code].factor][0], code),
            default=None,
        )
    inner = {code: successors.get(code, set()) & members for code in members}

    def rank(code):
        activity = library[code]
        if code == anchor:
            return 0
        if (
            code in serves_data_project
            and activity.kind == PRECONDITION
            and order[activity.factor][1] == PEB_TRACK
        ):
            return 1
        if year == 1 and activity.kind == DATA_PROJECT:
            return 2
        return 3

    def own_key(code):
        activity = library[code]
        return (
            rank(code),
            first_year[code],
            activity.from_level,
            order[activity.factor][0],
            code,
        )

    # An activity ranks as high as anything of this year that waits for it.
    key = {code: own_key(code) for code in members}
    changed = True
    while changed:
        changed = False
        for code in sorted(members):
            best = min([key[code], *(key[s] for s in inner[code])])
            if best < key[code]:
                key[code] = best
                changed = True
    waiting = {code: 0 for code in members}
    for code in members:
        for nxt in inner[code]:
            waiting[nxt] += 1
    ready = [(key[code], code) for code in members if waiting[code] == 0]
    heapq.heapify(ready)
    ordered = []
    while ready:
        _, code = heapq.heappop(ready)
        ordered.append(code)
        for nxt in inner[code]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (key[nxt], nxt))
    return ordered


def _quarters(ordered, library):
    """Spread a year's ordered activities over the quarters, prerequisites first."""
    position_count = len(ordered)
    quarter = {}
    for position, code in enumerate(ordered):
        activity = library[code]
        earliest = 1 + position * QUARTERS // position_count
        for other in ordered[:position]:
            before = library[other]
            if other in activity.prerequisites:
                earliest = max(earliest, min(QUARTERS, quarter[other] + 1))
            elif before.factor == activity.factor and before.from_level < activity.from_level:
                earliest = max(earliest, quarter[other])
        quarter[code] = earliest
    return quarter


def plan_roadmap(*, factors, library, horizon, capacity=DEFAULT_CAPACITY):
    """Plan the activities that bring every factor from its current to its target stage.

    `factors`: FactorInput records in the model's factor order. `library`: the
    LibraryActivity records of the model version. Returns a Plan.
    """
    if horizon < 1:
        raise ValueError("the horizon must be at least 1 year")
    if capacity < 1:
        raise ValueError("the capacity must be at least 1 activity a year")
    factors = list(factors)
    order = {factor.code: (index, factor.track) for index, factor in enumerate(factors)}
    check_library(library, set(order))
    library = {activity.code: activity for activity in library}
    targets = {factor.code: factor_target(factor, horizon) for factor in factors}

    by_step = defaultdict(list)
    for activity in library.values():
        by_step[activity.factor, activity.from_level].append(activity.code)

    # P1, P2: the transitions of each factor and their years.
    years, reasons = {}, {}
    for target in targets.values():
        for index, level in enumerate(range(target.current, target.target)):
            for code in by_step[target.factor, level]:
                years[code] = index * horizon // target.gap + 1
                reasons[code] = transition_reason(target.factor, level)
    needed = _with_prerequisites(years, library)
    never = horizon + 1  # a prerequisite only gets the year of what needs it
    for code in needed:
        years.setdefault(code, never)
    _pull_forward(years, needed, library)

    # P5: a data project from the first day.
    if not any(library[c].kind == DATA_PROJECT and years[c] == 1 for c in needed):
        fallback = _fallback_data_project(targets, factors, library)
        if fallback is not None:
            activity = library[fallback]
            reasons.setdefault(fallback, transition_reason(activity.factor, activity.from_level))
            for code in _with_prerequisites([fallback], library) - needed:
                years[code] = never
            needed = _with_prerequisites(needed | {fallback}, library)
            years[fallback] = 1
    successors = _pull_forward(years, needed, library)

    # P4, P6: capacity year by year, then quarters.
    first_year = dict(years)
    serves_data_project = _needed_by_data_projects(needed, library)
    final = {}
    overflow = []
    for year in range(1, horizon + 1):
        members = [code for code in needed if first_year[code] == year] + overflow
        ordered = _year_order(
            members,
            year,
            successors=successors,
            first_year=first_year,
            serves_data_project=serves_data_project,
            library=library,
            order=order,
        )
        kept, overflow = ordered[:capacity], ordered[capacity:]
        for code, quarter in _quarters(kept, library).items():
            final[code] = (year, quarter)
    for code in overflow:
        final[code] = (None, None)

    # P7: why each activity is there.
    for code in sorted(needed):
        if code in reasons:
            continue
        dependents = [c for c in needed if code in library[c].prerequisites]
        first = min(dependents, key=lambda c: (_sort_year(final[c]), c))
        reasons[code] = prerequisite_reason(first)

    items = [
        PlannedItem(
            code=code,
            factor=library[code].factor,
            kind=library[code].kind,
            from_level=library[code].from_level,
            effort=library[code].effort,
            prerequisites=tuple(library[code].prerequisites),
            reason=reasons[code],
            year=final[code][0],
            quarter=final[code][1],
        )
        for code in needed
    ]
    items.sort(
        key=lambda i: (_sort_year((i.year, i.quarter)), order[i.factor][0], i.from_level, i.code)
    )
    return Plan(
        horizon=horizon,
        capacity=capacity,
        targets=tuple(targets[factor.code] for factor in factors),
        activities=tuple(i for i in items if not i.after_horizon),
        after_horizon=tuple(i for i in items if i.after_horizon),
    )


def _sort_year(when):
    year, quarter = when
    return (year if year is not None else float("inf"), quarter or 0)
