"""An uploaded spreadsheet: previewed, validated row by row, then applied all or nothing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ROSTER = "roster", _("Institution roster (金民工程 / market regulation)")
    SHARED_LIST = "shared_list", _("Shared list (police / market regulation / 金民工程)")
    LAWSUITS = "lawsuits", _("Lawsuits")
    BLACKLIST = "blacklist", _("Blacklists")
    COMPLAINTS = "complaints", _("Complaints and reports")
    LEADS = "leads", _("Leads (12337 / 12345)")
    PREPAYMENTS = "prepayments", _("Prepayment list")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    INVALID = "invalid", _("Rejected: errors found")
    APPLIED = "applied", _("Applied")


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.unit_id is None:
            return self.none()
        return self.filter(unit__path__startswith=user.unit.path)


class ImportBatch(models.Model):
    unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ImportKind.choices)
    file_name = models.CharField(_("file"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_applied = models.PositiveIntegerField(_("rows applied"), default=0)
    # Row-by-row problems: [{"row": 5, "column": "身份证号", "message": "..."}].
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # The validated rows, kept between preview and apply so what is applied is what was shown.
    payload = models.JSONField(default=list, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"
