"""Demo audits in every state: a document review under way, one passed and
closed, an on-site audit whose report is in with a nonconformity answered and
waiting for verification, a planned one, and one cancelled with its
withdrawn application."""

import datetime

from django.utils import timezone

from applications import services as case_services
from applications.demo import build_case, seed_enterprises
from applications.models import Case
from applications.uscc import uscc_check_char
from audits import services
from audits.models import Audit, AuditorQualification
from audits.services_nc import nonconformity_answer, nonconformity_raise
from scoring.models import Indicator, Item
from scoring.services import mark_set


def _uscc(first17):
    return first17 + uscc_check_char(first17)


AUDIT_ENTERPRISES = [
    ("xiamen@demo.certify.test", "黄经理 (Huang)", "厦门示例净水设备有限公司", _uscc("91350200MA2Y00001"), 90, []),
    ("quanzhou@demo.certify.test", "蔡主管 (Cai)", "泉州示例卫浴服务有限公司", _uscc("91350500MA2Y00002"), 60, []),
    ("ningbo@demo.certify.test", "许经理 (Xu)", "宁波示例小家电有限公司", _uscc("91330200MA2Y00003"), 40, []),
]


def qualify_and_declare(auditors, case):
    for auditor in auditors:
        AuditorQualification.objects.get_or_create(
            auditor=auditor,
            scheme=case.version.scheme,
            defaults={"certificate_number": f"ASC-{auditor.pk:04d}", "valid_until": datetime.date(2028, 6, 30)},
        )
        if services.declaration_current(auditor, case.organisation) is None:
            services.conflict_declare(
                actor=auditor, organisation=case.organisation, no_consultancy=True, no_employment=True, no_other_interest=True
            )


def document_review(case, manager, lead, *, start, finish):
    audit = services.audit_plan(
        actor=manager,
        case=case,
        kind=Audit.Kind.DOCUMENT_REVIEW,
        mode=Audit.Mode.REMOTE,
        planned_start=start,
        planned_end=start,
        notes="远程审查售后服务手册、程序文件和服务记录。",
    )
    services.audit_team_assign(actor=manager, audit=audit, lead=lead)
    services.audit_start(actor=lead, audit=audit)
    indicators = Indicator.objects.filter(category__version=case.version)
    for indicator in indicators if finish else indicators.filter(category__code="A"):
        services.document_comment_set(actor=lead, audit=audit, indicator_id=indicator.pk, outcome="conforming")
    if finish:
        services.document_review_pass(actor=lead, audit=audit)
    return audit


def seed_audits(manager, lead, member, password):
    if Audit.objects.exists():
        return
    today = timezone.localdate()
    # The main organisation's signed contract: its document review is under way.
    case = Case.objects.filter(status=Case.Status.CONTRACT_SIGNED).order_by("pk").first()
    if case is not None:
        qualify_and_declare([lead, member], case)
        document_review(case, manager, lead, start=today + datetime.timedelta(days=3), finish=False)

    (xiamen, xiamen_org), (quanzhou, quanzhou_org), (ningbo, ningbo_org) = seed_enterprises(
        password, AUDIT_ENTERPRISES
    )

    # Xiamen: documents passed, the on-site report is in, one minor
    # nonconformity answered and waiting for the lead's verification.
    case = build_case(xiamen, manager, xiamen_org, "contract_signed")
    qualify_and_declare([lead, member], case)
    document_review(case, manager, lead, start=today - datetime.timedelta(days=20), finish=True)
    onsite = services.audit_plan(
        actor=manager,
        case=case,
        kind=Audit.Kind.ONSITE,
        mode=Audit.Mode.ONSITE,
        planned_start=today - datetime.timedelta(days=6),
        planned_end=today - datetime.timedelta(days=5),
    )
    services.audit_team_assign(actor=manager, audit=onsite, lead=lead, members=[member])
    services.audit_start(actor=lead, audit=onsite)
    onsite.refresh_from_db()
    for item in Item.objects.filter(indicator__category__version=case.version):
        if item.code == "B4.1":
            mark_set(actor=lead, sheet=onsite.sheet, item_id=item.pk, result="sampled", samples=20, conforming=16,
                     note="抽查 20 份维修单，4 份缺少客户签字")
        else:
            mark_set(actor=lead, sheet=onsite.sheet, item_id=item.pk, result="conforming")
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
    services.audit_report_submit(
        actor=lead, audit=onsite, recommendation="star4", reason="得分 98.60 分；维修记录需整改，建议四星级。"
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
    qualify_and_declare([lead, member], case)
    document_review(case, manager, lead, start=today - datetime.timedelta(days=10), finish=True)
    planned = services.audit_plan(
        actor=manager,
        case=case,
        kind=Audit.Kind.ONSITE,
        mode=Audit.Mode.COMBINED,
        planned_start=today + datetime.timedelta(days=14),
        planned_end=today + datetime.timedelta(days=15),
    )
    services.audit_team_assign(actor=manager, audit=planned, lead=lead, members=[member])

    # Ningbo: the application was withdrawn during its document review.
    case = build_case(ningbo, manager, ningbo_org, "contract_signed")
    qualify_and_declare([lead], case)
    document_review(case, manager, lead, start=today + datetime.timedelta(days=1), finish=False)
    case_services.case_withdraw(actor=ningbo, case=case, reason="企业搬迁，暂缓认证")
    services.audits_cancel_for_withdrawn_cases()
