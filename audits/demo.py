"""Demo audits in every state: a document review under way, one passed and
closed, an on-site audit whose report is in with a nonconformity answered and
waiting for verification, a planned one, and one cancelled with its
withdrawn application."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from applications import services as case_services
from applications.demo import build_case, seed_enterprises
from applications.models import Case
from applications.uscc import uscc_check_char
from audits import services
from audits import services as callback_services
from audits.lifecycle import document_review_run, onsite_planned, onsite_running, sheet_marked
from audits.models import Audit, AuditorQualification, DeclarationRequest
from audits.selectors.callbacks import callback_calls
from audits.services.nonconformity import nonconformity_answer, nonconformity_raise
from scoring.models import Item
from scoring.selectors import sheet_rate


def _uscc(first17):
    return first17 + uscc_check_char(first17)


AUDIT_ENTERPRISES = [
    ("xiamen@demo.certify.test", "黄经理 (Huang)", "厦门示例净水设备有限公司", _uscc("91350200MA2Y00001"), 90, []),
    ("quanzhou@demo.certify.test", "蔡主管 (Cai)", "泉州示例卫浴服务有限公司", _uscc("91350500MA2Y00002"), 60, []),
    ("ningbo@demo.certify.test", "许经理 (Xu)", "宁波示例小家电有限公司", _uscc("91330200MA2Y00003"), 40, []),
]


def qualify_and_declare(auditors, case, manager):
    for auditor in auditors:
        AuditorQualification.objects.get_or_create(
            auditor=auditor,
            scheme=case.version.scheme,
            defaults={"certificate_number": f"ASC-{auditor.pk:04d}", "valid_until": datetime.date(2028, 6, 30)},
        )
        if services.declaration_current(auditor, case.organisation) is None:
            DeclarationRequest.objects.get_or_create(
                auditor=auditor,
                organisation=case.organisation,
                audit=None,
                defaults={"requested_by": manager},
            )
            services.conflict_declare(
                actor=auditor, organisation=case.organisation, no_consultancy=True, no_employment=True, no_other_interest=True
            )


def document_review(case, manager, lead, *, start, finish):
    return document_review_run(
        case, manager, lead, start=start, finish=finish, notes="远程审查售后服务手册、程序文件和服务记录。"
    )


CUSTOMER_SURNAMES = "陈林黄张吴王郑刘蔡杨"
CUSTOMER_GIVEN_NAMES = ("建国", "丽华", "志强", "秀英", "伟", "敏")
CUSTOMER_PRODUCTS = ("净水器", "热水器", "空调", "洗衣机", "冰箱")


def call_back_customers(applicant, lead, member, audit, today):
    """The applicant's customer list of 30 services, a sample of 12 drawn by
    the lead and called by the member (two not reached), the rates put into
    the score sheet."""
    lines = ["姓名,联系方式,产品,服务日期"]
    for number in range(30):
        served = today - datetime.timedelta(days=40 + 3 * number)
        lines.append(
            f"{CUSTOMER_SURNAMES[number % 10]}{CUSTOMER_GIVEN_NAMES[number % 6]},1385920{number:04d},"
            f"{CUSTOMER_PRODUCTS[number % 5]},{served.isoformat()}"
        )
    upload = ContentFile(("\n".join(lines) + "\n").encode("utf-8"), name="客户名单.csv")
    callback_services.customer_list_upload(actor=applicant, audit=audit, upload=upload)
    callback_services.callback_sample_draw(actor=lead, audit=audit, size=12)
    for index, row in enumerate(callback_calls(audit)):
        reached = index not in (4, 9)
        callback_services.callback_record(
            actor=member,
            audit=audit,
            row_id=row.pk,
            reached=reached,
            satisfaction=(3 if index == 6 else 4 if index % 3 == 0 else 5) if reached else None,
            resolved_first_contact=index != 7 if reached else None,
            remarks="" if reached else "两次拨打无人接听",
        )
    callback_services.callback_rates_confirm(actor=lead, audit=audit)

def seed_audits(manager, lead, member, password):
    if Audit.objects.exists():
        return
    today = timezone.localdate()
    # The main organisation's signed contract: its document review is under way.
    case = Case.objects.filter(status=Case.Status.CONTRACT_SIGNED).order_by("pk").first()
    if case is not None:
        qualify_and_declare([lead, member], case, manager)
        document_review(case, manager, lead, start=today + datetime.timedelta(days=3), finish=False)

    (xiamen, xiamen_org), (quanzhou, quanzhou_org), (ningbo, ningbo_org) = seed_enterprises(
        password, AUDIT_ENTERPRISES
    )

    # Xiamen: documents passed, the on-site report is in, one minor
    # nonconformity answered and waiting for the lead's verification.
    case = build_case(xiamen, manager, xiamen_org, "contract_signed")
    qualify_and_declare([lead, member], case, manager)
    document_review(case, manager, lead, start=today - datetime.timedelta(days=20), finish=True)
    onsite = onsite_running(
        case,
        manager,
        lead,
        [member],
        start=today - datetime.timedelta(days=6),
        end=today - datetime.timedelta(days=5),
    )
    call_back_customers(xiamen, lead, member, onsite, today)
    sheet_marked(onsite, lead, {"B4.1": ("sampled", 20, 16, "抽查 20 份维修单，4 份缺少客户签字")})
    b41 = Item.objects.get(indicator__category__version=case.version, code="B4.1")
    finding = services.finding_add(
        actor=member,
        audit=onsite,
        description="抽查 20 份维修单，其中 4 份缺少客户签字确认。",
        internal_note="维修主管称系统升级期间漏签，需复核。",
        item=b41,
    )
    nonconformity = nonconformity_raise(
        actor=lead,
        audit=onsite,
        severity="minor",
        description="维修服务记录不完整：部分维修单缺少客户签字确认。",
        clause=b41.clause,
        item=b41,
        finding=finding,
    )
    # The reason quotes the sheet's own score, as a lead would.
    score = sheet_rate(onsite.sheet, provisional=False).score
    services.audit_report_submit(
        actor=lead, audit=onsite, recommendation="star4", reason=f"得分 {score} 分；维修记录需整改，建议四星级。"
    )
    nonconformity_answer(
        actor=xiamen,
        nonconformity=nonconformity,
        correction="补签全部缺失的维修单。",
        root_cause="系统升级期间纸质签字流程中断。",
        corrective_action="维修 App 增加客户电子签字，主管每周抽查。",
    )

    # Quanzhou: documents passed; the on-site audit is planned.
    case = build_case(quanzhou, manager, quanzhou_org, "contract_signed")
    qualify_and_declare([lead, member], case, manager)
    document_review(case, manager, lead, start=today - datetime.timedelta(days=10), finish=True)
    onsite_planned(
        case,
        manager,
        lead,
        [member],
        start=today + datetime.timedelta(days=14),
        end=today + datetime.timedelta(days=15),
        mode=Audit.Mode.COMBINED,
    )

    # Ningbo: the application was withdrawn during its document review.
    case = build_case(ningbo, manager, ningbo_org, "contract_signed")
    qualify_and_declare([lead], case, manager)
    document_review(case, manager, lead, start=today + datetime.timedelta(days=1), finish=False)
    case_services.case_withdraw(actor=ningbo, case=case, reason="企业搬迁，暂缓认证")
    services.audits_cancel_for_withdrawn_cases()
