from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import tables
        from .sessions import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="core.sessions.stamp_login")
        tables.install()
