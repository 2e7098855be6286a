from django.core.management.base import BaseCommand

from applications.services.deadlines import case_deadlines_notify


class Command(BaseCommand):
    help = "Flag overdue application reviews and supplement answers, notifying once."

    def handle(self, *args, **options):
        flagged = case_deadlines_notify()
        self.stdout.write(f"Flagged {flagged} overdue case(s).")
