"""The Redis cache backend (datagedreven/cache.py): Django's, with one redis client per
connection pool instead of a new one for every call."""

import pytest
import redis

from datagedreven.cache import PooledRedisCache

LOCATION = "redis://127.0.0.1:6379/9"


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(LOCATION).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = PooledRedisCache(LOCATION, {"KEY_PREFIX": "test-cache-backend"})
    yield backend
    backend.clear()


def test_it_behaves_as_a_django_cache(cache):
    cache.set("a", {"x": 1}, 30)
    assert cache.get("a") == {"x": 1}
    assert cache.get_many(["a", "missing"]) == {"a": {"x": 1}}
    assert cache.add("a", 2) is False and cache.add("b", 2) is True
    assert cache.incr("b") == 3
    cache.delete("a")
    assert cache.get("a", "gone") == "gone"


def test_one_client_serves_every_call(cache, monkeypatch):
    made = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    cache.set("k", 1)
    for _ in range(10):
        cache.get("k")
        cache.get_many(["k", "l"])
    assert len(made) == 1
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
