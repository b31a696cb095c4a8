"""Scoring of an assessment: the rules of spec/scoring.md as pure functions over pandas.

The input is `Respondents`: the submitted respondents (one row each: respondent,
layer, department) and their r(f) (rule 1), indexed by (layer, respondent, factor).
`Respondents.from_answers` computes r(f) from a DataFrame of answers, one row per
respondent per question, with the columns

    respondent, layer, department, question, factor, track, current, desired

where current and desired are floats 0–5 or NaN ("weet ik niet" is empty). Only
respondent, layer, department, factor, current and desired are used: the factor's
track comes from the model (`ModelShape`). A respondent without any answer may appear
as one row with factor NaN: they count as a respondent of their layer and nothing else.
`assessments/results.py` builds Respondents from the sums it keeps per response and
factor (models.FactorSum), which give the same r(f).

Nothing here touches the database, a request or a template; `assessments/results.py`
loads the respondents and turns these results into pages and exports. Every function
names the rule of scoring.md it implements, so it reads line by line against the spec.
"""

from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, field

import pandas as pd

from . import disclosure
from .risk_rules import EPSILON, Risk, find_risks
from .stages import stage

HIGHLIGHT_COUNT = 3
MIN_BENCHMARK_PEERS = 5
MIN_QUARTILE_PEERS = 10


@dataclass(frozen=True)
class ModelShape:
    """What the rules need of the model version and the assessment, in their order."""

    factors: tuple[tuple[str, str], ...]  # (factor code, track code), LC1 first … PEB2 last
    tracks: tuple[str, ...]  # track codes in track order
    layers: tuple[str, ...]  # the assessment's layer codes in layer order

    @property
    def factor_codes(self):
        return tuple(code for code, _track in self.factors)

    @property
    def track_of(self):
        return dict(self.factors)


@dataclass(kw_only=True)
class Score:
    """A current and a desired score; unrounded, None where undefined."""

    current: float | None = None
    desired: float | None = None

    @property
    def gap(self):
        """Rule 6: desired − current, only where both are defined."""
        if self.current is None or self.desired is None:
            return None
        return self.desired - self.current

    @property
    def stage(self):
        """stage(s) = floor(s + 1e-9), clipped to 0..5, of the current score."""
        return None if self.current is None else stage(self.current)


@dataclass(kw_only=True)
class TrackScore(Score):
    code: str


@dataclass(kw_only=True)
class FactorScore(Score):
    code: str
    track: str
    spread: float | None = None
    layer_gap: float | None = None  # the group gap (its JSON name is kept)
    respondents: int = 0


@dataclass(kw_only=True)
class CellScore(Score):
    """A group's or department's score on one factor, and its respondents with r(f)
    defined (current)."""

    respondents: int = 0


@dataclass(frozen=True)
class ReportingGroup:
    """A set of layers counted together (scoring.md, Reporting groups). `name` is the
    consultant's; empty means "the layers' names joined" (made where it is shown)."""

    code: str
    layers: tuple[str, ...]
    name: str = ""


@dataclass(kw_only=True)
class Group:
    """A reporting group or department: its size, whether it may be shown, and its
    factor scores if so (a factor over too few answers is None)."""

    code: str
    respondents: int
    shown: bool
    name: str = ""
    layers: list[str] = field(default_factory=list)  # reporting groups
    counted: int | None = None  # departments: respondents in shown groups
    factors: dict[str, CellScore] = field(default_factory=dict)


@dataclass(kw_only=True)
class Highlights:
    strengths: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    ambitions: list[str] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)


def _group_from_dict(data):
    return Group(**{**data, "factors": {c: CellScore(**s) for c, s in data["factors"].items()}})


