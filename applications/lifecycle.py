"""An application driven to any state through the lifecycle's services, so
that it has the history a real one would have. The demo and the tests build
their cases with it; each says only what differs in its story (which scheme,
which material a reviewer sends back, the words of a withdrawal).

audits.lifecycle continues the story from the signed contract to the
on-site audit's report."""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile

from applications import services
from applications.models import Case, MaterialType
from applications.services import contract as contract_services

# A one-page PDF, small enough to store for every material.
ONE_PAGE_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)

# The states a case passes on its way to the signed contract, in order; a
# withdrawn case leaves the path once submitted, a rejected one once reviewed.
PATH_TO_CONTRACT = (
    Case.Status.DRAFT,
    Case.Status.SUBMITTED,
    Case.Status.UNDER_REVIEW,
    Case.Status.SUPPLEMENT_REQUESTED,
    Case.Status.ACCEPTED,
    Case.Status.CONTRACT_SENT,
    Case.Status.CONTRACT_ACCEPTED,
    Case.Status.CONTRACT_SIGNED,
)
LEAVES_PATH_AT = {Case.Status.WITHDRAWN: Case.Status.SUBMITTED, Case.Status.REJECTED: Case.Status.UNDER_REVIEW}


@dataclass(frozen=True)
class Supplement:
    """A review round that sends one material back before accepting."""

    material_code: str
    comment: str
    note: str = ""
    # The second version's file name (default: the material's name, 第二版).
    file_name: str = ""


@dataclass
class CaseStory:
    """Who acts, and what the case says on its way."""

    applicant: object
    manager: object
    organisation: object
    version: object
    target_level: str = "star4"
    scope: str = "家用电器的销售、安装和维修"
    outlets: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    # How many required materials a draft has uploaded (None: all of them).
    draft_uploads: int | None = None
    # Required materials left out even when the case is submitted (tests of
    # what an incomplete case may not do).
    skip_materials: tuple = ()
    supplement: Supplement | None = None
    withdraw_reason: str = "企业调整认证计划，暂缓申请"
    reject_reason: str = "申请范围内的售后服务全部委托第三方，企业不具备独立的售后服务体系"
    payment_reference: str = ""


def material_upload(actor, case, material_type, name=None):
    services.material_upload(
        actor=actor,
        case=case,
        material_type=material_type,
        upload=ContentFile(ONE_PAGE_PDF, name=name or f"{material_type.name_zh}.pdf"),
    )


def all_accepted(case):
    """The review of every material type of the case's scheme: accepted."""
    return {material_type.pk: (True, "") for material_type in MaterialType.objects.filter(scheme=case.version.scheme)}


def case_build(story, state):
    """A new case of the story's organisation, driven to `state`."""
    if LEAVES_PATH_AT.get(state, state) not in PATH_TO_CONTRACT:
        raise ValueError(f"case_build reaches {', '.join(PATH_TO_CONTRACT + tuple(LEAVES_PATH_AT))}, not {state}")
    case = services.case_create(
        actor=story.applicant,
        organisation=story.organisation,
        version=story.version,
        target_level=story.target_level,
        scope=story.scope,
        outlets=story.outlets,
        categories=story.categories,
    )
    _drive(story, case, state)
    case.refresh_from_db()
    return case


def _drive(story, case, state):
    reached = PATH_TO_CONTRACT.index(LEAVES_PATH_AT.get(state, state))
    required = [
        material_type
        for material_type in MaterialType.objects.filter(scheme=story.version.scheme, required=True)
        if material_type.code not in story.skip_materials
    ]
    uploads = story.draft_uploads if state == Case.Status.DRAFT else None
    for material_type in required[:uploads]:
        material_upload(story.applicant, case, material_type)
    if state == Case.Status.DRAFT:
        return
    services.case_declare(actor=story.applicant, case=case, **dict.fromkeys(services.case.DECLARATIONS, True))
    services.case_submit(actor=story.applicant, case=case)
    if state == Case.Status.WITHDRAWN:
        services.case_withdraw(actor=story.applicant, case=case, reason=story.withdraw_reason)
        return
    if reached < PATH_TO_CONTRACT.index(Case.Status.UNDER_REVIEW):
        return
    services.case_review_start(actor=story.manager, case=case)
    if state == Case.Status.REJECTED:
        services.case_reject(actor=story.manager, case=case, reason=story.reject_reason)
        return
    if reached < PATH_TO_CONTRACT.index(Case.Status.SUPPLEMENT_REQUESTED):
        return
    supplement = story.supplement
    if state == Case.Status.SUPPLEMENT_REQUESTED and supplement is None:
        raise ValueError("a case left in supplement_requested needs the story's supplement")
    if supplement is not None:
        reviews = all_accepted(case)
        sent_back = MaterialType.objects.get(scheme=story.version.scheme, code=supplement.material_code)
        reviews[sent_back.pk] = (False, supplement.comment)
        services.case_request_supplement(actor=story.manager, case=case, reviews=reviews, note=supplement.note)
        if state == Case.Status.SUPPLEMENT_REQUESTED:
            return
        material_upload(story.applicant, case, sent_back, supplement.file_name or f"{sent_back.name_zh}（第二版）.pdf")
        services.case_submit(actor=story.applicant, case=case)
        services.case_review_start(actor=story.manager, case=case)
    services.case_accept(actor=story.manager, case=case, reviews=all_accepted(case))
    if reached < PATH_TO_CONTRACT.index(Case.Status.CONTRACT_SENT):
        return
    contract = contract_services.case_contract_send(actor=story.manager, case=case)
    if reached < PATH_TO_CONTRACT.index(Case.Status.CONTRACT_ACCEPTED):
        return
    contract_services.case_contract_accept(
        actor=story.applicant, case=case, typed_name=story.applicant.full_name, ip_address="127.0.0.1"
    )
    if reached < PATH_TO_CONTRACT.index(Case.Status.CONTRACT_SIGNED):
        return
    contract_services.case_prepayment_record(
        actor=story.manager, case=case, amount=contract.prepayment, reference=story.payment_reference
    )
