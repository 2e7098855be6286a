import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benchmarks.harness import NoData, measure_pages


class Command(BaseCommand):
    help = "Measure the key pages and the floor on the configured database; write JSON."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=100)
        parser.add_argument("--json", dest="json_path", help="Write the results here.")

    def handle(self, *args, **options):
        try:
            results = measure_pages(repeat=options["repeat"])
        except NoData as exc:
            raise CommandError(str(exc)) from exc
        for row in results:
            self.stdout.write(
                f"  {row['name']:28} {row['queries']:3} queries  median {row['median_ms']:8.2f} ms"
                f"  p95 {row['p95_ms']:8.2f} ms"
            )
        if options["json_path"]:
            Path(options["json_path"]).write_text(json.dumps(results, indent=2, ensure_ascii=False))
