"""Demo applications in every state from draft to contract_signed, built
through the services so each has the history a real one would have."""

import datetime

from django.utils import timezone

from applications import services
from applications.lifecycle import CaseStory, Supplement, case_build
from applications.models import Case, Organisation
from certify.models import User
from scoring.catalogue import EXAMPLE_TEN_STAR, GBT27922
from scoring.selectors import scheme_version_latest_published

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


def build_case(applicant, manager, organisation, state):
    """One case driven to `state`: a draft of the ten-star example scheme
    with its checklist half done; every other case under GB/T 27922, sent
    back once for a better service manual before it is accepted."""
    draft = state == Case.Status.DRAFT
    story = CaseStory(
        applicant=applicant,
        manager=manager,
        organisation=organisation,
        version=scheme_version_latest_published(EXAMPLE_TEN_STAR if draft else GBT27922),
        target_level="star10" if draft else "star4",
        scope=SCOPE,
        outlets=list(organisation.outlets.all()),
        categories=list(organisation.categories.all()),
        draft_uploads=5,
        supplement=Supplement(
            material_code="service_manual",
            comment="手册缺少投诉处理和回访程序，请补充后上传新版本",
            note="其余材料齐全。",
            file_name="售后服务手册（第二版）.pdf",
        ),
        reject_reason="申请范围内的维修业务全部委托第三方，企业不具备独立的售后服务体系",
        payment_reference="银行转账 2026-0001",
    )
    return case_build(story, state)


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
