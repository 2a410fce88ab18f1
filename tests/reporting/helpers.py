"""Building rated institutions and reading generated spreadsheets, for the attachment tests."""

from __future__ import annotations

import io
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from core.xlsx import workbook_bytes
from disposal.models import ActionStatus, DisposalAction
from reporting.periods import ReportingWeek
from reporting.xlsx.attachments import ReportContext, render_attachment
from risklists import services as rating
from tests.factories import InstitutionFactory, VenueFactory
from tests.risklists.factories import invest, visit

WEEK = ReportingWeek(2026, 48)  # Wednesday 2026-11-18 to Tuesday 2026-11-24
SINCE = date(2026, 1, 1)


def approve(institutions, township_user, county_user):
    """Rate, submit and approve, as a township and the county section do; the approval
    creates the disposal actions the level requires."""
    institutions = list(institutions)
    for proposal in rating.rate(institutions).created:
        rating.submit(user=township_user, assessment=proposal)
        rating.approve(user=county_user, assessment=proposal)
    return institutions


def red_venue(township, staff, **fields):
    """未经登记 and a large prepayment (R1)."""
    venue = VenueFactory(township=township, **fields)
    invest(venue)
    return venue


def orange_institution(township, staff, **fields):
    """Large prepayments used irregularly (O4)."""
    institution = InstitutionFactory(township=township, **fields)
    invest(institution)
    visit(institution, staff, fund_use="irregular")
    return institution


def yellow_institution(township, staff, **fields):
    """False or exaggerated advertising (Y4)."""
    institution = InstitutionFactory(township=township, **fields)
    visit(institution, staff, false_advertising=True)
    return institution


def complete_actions(institution, on: date):
    """Every list-level measure of ``institution`` carried out on ``on``."""
    DisposalAction.objects.filter(institution=institution).exclude(level="green").update(
        status=ActionStatus.DONE, completed_on=on
    )


def sheet_of(attachments, number, user, week=WEEK, since=SINCE):
    context = ReportContext(user, user.unit, week, since)
    with translation.override("zh-hans"):
        workbook = render_attachment(attachments, number, context)
    return load_workbook(io.BytesIO(workbook_bytes(workbook))).active


def body(sheet, first_row):
    """The data rows (values), without the totals row and what follows it."""
    rows = []
    for row in sheet.iter_rows(min_row=first_row, values_only=True):
        if row[0] == "合计" or row[0] is None:
            break
        rows.append(row)
    return rows


def totals(sheet, first_row):
    return next(r for r in sheet.iter_rows(min_row=first_row, values_only=True) if r[0] == "合计")


def merged(sheet) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def query_count(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def entered_before(moment):
    """Date everything the test wrote as entered at ``moment`` at the latest (``created_at``,
    the history rows, the ledger of level changes): a pack reads its week as of the week's
    deadline, and a test writes its records today, after the deadlines of the weeks it
    asks about. Only moves times back."""
    from django.apps import apps

    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        for name in ("created_at", "history_date", "changed_at", "computed_at"):
            if name in names:
                model._default_manager.filter(**{f"{name}__gt": moment}).update(**{name: moment})


def set_level(institution, level, at=None):
    """An approved ``level`` for ``institution`` at ``at`` (now by default), as the rating's
    services keep it: an assessment, the rating state and the ledger's change."""
    from django.utils import timezone

    from risklists.models import Assessment, ChangeKind, LevelChange, RatingState, ReviewState

    at = at or timezone.now()
    assessment = Assessment.objects.create(
        institution=institution, level=level, computed_at=at, state=ReviewState.APPROVED
    )
    state, _created = RatingState.objects.get_or_create(institution=institution)
    previous = state.approved_level
    state.current = state.proposal = assessment
    state.refresh_levels()
    state.save()
    LevelChange.objects.create(
        institution=institution,
        assessment=assessment,
        level=level,
        previous_level=previous,
        kind=ChangeKind.APPROVED,
        changed_at=at,
    )
    return assessment
