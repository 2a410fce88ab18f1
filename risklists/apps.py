from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisklistsConfig(AppConfig):
    name = "risklists"
    verbose_name = _("Risk lists")
