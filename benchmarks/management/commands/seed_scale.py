import time

from django.core.management.base import BaseCommand, CommandError

from benchmarks.scale import DatabaseNotEmpty, seed_scale


class Command(BaseCommand):
    help = (
        "Build a certification body's ten years of data with bulk inserts (for benchmarks): "
        "N organisations, 2.5 N cases in every state, their audits, nonconformities, events and "
        "certificates. Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Add to a database that already holds data.")

    def handle(self, *args, **options):
        if options["organisations"] < 1:
            raise CommandError("--organisations must be at least 1.")
        started = time.perf_counter()
        try:
            seed_scale(
                options["organisations"],
                seed=options["seed"],
                force=options["force"],
                log=lambda line: self.stdout.write(f"  {line}"),
            )
        except DatabaseNotEmpty as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.0f} s."))
