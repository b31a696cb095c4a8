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

from .stages import stage

# Scores are means of integers, so values a rule compares against a threshold
# (1.5, 2.0, 3.0) or against each other (ties, percentile) may be off by a rounding
# error of the last bit; the same tolerance as stage(s) = floor(s + 1e-9).
EPSILON = 1e-9

DIVIDED_PICTURE = "divided_picture"
NO_AGREEMENT = "no_agreement"
SAFEGUARDS_LAG = "safeguards_lag"
AMBITION_WITHOUT_BASE = "ambition_without_base"

LAYER_GAP_RISK = 1.5
SPREAD_RISK = 1.5
SAFEGUARDS_TRACK = "PEB"
SAFEGUARDS_BELOW = 2.0
USE_FACTOR = "IT3"
USE_AT_LEAST = 3.0
AMBITION_GAP_RISK = 3.0
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
    layer_gap: float | None = None
    respondents: int = 0


@dataclass(kw_only=True)
class Group:
    """A layer or department: its size, whether it may be shown, its factor scores if so."""

    code: str
    respondents: int
    shown: bool
    factors: dict[str, Score] = field(default_factory=dict)


@dataclass(kw_only=True)
class Risk:
    rule: str
    factor: str | None = None
    track: str | None = None
    # The figures the reason quotes, e.g. {"layer_gap": 1.8, "low": "uitvoering", ...}.
    values: dict = field(default_factory=dict)


@dataclass(kw_only=True)
class Highlights:
    strengths: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    ambitions: list[str] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)


@dataclass(kw_only=True)
class ScoringResult:
    respondents: int
    min_group_size: int
    scores_shown: bool
    overall: Score
    tracks: dict[str, TrackScore]
    factors: dict[str, FactorScore]
    layers: list[Group]
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
            layers=[
                Group(
                    code=layer["code"],
                    respondents=layer["respondents"],
                    shown=layer["shown"],
                    factors={code: Score(**s) for code, s in layer["factors"].items()},
                )
                for layer in data["layers"]
            ],
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


# --- Privacy ---------------------------------------------------------------------------


def shown_groups(counts, *, min_group_size):
    """Privacy: which groups (layers or departments) may be shown on their own.

    `counts` maps each group's code to its number of submitted respondents, in the
    assessment's order (layer order; departments by name).
    - A group with fewer than k respondents is never shown on its own.
    - Complementary suppression: while the hidden groups hold fewer than k respondents
      together, the shown group with the fewest respondents is hidden too (ties: the
      one that comes first in the order). Afterwards either no group is hidden, or at
      least two are, holding at least k respondents together.
    Groups without respondents have no score to give away: they are not shown and do
    not count as hidden.
    """
    k = min_group_size
    populated = [(code, n) for code, n in counts.items() if n > 0]
    shown = [(code, n) for code, n in populated if n >= k]
    hidden_total = sum(n for _code, n in populated if n < k)
    hidden_any = len(shown) < len(populated)
    while hidden_any and hidden_total < k and shown:
        smallest = min(shown, key=lambda item: item[1])  # min keeps the first of equals
        shown.remove(smallest)
        hidden_total += smallest[1]
    return [code for code, _n in shown]


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

    def of_department(self, department):
        """Only the respondents of one department."""
        people = self.people[self.people["department"] == department]
        respondents = self.r.index.get_level_values("respondent")
        return Respondents(people=people, r=self.r[respondents.isin(people["respondent"])])


def respondent_factor_scores(answers):
    """Rule 1: r(f), the mean of a respondent's non-empty answers on factor f.

    Indexed by (layer, respondent, factor); NaN where the respondent has none.
    """
    answered = answers[answers["factor"].notna()]
    return answered.groupby(["layer", "respondent", "factor"], observed=True, sort=False)[
        ["current", "desired"]
    ].mean()


def layer_factor_scores(r):
    """Rule 2: L(f, l), the mean of r(f) over the layer's respondents with r(f) defined."""
    return r.groupby(level=["factor", "layer"], observed=True, sort=False).mean()


def factor_scores(layer_scores):
    """Rule 3: S(f), the mean of L(f, l) over the layers where it is defined.

    Each layer weighs the same, however many respondents it has.
    """
    return layer_scores.groupby(level="factor", observed=True, sort=False).mean()


