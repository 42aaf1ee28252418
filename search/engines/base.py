"""What every search engine does, so that views, the API, indexing and the management command never ask which
engine runs: answer a search, rebuild its index, deliver queued changes, queue a change, and say how it is.

PostgreSQL's SearchDocument table is the source every engine is derived from: an engine's `rebuild` starts from the
pages, and an engine that keeps a copy elsewhere queues changes with `enqueue` and delivers them with `sync`.
"""

import abc
import contextlib
from collections.abc import Callable, Iterator
from typing import Protocol

# An engine reports progress through this: `progress("Elasticsearch", total)` opens a bar, the callable it yields
# advances it by the number of pages done. The management command passes tqdm bars; the default shows nothing.
Advance = Callable[[int], object]


class Progress(Protocol):
    def __call__(self, description: str, total: int) -> contextlib.AbstractContextManager[Advance]: ...


@contextlib.contextmanager
def no_progress(description: str, total: int) -> Iterator[Advance]:
    yield lambda done: None


def no_report(line: str) -> None:
    """Where an engine's report lines go when nobody reads them."""


class EngineUnavailable(Exception):
    """The engine's server did not answer; the message says so in Danish, for the command line."""


class SearchEngine(abc.ABC):
    # Shown by `manage.py search_index status` and carried by every SearchResult (`engine`).
    name: str

    @abc.abstractmethod
    def search(self, query, *, understanding, reader: bool, match_any: bool = False):
        """Hits, facet counts and total for `query` as a SearchResult; `reader` is True for network readers."""

    @abc.abstractmethod
    def rebuild(self, *, progress: Progress = no_progress, report: Callable[[str], None] = no_report) -> int:
        """Rebuild the index from the live pages; the number of documents. Raises EngineUnavailable."""

    @abc.abstractmethod
    def sync(self, *, progress: Progress = no_progress, report: Callable[[str], None] = no_report) -> int:
        """Deliver every queued change; the number delivered. Raises EngineUnavailable, keeping the queue."""

    @abc.abstractmethod
    def enqueue(self, page_id: int, action: str) -> None:
        """Remember that a page's index entry changed (`action` is "index" or "delete"), in the caller's
        transaction, for an engine that keeps its own copy of the index; the others need nothing."""

    @abc.abstractmethod
    def status(self) -> list[str]:
        """Lines that say how full the index is and whether the engine answers, in Danish."""
