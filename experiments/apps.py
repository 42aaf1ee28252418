from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperimentsConfig(AppConfig):
    name = "experiments"
    verbose_name = _("Forsøg")

    def ready(self):
        from experiments.searchable import register_searchable

        register_searchable()
