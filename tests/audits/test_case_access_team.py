"""A case's access follows its audit teams: being put on a team opens the
case, its files and its contract; leaving the last team (taken off, or the
audit cancelled) closes them again, unless another team still gives them."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import CaseAccess
from applications.services import case_withdraw
from audits import services
from audits.models import Audit
from certify.models import Event
from tests.audits.helpers import (
    START,
    declared_auditor,
    passed_document_review,
    planned_document_review,
    running_onsite,
    signed_case,
    staffed_document_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(applicant, organisation, manager):
    case = signed_case(applicant, organisation, manager)
    # The contract's PDF is rendered after commit, which a test never reaches.
    case.contract.pdf.save("contract.pdf", ContentFile(b"%PDF-1.4 contract"))
    return case


def case_pages(case):
    material = case.materials.first()
    return [
        reverse("applications:case_detail", args=[case.public_id]),
        reverse("applications:contract_pdf", args=[case.public_id]),
        reverse("applications:material_download", args=[case.public_id, material.pk]),
    ]


def opens(client, user, case):
    client.force_login(user)
    return [client.get(url).status_code for url in case_pages(case)]


def test_an_auditor_put_on_the_document_review_team_opens_the_case_its_files_and_contract(
    client, case, manager
):
    _audit, lead = staffed_document_review(case, manager)

    assert opens(client, lead, case) == [200, 200, 200]


def test_an_auditor_put_on_the_onsite_team_opens_the_case(client, case, manager):
    audit, _lead, member = running_onsite(case, manager)

    assert audit.kind == Audit.Kind.ONSITE
    assert opens(client, member, case)[0] == 200


def test_an_auditor_taken_off_the_team_no_longer_opens_the_case_its_files_or_contract(
    client, case, manager
):
    audit, first_lead = staffed_document_review(case, manager)
    services.audit_team_assign(actor=manager, audit=audit, lead=declared_auditor(case.organisation))

    assert opens(client, first_lead, case) == [404, 404, 404]
    assert not CaseAccess.objects.filter(case=case, user=first_lead).exists()


def test_taking_an_auditor_off_a_team_is_recorded_in_the_case_history(case, manager):
    audit, first_lead = staffed_document_review(case, manager)
    services.audit_team_assign(actor=manager, audit=audit, lead=declared_auditor(case.organisation))

    event = Event.objects.get(verb="case.access_revoked", object_id=case.pk)
    assert event.data["user"] == first_lead.pk
    assert event.actor == manager


def test_an_auditor_still_on_another_team_of_the_case_keeps_it(client, case, manager):
    lead = passed_document_review(case, manager)
    onsite = services.audit_plan(
        actor=manager, case=case, kind=Audit.Kind.ONSITE, mode=Audit.Mode.ONSITE, planned_start=START, planned_end=START
    )
    member = declared_auditor(case.organisation)
    services.audit_team_assign(actor=manager, audit=onsite, lead=lead, members=[member])

    services.audit_team_assign(
        actor=manager,
        audit=onsite,
        lead=declared_auditor(case.organisation),
        members=[declared_auditor(case.organisation)],
    )

    # The lead still led the (closed) document review; the member was on
    # the on-site team only.
    assert opens(client, lead, case)[0] == 200
    assert opens(client, member, case)[0] == 404


def test_cancelling_the_audits_of_a_withdrawn_case_takes_their_teams_access_away(
    client, applicant, case, manager
):
    audit = planned_document_review(case, manager)
    lead = declared_auditor(case.organisation)
    services.audit_team_assign(actor=manager, audit=audit, lead=lead)
    case_withdraw(actor=applicant, case=case, reason="不再申请")

    assert services.audits_cancel_for_withdrawn_cases() == 1

    client.force_login(lead)
    assert client.get(reverse("applications:case_detail", args=[case.public_id])).status_code == 404
