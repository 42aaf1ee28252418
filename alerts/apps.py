from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Abonnementer og påmindelser")

    def ready(self):
        from wagtail.signals import page_published

        from alerts.changes import record_changes

        page_published.connect(record_changes, dispatch_uid="alerts.record_changes")
