import datetime

from django.core.management.base import BaseCommand, CommandError

from certificates.services.renewal import certificates_daily
from certify.jobs import SweepFailed


class Command(BaseCommand):
    help = (
        "Run the certificates' daily job: surveillance audits, reminders and overdue flags, "
        "renewal notices, suspension limits, expiry. Safe to run more than once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD), e.g. to catch up.")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD.") from exc
        try:
            certificates_daily(today=today)
        except SweepFailed as exc:
            raise CommandError(f"The daily job finished with failures: {exc}") from exc
        self.stdout.write(self.style.SUCCESS("Certificates' daily job done."))
