"""Demo applications in every state from draft to contract_signed, built
through the services so each has the history a real one would have."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from applications import services
from applications.models import Case, MaterialType, Organisation
from applications.services import contract as contract_services
from certify.models import User
from scoring.catalogue import EXAMPLE_TEN_STAR, GBT27922
from scoring.selectors import scheme_version_latest_published

# A one-page PDF, small enough to store for every demo material.
DEMO_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)

# Further enterprises: e-mail, contact name, legal name, code, employees,
# and the states their applications are left in.
DEMO_ENTERPRISES = [
    ("shenzhen@demo.certify.test", "陈经理 (Chen)", "深圳示例电器服务有限公司", "914403001922038216", 80,
     ["supplement_requested"]),
    ("telecom@demo.certify.test", "林主管 (Lin)", "深圳示例通讯设备有限公司", "9144030071526726XG", 350,
     ["under_review", "rejected"]),
    ("hangzhou@demo.certify.test", "吴经理 (Wu)", "杭州示例厨电有限公司", "91330100716105852F", 45,
     ["submitted", "withdrawn"]),
    ("beijing@demo.certify.test", "郑主管 (Zheng)", "北京示例智能家居有限公司", "91110000MA00000152", 1200,
     ["contract_accepted", "contract_signed"]),
    ("nanshan@demo.certify.test", "何经理 (He)", "深圳南山示例电梯服务有限公司", "91440300MA5F0000X1", 160,
     ["contract_sent", "accepted"]),
]
MAIN_ORGANISATION_STATES = ["contract_signed", "draft"]

SCOPE = "家用电器的销售、安装、维修及退换货服务"


def _upload(actor, case, material_type, name):
    services.material_upload(
        actor=actor,
        case=case,
        material_type=material_type,
        upload=ContentFile(DEMO_PDF, name=name),
    )


def _everything_accepted(case):
    return {t.pk: (True, "") for t in MaterialType.objects.filter(scheme=case.version.scheme)}


def build_case(applicant, manager, organisation, state):
    """One case driven to `state` through the lifecycle's services."""
    version = scheme_version_latest_published(EXAMPLE_TEN_STAR if state == "draft" else GBT27922)
    case = services.case_create(
        actor=applicant,
        organisation=organisation,
        version=version,
        target_level="star10" if state == "draft" else "star4",
        scope=SCOPE,
        outlets=list(organisation.outlets.all()),
        categories=list(organisation.categories.all()),
    )
    required = list(MaterialType.objects.filter(scheme=version.scheme, required=True))
    # A draft shows the checklist half done; every other case is complete.
    for material_type in required[: 5 if state == "draft" else None]:
        _upload(applicant, case, material_type, f"{material_type.name_zh}.pdf")
    if state == "draft":
        return case
    services.case_declare(actor=applicant, case=case, **dict.fromkeys(services.case.DECLARATIONS, True))
    services.case_submit(actor=applicant, case=case)
    if state == "withdrawn":
        services.case_withdraw(actor=applicant, case=case, reason="企业调整认证计划，暂缓申请")
        return case
    if state == "submitted":
        return case
    services.case_review_start(actor=manager, case=case)
    if state == "under_review":
        return case
    if state == "rejected":
        services.case_reject(actor=manager, case=case, reason="申请范围内的维修业务全部委托第三方，企业不具备独立的售后服务体系")
        return case
    reviews = _everything_accepted(case)
    manual = next(t for t in required if t.code == "service_manual")
    reviews[manual.pk] = (False, "手册缺少投诉处理和回访程序，请补充后上传新版本")
    services.case_request_supplement(actor=manager, case=case, reviews=reviews, note="其余材料齐全。")
    if state == "supplement_requested":
        return case
    _upload(applicant, case, manual, "售后服务手册（第二版）.pdf")
    services.case_submit(actor=applicant, case=case)
    services.case_review_start(actor=manager, case=case)
    services.case_accept(actor=manager, case=case, reviews=_everything_accepted(case))
    if state == "accepted":
        return case
    contract = contract_services.case_contract_send(actor=manager, case=case)
    if state == "contract_sent":
        return case
    contract_services.case_contract_accept(
        actor=applicant, case=case, typed_name=applicant.full_name, ip_address="127.0.0.1"
    )
    if state == "contract_accepted":
        return case
    contract_services.case_prepayment_record(
        actor=manager, case=case, amount=contract.prepayment, reference="银行转账 2026-0001"
    )
    return case


def seed_enterprises(password, enterprises=DEMO_ENTERPRISES):
    """The further enterprises and their admins; returns (user, organisation) pairs."""
    pairs = []
    for email, name, legal_name, uscc, employees, _states in enterprises:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=name,
                is_applicant=True,
                email_verified_at=timezone.now(),
            )
        organisation = Organisation.objects.filter(uscc=uscc).first()
        if organisation is None:
            organisation = services.organisation_create(actor=user, legal_name=legal_name, uscc=uscc)
            services.organisation_profile_update(
                actor=user,
                organisation=organisation,
                registration_date=datetime.date(2015, 3, 1),
                service_started_on=datetime.date(2018, 6, 1),
                employee_count=employees,
                address=f"{legal_name[:2]}市示例大道 8 号",
                legal_representative=name.split(" ")[0],
                contact_name=name.split(" ")[0],
                contact_phone="400-000-0000",
                contact_email=email,
                business_scope="家用电器销售、安装、维修",
                categories=["家用电器", "安装与维修服务"],
            )
            services.service_outlet_add(
                actor=user, organisation=organisation, name="总部服务中心", address=f"{legal_name[:2]}市", headcount=12
            )
        pairs.append((user, organisation))
    return pairs


def seed_cases(main_applicant, manager, password):
    """Cases in every state, unless the demo already has cases."""
    if Case.objects.exists():
        return
    organisation = main_applicant.memberships.get().organisation
    for state in MAIN_ORGANISATION_STATES:
        build_case(main_applicant, manager, organisation, state)
    for (user, organisation), enterprise in zip(seed_enterprises(password), DEMO_ENTERPRISES, strict=True):
        for state in enterprise[-1]:
            build_case(user, manager, organisation, state)
