"""Reads of the reporting records. ``visible_to`` is the only way a user's rows are selected."""

from django.db import models

from core.scoping import ScopedQuerySet

from .choices import GroupRole, PublicationStatus, RunStatus


class WorkingGroupMemberQuerySet(ScopedQuerySet):
    def in_group_order(self):
        """As the 附件1 list prints them: 组长, 副组长, 成员, 联络员, then the given order."""
        return self.select_related("unit").order_by(
            "unit__path", GroupRole.order_expression(), "order", "pk"
        )


class PublicityActivityQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("township", "institution")

    def between(self, date_from, date_to):
        return self.filter(held_on__gte=date_from, held_on__lte=date_to)


class WeeklyReportQuerySet(ScopedQuerySet):
    def for_week(self, year: int, week: int):
        return self.filter(year=year, week=week)


class CountyReportQuerySet(ScopedQuerySet):
    def of(self, unit, kind: str, year: int, number: int):
        return self.filter(unit=unit, kind=kind, year=year, number=number)


class ReportRunQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("unit", "requested_by")

    def latest_done(self):
        """The newest finished pack of each set first (for the leaders' downloads)."""
        return self.filter(status=RunStatus.DONE).order_by("-year", "-week", "report_set")


class PublicationListQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The lists of the user's counties; a draft only to the county section of its own
        county (who prepares and approves it), an approved list to every county-level reader
        of the county and of the units above (区县方案 二(三)三). A township sees none."""
        rows = super().visible_to(user)
        if not user.is_authenticated or user.is_superuser:
            return rows
        if not user.is_county_level:
            return rows.none()
        if user.can_review:
            return rows.filter(
                models.Q(status=PublicationStatus.APPROVED) | models.Q(unit_id=user.unit_id)
            )
        return rows.filter(status=PublicationStatus.APPROVED)
