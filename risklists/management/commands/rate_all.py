"""Re-rate every institution on the registry now (the nightly job, on demand)."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from risklists.engine import LEVEL_LABELS, LEVELS
from risklists.tasks import rate_all


class Command(BaseCommand):
    help = "Re-rate every institution on the registry; prints counts per level and the time taken."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Rate as of this date (YYYY-MM-DD); default: today.",
        )

    def handle(self, *args, today=None, **options):
        # Called directly (not .delay): the command runs in this process, whatever the broker.
        result = rate_all(today=today.isoformat() if today else None)
        levels = result["levels"]
        for level in reversed(LEVELS):
            self.stdout.write(f"{LEVEL_LABELS[level]} ({level}): {levels.get(level, 0)}")
        self.stdout.write(
            _("%(rated)d institutions rated, %(created)d new proposals, in %(seconds)s s.") % result
        )
