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
     evenly over the horizon H, in order: transition i (0-based) first gets year
     floor(i · H / k) + 1, the first year of its equal share of the horizon. So the
     first transition first gets year 1 and the years never go down. The
     roadmap as a whole uses every year: per track, when it has at least as many
     activities as years, no year holds fewer than half of the track's mean per
     year. The balancing step `_spread_tracks` (below, "Spreading the tracks") turns
     the first years into final ones that meet this bar.
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
  P7 Every planned activity records why it is there, as data (a `Reason`): its
     factor and transition (kind "transition"), the prerequisite of X (kind
     "prerequisite"), or P5's fallback (kind "data_project_year1", with its factor
     and transition). roadmap/reasons.py words a reason in the reader's language.

Spreading the tracks (P2's bar; a departure from P2's literal formula)
  floor(i · H / k) + 1 alone leaves years empty: two transitions over four years
  land in years 1 and 3, so with most factors at a gap of two the demo's plan held
  15 / 7 / 15 / 3 activities a year. After P1–P5 have given every activity a first
  year, `_spread_tracks` gives the final years:
  - A track whose first years already meet the bar keeps them (P2's formula stands
    wherever it is good enough), and so does a track with fewer activities than
    years (the bar does not apply to it). Only the other tracks are spread.
  - All needed activities are put in one topological order of the "not later than"
    relation (prerequisites, P3, and the level order within a factor), choosing
    first by first year, then from-level, factor order and code. A track's
    activities are placed in this order, so a lower transition never comes after a
    higher one.
  - One forward sweep, year y = 1 … H: P5's anchor (year 1's data project with the
    lowest level, then factor order and code) goes to year 1; the activities of the
    tracks that keep their years go to their first year; then each spread track
    takes activities until it holds its share of year y: its activities not yet
    placed divided by the years left, rounded up ("up") or down but at least half
    the mean ("down"). It takes first the activity that pulls the fewest activities
    into other tracks beyond their share, then by the order above, and stops early
    rather than crowd another track once its own year meets the bar. The last year
    takes all that is left.
  - An activity is placed together with everything not yet placed that must not be
    later than it (its prerequisites, transitively, whatever their track), so P3 and
    the level order hold by construction; activities move later as well as earlier.
  - When a sweep leaves a track below the bar that kept its years, that track is
    spread too and the sweep repeated; when a spread track still fails, all tracks
    with at least H activities are spread. The sweep is tried with rounding up and
    down and the tracks in order and reversed; the first result that meets the bar
    everywhere is taken, else the one with the smallest shortfall (then the first).
  - A short year left after that is filled by a chain of single moves within the
    track (`_repair`): an activity of a fuller year moves to a year between, whose
    activity moves on into the short year, each move keeping the "not later than"
    order and P5's anchor.
  Without ties across tracks every spread track holds floor or ceil of its mean a
  year (≥ half of it when it has at least H activities). The bar can still fail
  where no plan meets it: P5's data project needs so much of a track in year 1, or a
  track is tied to early activities of another that must stay early. P6 comes after
  the spread: when the capacity binds, capacity wins over the bar (an overflow moves
  to the next year, as P6 says). Deterministic: every choice has a total order.

