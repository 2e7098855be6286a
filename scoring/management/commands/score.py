"""Rate marks against a scheme from the command line.

    python manage.py score FILE      (FILE a path, or - for standard input)

Prints the result as JSON and exits 0; invalid input prints one line naming
the problem on standard error and exits 2.
"""

import json
import sys

from django.core.management.base import BaseCommand

from scoring import engine
from scoring.selectors import engine_scheme, scheme_version_latest_published


class Command(BaseCommand):
    help = "Rate marks against a scheme (JSON in, JSON out). FILE is a path or - for stdin."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file, or - for standard input")

    def handle(self, *args, **options):
        try:
            output = self._rate(options["file"])
        except (engine.InvalidInput, OSError, UnicodeDecodeError) as exc:
            self._refuse(str(exc))
        except json.JSONDecodeError as exc:
            self._refuse(f"the input is not valid JSON: {exc}")
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))

    def _refuse(self, message):
        self.stderr.write(f"score: {message}".splitlines()[0])
        sys.exit(2)

    def _rate(self, path):
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        data = json.loads(text)
        if not isinstance(data, dict):
            raise engine.InvalidInput("the input must be a JSON object")
        if "scheme" not in data:
            raise engine.InvalidInput("the input is missing 'scheme'")
        scheme_data = data["scheme"]
        if isinstance(scheme_data, str):
            number = data.get("version")
            if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
                raise engine.InvalidInput("'version' must be a whole number")
            version = scheme_version_latest_published(scheme_data, number)
            if version is None:
                raise engine.InvalidInput(
                    f"no published version {number} of scheme {scheme_data}"
                    if number is not None
                    else f"no published version of scheme {scheme_data}"
                )
            scheme = engine_scheme(version)
        else:
            scheme = engine.scheme_from_dict(scheme_data)
        return engine.result_to_dict(engine.rate_request(data, scheme))
