"""Demo certificates in every status, and the decisions around them: one
application waiting for the manager's decision, one decided not certified,
and certificates valid at 四星级 and 三星级, suspended, withdrawn, cancelled
and expired. Everything goes through the services, so each case, audit and
certificate has the history a real one would have."""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from applications.demo import build_case, seed_enterprises
from applications.uscc import organisation_code_check_char, uscc_check_char
from audits.demo import document_review, qualify_and_declare
from audits.lifecycle import onsite_running, report_submitted
from certificates.models import Certificate, Complaint, Decision, ReasonCode
from certificates.services import (
    certificate_cancel,
    certificate_revise,
    certificate_suspend,
    certificate_withdraw,
    certificates_expire,
    decision_record,
)
from certificates.services.complaint import (
    appeal_file,
    complaint_acknowledge,
    complaint_file,
    complaint_investigate,
)


def _uscc(region, organisation_code):
    """A code whose organisation code and check character are both valid."""
    first17 = "91" + region + organisation_code + organisation_code_check_char(organisation_code)
    return first17 + uscc_check_char(first17)


CERTIFICATE_ENTERPRISES = [
    ("guangzhou@demo.certify.test", "梁经理 (Liang)", "广州示例空调安装服务有限公司",
     _uscc("440100", "MA5C0001"), 220, []),
    ("xian@demo.certify.test", "杜主管 (Du)", "西安示例家电维修服务有限公司",
     _uscc("610100", "MA6T0002"), 35, []),
    ("shanghai@demo.certify.test", "周经理 (Zhou)", "上海示例智能家电服务有限公司",
     _uscc("310115", "MA1F0003"), 480, []),
    ("chengdu@demo.certify.test", "罗主管 (Luo)", "成都示例厨卫电器服务有限公司",
     _uscc("510100", "MA6C0004"), 95, []),
    ("wuhan@demo.certify.test", "彭经理 (Peng)", "武汉示例制冷设备服务有限公司",
     _uscc("420100", "MA4K0005"), 70, []),
    ("nanjing@demo.certify.test", "孙主管 (Sun)", "南京示例电器售后服务有限公司",
     _uscc("320100", "MA1M0006"), 140, []),
    ("qingdao@demo.certify.test", "于经理 (Yu)", "青岛示例家电售后服务有限公司",
     _uscc("370200", "MA3C0007"), 260, []),
    ("changsha@demo.certify.test", "谭主管 (Tan)", "长沙示例热水器服务有限公司",
     _uscc("430100", "MA4L0008"), 55, []),
]

# On-site marks that are not "conforming" (item code → result, samples,
# conforming samples, note): the score each demo case needs is the scheme's
# 100 points less the items marked nonconforming and the non-conforming share
# of the sampled ones.
MARKS_STAR4 = {  # 93.00: 四星级
    "A2.2": ("nonconforming", None, None, "售后服务管理师不足服务管理人员的 10%"),
    "A5.1": ("nonconforming", None, None, "服务人员年度培训计划未覆盖新入职人员"),
}
MARKS_STAR4_SAMPLED = {  # 93.20: 四星级
    "B4.1": ("sampled", 20, 18, "抽查 20 份维修单，2 份缺少故障描述"),
    "A3.1": ("nonconforming", None, None, "尚未设立赔偿准备金"),
    "A6.1": ("nonconforming", None, None, "顾客满意度调查结果未用于改进"),
}
MARKS_STAR3 = {  # 87.00: 三星级
    "A2.2": ("nonconforming", None, None, "仅 1 名售后服务管理师"),
    "B4.1": ("nonconforming", None, None, "维修记录不完整，无法追溯更换的配件"),
}
MARKS_STAR3_SAMPLED = {  # 86.10: 三星级
    "B2.1": ("nonconforming", None, None, "未向顾客提供安装技术咨询渠道"),
    "C2.1": ("sampled", 10, 7, "抽查 10 件投诉，3 件超过承诺的解决时限"),
    "A7.1": ("nonconforming", None, None, "服务理念未形成文件，员工不了解"),
}
MARKS_FAILED = {  # 67.00: no level
    "B4.1": ("nonconforming", None, None, "维修服务主要委托个体维修人员，无服务记录"),
    "C1.1": ("nonconforming", None, None, "未建立顾客档案，未开展满意度调查"),
    "C2.1": ("nonconforming", None, None, "投诉无记录，无法核实处理结果"),
}


