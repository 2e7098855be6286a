"""Memberships are ended, never deleted; a member cannot be staff, nor staff
a member; and whoever is or was a member never reviews, audits, decides or
handles a complaint or appeal about the organisation (ISO/IEC 17065 4.2)."""

import pytest
from django.urls import reverse

from applications import services as case_services
from applications.models import Membership
from applications.services import (
    invitation_accept,
    invitation_create,
    membership_remove,
    organisation_create,
)
from audits import services as audit_services
from certificates import services as certificate_services
from certificates.models import Complaint
from certificates.services import complaint as services_complaints
from certify import services
from certify.exceptions import CertifyError, NotAllowed
from tests.applications.case_helpers import submitted_case
from tests.audits.helpers import planned_document_review, signed_case
from tests.certificates.complaints_helpers import decided_case, file_complaint
from tests.certificates.helpers import decision_pending_case
from tests.factories import ApplicantFactory, AuditorFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def colleague(organisation):
    return MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user


def leave(person):
    membership_remove(actor=person, membership=person.memberships.get())


def made_staff(manager, person, *, auditor=False, is_manager=False):
    return services.user_roles_set(
        actor=manager,
        user=person,
        is_applicant=True,
        is_auditor=auditor,
        is_manager=is_manager,
        is_active=True,
    )


# --- Ended, not deleted ------------------------------------------------------------


def test_leaving_ends_the_membership_and_keeps_its_record(organisation, colleague):
    leave(colleague)

    ended = Membership.with_ended.get(user=colleague)
    assert ended.ended_at is not None
    assert not colleague.memberships.exists()
    assert ended.organisation == organisation


def test_a_former_member_no_longer_sees_the_organisations_cases(
    client, applicant, organisation, colleague
):
    case = submitted_case(applicant, organisation)
    leave(colleague)
    client.force_login(colleague)

    response = client.get(reverse("applications:case_detail", args=[case.public_id]))

    assert response.status_code == 404


def test_a_former_member_may_join_another_organisation(colleague, outsider):
    leave(colleague)
    other = outsider.memberships.get().organisation
    invitation = invitation_create(actor=outsider, organisation=other, email=colleague.email)

    membership = invitation_accept(actor=colleague, token=invitation.token)

    assert membership.organisation == other


def test_the_member_count_leaves_out_former_members(client, manager, organisation, colleague):
    leave(colleague)
    client.force_login(manager)

    page = client.get(reverse("applications:organisation_list"))

    [row] = page.context["page"].object_list
    assert row.member_count == 1


def test_an_invitation_is_accepted_only_by_the_address_it_was_sent_to(applicant, organisation):
    invitation = invitation_create(actor=applicant, organisation=organisation, email="wu@example.com")
    holder_of_the_link = ApplicantFactory(email="someone-else@example.com")

    with pytest.raises(CertifyError, match="sent to wu@example.com"):
        invitation_accept(actor=holder_of_the_link, token=invitation.token)

    assert not holder_of_the_link.memberships.exists()


# --- Members are not staff, staff are not members -----------------------------------


@pytest.mark.parametrize("role", ["auditor", "is_manager"])
def test_a_member_cannot_be_given_a_staff_role(manager, colleague, role):
    with pytest.raises(CertifyError, match="Staff cannot belong to an organisation"):
        made_staff(manager, colleague, **{role: True})

    colleague.refresh_from_db()
    assert not colleague.is_staff_member


def test_a_former_member_may_be_given_a_staff_role(manager, colleague):
    leave(colleague)

    made_staff(manager, colleague, auditor=True)

    colleague.refresh_from_db()
    assert colleague.is_auditor


def test_staff_cannot_create_an_organisation(db):
    auditor = AuditorFactory(is_applicant=True)

    with pytest.raises(NotAllowed, match="Staff of the certification body"):
        organisation_create(actor=auditor, legal_name="审核员的公司", uscc="91350100M000100Y43")


# --- Former members judge nothing about the organisation ----------------------------


@pytest.fixture
def former_member_manager(manager, colleague):
    leave(colleague)
    return made_staff(manager, colleague, is_manager=True)


def test_a_former_member_cannot_review_the_organisations_application(
    applicant, organisation, former_member_manager
):
    case = submitted_case(applicant, organisation)

    with pytest.raises(NotAllowed, match="another manager must review"):
        case_services.case_review_start(actor=former_member_manager, case=case)


def test_a_former_member_cannot_decide_on_the_organisation(
    applicant, organisation, manager, former_member_manager
):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)

    with pytest.raises(NotAllowed, match="another manager must decide"):
        certificate_services.decision_record(
            actor=former_member_manager, case=case, outcome="certified", level_code="star3"
        )


def test_a_former_member_cannot_be_on_the_organisations_audit_team(
    applicant, organisation, manager, colleague
):
    case = signed_case(applicant, organisation, manager)
    audit = planned_document_review(case, manager)
    leave(colleague)
    former_member = made_staff(manager, colleague, auditor=True)
    audit_services.declaration_request(actor=manager, audit=audit, auditor=former_member)
    audit_services.conflict_declare(
        actor=former_member,
        organisation=organisation,
        no_consultancy=True,
        no_employment=True,
        no_other_interest=True,
    )

    with pytest.raises(CertifyError, match="is or was a member"):
        audit_services.audit_team_assign(actor=manager, audit=audit, lead=former_member)

    assert not audit.team.exists()


def test_a_former_member_cannot_handle_a_complaint_about_the_organisation(
    applicant, organisation, manager, former_member_manager
):
    _case, _lead, _member, certificate = decided_case(applicant, organisation, manager)
    complaint = file_complaint(
        about=Complaint.About.ORGANISATION,
        organisation_name=organisation.legal_name,
        certificate_number=certificate.number,
    )

    with pytest.raises(NotAllowed, match="member of the organisation complained about"):
        services_complaints.complaint_acknowledge(actor=former_member_manager, complaint=complaint, note="")


def test_a_former_member_cannot_handle_the_organisations_appeal(
    applicant, organisation, manager, former_member_manager
):
    case, _lead, _member, _certificate = decided_case(applicant, organisation, manager)
    appeal = services_complaints.appeal_file(actor=applicant, case=case, description="评分有误，请复核。")

    with pytest.raises(NotAllowed, match="member of the appealing organisation"):
        services_complaints.complaint_acknowledge(actor=former_member_manager, complaint=appeal, note="")
