import factory
from django.utils import timezone

from applications.models import Membership, Organisation
from certify.models import User

# Valid codes (DOMAIN 6.3 and computed ones) for organisations in tests.
VALID_USCCS = [
    "91350100M000100Y43",
    "914403001922038216",
    "9144030071526726XG",
    "91330100716105852F",
    "91110000MA00000152",
    "91440300MA5F0000X1",
]

PASSWORD = "correct-horse-battery-staple"


def uscc_for(number):
    """A valid code for any number, so factories never collide."""
    from applications.uscc import uscc_check_char

    first17 = f"9111000{number:010d}"
    return first17 + uscc_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)


class ApplicantFactory(UserFactory):
    is_applicant = True


class AuditorFactory(UserFactory):
    is_auditor = True


class ManagerFactory(UserFactory):
    is_manager = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    legal_name = factory.Sequence(lambda n: f"示例企业 {n} 有限公司")
    uscc = factory.Sequence(lambda n: uscc_for(n + 1))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(ApplicantFactory)
    role = Membership.Role.ADMIN
