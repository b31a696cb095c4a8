"""The demo organisation "Gemeente Voorbeeldstad" with deterministic generated answers.

Used by `load_demo`; every step is idempotent so a second run adds nothing.
"""

import random
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from . import hooks
from .demo_survey import load_demo_survey
from .models import (
    Answer,
    Assessment,
    Department,
    FactorComment,
    Membership,
    ModelVersion,
    Organisation,
    Response,
)
from .results_sql import keep_factor_sums

DEMO_MODEL_VERSION = "DGW-2026.1"
DEMO_ORGANISATION = "Gemeente Voorbeeldstad"
DEMO_DEPARTMENTS = ["Sociaal Domein", "Ruimte", "Bedrijfsvoering", "Dienstverlening"]
# Respondents per layer: bestuur stays below the minimum group size of 5, so the demo
# shows how a small layer is kept out of sight.
DEMO_LAYER_COUNTS = {
    "bestuur": 4,
    "directie": 8,
    "management": 22,
    "beleid": 38,
    "specialist": 30,
    "uitvoering": 38,
}
DEMO_USERS = [
    # username, password, staff, role
    ("consultant", "demo-consultant", True, Membership.Role.CONSULTANT),
    ("directie", "demo-directie", False, Membership.Role.VIEWER),
]
# Demo databases made before the admin became the operator's alone put the consultant in
# this group, which held every model permission; load_demo takes the demo users out.
OLD_CONSULTANT_GROUP = "Consultants"

# Ten other municipalities that take part in the benchmark, each with a closed
# assessment, so the demo shows a benchmark with quartiles (it needs at least 5 peers
# of the same type, quartiles at least 10), and an earlier measurement of
# Voorbeeldstad, so it shows a trend. name, closes on, seed, shift of every answer,
# shift of some factors (each peer is strong and weak in its own places).
DEMO_PEERS = [
    ("Gemeente Rivierdam", date(2025, 11, 28), 3101, 0.1, {"IT1": 0.6, "IT3": 0.8, "PEB2": -0.5}),
    ("Gemeente Heuvelrijk", date(2025, 6, 20), 3102, -0.4, {"LC1": 0.7, "LC3": 0.6, "IT2": -0.4}),
    ("Gemeente Zeeweide", date(2026, 1, 30), 3103, 0.2, {"PEB1": -0.9, "ML1": 0.5, "OG1": 0.4}),
]
DEMO_PEER_LAYER_COUNTS = {
    "bestuur": 5,
    "directie": 6,
    "management": 9,
    "beleid": 10,
    "specialist": 8,
    "uitvoering": 10,
}
# More peers with fewer respondents each (at least k, so their scores count): the
# demo stays quick to load.
DEMO_SMALL_PEERS = [
    ("Gemeente Bosland", date(2025, 10, 3), 3104, -0.4, {"ML2": 0.6, "OG2": -0.3}),
    ("Gemeente Duinwijk", date(2025, 12, 12), 3105, 0.1, {"LC2": -0.5, "IT1": 0.3}),
    ("Gemeente Kanaalstede", date(2026, 2, 6), 3106, -0.3, {"PEB2": 0.7, "LC1": -0.4}),
    ("Gemeente Polderveen", date(2025, 9, 19), 3107, -0.2, {"IT2": 0.5, "ML1": -0.6}),
    ("Gemeente Lindehoven", date(2026, 1, 16), 3108, 0.0, {"OG1": -0.4, "LC3": 0.4}),
    ("Gemeente Meerburg", date(2025, 5, 23), 3109, -0.5, {"IT3": 0.6, "PEB1": 0.3}),
    ("Gemeente Eikendaal", date(2026, 2, 27), 3110, -0.1, {"ML2": -0.5, "OG2": 0.5}),
]
# Five of them measured two years earlier too (lower, as the route moved them), so the
# trend shows how peers moved (issue 15: at least 5 peers with both rounds).
DEMO_PEERS_WITH_EARLIER = 5
DEMO_PEER_EARLIER_SHIFT = -0.4
DEMO_SMALL_PEER_LAYER_COUNTS = {
    "bestuur": 1,
    "directie": 2,
    "management": 3,
    "beleid": 4,
    "specialist": 3,
    "uitvoering": 3,
}
# Every demo organisation takes part in the benchmark, as if it had agreed.
DEMO_BENCHMARK_AGREED_AT = datetime(2025, 1, 15, 12, 0)
DEMO_BENCHMARK_AGREED_BY = "Demo: gemeentesecretaris, besluit 14-1-2025"
DEMO_EARLIER = ("Eerste meting 2024", date(2024, 3, 15), 2024, -0.5, {})
# Comments of the demo's respondents (the first respondents of the shown layers).
DEMO_COMMENTS = {
    "LC1": [
        "Er is een visie op papier, maar op de werkvloer merken we er nog weinig van.",
        "De nieuwe directie praat er veel over; dat helpt.",
    ],
    "OG1": ["Niemand weet precies wie eigenaar is van de gegevens in het zaaksysteem."],
    "ML2": [
        "We hebben één data-analist voor de hele gemeente.",
        "Graag een training voor teamleiders.",
    ],
    "IT1": ["Adressen staan in drie systemen en verschillen vaak."],
    "PEB2": ["Bij het algoritme voor handhaving is nooit uitgelegd hoe het werkt."],
}
DEMO_EARLIER_LAYER_COUNTS = {
    "bestuur": 3,
    "directie": 7,
    "management": 18,
    "beleid": 30,
    "specialist": 24,
    "uitvoering": 28,
}

