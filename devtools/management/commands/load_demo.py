from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.demo import DEMO_PASSWORD, demo_logins
from accounts.models import Role
from devtools.demo import DemoBuilder


class Command(BaseCommand):
    help = "Load the demo county (衡山县) with demo users. Running it again changes nothing."

    def handle(self, *args, **options):
        summary = DemoBuilder().build()
        self.stdout.write(
            f"Demo county loaded: {summary.units} new units, {summary.users} new users, "
            f"{summary.institutions} new institutions/venues."
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        labels = dict(Role.choices)
        for username, role, unit in demo_logins():
            self.stdout.write(f"  {username:<12} {_(labels[role])} · {unit}")
