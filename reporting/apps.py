from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        # Register the tasks that runs.dispatch sends by name (in every process, not only
        # in the worker that discovers them).
        from . import tasks  # noqa: F401
