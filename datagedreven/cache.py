"""Django's Redis cache backend, with one redis client per connection pool.

Django's RedisCacheClient makes a new `redis.Redis` for every cache call; its
constructor copies redis-py's table of response callbacks (about 170 entries) each
time, which costs more than the round trip to a local Redis for a small key. The client
keeps no state of its own beyond its pool, and Django keeps one cache object per
thread, so one client per pool serves every call.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _PooledClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id(pool) -> redis.Redis; the pools live as long as this

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PooledRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _PooledClient