@dataclass(kw_only=True)
class ScoringResult:
    respondents: int
    min_group_size: int
    scores_shown: bool
    overall: Score
    tracks: dict[str, TrackScore]
    factors: dict[str, FactorScore]
    layers: dict[str, int]  # submitted respondents per layer, in layer order (counts only)
    groups: list[Group]  # reporting groups; empty for a department's results
    departments: list[Group]  # side by side; empty for a department's results
    highlights: Highlights

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        """The inverse of to_dict (results of closed assessments are stored this way)."""
        highlights = data["highlights"]
        return cls(
            respondents=data["respondents"],
            min_group_size=data["min_group_size"],
            scores_shown=data["scores_shown"],
            overall=Score(**data["overall"]),
            tracks={code: TrackScore(**track) for code, track in data["tracks"].items()},
            factors={code: FactorScore(**factor) for code, factor in data["factors"].items()},
            layers=data["layers"],
            groups=[_group_from_dict(group) for group in data["groups"]],
            departments=[_group_from_dict(group) for group in data["departments"]],
            highlights=Highlights(
                strengths=highlights["strengths"],
                attention=highlights["attention"],
                ambitions=highlights["ambitions"],
                risks=[Risk(**risk) for risk in highlights["risks"]],
            ),
        )


def _value(number):
    """A pandas/numpy number as a float, None where undefined (NaN)."""
    if number is None or pd.isna(number):
        return None
    return float(number)


# --- Reporting groups ------------------------------------------------------------------


def group_code(layers):
    """Group codes join the layer codes with '+'."""
    return "+".join(layers)


def default_groups(counts, *, min_group_size):
    """Reporting groups by default: every layer its own group, except that a layer with
    fewer than k submitted respondents is merged with the next layer in layer order
    (the last layer with the one before it), repeated until every group holds at least
    k respondents or only one group is left.

    `counts`: submitted respondents per layer code, in layer order.
    """
    groups = [[code] for code in counts]
    sizes = list(counts.values())
    while len(groups) > 1:
        small = next((i for i, n in enumerate(sizes) if n < min_group_size), None)
        if small is None:
            break
        first = small if small + 1 < len(groups) else small - 1
        groups[first : first + 2] = [groups[first] + groups[first + 1]]
        sizes[first : first + 2] = [sizes[first] + sizes[first + 1]]
    return [ReportingGroup(code=group_code(layers), layers=tuple(layers)) for layers in groups]


def layer_groups(layers):
    """Every layer its own group (scoring version 1's breakdown)."""
    return [ReportingGroup(code=code, layers=(code,)) for code in layers]


def configured_groups(configured, layers):
    """The consultant's grouping ([{"name", "layers"}]) as ReportingGroups in layer order;
    a layer the grouping leaves out (added later) is a group of its own."""
    order = {code: index for index, code in enumerate(layers)}
    groups, placed = [], set()
    for item in configured:
        members = sorted(
            (c for c in item["layers"] if c in order and c not in placed), key=order.get
        )
        if members:
            placed.update(members)
            groups.append((members, item.get("name", "")))
    groups += [([code], "") for code in layers if code not in placed]
    groups.sort(key=lambda group: order[group[0][0]])
    return [
        ReportingGroup(code=group_code(members), layers=tuple(members), name=name)
        for members, name in groups
    ]


# --- Scores ----------------------------------------------------------------------------


def respondent_groups(answers):
    """Each respondent once, with their layer and department."""
    return answers.drop_duplicates("respondent")[["respondent", "layer", "department"]]


@dataclass(frozen=True)
class Respondents:
    """The submitted respondents of one set of results and their r(f).

    `people`: one row per respondent (respondent, layer, department); `r`: rule 1's
    r(f) as respondent_factor_scores gives it, indexed by (layer, respondent, factor),
    NaN where a respondent has no non-empty answer on f.
    """

    people: pd.DataFrame
    r: pd.DataFrame

    @classmethod
    def from_answers(cls, answers):
        return cls(people=respondent_groups(answers), r=respondent_factor_scores(answers))


def respondent_factor_scores(answers):
    """Rule 1: r(f), the mean of a respondent's non-empty answers on factor f.

    Indexed by (layer, respondent, factor); NaN where the respondent has none.
    """
    answered = answers[answers["factor"].notna()]
    return answered.groupby(["layer", "respondent", "factor"], observed=True, sort=False)[
        ["current", "desired"]
    ].mean()


def track_scores(s, shape):
    """Rule 4: T(t), the mean of S(f) over the defined factors of track t."""
    tracks = s.index.map(shape.track_of)
    return s.groupby(tracks.to_numpy()).mean()


