from datetime import date

from django.core.management.base import BaseCommand

from disposal.services.actions import flag_overdue_actions


class Command(BaseCommand):
    help = "Flag disposal actions past their deadline (what the daily Celery task does)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)

    def handle(self, *args, today=None, **options):
        if isinstance(today, str):
            today = date.fromisoformat(today)
        flagged = flag_overdue_actions(today=today)
        self.stdout.write(f"{flagged} action(s) flagged overdue.")
