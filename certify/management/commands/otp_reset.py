from django.core.management.base import BaseCommand, CommandError

from certify.models import User
from certify.second_factor import second_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a staff member's second factor (authenticator and recovery codes), so they set up "
        "a new one at their next sign-in. For the last manager; otherwise a manager does it on the "
        "person's page."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email}.")
        if not user.is_staff_member:
            raise CommandError(f"{email} is not an auditor or a manager: they have no second factor.")
        removed = second_factor_reset(actor=None, user=user)
        self.stdout.write(f"Reset the second factor of {user.email} ({removed} item(s) removed).")