def overall_score(t):
    """Rule 5: the mean of T(t) over the defined tracks (each track weighs the same)."""
    return t.mean()


PARTS = ("current", "desired")


@dataclass(frozen=True)
class _Table:
    """r(f) as one row per respondent and factor, with the respondent's group and
    department: what every figure below is a mean over."""

    rows: pd.DataFrame  # factor, group, department, current, desired

    @classmethod
    def of(cls, respondents, group_of):
        people = respondents.people
        department = people["department"].fillna("").astype(str)
        department_of = dict(zip(people["respondent"], department, strict=True))
        r = respondents.r.reset_index()
        rows = pd.DataFrame(
            {
                # Categories: every figure below groups by these (one factorisation).
                "factor": r["factor"].astype(str).astype("category"),
                "group": r["layer"].astype(str).map(group_of).astype("category"),
                "department": r["respondent"].map(department_of).fillna("").astype("category"),
                "current": r["current"].astype(float),
                "desired": r["desired"].astype(float),
            }
        )
        return cls(rows=rows)

    def by(self, keys):
        """Per `keys`: the mean and the count of the defined values of each part."""
        grouped = self.rows.groupby(keys, observed=True, sort=False)[list(PARTS)]
        return grouped.mean(), grouped.count()


def score_answers(answers, *, shape, min_group_size, groups=None):
    """score_respondents of a DataFrame of answers (see the module's docstring)."""
    return score_respondents(
        Respondents.from_answers(answers), shape=shape, min_group_size=min_group_size, groups=groups
    )


def score_respondents(respondents, *, shape, min_group_size, groups=None, department=None):
    """All scores of an assessment, or of one of its departments (`department`).

    `groups` are the reporting groups (ReportingGroup, in layer order); None gives
    default_groups. Hidden groups' respondents still count in the organisation's
    scores. With fewer than k submitted respondents in total no scores are given at
    all, only counts. What is released follows assessments/disclosure.py.
    """
    k = min_group_size
    people = respondents.people
    unknown = set(people["layer"].unique()) - set(shape.layers)
    if unknown:
        raise ValueError(f"answers of layers outside the assessment: {sorted(map(str, unknown))}")
    layer_sizes = people["layer"].value_counts()
    layer_counts = {code: int(layer_sizes.get(code, 0)) for code in shape.layers}
    if groups is None:
        groups = default_groups(layer_counts, min_group_size=k)
    group_of = {layer: group.code for group in groups for layer in group.layers}
    group_counts = {g.code: sum(layer_counts[layer] for layer in g.layers) for g in groups}
    total = len(people)
    scores_shown = total >= k
    shown = disclosure.shown_groups(group_counts, min_group_size=k) if scores_shown else []

    table = _Table.of(respondents, group_of)
    release = _release(table, groups, shown, shape, k) if scores_shown else None
    departments, pooled = _departments(table, people, group_of, shown, release, shape, k)
    result = ScoringResult(
        respondents=total,
        min_group_size=k,
        scores_shown=scores_shown,
        overall=Score(),
        tracks={code: TrackScore(code=code) for code in shape.tracks},
        factors={code: FactorScore(code=code, track=track) for code, track in shape.factors},
        layers=layer_counts,
        groups=[
            Group(code=g.code, name=g.name, layers=list(g.layers), respondents=n, shown=False)
            for g, n in zip(groups, group_counts.values(), strict=True)
        ],
        departments=departments,
        highlights=Highlights(),
    )
    if department is not None:
        return _department_result(result, pooled, department, shape)
    counts = table.by("factor")[1]
    for code, factor in result.factors.items():
        factor.respondents = int(counts["current"].get(code, 0))
    if not scores_shown:
        return result
    s = release.factor_scores
    _fill_scores(result, s, shape)
    spread = table.rows.groupby("factor", observed=True, sort=False)["current"].std(ddof=1)
    for code, factor in result.factors.items():
        if factor.current is not None:
            factor.spread = _value(spread.get(code))
        factor.layer_gap = release.group_gap.get(code)
    for group in result.groups:
        group.shown = group.code in shown
        if group.shown:
            group.factors = {
                code: release.cell(code, group.code, release.group_scores, release.group_counts)
                for code in shape.factor_codes
            }
    result.highlights = highlights(result, shape)
    return result


