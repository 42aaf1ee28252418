"""The search engines (see base.py for what each does) and the one place that picks the configured one."""

import functools

from django.conf import settings
from django.core.signals import setting_changed

from search.engines.base import SearchEngine


@functools.cache
def get_engine() -> SearchEngine:
    """The engine the settings ask for, made once per process: Elasticsearch when ELASTICSEARCH_URL is set
    (answering from PostgreSQL when it cannot), else PostgreSQL."""
    from search.engines.postgres import PostgresEngine

    postgres = PostgresEngine()
    if settings.ELASTICSEARCH_URL:
        from search.engines.elasticsearch import ElasticsearchEngine

        return ElasticsearchEngine(
            settings.ELASTICSEARCH_URL,
            fallback=postgres,
            search_timeout=getattr(settings, "ELASTICSEARCH_SEARCH_TIMEOUT", 0.5),
            retry_after=getattr(settings, "ELASTICSEARCH_RETRY_AFTER", 10.0),
        )
    return postgres


def _forget_engine(*, setting, **kwargs):
    # Tests change the setting; a server never does.
    if setting in {"ELASTICSEARCH_URL", "ELASTICSEARCH_SEARCH_TIMEOUT", "ELASTICSEARCH_RETRY_AFTER"}:
        get_engine.cache_clear()


setting_changed.connect(_forget_engine, dispatch_uid="search_engine_setting_changed")
