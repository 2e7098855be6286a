"""The operator's way to an API token (shell access): prints the token and
a newline on stdout, nothing else, so scripts can capture it."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certify.exceptions import CertifyError
from certify.models import ApiToken, User
from certify.services import API_TOKEN_DEFAULT_DAYS, api_token_create


class Command(BaseCommand):
    help = "Create an API token for an active user and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", help='default: "cli YYYY-MM-DD"')
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        parser.add_argument("--days", type=int, default=API_TOKEN_DEFAULT_DAYS)

    def handle(self, *args, email, name, scope, days, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        if not user.is_active:
            raise CommandError(f"The account of {email} is deactivated.")
        name = name or f"cli {timezone.localdate():%Y-%m-%d}"
        try:
            row, token = api_token_create(actor=None, user=user, name=name, scope=scope, days=days)
        except CertifyError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(f"Token “{row.name}” ({row.scope}) for {user.email}, valid until {row.expires_at:%Y-%m-%d}.")
        self.stdout.write(token)