def _fill_scores(result, s, shape):
    """Rules 3–6 from the released factor scores `s` (factor × part, NaN where not
    released): track and overall scores over the released factors only, so that no
    track or overall score contains a factor figure that is not shown."""
    s = s.reindex(list(shape.factor_codes))
    t = track_scores(s, shape).reindex(list(shape.tracks))
    result.overall = Score(**{part: _value(overall_score(t[part])) for part in PARTS})
    s, t = s.to_dict("index"), t.to_dict("index")
    for code, factor in result.factors.items():
        factor.current = _value(s[code]["current"])
        factor.desired = _value(s[code]["desired"])
    for code, track in result.tracks.items():
        track.current = _value(t[code]["current"])
        track.desired = _value(t[code]["desired"])


@dataclass
class _Release:
    """What is released of an organisation's scores, per factor and part."""

    factor_scores: pd.DataFrame  # S(f) by factor × part, NaN where not released
    group_scores: dict  # (factor, group) -> {part: G(f, g)}
    group_counts: dict  # (factor, group) -> {part: respondents with r(f) defined}
    released: dict  # (factor, part) -> released groups
    group_gap: dict  # factor -> max − min of the released current G(f, g)

    def cell(self, factor, key, scores, counts):
        """A CellScore of (factor, key) with only its released parts."""
        score = scores.get((factor, key), {})
        count = counts.get((factor, key), {})
        values = {
            part: _value(score.get(part)) if key in self.released[(factor, part)] else None
            for part in PARTS
        }
        return CellScore(**values, respondents=int(count.get("current", 0)))


def _release(table, groups, shown, shape, k):
    """Rules 2 and 3 and the group side of disclosure control (disclosure.py)."""
    means, counts = table.by(["factor", "group"])
    group_scores = means.to_dict("index")
    group_counts = counts.to_dict("index")
    # Rule 3: S(f) is the mean of G(f, g) over the groups where it is defined, hidden
    # groups included; released only over at least k respondents with r(f) defined.
    s = means.groupby(level="factor", observed=True, sort=False).mean()
    n = counts.groupby(level="factor", observed=True, sort=False).sum()
    s = s.where(n >= k)
    released, gaps = {}, {}
    for factor in shape.factor_codes:
        for part in PARTS:
            defined = {
                g.code: int(group_counts.get((factor, g.code), {}).get(part, 0)) for g in groups
            }
            released[(factor, part)] = disclosure.released_groups(defined, shown, min_group_size=k)
        values = [group_scores[(factor, g)]["current"] for g in released[(factor, "current")]]
        if len(values) >= 2:
            gaps[factor] = max(values) - min(values)
    return _Release(
        factor_scores=s,
        group_scores=group_scores,
        group_counts=group_counts,
        released=released,
        group_gap=gaps,
    )


def _pooled(table, release, shape):
    """The rows that enter department figures: per factor and part, respondents of the
    groups released for it (hidden groups' respondents never enter a department)."""
    rows = table.rows
    pooled = rows[["factor", "department"]].copy()
    # One hash pass over the (factor, group) pairs, not a mask per factor.
    pairs = pd.MultiIndex.from_arrays([rows["factor"], rows["group"]])
    for part in PARTS:
        chosen = [(f, g) for f in shape.factor_codes for g in release.released[(f, part)]]
        pooled[part] = rows[part].where(pairs.isin(chosen)) if chosen else float("nan")
    return pooled