def _reason(action, code):
    return ReasonCode.objects.get(action=action, code=code)


def _awaiting_decision(user, organisation, manager, lead, member, *, days_ago, marks, recommendation, reason):
    """A case whose documents passed and whose on-site report is in with no
    nonconformity raised: it waits for the decision. `lead` and `member`
    audit it; `manager` plans, and decides later (never an auditor)."""
    today = timezone.localdate()
    case = build_case(user, manager, organisation, "contract_signed")
    qualify_and_declare([lead, member], case, manager)
    document_review(case, manager, lead, start=today - datetime.timedelta(days=days_ago), finish=True)
    onsite = onsite_running(
        case,
        manager,
        lead,
        [member],
        start=today - datetime.timedelta(days=days_ago - 7),
        end=today - datetime.timedelta(days=days_ago - 8),
    )
    report_submitted(onsite, lead, recommendation=recommendation, reason=reason, marks=marks)
    return case


def _certified(manager, case, level_code):
    decision = decision_record(
        actor=manager, case=case, outcome=Decision.Outcome.CERTIFIED, level_code=level_code
    )
    return decision.certificates.get()


def seed_certificates(manager, lead, member, password):
    """The certificates part of the demo, unless it has certificates."""
    if Certificate.objects.exists():
        return
    (
        (guangzhou, guangzhou_org),
        (xian, xian_org),
        (shanghai, shanghai_org),
        (chengdu, chengdu_org),
        (wuhan, wuhan_org),
        (nanjing, nanjing_org),
        (qingdao, qingdao_org),
        (changsha, changsha_org),
    ) = seed_enterprises(password, CERTIFICATE_ENTERPRISES)
    people = (manager, lead, member)

    # Guangzhou: the report is in, 四星级 recommended; left for the demo
    # manager (on no audit team) to decide.
    _awaiting_decision(
        guangzhou, guangzhou_org, *people, days_ago=21, marks=MARKS_STAR4, recommendation="star4",
        reason="得分 93.00 分，未开具不符合项；服务体系运行有效，建议评定为四星级。",
    )

    # Xi'an: the score reaches no level; decided not certified.
    case = _awaiting_decision(
        xian, xian_org, *people, days_ago=40, marks=MARKS_FAILED, recommendation="not_certified",
        reason="得分 67.00 分，未达到达标级（70 分）；维修和投诉处理缺乏记录，建议不予认证。",
    )
    decision_record(
        actor=manager,
        case=case,
        outcome=Decision.Outcome.NOT_CERTIFIED,
        reason="现场审核得分 67.00 分，未达到达标级；维修服务和投诉处理无记录，售后服务体系尚未有效运行，不予认证。",
    )

    # Shanghai and Chengdu: valid certificates at 四星级 and 三星级.
    case = _awaiting_decision(
        shanghai, shanghai_org, *people, days_ago=60, marks=MARKS_STAR4, recommendation="star4",
        reason="得分 93.00 分，未开具不符合项，建议评定为四星级。",
    )
    _certified(manager, case, "star4")
    case = _awaiting_decision(
        chengdu, chengdu_org, *people, days_ago=55, marks=MARKS_STAR3, recommendation="star3",
        reason="得分 87.00 分，维修记录有待完善，建议评定为三星级。",
    )
    # Chengdu closed its water-heater service: the scope is reduced, so a
    # revision (number suffix -1) replaces the certificate.
    certificate_revise(
        actor=manager,
        certificate=_certified(manager, case, "star3"),
        reason_code=_reason(ReasonCode.Action.REVISE, "V01"),
        scope="厨房电器（油烟机、燃气灶）的销售、安装和维修服务",
        note="企业停止热水器售后服务，认证范围相应缩小。",
    )

    # Wuhan: suspended, the surveillance audit not held when due.
    case = _awaiting_decision(
        wuhan, wuhan_org, *people, days_ago=50, marks=MARKS_STAR3_SAMPLED, recommendation="star3",
        reason="得分 86.10 分，投诉处理时限和技术支持需改进，建议评定为三星级。",
    )
    certificate_suspend(
        actor=manager,
        certificate=_certified(manager, case, "star3"),
        reason_code=_reason(ReasonCode.Action.SUSPEND, "S03"),
        note="在电商店铺宣传中将三星级证书标注为五星级，已要求撤下宣传并整改。",
    )

    # Nanjing: withdrawn, false information found after a complaint.
    case = _awaiting_decision(
        nanjing, nanjing_org, *people, days_ago=45, marks=MARKS_STAR4_SAMPLED, recommendation="star4",
        reason="得分 93.20 分，未开具不符合项，建议评定为四星级。",
    )
    certificate_withdraw(
        actor=manager,
        certificate=_certified(manager, case, "star4"),
        reason_code=_reason(ReasonCode.Action.WITHDRAW, "W02"),
        note="投诉核查发现申请时提交的服务网点和人员资料与实际不符。",
    )

    # Qingdao: cancelled at the holder's request.
    case = _awaiting_decision(
        qingdao, qingdao_org, *people, days_ago=35, marks=MARKS_STAR3, recommendation="star3",
        reason="得分 87.00 分，建议评定为三星级。",
    )
    certificate_cancel(
        actor=manager,
        certificate=_certified(manager, case, "star3"),
        reason_code=_reason(ReasonCode.Action.CANCEL, "C01"),
        note="企业来函申请注销：家电售后服务业务已整体转让给关联公司。",
    )

    # Changsha: expired. The services issue a certificate today and nothing
    # may date it back, so for the demo only its dates are moved three years
    # into the past with a plain update (no event, no history); the daily job
    # then expires it exactly as it would a real one.
    case = _awaiting_decision(
        changsha, changsha_org, *people, days_ago=30, marks=MARKS_STAR4_SAMPLED, recommendation="star4",
        reason="得分 93.20 分，建议评定为四星级。",
    )
    certificate = _certified(manager, case, "star4")
    back = relativedelta(years=3)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=certificate.issued_on - back,
        granted_on=certificate.granted_on - back,
        first_issued_on=certificate.first_issued_on - back,
        valid_from=certificate.valid_from - back,
        expires_on=certificate.expires_on - back,
    )
    certificates_expire()


