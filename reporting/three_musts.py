"""The "三必须" status of each institution (区县方案·二(一)一 在所有养老服务机构开展"三必须"活动).

必须在醒目位置张贴防范养老服务诈骗宣传海报、宣传标语; 要向每一位住养老人或家属发放防范养老服务诈骗
告知书; 养老机构负责人要签署防范养老服务诈骗承诺书. The screening visit records the three checks;
an institution's status is what its latest submitted visit found (the same reading as 附件5's
"三必须 complete", ``reporting.selectors.publicity.three_musts_complete_ids``): complete, something
missing, or never checked. One query for a page, one for the counts.
"""

from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from screening.models import ScreeningVisit, VisitStatus

ITEMS = ("poster_displayed", "notice_to_every_resident", "commitment_letter_signed")


class ThreeMustsStatus(models.TextChoices):
    COMPLETE = "complete", _("All three done")
    INCOMPLETE = "incomplete", _("Something missing")
    NEVER = "never", _("Never checked")


STATUS_STYLES = {
    ThreeMustsStatus.COMPLETE: "text-bg-success",
    ThreeMustsStatus.INCOMPLETE: "text-bg-warning",
    ThreeMustsStatus.NEVER: "text-bg-secondary",
}


def _latest_visit(field: str, output_field=None):
    latest = ScreeningVisit.objects.filter(
        institution=OuterRef("pk"), status=VisitStatus.SUBMITTED
    ).order_by("-visited_on", "-pk")
    return Subquery(latest.values(field)[:1], output_field=output_field)


def with_three_musts(queryset):
    """Annotate the latest submitted visit (id, date, the three checks) and the status."""
    return queryset.annotate(
        checked_visit_id=_latest_visit("pk"),
        checked_on=_latest_visit("visited_on", models.DateField()),
        **{f"has_{item}": _latest_visit(item, models.BooleanField()) for item in ITEMS},
    ).annotate(
        three_musts=Case(
            When(checked_visit_id__isnull=True, then=Value(ThreeMustsStatus.NEVER.value)),
            When(
                Q(**{f"has_{item}": True for item in ITEMS}),
                then=Value(ThreeMustsStatus.COMPLETE.value),
            ),
            default=Value(ThreeMustsStatus.INCOMPLETE.value),
            output_field=models.CharField(),
        )
    )


def three_musts_list(user, township=None, status: str = ""):
    """Active institutions and venues the user sees with their "三必须" status."""
    queryset = with_three_musts(
        Institution.objects.visible_to(user).active().select_related("township", "village")
    )
    if township is not None:
        queryset = queryset.filter(township=township)
    if status:
        queryset = queryset.filter(three_musts=status)
    return queryset.order_by("township__code", "township__name", "name", "pk")


def three_musts_counts(user, township=None) -> dict[str, int]:
    """How many institutions are in each status (ignoring the status filter); one query."""
    queryset = with_three_musts(Institution.objects.visible_to(user).active())
    if township is not None:
        queryset = queryset.filter(township=township)
    counts = dict.fromkeys(ThreeMustsStatus.values, 0)
    for row in queryset.values("three_musts").annotate(n=Count("pk")).order_by():
        counts[row["three_musts"]] = row["n"]
    return counts


def missing_items(institution) -> list[str]:
    """Labels of the checks the latest visit did not find (on an annotated institution)."""
    if institution.checked_visit_id is None:
        return []
    return [
        str(ScreeningVisit._meta.get_field(item).verbose_name)
        for item in ITEMS
        if not getattr(institution, f"has_{item}")
    ]