def _departments(table, people, group_of, shown, release, shape, k):
    """The departments side by side: sizes, whether each is shown, and D(f, d) of the
    shown ones (the mean of r(f) over the department's respondents in released groups);
    and those respondents' pooled rows (None when no department is shown), which a
    department's own results take their spread from."""
    department = people["department"].fillna("").astype(str)
    named = people[department != ""]
    if named.empty:
        return [], None
    sizes = department[department != ""].value_counts()
    in_shown = named["layer"].astype(str).map(group_of).isin(shown)
    counted_sizes = department[department != ""][in_shown.to_numpy()].value_counts()
    names = sorted(sizes.index)
    counted = {name: int(counted_sizes.get(name, 0)) for name in names}
    visible = []
    if release is not None:
        cells = table.rows.groupby(["factor", "group", "department"], observed=True, sort=False)[
            list(PARTS)
        ].count()
        cells = cells.to_dict("index")
        figures = {}
        for (factor, group, name), count in cells.items():
            for part in PARTS:
                if group in release.released[(factor, part)] and count[part]:
                    figures.setdefault((factor, part), {})[(group, name)] = count[part]
        # Comments are shown per department too, from every respondent of the shown
        # groups, answers or not: the same rule on the headcounts.
        heads = pd.DataFrame(
            {"group": people["layer"].astype(str).map(group_of), "department": department}
        )
        heads = heads[heads["group"].isin(shown)].value_counts()
        figures[("comments", "")] = {cell: int(n) for cell, n in heads.items()}
        visible = disclosure.shown_departments(figures, counted, min_group_size=k)
    result, pooled = [], None
    if visible:
        pooled = _pooled(table, release, shape)
        pooled = pooled[pooled["department"].isin(visible)]
        grouped = pooled.groupby(["factor", "department"], observed=True, sort=False)[list(PARTS)]
        means, counts = grouped.mean().to_dict("index"), grouped.count().to_dict("index")
    for name in names:
        group = Group(
            code=name, respondents=int(sizes[name]), counted=counted[name], shown=name in visible
        )
        if group.shown:
            for factor in shape.factor_codes:
                mean, count = means.get((factor, name), {}), counts.get((factor, name), {})
                group.factors[factor] = CellScore(
                    current=_value(mean.get("current")),
                    desired=_value(mean.get("desired")),
                    respondents=int(count.get("current", 0)),
                )
        result.append(group)
    return result, pooled


def _department_result(whole, pooled, department, shape):
    """One department's results: its D(f, d) as shown side by side, its track and
    overall scores by rules 4–6, the spread over its counted respondents; no groups."""
    found = next((d for d in whole.departments if d.code == department), None)
    result = ScoringResult(
        respondents=0 if found is None else found.respondents,
        min_group_size=whole.min_group_size,
        scores_shown=found is not None and found.shown,
        overall=Score(),
        tracks=whole.tracks,
        factors=whole.factors,
        layers={},
        groups=[],
        # The departments' names and counts only (for choosing another one).
        departments=[
            Group(code=d.code, respondents=d.respondents, counted=d.counted, shown=d.shown)
            for d in whole.departments
        ],
        highlights=Highlights(),
    )
    for factor in result.factors.values():
        factor.respondents = (
            0 if found is None else found.factors.get(factor.code, CellScore()).respondents
        )
    if not result.scores_shown:
        return result
    s = pd.DataFrame(
        {part: {c: getattr(score, part) for c, score in found.factors.items()} for part in PARTS}
    ).astype(float)
    _fill_scores(result, s, shape)
    spread = (
        pooled[pooled["department"] == department]
        .groupby("factor", sort=False)["current"]
        .std(ddof=1)
    )
    for code, factor in result.factors.items():
        if factor.current is not None:
            factor.spread = _value(spread.get(code))
    result.highlights = highlights(result, shape)
    return result


# --- Highlights and risks --------------------------------------------------------------


def _ranked(values, order, *, highest):
    """Codes with a defined value, best first; ties: the lower factor order wins."""
    defined = [(code, value) for code, value in values.items() if value is not None]
    sign = -1 if highest else 1
    defined.sort(key=lambda item: (sign * round(item[1], 9), order[item[0]]))
    return [code for code, _value in defined]


def highlights(result, shape):
    """Strengths, attention points, biggest ambitions and risks (scoring.md Highlights).

    - Strengths: the 3 factors with the highest current score.
    - Attention points: the 3 factors with the lowest current score.
    - Biggest ambitions: the 3 factors with the largest gap.
    - Risks: every rule of risk_rules.RULES that holds, in rule order, then factor order.
    Ties: a lower factor order (LC1 first … PEB2 last) wins.
    """
    order = {code: index for index, code in enumerate(shape.factor_codes)}
    factors = result.factors
    current = {code: factor.current for code, factor in factors.items()}
    gaps = {code: factor.gap for code, factor in factors.items()}
    return Highlights(
        strengths=_ranked(current, order, highest=True)[:HIGHLIGHT_COUNT],
        attention=_ranked(current, order, highest=False)[:HIGHLIGHT_COUNT],
        ambitions=_ranked(gaps, order, highest=True)[:HIGHLIGHT_COUNT],
        risks=find_risks(result),
    )


