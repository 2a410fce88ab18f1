"""Write a unit's pack of a week into a folder: the same files the pages and Celery give."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import OrgUnit, UnitLevel
from reporting.choices import ReportSet
from reporting.packs import write_pack
from reporting.periods import ReportingWeek


class Command(BaseCommand):
    help = (
        "Write the attachment tables of a reporting week as .xlsx files and a zip of them "
        "all, e.g. `weekly_report --week 2022-W21 --out DIR`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", required=True, help="ISO week of the deadline: 2022-W21")
        parser.add_argument("--out", required=True, help="folder to write the files into")
        parser.add_argument(
            "--unit",
            help="the unit (name, division code or id); default: the only county",
        )
        parser.add_argument(
            "--set",
            dest="report_set",
            default=ReportSet.DISTRICT_WEEKLY,
            choices=ReportSet.values,
            help="which pack (default: the district plan's weekly attachments 1–6)",
        )

    def handle(self, *args, week, out, unit=None, report_set, **options):
        try:
            period = ReportingWeek.parse(week)
        except ValueError as exc:
            raise CommandError(f"--week: expected a week like 2022-W21, got {week!r}") from exc
        target = self.unit(unit)
        files, archive = write_pack(report_set, target, period, Path(out))
        for file in [*files, archive]:
            self.stdout.write(str(file.path))

    def unit(self, value):
        if value:
            query = OrgUnit.objects.filter(name=value) | OrgUnit.objects.filter(code=value)
            if value.isdigit():
                query |= OrgUnit.objects.filter(pk=int(value))
            units = list(query.distinct())
            if len(units) != 1:
                raise CommandError(f"--unit {value!r}: {len(units)} units match")
            return units[0]
        counties = list(OrgUnit.objects.filter(level=UnitLevel.COUNTY)[:2])
        if len(counties) != 1:
            raise CommandError("Several counties (or none): name one with --unit.")
        return counties[0]
