import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devtools import bench, synthetic

ORDER = [
    "rate_all",
    "risk_list_page",
    "institution_list_page",
    "institution_page",
    "export_50k",
    "api_institutions",
    "dashboard_transfer",
    "load",
    "outbox_sync",
    "weekly_pack",
    "rollup_pack",
]
# Run by this process itself: they start gunicorn (and a browser, or locust) of their own.
SERVED = ("dashboard_transfer", "load", "outbox_sync")


class Command(BaseCommand):
    help = (
        "Run the benchmarks on this database at the size of BENCH_INSTITUTIONS (generating the "
        "synthetic province first when the database has none) and print one BENCH line each."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--institutions", type=int, default=int(os.environ.get("BENCH_INSTITUTIONS", 50000))
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--only", nargs="+", choices=ORDER, default=None)
        parser.add_argument("--skip", nargs="+", choices=ORDER, default=())
        parser.add_argument("--load-users", type=int, default=100)
        parser.add_argument("--load-seconds", type=int, default=60)
        parser.add_argument(
            "--load-warmup",
            type=int,
            default=20,
            help="Seconds the same users work first, unmeasured (warm worker processes).",
        )
        parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8101)))
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="Run every benchmark in this process (peak memory is then the largest so far).",
        )
        # Internal: run one benchmark in this process (the parent measures each apart).
        parser.add_argument("--run", choices=ORDER, help="(internal)")

    def handle(self, *args, **options):
        if options["run"]:
            result = bench.run(options["run"])
            if result is None:
                self.stdout.write(f"# {options['run']}: not measured (see docs/performance.md)")
            else:
                self.stdout.write(result.line())
            return
        self.ensure_data(options["institutions"], options["seed"])
        names = [n for n in (options["only"] or ORDER) if n not in options["skip"]]
        missed = []
        if any(name in SERVED for name in names):
            # The servers run as deployed: hashed, compressed static files from collectstatic.
            call_command("collectstatic", interactive=False, verbosity=0)
        for name in names:
            if name == "load":
                if connection.vendor != "postgresql":
                    self.stdout.write("# load: not measured (it needs PostgreSQL)")
                    continue
                line = bench.bench_load(
                    users=options["load_users"],
                    seconds=options["load_seconds"],
                    port=options["port"],
                    warmup=options["load_warmup"],
                ).line()
            elif name == "outbox_sync":
                line = bench.bench_outbox_sync(port=options["port"] + 2).line()
            elif name == "dashboard_transfer":
                line = bench.bench_dashboard_transfer(port=options["port"] + 1).line()
            elif options["in_process"]:
                result = bench.run(name)
                line = result.line() if result else f"# {name}: not measured"
            else:
                line = self.run_apart(name)
            self.stdout.write(line)
            if " ok=no" in line:
                missed.append(name)
        if missed:
            raise CommandError(f"Over target (docs/performance.md): {', '.join(missed)}")

    def ensure_data(self, size: int, seed: int):
        existing = synthetic.existing_size()
        if existing == size:
            return
        if existing is not None:
            raise CommandError(
                f"This database holds a synthetic province of {existing} institutions, not "
                f"{size}: point DATABASE_URL at a fresh database (or set BENCH_INSTITUTIONS)."
            )
        self.stdout.write(f"# generating {size} institutions (seed {seed}) …")
        call_command("generate_synthetic", institutions=size, seed=seed, stdout=self.stdout)

    def run_apart(self, name: str):
        """One benchmark in a fresh process, so that its peak memory is its own."""
        manage = Path(settings.BASE_DIR) / "manage.py"
        connection.close()
        completed = subprocess.run(  # noqa: S603 (this very command)
            [sys.executable, str(manage), "bench", "--run", name],
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [line for line in completed.stdout.splitlines() if line.startswith(("BENCH", "#"))]
        if completed.returncode != 0:
            raise CommandError(f"{name} failed:\n{completed.stderr[-3000:]}")
        return "\n".join(lines)
