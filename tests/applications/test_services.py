"""organisation_create: the applicant's first step."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404

from applications import services
from applications.models import Membership, Organisation
from applications.selectors import organisation as selectors
from certify.exceptions import CertifyError, NotAllowed
from certify.models import Event, Notification
from tests.factories import ManagerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CODE = "91350100M000100Y43"


def create(actor, uscc=CODE, legal_name="福建示例有限公司"):
    return services.organisation_create(actor=actor, legal_name=legal_name, uscc=uscc)


def test_an_applicant_creates_its_organisation(applicant_without_organisation):
    organisation = create(applicant_without_organisation)

    assert (organisation.legal_name, organisation.uscc) == ("福建示例有限公司", CODE)
    assert organisation.created_by == applicant_without_organisation


def test_the_creator_becomes_the_organisations_admin(applicant_without_organisation):
    organisation = create(applicant_without_organisation)

    membership = Membership.objects.get(user=applicant_without_organisation)
    assert membership.organisation == organisation
    assert membership.role == Membership.Role.ADMIN


def test_the_creator_can_see_the_new_organisation(applicant_without_organisation):
    organisation = create(applicant_without_organisation)

    assert (
        selectors.organisation_get_for_user(applicant_without_organisation, organisation.public_id)
        == organisation
    )


def test_the_code_is_stored_normalised(applicant_without_organisation):
    organisation = create(
        applicant_without_organisation, uscc=" ９１３５０１００ｍ０００１００ｙ４３ "
    )

    assert organisation.uscc == CODE


def test_the_legal_name_is_stored_with_single_spaces(applicant_without_organisation):
    organisation = create(applicant_without_organisation, legal_name="  Fujian   Example  Ltd ")

    assert organisation.legal_name == "Fujian Example Ltd"


def test_creating_an_organisation_writes_an_event(applicant_without_organisation):
    organisation = create(applicant_without_organisation)

    event = Event.objects.get(
        content_type=ContentType.objects.get_for_model(Organisation), object_id=organisation.pk
    )
    assert event.verb == "organisation.created"


def test_creating_an_organisation_keeps_its_first_version_in_the_history(
    applicant_without_organisation,
):
    organisation = create(applicant_without_organisation)

    assert organisation.history.get().history_user == applicant_without_organisation


def test_every_active_manager_is_notified(applicant_without_organisation, manager):
    inactive = ManagerFactory(is_active=False)

    create(applicant_without_organisation)

    assert list(Notification.objects.values_list("recipient", flat=True)) == [manager.pk]
    assert not Notification.objects.filter(recipient=inactive).exists()


def test_the_managers_email_goes_out_after_commit(
    applicant_without_organisation, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        create(applicant_without_organisation)

    assert [message.to for message in mail.outbox] == [[manager.email]]


def test_a_taken_code_is_refused_with_the_advice_to_ask_for_an_invitation(
    organisation, applicant_without_organisation
):
    with pytest.raises(CertifyError, match="An organisation with this unified social credit code is already registered") as caught:
        create(applicant_without_organisation, uscc=organisation.uscc)

    assert caught.value.message == (
        "An organisation with this unified social credit code is already registered. "
        "Ask its administrator to invite you."
    )


def test_a_taken_code_gives_no_membership(organisation, applicant_without_organisation):
    with pytest.raises(CertifyError, match="An organisation with this unified social credit code is already registered"):
        create(applicant_without_organisation, uscc=organisation.uscc)

    assert not Membership.objects.filter(user=applicant_without_organisation).exists()


def test_a_taken_code_gives_no_access_to_that_organisation(
    organisation, applicant_without_organisation
):
    with pytest.raises(CertifyError, match="An organisation with this unified social credit code is already registered"):
        create(applicant_without_organisation, uscc=organisation.uscc)

    with pytest.raises(Http404):
        selectors.organisation_get_for_user(applicant_without_organisation, organisation.public_id)


def test_a_taken_code_written_differently_is_still_taken(
    organisation, applicant_without_organisation
):
    with pytest.raises(CertifyError, match="already registered"):
        create(applicant_without_organisation, uscc=organisation.uscc.lower())


def test_an_invalid_code_is_refused_with_the_validators_message(applicant_without_organisation):
    with pytest.raises(CertifyError, match="should be “3” but is “4”"):
        create(applicant_without_organisation, uscc="91350100M000100Y44")

    assert not Organisation.objects.exists()


def test_a_checksum_failing_pilot_code_is_refused_to_an_applicant(applicant_without_organisation):
    with pytest.raises(CertifyError, match="check character"):
        create(applicant_without_organisation, uscc="91350100M0001TGQXM")


def test_an_empty_legal_name_is_refused(applicant_without_organisation):
    with pytest.raises(CertifyError, match="legal name"):
        create(applicant_without_organisation, legal_name="   ")


def test_someone_who_already_belongs_to_an_organisation_cannot_create_another(applicant):
    with pytest.raises(CertifyError, match="already belong"):
        create(applicant)

    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("actor_name", ["auditor", "manager"])
def test_only_an_applicant_may_create_an_organisation(request, actor_name):
    actor = request.getfixturevalue(actor_name)

    with pytest.raises(NotAllowed, match="Only an applicant account can create an organisation"):
        create(actor)


def test_an_organisation_cannot_be_deleted(organisation):
    with pytest.raises(ValidationError):
        organisation.delete()
