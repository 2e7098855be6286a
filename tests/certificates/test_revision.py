"""A revision replaces a valid certificate with a lower level, a smaller
scope, or the holder's new name or address."""

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from certify.exceptions import CertifyError
from tests.certificates.helpers import certificate_row, reason
from tests.factories import ManagerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW_NAME = "福州示例家电科技有限公司"
NEW_ADDRESS = "福州市仓山区金山大道 88 号"


@pytest.fixture
def certificate(organisation, manager):
    return certificate_row(organisation, manager)


@pytest.fixture
def decider(db):
    # Not the manager who decided the certificate: a revision is a decision.
    return ManagerFactory()


def revise(certificate, actor, **changes):
    return services.certificate_revise(
        actor=actor, certificate=certificate, reason_code=reason("revise", "V03"), **changes
    )


def test_a_revision_takes_the_holders_new_name_and_keeps_its_code(certificate, decider):
    revision = revise(certificate, decider, holder_name=NEW_NAME)
    assert (revision.holder_name, revision.holder_uscc) == (NEW_NAME, certificate.holder_uscc)


def test_a_revision_takes_the_holders_new_address(certificate, decider):
    revision = revise(certificate, decider, holder_address=NEW_ADDRESS)
    assert (revision.holder_address, revision.holder_name) == (NEW_ADDRESS, certificate.holder_name)


def test_a_revision_with_the_new_name_supersedes_the_certificate(certificate, decider):
    revise(certificate, decider, holder_name=NEW_NAME)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUPERSEDED


def test_a_revision_that_changes_nothing_is_refused(certificate, decider):
    with pytest.raises(CertifyError, match="the revision would be the same as the certificate"):
        revise(
            certificate,
            decider,
            holder_name=f" {certificate.holder_name} ",
            holder_address=certificate.holder_address,
            scope=certificate.scope,
        )


def revise_on_the_page(client, certificate, **fields):
    data = {
        "revise-level_code": certificate.level_code,
        "revise-scope": certificate.scope,
        "revise-holder_name": certificate.holder_name,
        "revise-holder_address": certificate.holder_address,
        "revise-reason_code": reason("revise", "V03"),
        **{f"revise-{name}": value for name, value in fields.items()},
    }
    return client.post(reverse("certificates:certificate_revise", args=[certificate.public_id]), data, follow=True)


def test_the_manager_gives_the_new_name_on_the_certificates_page(client, certificate, decider):
    client.force_login(decider)
    response = revise_on_the_page(client, certificate, holder_name=NEW_NAME)
    revision = Certificate.objects.get(predecessor=certificate)
    assert revision.holder_name == NEW_NAME
    assert response.redirect_chain[-1][0] == reverse("certificates:certificate_detail", args=[revision.public_id])


def test_the_page_refuses_a_revision_without_the_holders_name(english_client, certificate, decider):
    english_client.force_login(decider)
    response = revise_on_the_page(english_client, certificate, holder_name="")
    assert not Certificate.objects.filter(predecessor=certificate).exists()
    assert [str(message) for message in response.context["messages"]] == [
        "Choose the level, describe the scope, give the holder's name and choose a reason."
    ]


def test_the_revisions_list_shows_the_replaced_revision_as_cancelled_for_a_revision(
    english_client, certificate, decider
):
    revision = revise(certificate, decider, holder_name=NEW_NAME)
    english_client.force_login(decider)

    response = english_client.get(reverse("certificates:certificate_detail", args=[revision.public_id]))

    # The revision itself is valid; only the list names the one it replaced.
    assert "Cancelled (revised)" in response.content.decode()


def test_the_admin_list_names_the_replaced_certificate_as_cancelled_for_a_revision(
    english_client, certificate, decider
):
    revise(certificate, decider, holder_name=NEW_NAME)
    english_client.force_login(decider)

    response = english_client.get(reverse("admin:certificates_certificate_changelist"))

    assert "Cancelled (revised)" in response.content.decode()
