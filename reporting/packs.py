"""Packs of spreadsheets: which attachment tables a set has, and writing a whole pack.

A pack is built for a unit and a reporting week, with the unit's view of the data — never
with the view of whoever asked for it — so the same period always gives the same pack,
whether the county section asked from a page, Celery beat built it on Tuesday after the
deadline or someone ran ``manage.py weekly_report``. Each attachment is written to its own
.xlsx file, then all of them into one zip.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit
from accounts.viewers import UnitViewer
from core import clock
from screening.selectors.four_looks import campaign_start

from .choices import ReportSet
from .periods import ReportingWeek
from .xlsx.district import Attachment, ReportContext

# progress(done_steps, total_steps, label): called before each step and at the end.
Progress = Callable[[int, int, str], None]


def attachments_of(report_set: str) -> dict[int, Attachment]:
    """The attachment tables of a set, by number."""
    if report_set == ReportSet.DISTRICT_WEEKLY:
        from .xlsx.district import DISTRICT_ATTACHMENTS

        return DISTRICT_ATTACHMENTS
    if report_set == ReportSet.BASELINE:
        from .xlsx.baseline import BASELINE_ATTACHMENTS

        return BASELINE_ATTACHMENTS
    if report_set == ReportSet.ROLLUP_WEEKLY:
        from .xlsx.rollup import ROLLUP_ATTACHMENTS

        return ROLLUP_ATTACHMENTS
    raise KeyError(report_set)


def context_for(unit: OrgUnit, week: ReportingWeek, now: datetime | None = None) -> ReportContext:
    """The unit's view of ``week``, read as of the week's deadline (or now, when not yet due):
    one cut-off for every figure of the pack."""
    return ReportContext(
        UnitViewer(unit),
        unit,
        week,
        campaign_start(week.last_day),
        cutoff=week.cutoff(now or clock.now()),
    )


@dataclass(frozen=True)
class PackChecks:
    """What a built pack says about itself: its cut-off, the identities it breaks (empty:
    every one holds) and the townships whose weekly report was not in by the cut-off."""

    cutoff: datetime | None
    failures: list
    not_reported: list[str]


def checks_of(context: ReportContext) -> PackChecks:
    """Reconcile the tables ``context`` has written (``reporting.reconcile``)."""
    from .reconcile import PackFigures, reconcile

    figures = context.cache.get("figures") or PackFigures()
    not_reported = []
    if figures.not_reported is not None:
        not_reported = list(figures.not_reported)
    elif figures.results is not None:
        not_reported = [row.township.name for row in figures.results.rows if row.reported is False]
    return PackChecks(context.cutoff, reconcile(figures), not_reported)


ZIP_STEMS = {
    ReportSet.DISTRICT_WEEKLY: gettext_lazy("weekly report attachments"),
    ReportSet.BASELINE: gettext_lazy("baseline screening attachments"),
    ReportSet.ROLLUP_WEEKLY: gettext_lazy("roll-up of the counties' weekly attachments"),
}


def zip_name(unit: OrgUnit, report_set: str, week: ReportingWeek) -> str:
    """E.g. 衡山县_2026-W48_周报附件.zip"""
    name = f"{unit.name}_{week.label}_{ZIP_STEMS[report_set]}.zip"
    return name.replace("/", "_").replace(" ", "_")


def write_attachment(attachment: Attachment, context: ReportContext, target: Path) -> None:
    """Write one attachment table to ``target`` (an .xlsx path)."""
    from .xlsx import district

    writer = getattr(district, "write_attachment", None)
    if writer is not None:
        writer(attachment, context, target)
        return
    workbook = district.render_table(
        attachment.table,
        attachment.rows(context),
        unit_name=context.unit.bureau_name,
        report_date=context.report_date,
    )
    workbook.save(target)


@contextlib.contextmanager
def _closing(context: ReportContext):
    """Whatever the pack read ahead and did not use is stopped when it ends (or fails)."""
    try:
        yield
    finally:
        context.close()


@dataclass(frozen=True)
class PackFile:
    number: int | None  # None: the zip of all
    title: str
    path: Path


def write_pack(
    report_set: str,
    unit: OrgUnit,
    week: ReportingWeek,
    directory: Path,
    progress: Progress | None = None,
    context: ReportContext | None = None,
) -> tuple[list[PackFile], PackFile]:
    """Write every attachment of ``report_set`` for ``unit`` and ``week`` into ``directory``,
    then the zip of them all. Returns the attachment files and the zip; ``checks_of(context)``
    then says whether the pack agrees with itself."""
    directory.mkdir(parents=True, exist_ok=True)
    attachments = attachments_of(report_set)
    context = context or context_for(unit, week)
    total = len(attachments) + 1
    files: list[PackFile] = []
    with translation.override(settings.LANGUAGE_CODE), _closing(context):
        if report_set in (ReportSet.DISTRICT_WEEKLY, ReportSet.ROLLUP_WEEKLY):
            from .xlsx.district import read_ahead

            read_ahead(context)
        for done, (number, attachment) in enumerate(sorted(attachments.items())):
            title = str(attachment.table.title)
            if progress:
                progress(
                    done,
                    total,
                    _("Writing attachment %(number)d: %(title)s")
                    % {
                        "number": number,
                        "title": title,
                    },
                )
            path = directory / attachment.filename
            write_attachment(attachment, context, path)
            files.append(PackFile(number, title, path))
        if progress:
            progress(total - 1, total, _("Packing the zip file"))
        archive = directory / zip_name(unit, report_set, week)
        # .xlsx files are zip archives already: stored, not compressed twice.
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
            for file in files:
                bundle.write(file.path, arcname=file.path.name)
        if progress:
            progress(total, total, _("Ready"))
        return files, PackFile(None, ReportSet(report_set).label, archive)
