from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperimentsConfig(AppConfig):
    name = "experiments"
    verbose_name = _("Forsøg")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from experiments.models import Law
        from experiments.models.provisions import laws_added_in_the_admin
        from experiments.references import use_more_laws
        from experiments.searchable import register_searchable

        register_searchable()
        use_more_laws(laws_added_in_the_admin)
        post_save.connect(laws_added_in_the_admin.forget, sender=Law, dispatch_uid="laws_added_in_the_admin")
        post_delete.connect(laws_added_in_the_admin.forget, sender=Law, dispatch_uid="laws_added_in_the_admin")
