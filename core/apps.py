from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import tables
        from .formkeeping import mark_logout
        from .sessions import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="core.sessions.stamp_login")
        user_logged_out.connect(mark_logout, dispatch_uid="core.formkeeping.mark_logout")
        tables.install()
