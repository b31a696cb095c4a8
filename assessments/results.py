"""The results of an assessment: loads the respondents, calls the scoring core, keeps them.

`assessment_results(assessment)` is the one selector every page, export, poster and
report uses. It loads the assessment's submitted respondents and their per-factor
answer sums (rule 1 of scoring.md, kept per response in `FactorSum` when the response
is submitted or imported: `results_sql.keep_factor_sums`) in a fixed number of
queries, and hands them to `assessments/scoring.py`. The SQL beneath (those INSERTs,
PostgreSQL's COPY read into numpy) is in assessments/results_sql.py; this module is
the selector: what to load, computing, keeping and forgetting results.

A closed assessment's results do not change: they are kept in `ResultSnapshot` (one
row per assessment and department), written on the first computation after closing
and cleared when the assessment or one of its responses is saved. Code that writes
responses or answers in bulk (bulk_create sends no signals) calls
`results_sql.keep_factor_sums` and `results_forget`. Benchmark and trend read only
the small `scores` of other assessments' snapshots.

Only loading, computing and keeping live here: what people read of the results (rounding,
stages, names, risk wording, the rows of page, report and exports) is presentation.py;
the results as a file (JSON, CSV, XLSX) is results_export.py; SQL and PostgreSQL COPY
reading is results_sql.py.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import CharField, Count, F, FilteredRelation, Q
from django.db.models.functions import Cast
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import disclosure, results_sql, scoring
from .models import (
    Answer,
    Assessment,
    AssessmentLayer,
    FactorComment,
    FactorSum,
    KeyFactor,
    Question,
    Response,
    ResultSnapshot,
    Track,
)


@dataclass
class Results:
    """One assessment's results, as pages and exports use them.

    The scores are those of scoring.ScoringResult (unrounded; None where undefined);
    `department` is set for a department's breakdown (then `layers` is empty).
    """

    assessment: Assessment
    department: str | None
    scoring: scoring.ScoringResult
    benchmark: scoring.Benchmark | None
    trend: list[scoring.TrendPoint]
    # The response ids these results are limited to (an earlier version, kept for
    # viewers after a reopen), or None for all submitted responses.
    only: list[int] | None = None
    # The benchmark's peers as _peer_scores gave them ((scores, key)), for the benchmark
    # of ambitions on the same page: read once per page, not twice.
    peers: tuple | None = field(default=None, repr=False)
    # The benchmark's candidate peers as _peer_candidates gave them (a list of rows), or
    # None where they were not read, for the peers' movement on the same page.
    peer_candidates: list | None = field(default=None, repr=False)

    @property
    def respondents(self):
        return self.scoring.respondents

    @property
    def scores_shown(self):
        return self.scoring.scores_shown

    @property
    def overall(self):
        return self.scoring.overall

    @property
    def tracks(self):
        return self.scoring.tracks

    @property
    def factors(self):
        return self.scoring.factors

    @property
    def groups(self):
        return self.scoring.groups

    @property
    def departments(self):
        return self.scoring.departments

    @property
    def highlights(self):
        return self.scoring.highlights

    @property
    def shown_layers(self):
        """The layers of the shown reporting groups."""
        return [layer for group in self.groups if group.shown for layer in group.layers]


# --- Loading ---------------------------------------------------------------------------


def model_shape(assessment):
    """The factor, track and layer order of an assessment (three small queries)."""
    factors = KeyFactor.objects.filter(version_id=assessment.model_version_id).order_by(
        "track__order", "order"
    )
    return scoring.ModelShape(
        factors=tuple(factors.values_list("code", "track__code")),
        tracks=tuple(
            Track.objects.filter(version_id=assessment.model_version_id)
            .order_by("order")
            .values_list("code", flat=True)
        ),
        layers=tuple(
            AssessmentLayer.objects.filter(assessment=assessment)
            .order_by("order", "pk")
            .values_list("code", flat=True)
        ),
    )


def load_respondents(assessment, only=None):
    """The assessment's submitted respondents and their r(f), as scoring.py takes them.

    Three queries whatever the number of respondents: the submitted respondents (layer,
    department), the factor codes, and the kept sums (FactorSum) of their factors, on
    PostgreSQL by binary COPY straight into numpy arrays. r(f) = sum / count is
    the mean of the respondent's non-empty answers on f (rule 1), the same float as
    the mean of the answers. A submitted response whose sums were not kept (written
    around keep_factor_sums) is scored from its answers, one more query. Drafts never
    count; a response submitted after the first query is left out. `only`: response
    ids to limit them to (an earlier version).
    """
    submitted = Response.objects.filter(assessment=assessment, status=Response.Status.SUBMITTED)
    if only is not None:
        submitted = submitted.filter(pk__in=only)
    people = pd.DataFrame.from_records(
        list(submitted.values_list("pk", "layer__code", "department").order_by()),
        columns=["respondent", "layer", "department"],
    )
    code_of = dict(
        KeyFactor.objects.filter(version_id=assessment.model_version_id).values_list("pk", "code")
    )
    sums = results_sql.read_integers(
        FactorSum.objects.filter(response__in=submitted)
        .values_list(
            "response_id",
            "factor_id",
            "current_sum",
            "current_count",
            "desired_sum",
            "desired_count",
        )
        .order_by()
    )
    respondent, factor, current_sum, current_count, desired_sum, desired_count = sums
    unkept = people[~people["respondent"].isin(respondent)]
    keep, layer, factor = _layer_and_factor(people, respondent, code_of, factor)
    r = pd.DataFrame(
        {
            "current": _mean(current_sum[keep], current_count[keep]),
            "desired": _mean(desired_sum[keep], desired_count[keep]),
        },
        index=pd.MultiIndex.from_arrays(
            [layer, respondent[keep], factor], names=["layer", "respondent", "factor"]
        ),
    )
    if len(unkept):
        kept = FactorSum.objects.filter(response__assessment=assessment).values("response_id")
        answers = load_answers(assessment, people=people, unkept=submitted.exclude(pk__in=kept))
        r = pd.concat([r, scoring.respondent_factor_scores(answers)])
    return scoring.Respondents(people=people, r=r)


def load_answers(assessment, *, people, unkept):
    """The answers of the `unkept` responses (a query), in the columns that
    scoring.respondent_factor_scores takes; `people` are all submitted respondents of
    load_respondents (a respondent without answers counts through them, not here).

    Two queries: the factor of each question, and the answers.
    """
    factor_of = dict(
        Question.objects.filter(version_id=assessment.model_version_id).values_list(
            "pk", "factor__code"
        )
    )
    rows = Answer.objects.filter(response__in=unkept).values_list(
        "response_id", "question_id", "current", "desired"
    )
    answers = results_sql.read_answers(rows.order_by())
    keep, layer, factor = _layer_and_factor(
        people, answers["respondent"], factor_of, answers["question"]
    )
    answers = answers[keep].reset_index(drop=True)
    answers["layer"], answers["factor"] = layer, factor
    return answers


def _layer_and_factor(people, respondents, code_of, keys):
    """Which rows to keep, and their layer and factor code as categoricals, by position
    (one hash pass each, no per-row lookups of strings).

    `respondents` are the rows' response ids, `keys` their factor's or question's id,
    `code_of` maps those ids to factor codes. A respondent submitted after `people` was
    read is not in these results; a factor or question outside the assessment's model
    version (its version changed after answers came in) is not scored.
    """
    person = pd.Index(people["respondent"]).get_indexer(respondents)
    position = pd.Index(list(code_of)).get_indexer(keys)
    keep = (person >= 0) & (position >= 0)
    layers = pd.Categorical(people["layer"])
    factors = pd.Categorical(list(code_of.values()))
    return (
        keep,
        pd.Categorical.from_codes(layers.codes[person[keep]], categories=layers.categories),
        pd.Categorical.from_codes(factors.codes[position[keep]], categories=factors.categories),
    )


def _mean(total, count):
    """total / count as floats, NaN where count is 0: the mean of `count` integers that
    add up to `total`, the same float pandas gives for their mean (both are exact)."""
    return np.divide(total, count, out=np.full(len(total), np.nan), where=count > 0, dtype=float)


def reporting_groups(assessment, layers):
    """The consultant's reporting groups of an assessment, or None for the default
    (which follows the numbers of respondents: scoring.default_groups)."""
    if assessment.reporting_groups is None:
        return None
    return scoring.configured_groups(assessment.reporting_groups, layers)


def freeze_reporting_groups(assessment, respondents=None, layers=None):
    """Write the default grouping into a closed assessment that has none, so that its
    results never change (scoring.md: the grouping is frozen when it closes). An
    UPDATE, not a save: the kept results stay."""
    if assessment.reporting_groups is not None:
        return
    if layers is None:
        layers = model_shape(assessment).layers
    if respondents is None:
        respondents = load_respondents(assessment)
    sizes = respondents.people["layer"].value_counts()
    counts = {code: int(sizes.get(code, 0)) for code in layers}
    groups = scoring.default_groups(counts, min_group_size=assessment.min_group_size)
    assessment.reporting_groups = [{"name": "", "layers": list(g.layers)} for g in groups]
    Assessment.objects.filter(pk=assessment.pk).update(reporting_groups=assessment.reporting_groups)


def _compute(assessment, department, only=None):
    shape = model_shape(assessment)
    respondents = load_respondents(assessment, only)
    if assessment.is_closed and only is None:
        freeze_reporting_groups(assessment, respondents, shape.layers)
    return scoring.score_respondents(
        respondents,
        shape=shape,
        min_group_size=assessment.min_group_size,
        groups=reporting_groups(assessment, shape.layers),
        department=department or None,
    )


# Kept results are read back only in the shape they were written in.
SNAPSHOT_FORMAT = 2


def _snapshot_data(result):
    return {
        "format": SNAPSHOT_FORMAT,
        "scoring": result.to_dict(),
        # The order to read the dicts back in (see _in_order).
        "order": {
            "tracks": list(result.tracks),
            "factors": list(result.factors),
            "layers": list(result.layers),
        },
    }


def _in_order(mapping, order):
    """A dict with its keys in the model's order. PostgreSQL's jsonb keeps no key order
    (it sorts keys by length), so whatever is read back from a JSON field is put back
    in factor and track order before anyone iterates over it."""
    rank = {code: index for index, code in enumerate(order)}
    return dict(sorted(mapping.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))


def _from_snapshot(data):
    result = scoring.ScoringResult.from_dict(data["scoring"])
    codes = data["order"]["factors"]
    result.tracks = _in_order(result.tracks, data["order"]["tracks"])
    result.factors = _in_order(result.factors, codes)
    result.layers = _in_order(result.layers, data["order"]["layers"])
    for group in result.groups + result.departments:
        group.factors = _in_order(group.factors, codes)
    return result


def _scores_in_order(scores, result):
    """current_scores() read back from JSON, in the track and factor order of `result`."""
    return {
        **scores,
        "tracks": _in_order(scores["tracks"], list(result.tracks)),
        "factors": _in_order(scores["factors"], list(result.factors)),
    }


def _scoring_result(assessment, department):
    """The assessment's (or department's) scores; kept once the assessment is closed."""
    key = department or ""
    if assessment.is_closed:
        snapshot = ResultSnapshot.objects.filter(assessment=assessment, department=key).first()
        if snapshot is not None:
            if snapshot.data.get("format") == SNAPSHOT_FORMAT:
                return _from_snapshot(snapshot.data)
            # Kept in an earlier format: made again, as a new snapshot. Kept scores are
            # known by snapshot id and creation time (_KEPT_SCORES), so one changed in
            # place would stay stale in every process that read it before.
            snapshot.delete()
    result = _compute(assessment, department)
    if assessment.is_closed:
        ResultSnapshot.objects.update_or_create(
            assessment=assessment,
            department=key,
            defaults={"data": _snapshot_data(result), "scores": scoring.current_scores(result)},
        )
    return result


def _same_factor_codes(version_ids, own):
    """The model versions among `version_ids` with the same factor codes as version `own`.

    The same version has the same codes: only other versions are looked up (one query).
    """
    others = set(version_ids) - {own}
    if not others:
        return {own} & set(version_ids)
    codes = {}
    for version_id, code in KeyFactor.objects.filter(version_id__in=others | {own}).values_list(
        "version_id", "code"
    ):
        codes.setdefault(version_id, set()).add(code)
    return {version_id for version_id in version_ids if codes.get(version_id) == codes.get(own)}


# current_scores() of kept results, by (snapshot id, its creation time as text: cheaper
# to read than a datetime, and an id alone may come again on SQLite). A snapshot is
# never changed, only deleted (results_forget, the receivers below, a snapshot of an
# earlier format) and another made, with another key: so what this process once read
# stays true, and a benchmark among hundreds of peers or a long trend moves no JSON.
_KEPT_SCORES = {}
_KEPT_SCORES_LIMIT = 50_000


def _with_kept(assessments):
    """`assessments` (a queryset) with the key of their kept results (see _KEPT_SCORES)
    as `kept_pk` and `kept_at`, both None where there are none: no query of its own."""
    return assessments.annotate(
        kept=FilteredRelation("result_snapshots", condition=Q(result_snapshots__department="")),
    ).annotate(kept_pk=F("kept__pk"), kept_at=Cast("kept__created_at", output_field=CharField()))


def _kept_key(snapshot, created_at):
    return None if snapshot is None else (snapshot, created_at)


def _kept_scores(keys, assessments=None):
    """current_scores() of closed assessments by pk, as kept: the one reader of kept
    scores, for the benchmark and its ambitions, the trend and the peers' movement.

    `keys`: per assessment pk the key of its kept results (_with_kept), None where it
    has none. Scores this process read before are not read again, the others in one
    query; an assessment without kept results (or whose results went since `keys` was
    read) is computed and kept, from its object in `assessments` (by pk) if given,
    else read (one query). Also returns whether every score was kept: then the same
    keys give the same scores.
    """
    unread = {key[0]: key for key in keys.values() if key is not None and key not in _KEPT_SCORES}
    if unread:
        if len(_KEPT_SCORES) > _KEPT_SCORES_LIMIT:
            _KEPT_SCORES.clear()
        for snapshot, scores in ResultSnapshot.objects.filter(pk__in=unread).values_list(
            "pk", "scores"
        ):
            _KEPT_SCORES[unread[snapshot]] = scores
    missing = [pk for pk, key in keys.items() if key not in _KEPT_SCORES]
    computed = {}
    if missing:
        known = assessments or {}
        objects = [known[pk] for pk in missing if pk in known]
        unknown = [pk for pk in missing if pk not in known]
        if unknown:
            objects += list(Assessment.objects.filter(pk__in=unknown))
        for assessment in objects:
            computed[assessment.pk] = scoring.current_scores(_scoring_result(assessment, None))
    scores = {pk: computed[pk] if pk in computed else _KEPT_SCORES[key] for pk, key in keys.items()}
    return scores, not computed


def _peer_candidates(assessment):
    """The closed assessments of the other organisations of the same type that agreed to
    take part in the benchmark, newest first per organisation, with the key of their kept
    results: rows (pk, organisation_id, model_version_id, kept_pk, kept_at)."""
    return (
        _with_kept(
            Assessment.objects.filter(
                organisation__type=assessment.organisation.type,
                organisation__benchmark_agreed_at__isnull=False,
                status=Assessment.Status.CLOSED,
                # A closed assessment whose new version is held back for viewers after a
                # reopen (versions.py) is no peer: its kept results are the new version.
                released_responses__isnull=True,
            ).exclude(organisation_id=assessment.organisation_id)
        )
        .order_by("organisation_id", F("closed_at").desc(nulls_last=True), "-pk")
        .values_list("pk", "organisation_id", "model_version_id", "kept_pk", "kept_at")
    )


def _peer_scores(assessment, candidates):
    """current_scores() of each other organisation of the same type that takes part in
    the benchmark: of its most recent closed assessment, if that uses a model version
    with the same factor codes. An organisation that agreed to take part shares that
    assessment even if it closed before the agreement.

    `candidates`: the rows of _peer_candidates (one query, read by the caller); one
    more query finds factor codes if peers use other model versions; the kept scores
    come from
    _kept_scores (read only when this process has not read them before, computed and
    kept for a peer that has none yet).
    """
    latest = {}
    for pk, organisation_id, version_id, snapshot, created_at in candidates:
        latest.setdefault(organisation_id, (pk, version_id, _kept_key(snapshot, created_at)))
    if len(latest) < scoring.MIN_BENCHMARK_PEERS:
        return [], None
    same = _same_factor_codes(
        {version_id for _pk, version_id, _key in latest.values()}, assessment.model_version_id
    )
    peers = {pk: key for pk, version_id, key in latest.values() if version_id in same}
    scores, all_kept = _kept_scores(peers)
    # The same kept results give the same peer group; results just computed are kept
    # under a key read only on the next call.
    return list(scores.values()), tuple(sorted(peers.values())) if all_kept else None


# scoring.PeerGroup and scoring.AmbitionGroup by kind and the keys of the peers' kept
# results (see _KEPT_SCORES): the sorted scores of hundreds of peers are made once, not
# on every page.
_PEER_GROUPS = {}
_PEER_GROUPS_LIMIT = 1_000


def _kept_group(kind, key, make):
    """The peer group of `kind` for the peers' kept results `key`, made by `make()` once
    per process; never kept when `key` is None (results computed just now)."""
    group = _PEER_GROUPS.get((kind, key)) if key is not None else None
    if group is None:
        group = make()
        if key is not None:
            if len(_PEER_GROUPS) >= _PEER_GROUPS_LIMIT:
                _PEER_GROUPS.clear()
            _PEER_GROUPS[(kind, key)] = group
    return group


def _benchmark(assessment, result):
    """The benchmark of an assessment, the peers it was made of ((scores, key), or
    None) and the candidate peers read for it (_peer_candidates rows, None when not
    read); the benchmark is None unless its organisation takes part itself (give and
    take: who does not share its scores does not see the others')."""
    if not result.scores_shown or not assessment.organisation.takes_part_in_benchmark:
        return None, None, None
    candidates = list(_peer_candidates(assessment))
    peers, key = _peer_scores(assessment, candidates)
    if len(peers) < scoring.MIN_BENCHMARK_PEERS:
        return None, None, candidates
    group = _kept_group("current", key, lambda: scoring.peer_group(peers))
    # scoring.benchmark looks peers' scores up by code and keeps the order of `own`.
    benchmark = scoring.benchmark(scoring.current_scores(result), group)
    return benchmark, (peers, key), candidates


def _trend(assessment, result):
    """The organisation's closed assessments with the same factor codes, by close date,
    up to this one (an open assessment comes last, as it stands now)."""
    closed = _with_kept(
        Assessment.objects.filter(
            organisation_id=assessment.organisation_id, status=Assessment.Status.CLOSED
        )
    ).order_by(F("closed_at").asc(nulls_first=True), "pk")
    if assessment.is_closed and assessment.closed_at is not None:
        closed = closed.filter(closed_at__lte=assessment.closed_at)
    closed = [a for a in closed if a.pk != assessment.pk]
    if not closed:
        return []
    versions = _same_factor_codes({a.model_version_id for a in closed}, assessment.model_version_id)
    same = [a for a in closed if a.model_version_id in versions]
    if not same:
        return []
    # After a reopen, the organisation's trend shows the version released to viewers
    # (versions.py), computed from its responses: not kept.
    held = {
        a.pk: scoring.current_scores(_compute(a, None, a.released_responses))
        for a in same
        if a.released_responses is not None
    }
    kept, _all_kept = _kept_scores(
        {a.pk: _kept_key(a.kept_pk, a.kept_at) for a in same if a.pk not in held},
        {a.pk: a for a in same},
    )
    kept.update(held)
    measurements = [(a.pk, a.name, _date(a), _scores_in_order(kept[a.pk], result)) for a in same]
    measurements.append(
        (assessment.pk, assessment.name, _date(assessment), scoring.current_scores(result))
    )
    return scoring.trend(measurements)


def ambitions_benchmark(results):
    """The benchmark of ambitions (issue 15): peers' desired score and gap per factor
    beside their current score, of exactly the benchmark's peers and with its rules; None
    wherever the benchmark itself is not shown, or when not every benchmark peer has
    desired scores for every factor (scoring.ambitions)."""
    if results.benchmark is None or results.department:
        return None
    peers, key = results.peers or _peer_scores(
        results.assessment, list(_peer_candidates(results.assessment))
    )
    group = _kept_group("ambitions", key, lambda: scoring.ambition_group(peers))
    if group.peers != results.benchmark.peers:
        # A benchmark peer without desired scores for every factor: ambitions over the
        # others beside the benchmark over all would give its own current score away
        # (n·mean of n − (n−1)·mean of n−1). The same peers, or no ambitions.
        return None
    return scoring.ambitions(scoring.current_scores(results.scoring), group)


def peers_movement(results):
    """How peers moved (issue 15): the mean change of the peers that took part in both
    of their last two rounds, between their two most recent closed assessments with
    this assessment's factor codes (scoring.peer_movement: at least 5 such peers).
    Given and taken as the benchmark: None unless this organisation takes part and its
    scores are shown. A few queries, whatever the number of peers; the candidates are
    those the benchmark read for the same results (Results.peer_candidates) if it did."""
    assessment = results.assessment
    if (
        results.department
        or not results.scores_shown
        or not assessment.organisation.takes_part_in_benchmark
    ):
        return None
    candidates = results.peer_candidates
    if candidates is None:
        candidates = list(_peer_candidates(assessment))
    if len({organisation for _pk, organisation, *_rest in candidates}) < (
        scoring.MIN_BENCHMARK_PEERS
    ):
        return None
    same = _same_factor_codes(
        {version for _pk, _organisation, version, *_kept in candidates},
        assessment.model_version_id,
    )
    rounds = {}
    for pk, organisation, version, snapshot, created_at in candidates:
        if version in same and len(rounds.setdefault(organisation, [])) < 2:
            rounds[organisation].append((pk, _kept_key(snapshot, created_at)))
    pairs = [pks for pks in rounds.values() if len(pks) == 2]
    if len(pairs) < scoring.MIN_BENCHMARK_PEERS:
        return None
    kept, _all_kept = _kept_scores(dict(item for pair in pairs for item in pair))
    own = results.scoring
    return scoring.peer_movement(
        [
            (_scores_in_order(kept[before], own), _scores_in_order(kept[after], own))
            for (after, _key), (before, _key_before) in pairs
        ]
    )


def _date(assessment):
    return assessment.closed_at.date().isoformat() if assessment.closed_at else None


def assessment_results(assessment, *, department=None, current=False):
    """The results of an assessment, or of one department of it (same rules, its
    respondents only; no layer breakdown). Benchmark and trend are of the whole
    organisation, so a department's results carry neither.

    After a reopen whose new close may not replace the version viewers saw
    (scoring.md, Versions), these are that earlier version, computed from its
    responses alone (not kept); `current` (the consultant's own pages): the current
    results all the same."""
    only = None if current else assessment.released_responses
    if only is not None:
        result = _compute(assessment, department, only)
    else:
        result = _scoring_result(assessment, department)
    benchmark, peers, candidates = (
        (None, None, None) if department else _benchmark(assessment, result)
    )
    return Results(
        assessment=assessment,
        department=department or None,
        scoring=result,
        benchmark=benchmark,
        trend=[] if department else _trend(assessment, result),
        only=only,
        peers=peers,
        peer_candidates=candidates,
    )


def department_names(assessment, only=None):
    """The departments that the assessment's submitted respondents named (one query);
    `only`: of these response ids (an earlier version)."""
    submitted = Response.objects.filter(assessment=assessment, status=Response.Status.SUBMITTED)
    if only is not None:
        submitted = submitted.filter(pk__in=only)
    return set(submitted.exclude(department="").values_list("department", flat=True).distinct())


def layer_counts(assessment, only=None):
    """Submitted respondents per layer code, in layer order (two small queries)."""
    submitted = Response.objects.filter(assessment=assessment, status=Response.Status.SUBMITTED)
    if only is not None:
        submitted = submitted.filter(pk__in=only)
    sizes = dict(submitted.values_list("layer__code").annotate(n=Count("pk")).order_by())
    return {
        code: sizes.get(code, 0)
        for code in AssessmentLayer.objects.filter(assessment=assessment)
        .order_by("order", "pk")
        .values_list("code", flat=True)
    }


def groups_now(assessment, counts):
    """The assessment's reporting groups as they stand: the consultant's (or the frozen
    ones), else the default for these layer counts (layer_counts())."""
    return reporting_groups(assessment, list(counts)) or scoring.default_groups(
        counts, min_group_size=assessment.min_group_size
    )


def _shown_layers(assessment, only=None):
    """The layers of the organisation's shown reporting groups, from the layer sizes
    alone."""
    counts = layer_counts(assessment, only)
    k = assessment.min_group_size
    if sum(counts.values()) < k:
        return []
    groups = groups_now(assessment, counts)
    group_counts = {g.code: sum(counts[layer] for layer in g.layers) for g in groups}
    shown = disclosure.shown_groups(group_counts, min_group_size=k)
    return [layer for g in groups if g.code in shown for layer in g.layers]


def results_forget(assessment):
    """Drop the kept results of an assessment (after writing answers in bulk)."""
    ResultSnapshot.objects.filter(assessment=assessment).delete()


@receiver(post_save, sender=Assessment)
def _assessment_saved(sender, instance, **kwargs):
    # Status, minimum group size or layers may have changed.
    results_forget(instance)


@receiver(post_save, sender=Response)
def _response_saved(sender, instance, **kwargs):
    # Drafts never count; a response that is (or was) submitted changes the results.
    if instance.status == Response.Status.SUBMITTED:
        ResultSnapshot.objects.filter(assessment_id=instance.assessment_id).delete()


# --- Comments --------------------------------------------------------------------------


def visible_comments(results):
    """Comments per factor code, only from respondents in shown groups (a shown layer,
    and the shown department when the results are a department's). Not attributed."""
    if not results.scores_shown:
        return {}
    comments = FactorComment.objects.filter(
        response__assessment=results.assessment,
        response__status=Response.Status.SUBMITTED,
    )
    if results.only is not None:
        comments = comments.filter(response__in=results.only)
    if results.department:
        comments = comments.filter(
            response__department=results.department,
            response__layer__code__in=_shown_layers(results.assessment, results.only),
        )
    else:
        comments = comments.filter(response__layer__code__in=results.shown_layers)
    by_factor = {}
    for code, text in comments.order_by("factor__order", "pk").values_list("factor__code", "text"):
        by_factor.setdefault(code, []).append(text)
    return by_factor
