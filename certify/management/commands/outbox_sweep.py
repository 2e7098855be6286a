from django.core.management.base import BaseCommand

from certify.outbox import outbox_sweep


class Command(BaseCommand):
    help = "Publish background work that could not be handed to the broker earlier."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=500, help="Publish at most this many messages."
        )

    def handle(self, *args, limit, **options):
        published = outbox_sweep(limit=limit)
        self.stdout.write(f"Published {published} outbox message(s).")
