from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certify.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and the uploaded files into a new directory."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="where the backup's directory is made (default: var/backups)",
        )

    def handle(self, *args, output, **options):
        try:
            target = backup_write(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(target))