# --- Benchmark -------------------------------------------------------------------------


def current_scores(result):
    """The current scores a benchmark or trend needs of one assessment, as plain data.

    {"shown": bool, "overall": x, "tracks": {code: x}, "factors": {code: x}}
    """
    return {
        "shown": result.scores_shown,
        "overall": result.overall.current,
        "tracks": {code: track.current for code, track in result.tracks.items()},
        "factors": {code: factor.current for code, factor in result.factors.items()},
        # For the benchmark of ambitions (issue 15); kept scores from before it lack it.
        "desired": {code: factor.desired for code, factor in result.factors.items()},
    }


@dataclass(kw_only=True)
class BenchmarkRow:
    """One factor or track of a benchmark: never a minimum, maximum or one peer's value."""

    code: str
    score: float | None  # this organisation's current score
    mean: float | None  # None below MIN_BENCHMARK_PEERS peers with a score
    percentile: float | None  # likewise
    q1: float | None  # None below MIN_QUARTILE_PEERS peers with a score
    q3: float | None
    peers: int  # peers with a defined score


@dataclass(kw_only=True)
class Benchmark:
    peers: int
    tracks: list[BenchmarkRow]
    factors: list[BenchmarkRow]

    @property
    def has_quartiles(self):
        return self.peers >= MIN_QUARTILE_PEERS


def percentile_rank(score, ordered):
    """The share of peers with a lower score plus half the share with an equal score, × 100.

    `ordered`: the peers' defined scores, sorted (as a PeerGroup keeps them)."""
    if score is None or not ordered:
        return None
    lower = bisect_left(ordered, score - EPSILON)
    equal = bisect_right(ordered, score + EPSILON) - lower
    return (lower + equal / 2) / len(ordered) * 100


def quantile(ordered, p):
    """The p-quantile of sorted values by Hyndman & Fan's definition 8 (numpy's
    method="median_unbiased", R's type 8): the value at 1-based position
    h = (n + 1/3) p + 1/3, interpolated linearly between the neighbouring values.

    Chosen because, for the quartiles, h is never a whole number: (n + 1/3)/4 + 1/3
    and 3(n + 1/3)/4 + 1/3 lie at least 1/12 from one. So a quartile is always a mix
    of two peers' scores, never one peer's score on its own (unless the two are
    equal). The common "inclusive" definition (h = (n − 1) p + 1) gives one peer's
    score whenever n − 1 is a multiple of 4. Needs n ≥ 3 (h within 1..n).
    """
    h = (len(ordered) + 1 / 3) * p + 1 / 3
    below = int(h)  # 1-based: the value at `below` and the one after it
    weight = h - below
    return ordered[below - 1] + weight * (ordered[below] - ordered[below - 1])


@dataclass(frozen=True, kw_only=True)
class PeerGroup:
    """What a benchmark compares against: the number of peers that count, and per track
    and factor code their current scores, sorted. The same for every assessment
    compared against the same peers, so it can be kept."""

    peers: int
    tracks: dict[str, list[float]]
    factors: dict[str, list[float]]


def _complete(peer):
    """Whether a peer's scores count: shown, with every track and factor score defined."""
    return (
        peer["shown"]
        and None not in peer["tracks"].values()
        and None not in peer["factors"].values()
    )


def peer_group(peers):
    """The PeerGroup of peers' current_scores().

    A peer whose assessment shows no scores (fewer than k respondents) does not count,
    nor does one with any track or factor score undefined: every row of a benchmark
    then has the same peers. Otherwise a track's mean, over peers with that track, and
    its factors' means, over fewer peers, would together give away the scores of the
    peers missing from the factor: a single peer's value.
    """
    peers = [peer for peer in peers if _complete(peer)]

    def sorted_by_code(kind):
        codes = dict.fromkeys(code for peer in peers for code in peer[kind])
        return {
            code: sorted(value for peer in peers if (value := peer[kind].get(code)) is not None)
            for code in codes
        }

    return PeerGroup(
        peers=len(peers), tracks=sorted_by_code("tracks"), factors=sorted_by_code("factors")
    )


