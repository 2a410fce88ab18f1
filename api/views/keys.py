"""The county section's page of API keys: issue one (shown once), see each key's last use,
revoke it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.views import PermissionRequiredMixin

from .. import services
from ..forms import IssueKeyForm
from ..models import ApiKey


class ManagersOnly(PermissionRequiredMixin):
    permission = "can_manage_api_keys"


class KeyListView(ManagersOnly, View):
    template_name = "api/key_list.html"

    def keys(self):
        return (
            ApiKey.objects.visible_to(self.request.user)
            .select_related("account__unit", "created_by", "revoked_by")
            .order_by("revoked", "-created")
        )

    def page(self, form, issued=None, status=200):
        response = render(
            self.request,
            self.template_name,
            {
                "title": _("API keys"),
                "form": form,
                "keys": self.keys(),
                "issued": issued,
            },
            status=status,
        )
        # The page that shows a new key once is never kept by a browser or a proxy.
        response["Cache-Control"] = "no-store"
        return response

    def get(self, request):
        return self.page(IssueKeyForm(user=request.user))

    def post(self, request):
        form = IssueKeyForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.page(form)
        data = form.cleaned_data
        account = data["account"] or services.create_system_account(
            user=request.user, name=data["account_name"], unit=data["unit"], role=data["role"]
        )
        api_key, key = services.issue_key(user=request.user, account=account, name=data["name"])
        messages.success(request, _("The key has been issued. Copy it now: it is shown only once."))
        return self.page(IssueKeyForm(user=request.user), issued={"key": key, "api_key": api_key})


class KeyRevokeView(ManagersOnly, View):
    def post(self, request, prefix):
        api_key = get_object_or_404(ApiKey.objects.visible_to(request.user), prefix=prefix)
        services.revoke_key(user=request.user, key=api_key)
        messages.success(request, _("The key has been revoked."))
        return redirect("api:key_list")
