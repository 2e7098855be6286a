"""A manager links a complaint about an organisation to the certificate it
concerns when the filer gave no number, or a wrong one."""

import pytest
from django.urls import reverse

from certificates.models import Complaint
from certificates.services import complaint as services
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import Event
from tests.certificates.complaints_helpers import advance, decided_case, file_complaint
from tests.certificates.helpers import certificate_row
from tests.factories import ManagerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def complaint():
    return file_complaint(about=Complaint.About.ORGANISATION, organisation_name="福州示例家电有限公司")


@pytest.fixture
def certificate(organisation, manager):
    return certificate_row(organisation, manager)


@pytest.fixture
def other_manager(db):
    return ManagerFactory()


def test_a_complaint_without_a_number_is_linked_to_the_certificate_found_by_its_number(
    complaint, certificate, other_manager
):
    linked = services.complaint_certificate_link(
        actor=other_manager, complaint=complaint, number=f" {certificate.number.lower()} "
    )
    assert linked.certificate == certificate


def test_the_link_is_recorded_in_the_complaints_history(complaint, certificate, other_manager):
    services.complaint_certificate_link(actor=other_manager, complaint=complaint, number=certificate.number)
    event = Event.objects.get(object_id=complaint.pk, verb="complaint.certificate_linked")
    assert (event.actor, event.data["certificate"]) == (other_manager, certificate.number)


def test_an_unknown_number_is_refused_naming_it(complaint, other_manager):
    with pytest.raises(CertifyError, match="No certificate has the number 00000XX00000R0"):
        services.complaint_certificate_link(actor=other_manager, complaint=complaint, number="00000xx00000r0")


def test_a_manager_who_decided_the_certificate_may_not_link_it(complaint, certificate, manager):
    # `manager` made the certificate's decision (certificate_row).
    with pytest.raises(NotAllowed, match="You made the certification decision on the certificate complained about, so anot"):
        services.complaint_certificate_link(actor=manager, complaint=complaint, number=certificate.number)
    complaint.refresh_from_db()
    assert complaint.certificate is None


def test_a_manager_who_audited_the_certificates_case_may_not_link_it(
    complaint, applicant, organisation, manager
):
    _case, lead, _member, certificate = decided_case(applicant, organisation, manager)
    lead.is_manager = True
    lead.save(update_fields=["is_manager"])
    with pytest.raises(NotAllowed, match="You were on an audit team of the certificate's application, so another manager m"):
        services.complaint_certificate_link(actor=lead, complaint=complaint, number=certificate.number)


def test_the_certificate_is_linked_before_the_investigation_starts(complaint, certificate, other_manager):
    complaint = advance(complaint, other_manager, until=Complaint.Status.INVESTIGATING)
    with pytest.raises(InvalidTransition, match="The certificate is linked before the investigation starts"):
        services.complaint_certificate_link(actor=other_manager, complaint=complaint, number=certificate.number)


def test_a_complaint_about_the_body_is_linked_to_no_certificate(certificate, other_manager):
    complaint = file_complaint()
    with pytest.raises(InvalidTransition, match="Only a complaint about a certified organisation concerns a certificate"):
        services.complaint_certificate_link(actor=other_manager, complaint=complaint, number=certificate.number)


def test_the_manager_links_it_from_the_complaints_page(client, complaint, certificate, other_manager):
    client.force_login(other_manager)
    url = reverse("certificates:complaint_certificate_link", args=[complaint.public_id])
    response = client.post(url, {"link-number": certificate.number}, follow=True)
    complaint.refresh_from_db()
    assert complaint.certificate == certificate
    assert 'data-testid="complaint-certificate"' in response.content.decode()


def test_an_empty_number_on_the_page_says_what_is_missing(english_client, complaint, other_manager):
    english_client.force_login(other_manager)
    url = reverse("certificates:complaint_certificate_link", args=[complaint.public_id])
    response = english_client.post(url, {"link-number": ""}, follow=True)
    assert [str(message) for message in response.context["messages"]] == ["Give the certificate's number."]


def test_the_page_offers_the_link_form_to_a_manager_while_the_complaint_is_identified(
    client, complaint, other_manager
):
    client.force_login(other_manager)
    content = client.get(reverse("certificates:complaint_detail", args=[complaint.public_id])).content.decode()
    assert 'data-testid="certificate-link"' in content


def test_the_page_offers_no_link_form_once_the_investigation_started(client, complaint, other_manager):
    complaint = advance(complaint, other_manager, until=Complaint.Status.INVESTIGATING)
    client.force_login(other_manager)
    content = client.get(reverse("certificates:complaint_detail", args=[complaint.public_id])).content.decode()
    assert 'data-testid="certificate-link"' not in content
