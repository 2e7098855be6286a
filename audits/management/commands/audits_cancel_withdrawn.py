from django.core.management.base import BaseCommand

from audits.services import audits_cancel_for_withdrawn_cases


class Command(BaseCommand):
    help = "Cancel the open audits of withdrawn applications."

    def handle(self, *args, **options):
        self.stdout.write(f"Cancelled {audits_cancel_for_withdrawn_cases()} audit(s).")
