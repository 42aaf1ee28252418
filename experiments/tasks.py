"""Background jobs of the experiments app, run by `manage.py db_worker` (django-tasks with its database backend)."""

from django_tasks import task


@task
def update_reference_index(page_ids: list[int]) -> int:
    """Wagtail's reference index for these experiments (what they link to: provisions, documents, municipalities),
    as Wagtail updates it after every save; an import queues one job for all the pages it wrote."""
    from django.db import transaction
    from wagtail.models import ReferenceIndex

    from experiments.models import ExperimentPage

    count = 0
    for page in ExperimentPage.objects.filter(pk__in=page_ids).iterator(chunk_size=500):
        with transaction.atomic():
            ReferenceIndex.create_or_update_for_object(page)
        count += 1
    return count


@task
def update_admin_search_index(page_ids: list[int]) -> int:
    """Wagtail's own search index (the admin's page search) for these experiments, as modelsearch updates it after
    every save; an import queues one job for all the pages it wrote."""
    from modelsearch import index

    from experiments.models import ExperimentPage

    count = 0
    for page in ExperimentPage.objects.filter(pk__in=page_ids).iterator(chunk_size=500):
        index.insert_or_update_object(page)
        count += 1
    return count