def track_scores(s, shape):
    """Rule 4: T(t), the mean of S(f) over the defined factors of track t."""
    tracks = s.index.map(shape.track_of)
    return s.groupby(tracks.to_numpy()).mean()


def overall_score(t):
    """Rule 5: the mean of T(t) over the defined tracks (each track weighs the same)."""
    return t.mean()


def spreads(r):
    """Spread: the sample standard deviation (n − 1) of r(f) over all respondents with
    r(f) defined (not layer-weighted); undefined below 2 respondents."""
    return r["current"].groupby(level="factor", observed=True, sort=False).std(ddof=1)


def layer_gaps(layer_scores, shown_layers):
    """Layer gap: max L(f, l) − min L(f, l) over the shown layers (current scores);
    undefined below 2 shown layers with a score."""
    current = layer_scores["current"]
    current = current[current.index.get_level_values("layer").isin(shown_layers)].dropna()
    grouped = current.groupby(level="factor", observed=True, sort=False)
    gaps = grouped.max() - grouped.min()
    return gaps[grouped.count() >= 2]


def score_answers(answers, *, shape, min_group_size):
    """score_respondents of a DataFrame of answers (see the module's docstring)."""
    return score_respondents(
        Respondents.from_answers(answers), shape=shape, min_group_size=min_group_size
    )


def score_respondents(respondents, *, shape, min_group_size, by_layer=True, group_shown=True):
    """All scores of one set of respondents (an assessment, or one department of it).

    Hidden groups' respondents still count in the organisation's scores. With fewer
    than k submitted respondents in total no scores are given at all, only counts.
    `by_layer=False` leaves out the layer breakdown (a department's results: a
    breakdown by layer × department is never shown); `group_shown=False` gives only
    counts for a department that privacy hides.
    """
    people = respondents.people
    unknown = set(people["layer"].unique()) - set(shape.layers)
    if unknown:
        raise ValueError(f"answers of layers outside the assessment: {sorted(map(str, unknown))}")
    layer_counts = people["layer"].value_counts()
    counts = {code: int(layer_counts.get(code, 0)) for code in shape.layers}
    total = len(people)
    scores_shown = group_shown and total >= min_group_size
    shown_layers = shown_groups(counts, min_group_size=min_group_size) if scores_shown else []

    r = respondents.r
    per_factor_respondents = r["current"].groupby(level="factor", observed=True).count()
    factors = {
        code: FactorScore(
            code=code, track=track, respondents=int(per_factor_respondents.get(code, 0))
        )
        for code, track in shape.factors
    }
    tracks = {code: TrackScore(code=code) for code in shape.tracks}
    overall = Score()
    layers = []
    if scores_shown:
        layer_scores = layer_factor_scores(r)
        s = factor_scores(layer_scores).reindex(list(shape.factor_codes))
        t = track_scores(s, shape).reindex(list(shape.tracks))
        overall = Score(**{column: _value(overall_score(t[column])) for column in t.columns})
        spread = spreads(r)
        gaps = layer_gaps(layer_scores, shown_layers) if by_layer else pd.Series(dtype=float)
        s, t = s.to_dict("index"), t.to_dict("index")
        spread, gaps = spread.to_dict(), gaps.to_dict()
        for code, factor in factors.items():
            factor.current = _value(s[code]["current"])
            factor.desired = _value(s[code]["desired"])
            factor.spread = _value(spread.get(code))
            factor.layer_gap = _value(gaps.get(code))
        for code, track in tracks.items():
            track.current = _value(t[code]["current"])
            track.desired = _value(t[code]["desired"])
        if by_layer:
            layers = _layer_groups(layer_scores, counts, shown_layers, shape)
    elif by_layer:
        layers = [Group(code=code, respondents=n, shown=False) for code, n in counts.items()]
    result = ScoringResult(
        respondents=total,
        min_group_size=min_group_size,
        scores_shown=scores_shown,
        overall=overall,
        tracks=tracks,
        factors=factors,
        layers=layers,
        highlights=Highlights(),
    )
    if scores_shown:
        result.highlights = highlights(result, shape)
    return result


