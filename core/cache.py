"""The site's cache where no Redis is configured: a table of the database (config/settings/base.py)."""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone


class ExpiryOrderedDatabaseCache(DatabaseCache):
    """Django's database cache with two changes that the search index's generation (search/cache.py) needs, a key
    that never expires and is counted up on every change of the index:

    - `incr` counts up in one locked step and keeps the entry's expiry. Django's reads the value, then writes it
      back with the default timeout: two changes at once could both write the same next generation (and an answer
      computed between them would outlive the second), and the generation expired five minutes after a change.
    - Once the table holds MAX_ENTRIES, the entries that expire first (the oldest answers) are deleted, so one
      without a timeout goes last. Django's cull deletes the first third of the keys in alphabetical order, which
      takes the generation (it sorts before every kept answer), and with it gone every kept answer is a miss.
    """

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {table} WHERE cache_key = %s AND expires >= %s FOR UPDATE",  # noqa: S608 (table)
                [key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta  # noqa: S301 (our own table)
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [encoded, key])  # noqa: S608 (table)
        return value

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
