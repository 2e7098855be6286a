from django.core.management.base import BaseCommand, CommandError

from certify.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup (from `manage.py backup`) into an empty database and media directory."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup's directory")

    def handle(self, *args, source, **options):
        try:
            count = backup_restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the database and {count} files from {source}.")