def _layer_groups(layer_scores, counts, shown_layers, shape):
    # One dict of the (factor, layer) scores: a pandas lookup per cell costs ~50 µs.
    scored = layer_scores.to_dict("index")
    groups = []
    for code, n in counts.items():
        group = Group(code=code, respondents=n, shown=code in shown_layers)
        if group.shown:
            for factor in shape.factor_codes:
                score = scored.get((factor, code), {})
                group.factors[factor] = Score(
                    current=_value(score.get("current")), desired=_value(score.get("desired"))
                )
        groups.append(group)
    return groups


def score_department(respondents, *, shape, min_group_size, department):
    """Breakdown by department: steps 1–5 with the department's respondents only.

    The department's scores are given only when the department may be shown (at least
    k respondents, and not hidden by complementary suppression among the departments).
    """
    groups = department_groups(respondents, min_group_size=min_group_size)
    return score_respondents(
        respondents.of_department(department),
        shape=shape,
        min_group_size=min_group_size,
        by_layer=False,
        group_shown=any(group.code == department and group.shown for group in groups),
    )


def department_groups(respondents, *, min_group_size):
    """The departments (by name) with their sizes and whether each may be shown.

    Respondents without a department belong to no department group. The organisation
    must itself have at least k respondents before any group is shown.
    """
    people = respondents.people
    total = len(people)
    people = people[people["department"].fillna("") != ""]
    sizes = people["department"].value_counts()
    counts = {name: int(sizes[name]) for name in sorted(sizes.index)}
    shown = shown_groups(counts, min_group_size=min_group_size) if total >= min_group_size else []
    return [Group(code=name, respondents=n, shown=name in shown) for name, n in counts.items()]


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
    - Risks: every rule that holds, in rule order, then factor order.
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
        risks=risks(result),
    )


def risks(result):
    """The four risk rules, each with the figures its reason quotes.

    - divided picture: layer gap ≥ 1.5 on a factor;
    - no agreement: spread ≥ 1.5 on a factor;
    - safeguards lag behind use: track PEB below 2.0 while factor IT3 is 3.0 or more;
    - ambition without base: a factor's gap is 3.0 or more.
    """
    factors = result.factors.values()
    found = []
    for factor in factors:
        if factor.layer_gap is not None and factor.layer_gap >= LAYER_GAP_RISK - EPSILON:
            found.append(
                Risk(
                    rule=DIVIDED_PICTURE,
                    factor=factor.code,
                    values={"layer_gap": factor.layer_gap, **_extreme_layers(result, factor)},
                )
            )
    for factor in factors:
        if factor.spread is not None and factor.spread >= SPREAD_RISK - EPSILON:
            found.append(
                Risk(rule=NO_AGREEMENT, factor=factor.code, values={"spread": factor.spread})
            )
    safeguards = result.tracks.get(SAFEGUARDS_TRACK)
    use = result.factors.get(USE_FACTOR)
    if (
        safeguards is not None
        and use is not None
        and safeguards.current is not None
        and use.current is not None
        and safeguards.current < SAFEGUARDS_BELOW - EPSILON
        and use.current >= USE_AT_LEAST - EPSILON
    ):
        found.append(
            Risk(
                rule=SAFEGUARDS_LAG,
                track=SAFEGUARDS_TRACK,
                values={"track_score": safeguards.current, "use_score": use.current},
            )
        )
    for factor in factors:
        gap = factor.gap
        if gap is not None and gap >= AMBITION_GAP_RISK - EPSILON:
            found.append(
                Risk(
                    rule=AMBITION_WITHOUT_BASE,
                    factor=factor.code,
                    values={"gap": gap, "current": factor.current, "desired": factor.desired},
                )
            )
    return found


def _extreme_layers(result, factor):
    """The shown layers with the lowest and the highest score (first in layer order)."""
    scored = [
        (layer.code, layer.factors[factor.code].current)
        for layer in result.layers
        if layer.shown and layer.factors[factor.code].current is not None
    ]
    low = min(scored, key=lambda item: item[1])
    high = max(scored, key=lambda item: item[1])
    return {"low_layer": low[0], "low": low[1], "high_layer": high[0], "high": high[1]}


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
