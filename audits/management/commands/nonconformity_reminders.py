from django.core.management.base import BaseCommand

from audits.services.nonconformity import nonconformity_reminders


class Command(BaseCommand):
    help = "Remind organisations of nonconformity answers that are due soon or overdue (each reminder once)."

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {nonconformity_reminders()} reminder(s).")
