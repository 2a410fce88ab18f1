"""The user's own password, in the site's layout."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core import formkeeping


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: every user, from the user menu; the forced change at first login lands here."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        form.user.must_change_password = False
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


class LoginView(auth_views.LoginView):
    """The login page; after a session ended under an open form it says why the person was
    signed out and that what they typed comes back (core/formkeeping.py)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_ended"] = formkeeping.session_ended(self.request)
        context["form_kept"] = formkeeping.has_stash(self.request)
        context["files_not_kept"] = formkeeping.stashed_files(self.request)
        context["session_minutes"] = settings.SESSION_COOKIE_AGE // 60
        return context