# A plausible municipality: further on information and security than on culture and
# ethics; the desired level lies 1–2 stages higher.
FACTOR_BASE = {
    "LC1": 2.2,
    "LC2": 1.8,
    "LC3": 1.5,
    "OG1": 1.4,
    "OG2": 2.0,
    "ML1": 1.6,
    "ML2": 1.3,
    "IT1": 2.4,
    "IT2": 2.1,
    "IT3": 2.6,
    "PEB1": 2.9,
    "PEB2": 1.2,
}
LAYER_OFFSET = {
    "bestuur": 0.6,
    "directie": 0.5,
    "management": 0.2,
    "beleid": 0.0,
    "specialist": -0.3,
    "uitvoering": -0.5,
}


def ensure_user(username, password, *, staff):
    """A demo login. The consultant is a staff account (a consultant in access.py) with no
    model permissions: the admin is the operator's (superusers) alone."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"is_staff": staff}
    )
    if created:
        user.set_password(password)
        user.save()
    user.groups.remove(*Group.objects.filter(name=OLD_CONSULTANT_GROUP))
    return user


def _clip(value):
    return max(0, min(5, int(round(value))))


def generate_answers(
    assessment, layer_counts, *, seed, shift=0.0, factor_shift=None, departments=()
):
    """Submitted responses with answers drawn around FACTOR_BASE, the same for one seed."""
    rng = random.Random(seed)
    layers = {layer.code: layer for layer in assessment.layers.all()}
    questions = list(assessment.model_version.questions.select_related("factor"))
    submitted_at = timezone.make_aware(
        datetime.combine(assessment.closes_on or date(2026, 3, 31), datetime.min.time())
    )
    number = 0
    for layer_code, count in layer_counts.items():
        layer = layers[layer_code]
        for _ in range(count):
            number += 1
            response = Response.objects.create(
                assessment=assessment,
                respondent=f"demo-{seed}-{number:04d}",
                layer=layer,
                department=rng.choice(departments) if departments else "",
                status=Response.Status.SUBMITTED,
                submitted_at=submitted_at,
            )
            personal = rng.gauss(0, 0.5)
            answers = []
            for question in questions:
                if not question.is_asked_of(layer_code):
                    continue
                code = question.factor.code
                base = FACTOR_BASE.get(code, 2.0) + shift + (factor_shift or {}).get(code, 0)
                current = base + LAYER_OFFSET.get(layer_code, 0) + personal + rng.gauss(0, 0.6)
                desired = current + 1.2 + rng.random() * 1.3
                dont_know = rng.random() < 0.06
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        current=None if dont_know else _clip(current),
                        desired=None if dont_know else _clip(desired),
                    )
                )
            Answer.objects.bulk_create(answers)
    # All the assessment's responses: those kept before are left as they are.
    keep_factor_sums(Response.objects.filter(assessment=assessment))
    return number


def closed_assessment(
    organisation, version, name, closes_on, layer_counts, *, seed, shift, factor_shift
):
    """A closed assessment with generated answers, created once (matched by name)."""
    closed_at = timezone.make_aware(datetime.combine(closes_on, datetime.min.time()))
    assessment, created = Assessment.objects.get_or_create(
        organisation=organisation,
        name=name,
        defaults={
            "model_version": version,
            "kind": Assessment.Kind.NULMETING,
            "status": Assessment.Status.CLOSED,
            "opens_on": closes_on - timedelta(days=35),
            "closes_on": closes_on,
            "closed_at": closed_at.replace(hour=17),
            "created_at": closed_at - timedelta(days=60),
        },
    )
    if created:
        assessment.add_default_layers()
        departments = [d.name for d in organisation.departments.all()]
        generate_answers(
            assessment,
            layer_counts,
            seed=seed,
            shift=shift,
            factor_shift=factor_shift,
            departments=departments,
        )
    return assessment


def take_part_in_benchmark(organisation):
    """Let a demo organisation take part in the benchmark, once."""
    if not organisation.takes_part_in_benchmark:
        organisation.benchmark_agreed_at = timezone.make_aware(DEMO_BENCHMARK_AGREED_AT)
        organisation.benchmark_agreed_by = DEMO_BENCHMARK_AGREED_BY
        organisation.save(update_fields=["benchmark_agreed_at", "benchmark_agreed_by"])


def add_demo_comments(assessment):
    """A few comments on the demo assessment, from respondents of the larger layers."""
    if FactorComment.objects.filter(response__assessment=assessment).exists():
        return
    responses = list(
        assessment.responses.filter(layer__code__in=["management", "beleid", "uitvoering"])
        .order_by("respondent")
        .values_list("pk", flat=True)
    )
    factors = dict(assessment.model_version.factors.values_list("code", "pk"))
    comments = [
        FactorComment(response_id=responses[index * 7 + number], factor_id=factors[code], text=text)
        for index, (code, texts) in enumerate(DEMO_COMMENTS.items())
        for number, text in enumerate(texts)
    ]
    FactorComment.objects.bulk_create(comments)


@transaction.atomic
def load_demo():
    """Create the demo organisation, users and a closed, answered assessment."""
    version = ModelVersion.objects.get(code=DEMO_MODEL_VERSION)
    organisation, _ = Organisation.objects.get_or_create(
        name=DEMO_ORGANISATION,
        defaults={"type": Organisation.Type.GEMEENTE, "size_class": Organisation.SizeClass.M},
    )
    take_part_in_benchmark(organisation)
    for name in DEMO_DEPARTMENTS:
        Department.objects.get_or_create(organisation=organisation, name=name)
    users = []
    for username, password, staff, role in DEMO_USERS:
        user = ensure_user(username, password, staff=staff)
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
        users.append((username, password))

    assessment, created = Assessment.objects.get_or_create(
        organisation=organisation,
        name="Nulmeting 2026",
        defaults={
            "model_version": version,
            "kind": Assessment.Kind.NULMETING,
            "status": Assessment.Status.CLOSED,
            "opens_on": date(2026, 2, 2),
            "closes_on": date(2026, 3, 13),
            "closed_at": timezone.make_aware(datetime(2026, 3, 13, 17, 0)),
        },
    )
    if created:
        assessment.add_default_layers()
        generate_answers(assessment, DEMO_LAYER_COUNTS, seed=2026, departments=DEMO_DEPARTMENTS)
    name, closes_on, seed, shift, factor_shift = DEMO_EARLIER
    earlier = closed_assessment(
        organisation,
        version,
        name,
        closes_on,
        DEMO_EARLIER_LAYER_COUNTS,
        seed=seed,
        shift=shift,
        factor_shift=factor_shift,
    )
    # Other apps' parts (roadmap: the earlier route and the demo roadmap), see hooks.py.
    hooks.demo_measurements_loaded.run(assessment=assessment, earlier=earlier)
    add_demo_comments(assessment)
    peers = [(peer, DEMO_PEER_LAYER_COUNTS) for peer in DEMO_PEERS]
    peers += [(peer, DEMO_SMALL_PEER_LAYER_COUNTS) for peer in DEMO_SMALL_PEERS]
    for (name, closes_on, seed, shift, factor_shift), layer_counts in peers:
        peer, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={"type": Organisation.Type.GEMEENTE, "size_class": Organisation.SizeClass.M},
        )
        take_part_in_benchmark(peer)
        if (name, closes_on, seed, shift, factor_shift) in DEMO_SMALL_PEERS[
            :DEMO_PEERS_WITH_EARLIER
        ]:
            earlier_on = closes_on.replace(year=closes_on.year - 2)
            closed_assessment(
                peer,
                version,
                f"Nulmeting {earlier_on.year}",
                earlier_on,
                layer_counts,
                seed=seed + 1000,
                shift=shift + DEMO_PEER_EARLIER_SHIFT,
                factor_shift={},
            )
        closed_assessment(
            peer,
            version,
            f"Nulmeting {closes_on.year}",
            closes_on,
            layer_counts,
            seed=seed,
            shift=shift,
            factor_shift=factor_shift,
        )
    open_assessment, survey_link = load_demo_survey(
        organisation, version, generate_answers=generate_answers, departments=DEMO_DEPARTMENTS
    )
    return {
        "organisation": organisation,
        "assessment": assessment,
        "logins": users,
        "open_assessment": open_assessment,
        "survey_link": survey_link,
    }
