"""An import's index updates, queued once for all its pages instead of after every save.

Wagtail queues an update of its reference index, and modelsearch one of Wagtail's search index (the admin's page
search), after each save of a page: an import saves every new experiment twice, and each job is a row written in
the import's transaction. `held_index_updates()` holds both for the experiments saved in the thread that imports
(other threads, and every save outside an import, queue them as before); the import then queues one job of each
for all the pages it wrote (`experiments.tasks`).
"""

import contextlib

from asgiref.local import Local
from wagtail.signal_handlers import disable_reference_index_auto_update

_held = Local()
_installed = False


def _install() -> None:
    """Put a holding receiver in place of modelsearch's, for experiments, once per process (after every app is
    ready, so modelsearch's receivers are connected by then)."""
    global _installed
    if _installed:
        return
    from django.db.models.signals import post_save
    from modelsearch.signal_handlers import post_save_signal_handler

    from experiments.models import ExperimentPage

    def receive(sender, instance, **kwargs):
        if getattr(_held, "active", False):
            return None
        return post_save_signal_handler(instance, **kwargs)

    if post_save.disconnect(post_save_signal_handler, sender=ExperimentPage):
        post_save.connect(receive, sender=ExperimentPage, weak=False, dispatch_uid="held_admin_search_index")
    _installed = True


@contextlib.contextmanager
def held_index_updates():
    """Queue no index update for the experiments this thread saves inside the block: the caller queues them."""
    _install()
    _held.active = True
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        del _held.active
