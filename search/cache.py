"""Search answers computed once: each result is kept per (query, filters, page, reader tier, language) under a
generation, and every change of the index makes a new generation, so a kept answer is never stale.

Every write of the index (documents, lexicon, facet labels, thesaurus) calls `changed()`, which moves the generation
on when its transaction commits: a reader who still sees the old rows also still uses the old generation. A search
made inside a transaction that has changed the index itself (and not yet committed) neither reads nor writes the
cache, since what it sees may never be committed.

The cache is Django's default cache: Redis where `REDIS_URL` is set, the database otherwise (config/settings).
"""

import hashlib
import json
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import translation

GENERATION_KEY = "search:generation"
RESULT_TIMEOUT = 60 * 60


def generation() -> int:
    """The index's current generation; a new one (never used before) if the cache has lost it."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the cache lost the key: start from a value no earlier generation can have had
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def changed() -> None:
    """The index changes in the current transaction: a new generation once it commits."""
    if not _pending():
        transaction.on_commit(_bump)


def _pending() -> bool:
    """True while the current transaction has changed the index and not committed."""
    return connection.in_atomic_block and any(func is _bump for _ids, func, _robust in connection.run_on_commit)


def key(query, *, reader: bool, engine: str) -> str | None:
    """The cache key of `query` for this reader tier, or None when the cache must not be used."""
    if _pending():
        return None
    parts = [
        generation(),
        engine,
        "network" if reader else "public",
        translation.get_language(),
        query.text,
        sorted((param, sorted(values)) for param, values in query.filters.items()),
        query.sort,
        query.page,
        query.per_page,
        query.notices,
        query.errors,
    ]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"search:result:{digest}"


def get(cache_key: str | None):
    return cache.get(cache_key) if cache_key else None


def put(cache_key: str | None, result) -> None:
    if cache_key:
        cache.set(cache_key, result, RESULT_TIMEOUT)