Decisions where roadmap.md is silent
  - P2 and its bar (details in "Spreading the tracks" above): roadmap.md asks both
    for P2's even spread of a factor's transitions and for every year of a track to
    be used; the literal formula floor(i · H / k) + 1 cannot give the second, so it
    only gives first years and `_spread_tracks` decides. Decided: a track whose
    first years meet the bar, or that has fewer activities than years, keeps P2's
    years (the least departure from the formula); a spread track may put a
    transition in a later year than the formula (two transitions over four years
    can land in years 1 and 2, or 2 and 4) but never out of order; "mean per year"
    counts the track's activities within the horizon; P5 and P3 beat the bar (a
    plan that meets the bar only by breaking them is not made), and so does P6.
  - Unknown scores: a factor without a current score starts at stage 0; without a
    desired score (and no consultant choice) its target is its current stage.
  - A prerequisite at a level the organisation has already passed is still planned
    (P1 says "plus their prerequisites"); its reason says which activity needs it.
  - Order within a factor: besides transitions, no activity of a factor is planned
    later than an activity of the same factor with a higher from-level. Pulling an
    activity earlier (P3, P5) therefore pulls the lower levels of its factor along.
    Before the spread activities only move earlier; the spread moves them later as
    well, and a capacity overflow (P6) moves an activity together with everything of
    that year that waits for it.
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
  - P5's fallback gets a reason of its own kind ("data_project_year1") with its own
    transition (IT3 0→1), even when that level lies below the current stage; a data
    project already planned in a later year is brought forward to year 1 instead
    and keeps its transition reason.
  - A prerequisite's reason names one activity: of those that need it, the one
    planned first (then by code).
  - Capacity counts activities, not effort; it applies to generated activities only.
  - Manual edits are not the planner's business: services.py records them on the
    stored activities (`moved` for a year/quarter set by hand, owner and status,
    `Roadmap.removed_codes` for generated activities the consultant removed,
    `custom` for the consultant's own) and keeps them when it stores a new plan,
    unless the consultant starts over. Kept edits may break P3 or P6; that is the
    consultant's call: the roadmap page shows a year over capacity, and
    `services.prerequisite_warnings` finds every activity planned before one of its
    prerequisites, for the cards and the page's summary (computed, never stored).
  - Continuity over a repeat measurement (issue 15): `plan_roadmap` takes the codes
    of the previous roadmap's activities as `done` (status gereed) and `carried`
    (open: gepland or lopend; vervallen ones are neither). Decided:
    * A done activity is history, never planned again, and satisfies whatever needs
      it: P1 skips it, and neither a transition nor a prerequisite pulls it back in
      (its prerequisites neither, through it). Even when its factor did not grow, the
      same library activity is not repeated; the consultant can add an activity of
      their own.
    * A carried-over activity counts as already needed: it is in the plan whether or
      not the new scores need it (work under way is not dropped because a score moved),
      once, under its own code, so the generator never adds it a second time. Its
      prerequisites come along (P1, except done ones). Its first year is 1 (it is
      overdue), then P3, P5, the spread and the capacity treat it like any other
      activity: it counts towards the capacity. Its reason is its new transition when
      the new scores need it, else the kind "carried" (its factor and step).
    * Codes that are not in the library (the consultant's own activities) are not the
      planner's business: services.py carries them over as they are.
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


TRANSITION = "transition"
PREREQUISITE = "prerequisite"
DATA_PROJECT_YEAR1 = "data_project_year1"
CUSTOM = "custom"  # the consultant's own activity, with the consultant's own words
CARRIED = "carried"  # open on the previous roadmap, not needed by the new scores
REASON_KINDS = (TRANSITION, PREREQUISITE, DATA_PROJECT_YEAR1, CUSTOM, CARRIED)


@dataclass(frozen=True)
class Reason:
    """Why an activity is on the roadmap (P7), as data; roadmap/reasons.py words it."""

    kind: str
    factor: str | None = None
    from_level: int | None = None
    to_level: int | None = None
    prerequisite_of: str | None = None
    text: str | None = None  # CUSTOM only

    def as_dict(self):
        """The stored form (PlannedActivity.reason): only the keys that are set."""
        values = {
            "kind": self.kind,
            "factor": self.factor,
            "from": self.from_level,
            "to": self.to_level,
            "prerequisite_of": self.prerequisite_of,
            "text": self.text,
        }
        return {key: value for key, value in values.items() if value is not None}

    @classmethod
    def from_dict(cls, data):
        return cls(
            kind=data["kind"],
            factor=data.get("factor"),
            from_level=data.get("from"),
            to_level=data.get("to"),
            prerequisite_of=data.get("prerequisite_of"),
            text=data.get("text"),
        )


@dataclass(frozen=True)
class PlannedItem:
    code: str
    factor: str
    kind: str
    from_level: int
    effort: str
    prerequisites: tuple[str, ...]
    reason: Reason
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


def transition_reason(factor, from_level, kind=TRANSITION):
    return Reason(kind, factor=factor, from_level=from_level, to_level=from_level + 1)


def prerequisite_reason(code):
    return Reason(PREREQUISITE, prerequisite_of=code)


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


def _with_prerequisites(codes, library, done=frozenset()):
    """`codes` and their prerequisites, transitively; `done` ones (and what only they
    need) are left out."""
    needed = set(codes) - done
    stack = sorted(needed)
    while stack:
        for prerequisite in library[stack.pop()].prerequisites:
            if prerequisite not in needed and prerequisite not in done:
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


def _fallback_data_project(targets, factors, library, done=frozenset()):
    """P5: the lowest-level data project of the factor with the largest gap (not one
    done on the previous roadmap)."""

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
            if a.factor == factors[index].code and a.kind == DATA_PROJECT and a.code not in done
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


def _topological(codes, successors, key):
    """`codes` in a topological order of `successors`, choosing by `key` among the ready."""
    codes = set(codes)
    waiting = dict.fromkeys(codes, 0)
    for code in codes:
        for nxt in successors.get(code, ()):
            if nxt in codes:
                waiting[nxt] += 1
    ready = [(key(code), code) for code in codes if waiting[code] == 0]
    heapq.heapify(ready)
    ordered = []
    while ready:
        _, code = heapq.heappop(ready)
        ordered.append(code)
        for nxt in successors.get(code, ()):
            if nxt in codes:
                waiting[nxt] -= 1
                if waiting[nxt] == 0:
                    heapq.heappush(ready, (key(nxt), nxt))
    return ordered


def _spread_tracks(years, needed, library, *, successors, order, horizon):
    """P2's bar: turn the first `years` into final ones that use every year of each
    track (the sweep of the docstring, "Spreading the tracks"). Changes `years`."""
    first = dict(years)
    sequence = _topological(
        needed,
        successors,
        lambda code: (
            first[code],
            library[code].from_level,
            order[library[code].factor][0],
            code,
        ),
    )
    predecessors = defaultdict(set)
    for code in needed:
        for nxt in successors.get(code, ()):
            if nxt in needed:
                predecessors[nxt].add(code)

    def track(code):
        return order[library[code].factor][1]

    per_track = defaultdict(list)
    for code in sequence:
        per_track[track(code)].append(code)
    track_order = sorted(
        per_track, key=lambda t: min(order[library[c].factor][0] for c in per_track[t])
    )
    anchor = min(
        (c for c in needed if first[c] == 1 and library[c].kind == DATA_PROJECT),
        key=lambda c: (library[c].from_level, order[library[c].factor][0], c),
        default=None,
    )
    bar_tracks = {t for t in track_order if len(per_track[t]) >= horizon}
    tried = []
    for rounding, turns in (
        ("up", track_order),
        ("down", track_order),
        ("up", track_order[::-1]),
        ("down", track_order[::-1]),
    ):
        spread = set()
        while True:
            final = _sweep(
                sequence,
                per_track=per_track,
                spread=[t for t in turns if t in spread],
                first=first,
                anchor=anchor,
                horizon=horizon,
                track=track,
                predecessors=predecessors,
                rounding=rounding,
            )
            failing = {
                t for t in track_order if not meets_bar([final[c] for c in per_track[t]], horizon)
            }
            if failing - spread:
                spread |= failing
            elif failing and not bar_tracks <= spread:
                spread |= bar_tracks  # tracks that kept their first years may have to yield
            else:
                break
        if not failing:
            years.update(final)
            return
        shortfall = sum(
            max(
                0,
                -(-len(per_track[t]) // (2 * horizon)) - [final[c] for c in per_track[t]].count(y),
            )
            for t in bar_tracks
            for y in range(1, horizon + 1)
        )
        tried.append((shortfall, len(tried), final))
    final = min(tried, key=lambda attempt: attempt[:2])[2]
    _repair(
        final,
        tracks=[per_track[t] for t in track_order if t in bar_tracks],
        predecessors=predecessors,
        fixed={anchor},
        horizon=horizon,
    )
    years.update(final)


def _repair(final, *, tracks, predecessors, fixed, horizon):
    """Fill the years a sweep left below the bar, by chains of single moves within a
    track: an activity of a fuller year moves to a year between, whose activity moves
    on, and so on into the short year. Every move keeps the "not later than" order;
    the activities in `fixed` (P5's anchor) stay. Changes `final`."""
    successors = defaultdict(set)
    for code, before in predecessors.items():
        for other in before:
            successors[other].add(code)

    def can_move(code, year):
        return (
            code not in fixed
            and all(final[p] <= year for p in predecessors[code])
            and all(final[s] >= year for s in successors[code])
        )

    for members in tracks:
        least = -(-len(members) // (2 * horizon))
        stuck = set()
        while True:
            counts = {y: 0 for y in range(1, horizon + 1)}
            for code in members:
                counts[final[code]] += 1
            short = [y for y in counts if counts[y] < least and y not in stuck]
            if not short:
                break
            target = short[0]
            # Breadth first from the short year back to a year with more than enough.
            via = {target: None}
            queue, found = [target], None
            while queue and found is None:
                year = queue.pop(0)
                for code in members:
                    source = final[code]
                    if source in via or not can_move(code, year):
                        continue
                    via[source] = (code, year)
                    if counts[source] > least:
                        found = source
                        break
                    queue.append(source)
            if found is None:
                stuck.add(target)
                continue
            chain = []
            year = found
            while via[year] is not None:
                chain.append((via[year][0], year, via[year][1]))
                year = via[year][1]
            done = []
            for code, source, year in reversed(chain):
                if not can_move(code, year):
                    break
                final[code] = year
                done.append((code, source))
            else:
                continue
            for code, source in reversed(done):
                final[code] = source
            stuck.add(target)


def meets_bar(track_years, horizon):
    """P2's bar for one track's years: with at least as many activities as years, no
    year holds fewer than half of the mean per year."""
    if len(track_years) < horizon:
        return True
    counts = [track_years.count(year) for year in range(1, horizon + 1)]
    return 2 * horizon * min(counts) >= len(track_years)


def _sweep(sequence, *, per_track, spread, first, anchor, horizon, track, predecessors, rounding):
    """One forward sweep: the tracks in `spread` (in track order) get their even share
    year by year, the others their first years (the docstring, "Spreading the tracks")."""
    final = {}
    in_year = defaultdict(int)  # (track, year) → placed
    position = {code: index for index, code in enumerate(sequence)}

    def group_of(code):
        """`code` and everything not yet placed that must not be later than it."""
        stack, group = [code], set()
        while stack:
            current = stack.pop()
            if current in final or current in group:
                continue
            group.add(current)
            stack.extend(predecessors[current])
        return group

    def place(code, year):
        for member in group_of(code):
            final[member] = year
            in_year[track(member), year] += 1

    for year in range(1, horizon + 1):
        years_left = horizon - year + 1
        quota = {}
        for t in spread:
            left = sum(1 for c in per_track[t] if c not in final)
            least = -(-len(per_track[t]) // (2 * horizon))
            if rounding == "up" or years_left == 1:
                quota[t] = -(-left // years_left)
            else:
                quota[t] = min(left, max(left // years_left, least))
        if year == 1 and anchor is not None:
            place(anchor, 1)
        for code in sequence:
            if code not in final and first[code] == year and track(code) not in spread:
                place(code, year)
        for t in spread:
            least = -(-len(per_track[t]) // (2 * horizon))  # the bar, in whole activities
            while in_year[t, year] < quota[t]:
                choices = []
                for code in per_track[t]:
                    if code in final:
                        continue
                    pulled = defaultdict(int)
                    for member in group_of(code):
                        pulled[track(member)] += 1
                    excess = sum(
                        max(0, in_year[u, year] + count - quota[u])
                        for u, count in pulled.items()
                        if u in quota
                    )
                    choices.append((excess, position[code], code))
                if not choices:
                    break
                excess, _position, code = min(choices)
                if excess and in_year[t, year] >= least:
                    break  # enough for the bar; the rest would crowd other tracks
                place(code, year)
    for code in sequence:
        if code not in final:  # belt and braces: every first year lies within the horizon
            place(code, horizon)
    return final


def plan_roadmap(*, factors, library, horizon, capacity=DEFAULT_CAPACITY, carried=(), done=()):
    """Plan the activities that bring every factor from its current to its target stage.

    `factors`: FactorInput records in the model's factor order. `library`: the
    LibraryActivity records of the model version. `carried` and `done`: codes of the
    previous roadmap's open and done activities (the docstring, "Continuity"); codes
    not in the library are ignored. Returns a Plan.
    """
    if horizon < 1:
        raise ValueError("the horizon must be at least 1 year")
    if capacity < 1:
        raise ValueError("the capacity must be at least 1 activity a year")
    factors = list(factors)
    order = {factor.code: (index, factor.track) for index, factor in enumerate(factors)}
    check_library(library, set(order))
    library = {activity.code: activity for activity in library}
    done = frozenset(done) & set(library)
    carried = (frozenset(carried) & set(library)) - done
    targets = {factor.code: factor_target(factor, horizon) for factor in factors}

    by_step = defaultdict(list)
    for activity in library.values():
        by_step[activity.factor, activity.from_level].append(activity.code)

    # P1, P2: the transitions of each factor and their years.
    years, reasons = {}, {}
    for target in targets.values():
        for index, level in enumerate(range(target.current, target.target)):
            for code in by_step[target.factor, level]:
                if code in done:
                    continue
                years[code] = index * horizon // target.gap + 1
                reasons[code] = transition_reason(target.factor, level)
    # Continuity: what is open on the previous roadmap is needed, and overdue.
    for code in sorted(carried):
        years[code] = 1
        activity = library[code]
        reasons.setdefault(code, transition_reason(activity.factor, activity.from_level, CARRIED))
    needed = _with_prerequisites(years, library, done)
    never = horizon + 1  # a prerequisite only gets the year of what needs it
    for code in needed:
        years.setdefault(code, never)
    _pull_forward(years, needed, library)

    # P5: a data project from the first day.
    if not any(library[c].kind == DATA_PROJECT and years[c] == 1 for c in needed):
        fallback = _fallback_data_project(targets, factors, library, done)
        if fallback is not None:
            activity = library[fallback]
            reasons.setdefault(
                fallback,
                transition_reason(activity.factor, activity.from_level, DATA_PROJECT_YEAR1),
            )
            for code in _with_prerequisites([fallback], library, done) - needed:
                years[code] = never
            needed = _with_prerequisites(needed | {fallback}, library, done)
            years[fallback] = 1
    successors = _pull_forward(years, needed, library)

    # P2's bar: every year of a track used.
    _spread_tracks(years, needed, library, successors=successors, order=order, horizon=horizon)

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
