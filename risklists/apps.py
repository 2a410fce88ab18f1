from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RisklistsConfig(AppConfig):
    name = "risklists"
    verbose_name = _("Risk lists")

    def ready(self):
        # Re-rate an institution when its registry row or a record behind its facts changes
        # (on commit, as a Celery task). Imports write in bulk and send ``import_applied``.
        from screening.services.importing.service import import_applied

        from . import receivers, signals

        import_applied.connect(receivers.import_applied, dispatch_uid="risklists-rerate-import")
        signals.thresholds_saved.connect(
            receivers.rerate_below_unit, dispatch_uid="risklists-rerate-thresholds"
        )

        institution = apps.get_model("institutions", "Institution")
        for signal in (post_save, post_delete):
            signal.connect(
                receivers.institution_changed,
                sender=institution,
                dispatch_uid=f"risklists-rerate-institution-{signal is post_save}",
            )
            for label in receivers.WATCHED_MODELS:
                model = apps.get_model(label)
                signal.connect(
                    receivers.record_changed,
                    sender=model,
                    dispatch_uid=f"risklists-rerate-{label}-{signal is post_save}",
                )
