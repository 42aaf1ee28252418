from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Fælles")

    def ready(self):
        from django.db.models.signals import post_delete
        from wagtail.models import PageViewRestriction

        from core.visibility import restore_view_restriction

        post_delete.connect(
            restore_view_restriction, sender=PageViewRestriction, dispatch_uid="municipalities_restore_restriction"
        )
