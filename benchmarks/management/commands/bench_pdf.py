import json
from pathlib import Path

from django.core.management.base import BaseCommand

from benchmarks.pdf import memory_growth, render_times


class Command(BaseCommand):
    help = "Time certificate PDFs in a warm process, or measure memory over many in a row; write JSON."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["time", "memory"])
        parser.add_argument("--json", dest="json_path")

    def handle(self, *args, **options):
        result = render_times() if options["what"] == "time" else memory_growth()
        self.stdout.write(f"  {result}")
        if options["json_path"]:
            Path(options["json_path"]).write_text(json.dumps(result, indent=2))
