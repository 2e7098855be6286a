import datetime

import pytest
import time_machine
from django.core import mail

from applications import services
from applications.lifecycle import all_accepted
from applications.models import Case, Material, MaterialType, SupplementRequest
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import Event
from tests.applications.case_helpers import (
    ALL_DECLARED,
    complete,
    draft_case,
    pdf,
    submitted_case,
    under_review_case,
)
from tests.samples import WINDOWS_EXECUTABLE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def events(case, verb):
    return Event.objects.filter(object_id=case.pk, verb=verb).count()


def material_type(case, code):
    return MaterialType.objects.get(scheme=case.version.scheme, code=code)


# --- create, materials, declarations --------------------------------------------


def test_a_member_creates_a_draft_with_a_reference(applicant, organisation):
    case = draft_case(applicant, organisation)
    assert case.status == Case.Status.DRAFT
    assert case.reference.startswith("SQ")
    assert events(case, "case.created") == 1


def test_another_organisations_applicant_cannot_apply_for_it(outsider, organisation):
    with pytest.raises(NotAllowed, match="Only members of the organisation may apply for it"):
        draft_case(outsider, organisation)


def test_a_target_level_outside_the_scheme_is_refused(applicant, organisation):
    with pytest.raises(CertifyError, match="not a level of this scheme"):
        draft_case(applicant, organisation, target_level="star10")


def test_a_reupload_adds_a_version_and_keeps_the_old_one(applicant, organisation):
    case = draft_case(applicant, organisation)
    licence = material_type(case, "business_licence")
    services.material_upload(actor=applicant, case=case, material_type=licence, upload=pdf("v1.pdf"))
    services.material_upload(actor=applicant, case=case, material_type=licence, upload=pdf("v2.pdf"))
    assert list(case.materials.order_by("number").values_list("number", "original_name")) == [
        (1, "v1.pdf"),
        (2, "v2.pdf"),
    ]


