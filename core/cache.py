"""A Redis cache whose failures are misses, not errors: pages work while Redis is down.

Redis is the broker and a cache here; nothing the product must keep lives only in the
cache (sessions are in the database). When Redis is stopped or unreachable, reads answer
"not cached", writes are dropped, and a warning is logged once per failed call.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _miss_on_error(fallback):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as exc:
                logger.warning("Cache %s failed, treated as a miss: %s", method.__name__, exc)
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorate


def _default(key, default=None, version=None):
    return default


class ResilientRedisCache(RedisCache):
    add = _miss_on_error(False)(RedisCache.add)
    get = _miss_on_error(_default)(RedisCache.get)
    set = _miss_on_error(None)(RedisCache.set)
    touch = _miss_on_error(False)(RedisCache.touch)
    delete = _miss_on_error(False)(RedisCache.delete)
    get_many = _miss_on_error({})(RedisCache.get_many)
    has_key = _miss_on_error(False)(RedisCache.has_key)
    set_many = _miss_on_error(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _miss_on_error(None)(RedisCache.delete_many)
    clear = _miss_on_error(False)(RedisCache.clear)
