from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def update_last_login_quietly(sender, user, **kwargs):
    """Django's ``update_last_login`` saves the user, and every save of a user writes a
    history row: each login would show in the audit log as a change with nothing changed.
    The stamp is written with an UPDATE instead (``last_login`` is not in the history)."""
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user)._base_manager.filter(pk=user.pk).update(last_login=user.last_login)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Units and users")

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login_quietly, dispatch_uid="update_last_login")
