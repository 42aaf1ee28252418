"""The site's cache where no Redis is configured: a table of the database (config/settings/base.py)."""

from django.core.cache.backends.db import DatabaseCache
from django.db import connections


class ExpiryOrderedDatabaseCache(DatabaseCache):
    """Django's database cache, culled by expiry rather than by key.

    Once the table holds MAX_ENTRIES, Django's cull deletes the first third of the keys in alphabetical order. That
    takes the keys that never expire with the rest: the search index's generation (search/cache.py) sorts before
    every kept answer, and with it gone every kept answer is a miss. Culled here instead: the entries that expire
    first, which are the oldest answers, so an entry without a timeout goes last.
    """

    def _cull(self, db, cursor, now, num):
        if self._cull_frequency == 0:
            self.clear()
            return
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        cursor.execute(
            f"DELETE FROM {table} WHERE expires < %s",  # noqa: S608 (the cache table's quoted name)
            [connection.ops.adapt_datetimefield_value(now)],
        )
        remaining = num - cursor.rowcount
        if remaining > self._max_entries:
            cursor.execute(
                f"DELETE FROM {table} WHERE cache_key IN "  # noqa: S608 (the cache table's quoted name)
                f"(SELECT cache_key FROM {table} ORDER BY expires, cache_key LIMIT %s)",
                [remaining // self._cull_frequency],
            )
