"""Start and stop gunicorn application servers for the load and fault scripts.

Servers listen on 127.0.0.1 only and run the production settings (DEBUG off) on the
bench's PostgreSQL database, with sessions in that database: nothing lives in one
process, so a second server can carry on a survey the first one started.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUN_PREFIX = f"bench-{os.getpid()}-{int(time.time())}"


def server_env(database_url):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        # Persistent connections, as docs/deploy.md recommends; health-checked per request.
        CONN_MAX_AGE="60",
        LOG_LEVEL="ERROR",
        STATIC_COMPRESS="false",
        # Throttles are for people, not for a load test from one address.
        PYTHONPATH=str(ROOT),
        # Redis, as docs/deploy.md asks of production: the shared cache and the
        # sessions' cache (cached_db). Keys under a prefix of this run, removed at stop.
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        CACHE_KEY_PREFIX=RUN_PREFIX,
    )
    return env


def forget_run_keys():
    """Remove this run's keys from Redis (sessions, parts, counters)."""
    import redis

    client = redis.Redis.from_url(os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    keys = list(client.scan_iter(match=f"{RUN_PREFIX}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def collectstatic(database_url):
    subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=server_env(database_url),
        check=True,
    )


class Gunicorn:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`."""

    def __init__(self, database_url, *, port, workers=2, threads=1):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "datagedreven.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--backlog",
                "2048",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=server_env(database_url),
        )
        self._wait()

    def _wait(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/inloggen/", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn on port {self.port} did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        forget_run_keys()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
