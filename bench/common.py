"""Shared set-up for the benchmarks: a fresh PostgreSQL database and bulk test data.

Every script prints one line per figure, `name value unit` (spec/quality.md). Timings
are the best of several runs, and every bar is a ratio against a floor measured in
the same run, so the figures hold on a busy 2-core machine.
"""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/datagedreven"
BENCH_SUFFIX = "_bench"


def bench_database_url(environ=None):
    """The database the benchmarks drop and recreate: BENCH_DATABASE_URL, else the
    DATABASE_URL's (or the local server's) database name with `_bench` appended. Never
    DATABASE_URL itself: `make bench` on a production server must not touch its data."""
    environ = os.environ if environ is None else environ
    if environ.get("BENCH_DATABASE_URL"):
        url = environ["BENCH_DATABASE_URL"]
    else:
        base = environ.get("DATABASE_URL") or LOCAL_SERVER
        if not base.startswith("postgres"):  # SQLite for the app: bench on the local server
            base = LOCAL_SERVER
        parts = urlparse(base)
        name = parts.path.lstrip("/") or "datagedreven"
        if not name.endswith(BENCH_SUFFIX):
            name += BENCH_SUFFIX
        url = parts._replace(path="/" + name).geturl()
    if not url.startswith("postgres"):
        raise SystemExit("the benchmarks run on PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    return url


def setup_django(*, fresh=True):
    """Point Django at the bench database (recreated when `fresh`) and migrate it."""
    url = bench_database_url()
    if fresh:
        _recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datagedreven.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_model", stdout=open(os.devnull, "w"))
    return url


def refuse_unless_bench(name):
    """Stop before dropping a database that is not a bench database."""
    if not name.endswith(BENCH_SUFFIX):
        raise SystemExit(
            f"refusing to drop database {name!r}: the benchmarks only recreate a database "
            f"whose name ends in {BENCH_SUFFIX!r} (set BENCH_DATABASE_URL)"
        )


def _recreate(url):
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    refuse_unless_bench(name)
    import psycopg2

    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def best_of(function, *, runs=5):
    """The fastest of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def report(name, value, unit):
    print(f"{name} {value:.3f} {unit}" if isinstance(value, float) else f"{name} {value} {unit}")
    sys.stdout.flush()


def make_assessment(
    name, *, respondents, organisation_type="gemeente", status="open", seed=0.42, departments=7
):
    """An assessment of the shipped model with `respondents` submitted full surveys.

    Rows are made by PostgreSQL itself (INSERT … SELECT with a seeded random()), so a
    10,000-respondent assessment takes seconds, not minutes.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from assessments.models import Assessment, ModelVersion, Organisation, Response
    from assessments.results_sql import keep_factor_sums

    version = ModelVersion.objects.get(code="DGW-2026.1")
    organisation, _ = Organisation.objects.get_or_create(
        name=name, defaults={"type": organisation_type}
    )
    with transaction.atomic():
        assessment = Assessment.objects.create(
            organisation=organisation,
            model_version=version,
            name=f"Bench {respondents}",
            status=status,
            closed_at=timezone.now() if status == "closed" else None,
        )
        assessment.add_default_layers()
        layers = list(assessment.layers.order_by("order").values_list("pk", "code"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [seed])
            # Respondents spread over the layers, one in ten without a department
            # (everyone without one when `departments` is 0).
            cursor.execute(
                """
                INSERT INTO assessments_response
                    (assessment_id, respondent, layer_id, department, status, current_page,
                     started_at, updated_at, submitted_at, half_answers)
                SELECT %s, 'b' || n, (%s::bigint[])[1 + n %% %s],
                       CASE WHEN n %% 10 = 0 OR %s = 0 THEN ''
                            ELSE 'Afdeling ' || (n %% GREATEST(%s, 1)) END,
                       'submitted', 0, now(), now(), now(), '{}'::jsonb
                FROM generate_series(1, %s) AS n
                """,
                [
                    assessment.pk,
                    [pk for pk, _code in layers],
                    len(layers),
                    departments,
                    departments,
                    respondents,
                ],
            )
            # Every respondent answers every question (the load of spec/quality.md:
            # 10,000 respondents x all questions); 5% "weet ik niet".
            cursor.execute(
                """
                INSERT INTO assessments_answer (response_id, question_id, current, desired)
                SELECT r.id, q.id,
                       CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 6)::int END,
                       CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 6)::int END
                FROM assessments_response r
                CROSS JOIN assessments_question q
                WHERE r.assessment_id = %s AND q.version_id = %s
                """,
                [assessment.pk, version.pk],
            )
            cursor.execute("ANALYZE assessments_response, assessments_answer")
        # What the answers import does after writing the answers.
        keep_factor_sums(Response.objects.filter(assessment=assessment))
        with connection.cursor() as cursor:
            # What autovacuum does after a bulk load; without it the planner guesses 1 row.
            cursor.execute(
                "ANALYZE assessments_response, assessments_answer, assessments_factorsum"
            )
    return assessment