def test_a_renamed_executable_is_refused_by_its_content(applicant, organisation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = draft_case(applicant, organisation)
    with pytest.raises(CertifyError, match="not an allowed type"):
        services.material_upload(
            actor=applicant,
            case=case,
            material_type=material_type(case, "business_licence"),
            upload=SimpleUploadedFile("营业执照.pdf", WINDOWS_EXECUTABLE),
        )
    assert not case.materials.exists()


def test_declarations_record_who_declared_and_when(applicant, organisation):
    case = draft_case(applicant, organisation)
    case = services.case_declare(actor=applicant, case=case, **ALL_DECLARED)
    assert case.declared_by == applicant
    assert case.declared_at is not None


# --- submit ------------------------------------------------------------------


def test_submitting_lists_every_missing_material_and_declaration(applicant, organisation):
    case = draft_case(applicant, organisation)
    with pytest.raises(CertifyError, match="The application cannot be submitted yet") as refusal:
        services.case_submit(actor=applicant, case=case)
    assert "Upload the material “Business licence”." in refusal.value.message
    assert "Make every eligibility declaration." in refusal.value.message


def test_an_optional_material_is_not_required_for_submission(applicant, organisation):
    case = complete(draft_case(applicant, organisation), applicant)
    case = services.case_submit(actor=applicant, case=case)
    assert case.status == Case.Status.SUBMITTED


def test_a_missing_required_material_blocks_submission(applicant, organisation):
    case = complete(draft_case(applicant, organisation), applicant, skip={"service_manual"})
    with pytest.raises(CertifyError, match="After-sales service manual"):
        services.case_submit(actor=applicant, case=case)


@time_machine.travel(datetime.datetime(2026, 2, 12, 10, tzinfo=datetime.UTC), tick=False)
def test_the_review_deadline_counts_chinese_working_days(applicant, organisation):
    # Submitted on Thursday 12 February 2026. The Spring Festival days off
    # (16–23 February) and the weekends do not count; Saturdays 14 and 28
    # February are adjusted workdays and do: the tenth working day is 4 March.
    case = submitted_case(applicant, organisation)
    assert case.review_due == datetime.date(2026, 3, 4)


def test_submitting_notifies_the_managers(applicant, organisation, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted_case(applicant, organisation)
    assert [message.to for message in mail.outbox] == [[manager.email]]


def test_submitting_twice_writes_one_event(applicant, organisation):
    case = submitted_case(applicant, organisation)
    services.case_submit(actor=applicant, case=case)
    assert events(case, "case.submitted") == 1


def test_a_manager_cannot_submit_for_the_applicant(applicant, organisation, manager):
    case = complete(draft_case(applicant, organisation), applicant)
    with pytest.raises(NotAllowed, match="Only members of the applying organisation may do this"):
        services.case_submit(actor=manager, case=case)


# --- review ------------------------------------------------------------------


def test_only_a_manager_starts_the_review(applicant, organisation, auditor):
    case = submitted_case(applicant, organisation)
    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        services.case_review_start(actor=auditor, case=case)


def test_a_draft_cannot_be_reviewed(applicant, organisation, manager):
    case = draft_case(applicant, organisation)
    with pytest.raises(InvalidTransition, match="This is not possible while the application is “Draft”"):
        services.case_review_start(actor=manager, case=case)


def test_a_supplement_request_marks_materials_and_sets_the_due_date(applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    reviews = all_accepted(case)
    manual = material_type(case, "service_manual")
    reviews[manual.pk] = (False, "缺少投诉处理程序")
    case = services.case_request_supplement(actor=manager, case=case, reviews=reviews, note="请补充")
    request = SupplementRequest.objects.get(case=case)
    assert case.status == Case.Status.SUPPLEMENT_REQUESTED
    assert case.supplement_due == request.due_date
    assert case.materials.get(material_type=manual).review == Material.Review.COMMENTED
    assert events(case, "case.supplement_requested") == 1


def test_a_material_sent_back_needs_a_comment(applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    reviews = all_accepted(case)
    reviews[material_type(case, "service_manual").pk] = (False, "")
    with pytest.raises(CertifyError, match="Say what is wrong"):
        services.case_request_supplement(actor=manager, case=case, reviews=reviews)


def test_a_material_type_of_another_scheme_is_refused_in_a_review(applicant, organisation, manager, english):
    case = under_review_case(applicant, organisation, manager)
    with pytest.raises(CertifyError, match="Review only the material types of the application's scheme"):
        services.case_request_supplement(actor=manager, case=case, reviews={0: (False, "缺")})


def test_resubmitting_needs_a_new_version_of_each_commented_material(applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    reviews = all_accepted(case)
    manual = material_type(case, "service_manual")
    reviews[manual.pk] = (False, "缺少投诉处理程序")
    case = services.case_request_supplement(actor=manager, case=case, reviews=reviews)
    with pytest.raises(CertifyError, match="new version"):
        services.case_submit(actor=applicant, case=case)
    services.material_upload(actor=applicant, case=case, material_type=manual, upload=pdf("手册 v2.pdf"))
    case = services.case_submit(actor=applicant, case=case)
    assert case.status == Case.Status.SUBMITTED
    assert events(case, "case.resubmitted") == 1
    assert SupplementRequest.objects.get(case=case).answered_at is not None


def test_accepting_needs_every_required_material_accepted(applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    with pytest.raises(CertifyError, match="Accept every required material first"):
        services.case_accept(actor=manager, case=case)


def test_accepting_with_every_material_accepted(applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    case = services.case_accept(actor=manager, case=case, reviews=all_accepted(case))
    assert case.status == Case.Status.ACCEPTED
    assert case.accepted_at is not None


def test_rejecting_needs_a_reason(applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    with pytest.raises(CertifyError, match="reason"):
        services.case_reject(actor=manager, case=case, reason="  ")


def test_rejecting_records_the_reason_in_the_event(applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    case = services.case_reject(actor=manager, case=case, reason="不具备独立法人资格")
    event = Event.objects.get(object_id=case.pk, verb="case.rejected")
    assert (case.status, event.note) == (Case.Status.REJECTED, "不具备独立法人资格")


def test_a_rejected_case_cannot_be_accepted(applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    case = services.case_reject(actor=manager, case=case, reason="不符合条件")
    with pytest.raises(InvalidTransition, match="Start the review before accepting the application"):
        services.case_accept(actor=manager, case=case, reviews=all_accepted(case))


# --- withdraw ----------------------------------------------------------------


def test_the_applicant_withdraws_before_the_decision(applicant, organisation):
    case = submitted_case(applicant, organisation)
    case = services.case_withdraw(actor=applicant, case=case, reason="暂缓申请")
    assert case.status == Case.Status.WITHDRAWN


def test_a_withdrawn_case_cannot_be_submitted(applicant, organisation):
    case = complete(draft_case(applicant, organisation), applicant)
    services.case_withdraw(actor=applicant, case=case)
    with pytest.raises(InvalidTransition, match="This is not possible while the application is “Withdrawn”"):
        services.case_submit(actor=applicant, case=case)


def test_withdrawing_twice_writes_one_event(applicant, organisation):
    case = draft_case(applicant, organisation)
    services.case_withdraw(actor=applicant, case=case)
    services.case_withdraw(actor=applicant, case=case)
    assert events(case, "case.withdrawn") == 1


def test_a_case_is_never_deleted(applicant, organisation):
    from django.core.exceptions import ValidationError

    case = draft_case(applicant, organisation)
    with pytest.raises(ValidationError):
        case.delete()


# --- eligibility -------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 11, 20, 4, tzinfo=datetime.UTC), tick=False)
def test_an_organisation_registered_two_months_ago_cannot_submit(applicant, organisation):
    case = complete(draft_case(applicant, organisation), applicant)
    services.organisation_profile_update(
        actor=applicant, organisation=organisation, registration_date=datetime.date(2026, 9, 25)
    )
    with pytest.raises(CertifyError, match="registered for at least 3 months; it has been 1"):
        services.case_submit(actor=applicant, case=case)


@time_machine.travel(datetime.datetime(2026, 11, 20, 4, tzinfo=datetime.UTC), tick=False)
def test_a_service_system_younger_than_the_minimum_blocks_submission(applicant, organisation):
    case = complete(draft_case(applicant, organisation), applicant)
    services.organisation_profile_update(
        actor=applicant, organisation=organisation, service_started_on=datetime.date(2026, 9, 1)
    )
    with pytest.raises(CertifyError, match="operated for at least 3 months; it has operated for 2"):
        services.case_submit(actor=applicant, case=case)


def test_an_unknown_start_of_the_service_system_blocks_submission(applicant, organisation):
    case = draft_case(applicant, organisation)
    assert "Enter the date the after-sales service system began operating" in " ".join(
        services.case.case_missing(case)
    )


def test_the_scope_names_outlets_of_the_organisation_only(applicant, organisation, outsider):
    from applications.models import ServiceOutlet

    foreign = ServiceOutlet.objects.create(
        organisation=outsider.memberships.get().organisation, name="他人网点", address="厦门"
    )
    with pytest.raises(CertifyError, match="of your own organisation"):
        draft_case(applicant, organisation, outlets=[foreign])


def test_the_scope_records_the_outlets_covered(applicant, organisation):
    from applications.models import ServiceOutlet

    outlet = ServiceOutlet.objects.create(organisation=organisation, name="总部", address="福州")
    case = draft_case(applicant, organisation, outlets=[outlet])
    assert list(case.scope_outlets.all()) == [outlet]