def _benchmark_row(code, score, defined):
    """Benchmark: the peers' mean and this organisation's percentile rank from 5 peers
    with a score, their first and third quartile from 10. `defined`: their scores,
    sorted."""
    shown = len(defined) >= MIN_BENCHMARK_PEERS
    quartiles = len(defined) >= MIN_QUARTILE_PEERS
    return BenchmarkRow(
        code=code,
        score=score,
        mean=sum(defined) / len(defined) if shown else None,
        percentile=percentile_rank(score, defined) if shown else None,
        q1=quantile(defined, 0.25) if quartiles else None,
        q3=quantile(defined, 0.75) if quartiles else None,
        peers=len(defined),
    )


def benchmark(own, peers):
    """Benchmark of one assessment's current scores against its peers'; None below 5 peers.

    `own` is current_scores(), `peers` the PeerGroup (peer_group) of the peers'; they
    are those of the other organisations of the same type that take part in the
    benchmark and whose most recent closed assessment uses the same factor codes.
    Shown only with at least 5 peers, whatever k is. Per factor and track: the peers'
    mean and this organisation's percentile rank among them; with at least 10 peers
    also their first and third quartile. Never a minimum, maximum or a single peer's
    value: with 3 peers, mean, minimum and maximum give every peer away.
    """
    if peers.peers < MIN_BENCHMARK_PEERS or not own["shown"]:
        return None
    return Benchmark(
        peers=peers.peers,
        tracks=[
            _benchmark_row(code, score, peers.tracks.get(code, []))
            for code, score in own["tracks"].items()
        ],
        factors=[
            _benchmark_row(code, score, peers.factors.get(code, []))
            for code, score in own["factors"].items()
        ],
    )


# --- Benchmark of ambitions (issue 15) -------------------------------------------------


@dataclass(kw_only=True)
class AmbitionRow:
    """One factor: where peers want to go (desired) and how far that is (gap), each a
    BenchmarkRow (mean and percentile rank from 5 peers, quartiles from 10)."""

    code: str
    current: BenchmarkRow
    desired: BenchmarkRow
    gap: BenchmarkRow


@dataclass(kw_only=True)
class Ambitions:
    peers: int
    factors: list[AmbitionRow]

    @property
    def has_quartiles(self):
        return self.peers >= MIN_QUARTILE_PEERS


def _ambition_complete(peer):
    """A peer counts when its scores are shown and every factor has a current and a
    desired score (the same peers on every row, as peer_group)."""
    desired = peer.get("desired")
    return (
        peer["shown"]
        and desired is not None
        and set(desired) == set(peer["factors"])
        and None not in peer["factors"].values()
        and None not in desired.values()
    )


def _gap(current, desired):
    return None if current is None or desired is None else desired - current


@dataclass(frozen=True, kw_only=True)
class AmbitionGroup:
    """What the benchmark of ambitions compares against: the number of peers that count
    (_ambition_complete) and per factor code their current and desired scores and gaps,
    sorted. The same for every assessment compared against the same peers, so it can be
    kept (as PeerGroup)."""

    peers: int
    current: dict[str, list[float]]
    desired: dict[str, list[float]]
    gap: dict[str, list[float]]


def ambition_group(peers):
    """The AmbitionGroup of peers' current_scores() (the benchmark's peers)."""
    peers = [peer for peer in peers if _ambition_complete(peer)]
    codes = dict.fromkeys(code for peer in peers for code in peer["factors"])
    values = {
        code: [
            (c, d)
            for peer in peers
            if (c := peer["factors"].get(code)) is not None
            and (d := peer["desired"].get(code)) is not None
        ]
        for code in codes
    }
    return AmbitionGroup(
        peers=len(peers),
        current={code: sorted(c for c, _d in pairs) for code, pairs in values.items()},
        desired={code: sorted(d for _c, d in pairs) for code, pairs in values.items()},
        gap={code: sorted(d - c for c, d in pairs) for code, pairs in values.items()},
    )


