"""`make bench` drops and recreates its database: never one that is not a bench database."""

import pytest

from bench import common


def test_bench_url_defaults_to_the_database_url_name_with_bench_appended():
    url = common.bench_database_url({"DATABASE_URL": "postgres://app:pw@db.example:5433/prod"})
    assert url == "postgres://app:pw@db.example:5433/prod_bench"


def test_bench_url_without_database_url_is_the_local_servers_bench_database():
    assert common.bench_database_url({}) == "postgres://postgres@127.0.0.1:5432/datagedreven_bench"
    sqlite = {"DATABASE_URL": "sqlite:///db.sqlite3"}
    assert common.bench_database_url(sqlite).endswith("/datagedreven_bench")


def test_bench_database_url_wins_and_is_used_as_given():
    environ = {
        "DATABASE_URL": "postgres://postgres@127.0.0.1/prod",
        "BENCH_DATABASE_URL": "postgres://postgres@127.0.0.1/other_bench",
    }
    assert common.bench_database_url(environ) == "postgres://postgres@127.0.0.1/other_bench"


def test_recreate_refuses_a_database_whose_name_does_not_end_in_bench(monkeypatch):
    def connect(**_kwargs):  # must never be reached
        raise AssertionError("connected to drop a non-bench database")

    import psycopg2

    monkeypatch.setattr(psycopg2, "connect", connect)
    for name in ("datagedreven", "prod", "bench_prod", "x_bench_"):
        with pytest.raises(SystemExit, match="refusing to drop database"):
            common._recreate(f"postgres://postgres@127.0.0.1:5432/{name}")


def test_setup_django_refuses_a_bench_url_that_names_production(monkeypatch):
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/datagedreven")
    with pytest.raises(SystemExit, match="refusing to drop database 'datagedreven'"):
        common.setup_django()
