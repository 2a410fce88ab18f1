import time

from django.core.management.base import BaseCommand, CommandError

from devtools.synthetic import PASSWORD, SyntheticBuilder, existing_size, username


class Command(BaseCommand):
    help = (
        "Generate a province-size synthetic data set (province → cities → counties → "
        "townships → villages, institutions with their records, ratings and disposal) for "
        "the benchmarks. The same --seed and --institutions give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--institutions", type=int, default=50000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, **options):
        size = existing_size()
        if size is not None:
            raise CommandError(
                f"This database already holds a synthetic province of {size} institutions; "
                "use a fresh database."
            )
        started = time.monotonic()
        summary = SyntheticBuilder(
            options["institutions"],
            seed=options["seed"],
            batch_size=options["batch_size"],
            log=lambda line: self.stdout.write(f"  {line}") if options["verbosity"] > 1 else None,
        ).build()
        seconds = time.monotonic() - started
        rows = ", ".join(f"{name} {n}" for name, n in sorted(summary.rows.items()))
        self.stdout.write(
            f"Synthetic province: {summary.total_rows} rows in {seconds:.1f} s ({rows})."
        )
        self.stdout.write(
            f"Logins (password {PASSWORD}): {username('c', 0)} (county section), "
            f"{username('l', 0)} (leader), {username('t', 0)} (township staff) …"
        )