def ambitions(own, group):
    """Peers' current and desired score and gap (desired − current) per factor beside
    this organisation's; None below 5 peers or when this organisation's scores are not
    shown. `own` is current_scores(), `group` the AmbitionGroup (ambition_group) of the
    benchmark's peers. The same rules as benchmark(): means and percentile ranks,
    quartiles from 10 peers, never a minimum, maximum or single peer's value."""
    if not own["shown"] or "desired" not in own:
        return None
    if group.peers < MIN_BENCHMARK_PEERS:
        return None
    rows = []
    for code, current in own["factors"].items():
        desired = own["desired"].get(code)
        rows.append(
            AmbitionRow(
                code=code,
                current=_benchmark_row(code, current, group.current.get(code, [])),
                desired=_benchmark_row(code, desired, group.desired.get(code, [])),
                gap=_benchmark_row(code, _gap(current, desired), group.gap.get(code, [])),
            )
        )
    return Ambitions(peers=group.peers, factors=rows)


# --- Peers' movement (issue 15) -----------------------------------------------------------


@dataclass(kw_only=True)
class Movement:
    """The mean change of peers between their two most recent measurements."""

    peers: int
    overall: float
    tracks: dict[str, float]
    factors: dict[str, float]


def peer_movement(pairs):
    """`pairs`: per peer (previous, latest) current_scores() of its two most recent closed
    assessments with the same factor codes. A pair counts when both are complete (shown,
    every score defined, as peer_group); None below 5 such peers. Only means: never a
    single peer's change, minimum or maximum."""
    pairs = [
        (before, after)
        for before, after in pairs
        if _complete(before)
        and _complete(after)
        and before["overall"] is not None
        and after["overall"] is not None
        and set(before["factors"]) == set(after["factors"])
        and set(before["tracks"]) == set(after["tracks"])
    ]
    if len(pairs) < MIN_BENCHMARK_PEERS:
        return None

    def mean_change(kind, code):
        return sum(after[kind][code] - before[kind][code] for before, after in pairs) / len(pairs)

    latest = pairs[0][1]
    return Movement(
        peers=len(pairs),
        overall=sum(after["overall"] - before["overall"] for before, after in pairs) / len(pairs),
        tracks={code: mean_change("tracks", code) for code in latest["tracks"]},
        factors={code: mean_change("factors", code) for code in latest["factors"]},
    )


# --- Trend -----------------------------------------------------------------------------


@dataclass(kw_only=True)
class TrendValue:
    current: float | None
    change: float | None  # since the previous assessment; None for the first or undefined


@dataclass(kw_only=True)
class TrendPoint:
    assessment: int
    name: str
    closed_at: str | None
    overall: TrendValue
    tracks: dict[str, TrendValue]
    factors: dict[str, TrendValue]


def _trend_values(scores, previous):
    return {
        code: TrendValue(
            current=value,
            change=None if value is None or previous.get(code) is None else value - previous[code],
        )
        for code, value in scores.items()
    }


def trend(measurements):
    """Trend: per factor and track the score in each assessment and the change since the
    previous one.

    `measurements` are (id, name, closed_at, current_scores()) of the assessments of
    one organisation with the same factor codes, ordered by close date. An assessment
    with fewer than k respondents has no scores in it. Empty below two assessments.
    """
    if len(measurements) < 2:
        return []
    points = []
    previous = {"overall": None, "tracks": {}, "factors": {}}
    for assessment, name, closed_at, scores in measurements:
        if not scores["shown"]:
            scores = {
                "overall": None,
                "tracks": dict.fromkeys(scores["tracks"]),
                "factors": dict.fromkeys(scores["factors"]),
            }
        points.append(
            TrendPoint(
                assessment=assessment,
                name=name,
                closed_at=closed_at,
                overall=_trend_values(
                    {"overall": scores["overall"]}, {"overall": previous["overall"]}
                )["overall"],
                tracks=_trend_values(scores["tracks"], previous["tracks"]),
                factors=_trend_values(scores["factors"], previous["factors"]),
            )
        )
        previous = scores
    return points
