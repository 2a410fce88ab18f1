from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project's own pages on top of every app: the home page, the county section's
    "needs attention now" panel and its audit log."""

    name = "portal"
    verbose_name = _("Portal")