def seed_complaints(manager):
    """An appeal against the not-certified decision and two complaints: one
    about a certified organisation (the demo manager decided its
    certificate, so only the second manager may handle it), one about the
    body, acknowledged and under investigation."""
    if Complaint.objects.exists():
        return
    refused = Decision.objects.filter(outcome=Decision.Outcome.NOT_CERTIFIED).select_related("case").first()
    if refused is not None:
        appellant = refused.case.organisation.memberships.select_related("user").first().user
        appeal_file(
            actor=appellant,
            case=refused.case,
            description="我们对不予认证的决定有异议：现场审核时维修记录已迁移至新系统，审核组未查看新系统中的记录。请复核评分。",
            contact_phone="029-88880000",
        )
    valid = Certificate.objects.filter(status=Certificate.Status.ACTIVE).order_by("pk").first()
    if valid is not None:
        complaint_file(
            about=Complaint.About.ORGANISATION,
            organisation_name=valid.holder_name,
            certificate_number=valid.number,
            description="上月报修的空调至今无人上门，客服电话多次无人接听，与其宣传的四星级售后服务不符。",
            contact_name="赵女士",
            contact_email="zhao.customer@demo.certify.test",
            contact_phone="138-0000-0000",
            language="zh-hans",
        )
    about_body = complaint_file(
        about=Complaint.About.BODY,
        description="提交申请后十五个工作日仍未收到审查结果，电话咨询也未得到答复。",
        contact_name="钱先生",
        contact_email="qian.applicant@demo.certify.test",
        language="zh-hans",
    )
    complaint_acknowledge(actor=manager, complaint=about_body, note="已转交认证部核实申请审查时限。")
    complaint_investigate(actor=manager, complaint=about_body, note="调取审查记录和来电记录。")
