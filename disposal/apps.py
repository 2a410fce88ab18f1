from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisposalConfig(AppConfig):
    name = "disposal"
    verbose_name = _("Disposal")

    def ready(self):
        # The approved level of a rating creates the actions that level requires.
        from risklists.signals import rating_approved, ratings_approved

        from . import receivers

        rating_approved.connect(
            receivers.apply_approved_level, dispatch_uid="disposal-apply-approved-level"
        )
        ratings_approved.connect(
            receivers.apply_approved_levels, dispatch_uid="disposal-apply-approved-levels"
        )
