"""The audit journey of issue 5 ("Done when"), in headless Chromium, in
Chinese: a manager plans the document review, asks an auditor to declare no
conflict (the auditor declares from the notified link) and assigns the team;
the lead reviews the documents with one revision round (the applicant uploads
a new version and reports them revised); the manager plans the on-site audit
with two declared auditors; the lead, on a phone, records a finding with a
photo and scores every item; the applicant uploads a GB18030 customer list;
the lead records ten call-backs, raises one minor nonconformity and submits
the report (its PDF is produced; the case goes to rectification); the
applicant answers, the lead rejects once and then accepts, re-scores and the
case reaches decision_pending.

Only what comes before the audit (a signed contract, the auditors' accounts)
is set up through the services.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Case
from audits.models import Audit, DocumentReviewComment, Finding, Nonconformity
from certify.models import Notification
from scoring.models import Indicator, Item
from tests.audits.helpers import signed_case
from tests.browser.conftest import PHONE, shoot
from tests.browser.test_application_journey import material_row, status_label
from tests.browser.test_journey import sign_in
from tests.factories import AuditorFactory, ManagerFactory, MembershipFactory
from tests.samples import MINIMAL_PDF, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASE_URL = re.compile(r"/cases/[0-9a-f-]{36}/$")
AUDIT_URL = re.compile(r"/audits/[0-9a-f-]{36}/$")
NC_URL = re.compile(r"/audits/nonconformities/[0-9a-f-]{36}/$")
REVISED_INDICATOR = "A4"  # the indicator the lead sends back for revision
REVISED_MATERIAL = "service_records"  # the material the applicant uploads again
NONCONFORMING_ITEM = "A2.2"  # 5 points: 100 − 5 = 95 on site, 100 after rectification
# (reached, satisfaction, resolved at first contact), in sample order.
CALLS = [
    (True, 5, True),
    (True, 4, True),
    (False, None, None),
    (True, 5, False),
    (True, 3, True),
    (True, 4, True),
    (False, None, None),
    (True, 5, True),
    (True, 4, False),
    (True, 5, True),
]
# 8 reached: 7 rated 4 or 5 → 87.5 %; 6 resolved at first contact → 75 %.


def click_submit(page, form_selector):
    page.locator(f"{form_selector} [type=submit]").first.click()


def expect_success(page):
    expect(page.locator(".alert-success").first).to_be_visible()


def expect_case_status(page, case, status):
    expect(page.locator("main h1 [data-testid=case-status]")).to_have_text(status_label(status))
    case.refresh_from_db()
    assert case.status == status


def ordered_indicators(case):
    return list(
        Indicator.objects.filter(category__version=case.version)
        .order_by("category__position", "position")
        .values_list("code", flat=True)
    )


def ordered_items(case):
    return list(
        Item.objects.filter(indicator__category__version=case.version)
        .order_by("indicator__category__position", "indicator__position", "position")
        .values_list("code", flat=True)
    )


def review_indicator(page, code, outcome, comment=""):
    """One indicator's outcome in the document review (a full-page post)."""
    row = page.locator(f"li[data-indicator='{code}']")
    row.locator(f"label[for$='-{outcome}']").click()
    if comment:
        row.locator("input.review-comment").fill(comment)
    row.locator("button[type=submit]").click()
    badge = (
        "text-bg-success"
        if outcome == DocumentReviewComment.Outcome.CONFORMING
        else "text-bg-warning"
    )
    # The badge appears only once the redirected page has loaded.
    expect(page.locator(f"li[data-indicator='{code}'] .badge.{badge}")).to_be_visible()


def mark_item(page, code, result):
    """One item's mark on the scoring page: saved inline by htmx, one at a
    time (a click landing while the previous row is swapped in can be lost)."""
    expect(page.locator(".htmx-request")).to_have_count(0)
    page.locator(f"[data-item='{code}'] label[for$='-{result}']").click()
    expect(page.locator(f"[data-item='{code}'] input[value='{result}']")).to_be_checked(timeout=15000)
    expect(page.locator(f"[data-item='{code}'] [data-testid=item-points] strong")).not_to_have_text(
        "—"
    )


CURRENT_TAB_IN_VIEW = """() => {
    const row = document.querySelector(".audit-nav ul").getBoundingClientRect();
    const tab = document.querySelector(".audit-nav .active").getBoundingClientRect();
    // A pixel of slack: the boxes' widths are fractional.
    return tab.left >= row.left - 1 && tab.right <= row.right + 1;
}"""

def test_an_audit_from_the_document_review_to_the_decision(open_browser, tmp_path):
    overflows = {}

    def screenshot(page, name):
        excess = shoot(page, f"audit-{name}")
        if excess > 1:
            overflows[name] = excess

    # --- Before the audit, through the services ----------------------------
    membership = MembershipFactory(
        user__full_name="林申请",
        user__email="lin@example.com",
        organisation__legal_name="福州示例售后服务有限公司",
    )
    applicant, organisation = membership.user, membership.organisation
    manager = ManagerFactory(email="boss@example.com", full_name="王经理")
    case = signed_case(applicant, organisation, manager)
    assert case.status == Case.Status.CONTRACT_SIGNED
    lead = AuditorFactory(email="li@example.com", full_name="李审核")
    second = AuditorFactory(email="zhao@example.com", full_name="赵审核")
    indicators = ordered_indicators(case)
    items = ordered_items(case)
    assert len(indicators) == 15 and REVISED_INDICATOR in indicators and NONCONFORMING_ITEM in items

    today = timezone.localdate()
    review_day = (today + datetime.timedelta(days=7)).isoformat()
    onsite_day = (today + datetime.timedelta(days=21)).isoformat()

    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes())
    revised = tmp_path / "服务记录-修订版.pdf"
    revised.write_bytes(MINIMAL_PDF)
    customers = tmp_path / "顾客名单.csv"
    lines = ["姓名,联系方式,产品,服务日期"]
    for n in range(1, 16):
        day = datetime.date(2026, 6, 1) + datetime.timedelta(days=3 * n)
        lines.append(f"顾客{n},1390000{n:04d},家用空调,{day.isoformat()}")
    customers.write_text("\n".join(lines) + "\n", encoding="gb18030")

    # --- 1. The manager plans the document review --------------------------
    boss = open_browser(locale="zh-CN").new_page()
    sign_in(boss, manager.email)
    boss.goto("/cases/")
    boss.locator("main a", has_text=case.reference).first.click()
    boss.wait_for_url(CASE_URL)
    boss.locator("main a[href$='/document_review/']").click()
    boss.wait_for_url(re.compile(r"/audits/plan/[0-9a-f-]{36}/document_review/$"))
    expect(boss.get_by_test_id("computed-days")).not_to_be_empty()
    boss.select_option("#id_mode", Audit.Mode.REMOTE)
    boss.fill("#id_planned_start", review_day)
    boss.fill("#id_planned_end", review_day)
    boss.fill("#id_notes", "远程审查体系文件。")
    screenshot(boss, "01-plan-document-review")
    click_submit(boss, "main form")
    boss.wait_for_url(AUDIT_URL)
    expect_success(boss)
    review = Audit.objects.get(case=case, kind=Audit.Kind.DOCUMENT_REVIEW)
    case.refresh_from_db()
    assert case.status == Case.Status.DOCUMENT_REVIEW

    # The manager asks the lead-to-be to declare.
    lead_row = boss.locator(f"tr[data-auditor='{lead.email}']")
    lead_row.locator("form[action*='/declarations/'] [type=submit]").click()
    expect_success(boss)
    screenshot(boss, "02-audit-planned-ask-to-declare")

    auditor = open_browser(locale="zh-CN").new_page()
    sign_in(auditor, lead.email)
    notice = Notification.objects.filter(recipient=lead, kind="declaration_requested").latest(
        "created_at"
    )
    auditor.goto(notice.url)
    expect(auditor.locator("main")).to_contain_text(organisation.legal_name)
    for field in ("no_consultancy", "no_employment", "no_other_interest"):
        auditor.check(f"#id_{field}")
    screenshot(auditor, "03-declaration")
    click_submit(auditor, "main form")
    auditor.wait_for_url(re.compile(r"/audits/$"))
    expect_success(auditor)

    boss.reload()
    lead_row = boss.locator(f"tr[data-auditor='{lead.email}']")
    expect(lead_row.locator(".text-success")).to_be_visible()  # declared today
    lead_row.locator("input[name=lead]").check()
    boss.locator("button[form=team-form]").click()
    expect_success(boss)
    expect(boss.get_by_test_id("team")).to_contain_text(lead.full_name)
    screenshot(boss, "04-team-assigned")

    # --- 2. The lead reviews the documents: one revision round -------------
    auditor.goto("/audits/")
    auditor.locator("[data-testid=audit]").first.click()
    auditor.wait_for_url(AUDIT_URL)
    click_submit(auditor, "form[action$='/start/']")
    expect_success(auditor)
    for code in indicators:
        if code == REVISED_INDICATOR:
            review_indicator(
                auditor, code, "revise", "法律法规清单未覆盖 2025 年修订，请更新后上传。"
            )
        else:
            review_indicator(auditor, code, "conforming")
    screenshot(auditor, "05-document-review-marked")
    auditor.fill("form[action$='/documents/revisions/'] input[name=note]", "请按意见修订服务记录。")
    click_submit(auditor, "form[action$='/documents/revisions/']")
    expect_success(auditor)
    case.refresh_from_db()
    assert case.status == Case.Status.DOCUMENT_REVISION

    page = open_browser(locale="zh-CN").new_page()
    sign_in(page, applicant.email)
    page.goto("/cases/")
    page.locator("main a", has_text=case.reference).first.click()
    page.wait_for_url(CASE_URL)
    expect_case_status(page, case, Case.Status.DOCUMENT_REVISION)
    screenshot(page, "06-applicant-document-revision")
    row = material_row(page, REVISED_MATERIAL)
    row.locator("input[type=file]").set_input_files(str(revised))
    row.locator("button[type=submit]:has(.bi-upload)").click()
    expect(
        material_row(page, REVISED_MATERIAL).locator("a", has_text=revised.name).first
    ).to_be_visible()
    click_submit(page, "form[action$='/documents-revised/']")
    expect_success(page)
    expect_case_status(page, case, Case.Status.DOCUMENT_REVIEW)

    auditor.reload()
    # Round 2 carries the conforming outcomes: only the revised indicator is reviewed again.
    review_indicator(auditor, REVISED_INDICATOR, "conforming", "已更新。")
    screenshot(auditor, "07-document-review-round-2")
    click_submit(auditor, "form[action$='/documents/pass/']")
    expect_success(auditor)
    review.refresh_from_db()
    case.refresh_from_db()
    assert (review.status, case.status) == (Audit.Status.CLOSED, Case.Status.ONSITE_PLANNED)

    # --- 3. The on-site audit: plan, team, finding, scoring ----------------
    boss.goto(f"/cases/{case.public_id}/")
    boss.locator("main a[href$='/onsite/']").click()
    boss.wait_for_url(re.compile(r"/onsite/$"))
    boss.select_option("#id_mode", Audit.Mode.ONSITE)
    boss.fill("#id_planned_start", onsite_day)
    boss.fill("#id_planned_end", onsite_day)
    click_submit(boss, "main form")
    boss.wait_for_url(AUDIT_URL)
    onsite = Audit.objects.get(case=case, kind=Audit.Kind.ONSITE)
    boss.locator(
        f"tr[data-auditor='{second.email}'] form[action*='/declarations/'] [type=submit]"
    ).click()
    expect_success(boss)

    member = open_browser(locale="zh-CN", viewport=PHONE).new_page()
    sign_in(member, second.email)
    notice = Notification.objects.filter(recipient=second, kind="declaration_requested").latest(
        "created_at"
    )
    member.goto(notice.url)
    for field in ("no_consultancy", "no_employment", "no_other_interest"):
        member.check(f"#id_{field}")
    click_submit(member, "main form")
    member.wait_for_url(re.compile(r"/audits/$"))
    expect_success(member)

    boss.reload()
    boss.locator(f"tr[data-auditor='{lead.email}'] input[name=lead]").check()
    boss.locator(f"tr[data-auditor='{second.email}'] input[name=members]").check()
    screenshot(boss, "08-onsite-team-chosen")
    boss.locator("button[form=team-form]").click()
    expect_success(boss)
    expect(boss.get_by_test_id("team")).to_contain_text(second.full_name)

    # The lead works on site, on a phone.
    auditor.set_viewport_size(PHONE)
    auditor.goto("/audits/")
    expect(auditor.locator("[data-testid=audit]")).to_have_count(1)
    screenshot(auditor, "09-my-audits")
    auditor.locator("[data-testid=audit]").click()
    auditor.wait_for_url(re.compile(rf"/audits/{onsite.public_id}/$"))
    click_submit(auditor, "form[action$='/start/']")
    expect_success(auditor)
    onsite.refresh_from_db()
    case.refresh_from_db()
    assert (
        onsite.status == Audit.Status.IN_PROGRESS and case.status == Case.Status.ONSITE_IN_PROGRESS
    )

    auditor.locator(".audit-nav a[href$='/findings/']").click()
    auditor.wait_for_url(re.compile(r"/findings/$"))
    nc_item = Item.objects.get(indicator__category__version=case.version, code=NONCONFORMING_ITEM)
    auditor.select_option("#id_item", str(nc_item.pk))
    auditor.fill("#id_description", "抽查 10 份服务记录，其中 3 份无顾客签字确认。")
    auditor.fill("#id_internal_note", "负责人解释为系统升级期间漏签。")
    auditor.set_input_files("#id_files", str(photo))
    click_submit(auditor, "form:has(#id_description)")
    expect_success(auditor)
    finding_card = auditor.get_by_test_id("finding")
    expect(finding_card).to_have_count(1)
    expect(finding_card.locator("a", has_text=photo.name[:10])).to_be_visible()
    finding = Finding.objects.get(audit=onsite)
    assert finding.evidence.count() == 1
    screenshot(auditor, "10-finding-with-photo")

    auditor.locator(".audit-nav a[href$='/scoring/']").click()
    auditor.wait_for_url(re.compile(r"/scoring/$"))
    score = auditor.get_by_test_id("score")
    before = score.inner_text()
    mark_item(auditor, items[0], "conforming")
    expect(auditor.get_by_test_id("unmarked")).to_contain_text(str(len(items) - 1))
    for code in items[1:]:
        mark_item(auditor, code, "nonconforming" if code == NONCONFORMING_ITEM else "conforming")
    expect(auditor.get_by_test_id("unmarked")).to_have_count(0)
    expect(score).to_have_text("95.00")
    assert before != "95.00"
    level_name = auditor.get_by_test_id("level").inner_text()
    assert level_name == "五星级"
    screenshot(auditor, "11-scoring-marked")

    # --- 4. The customer list and the call-backs ---------------------------
    page.goto(f"/cases/{case.public_id}/")
    page.locator("main a[href*='/audits/for-case/']").click()
    page.wait_for_url(re.compile(r"/audits/for-case/[0-9a-f-]{36}/$"))
    expect(page.get_by_test_id("case-audit")).to_have_count(2)
    screenshot(page, "12-applicant-case-audits")
    page.locator("main a[href$='/call-backs/']").click()
    page.wait_for_url(re.compile(r"/call-backs/$"))
    page.set_input_files("#id_file", str(customers))
    click_submit(page, "form[data-testid=upload-form]")
    expect_success(page)
    expect(page.get_by_test_id("good-count")).to_have_text("15")
    expect(page.get_by_test_id("bad-count")).to_have_text("0")
    expect(page.get_by_test_id("preview")).to_contain_text("顾客1")
    screenshot(page, "13-customer-list-uploaded")

    auditor.locator(".audit-nav a[href$='/call-backs/']").click()
    auditor.wait_for_url(re.compile(r"/call-backs/$"))
    auditor.fill("#sample-size", "10")
    click_submit(auditor, "form[data-testid=sample-form]")
    expect_success(auditor)
    expect(auditor.get_by_test_id("call-card")).to_have_count(10)
    expect(auditor.get_by_test_id("sample-info")).to_contain_text("10")
    screenshot(auditor, "14-sample-drawn")
    for rank, (reached, satisfaction, resolved) in enumerate(CALLS, start=1):
        card = auditor.locator(f"[data-testid=call-card][data-rank='{rank}']")
        card.locator(
            "label[for$='-reached-yes']" if reached else "label[for$='-reached-no']"
        ).click()
        if reached:
            card.locator(f"label[for$='-s{satisfaction}']").click()
            card.locator("label[for$='-r-yes']" if resolved else "label[for$='-r-no']").click()
        card.locator("input.call-remarks").fill("电话回访" if reached else "无人接听，已拨打三次")
        card.locator("button[type=submit]").click()
        expect(
            auditor.locator(
                f"[data-testid=call-card][data-rank='{rank}'] [data-testid=call-result]"
            )
        ).to_be_visible()
    expect(auditor.get_by_test_id("recorded")).to_have_text("10 / 10")
    expect(auditor.get_by_test_id("reached")).to_have_text("8")
    expect(auditor.get_by_test_id("unreached")).to_have_text("2")
    expect(auditor.get_by_test_id("satisfaction")).to_contain_text("87.5")
    expect(auditor.get_by_test_id("first-time-resolution")).to_contain_text("75")
    click_submit(auditor, "form[action$='/call-backs/rates/']")
    expect_success(auditor)
    metrics = auditor.get_by_test_id("metrics")
    expect(metrics.locator("[data-metric=customer_satisfaction]")).to_contain_text("87.5")
    expect(metrics.locator("[data-metric=first_time_resolution]")).to_contain_text("75")
    screenshot(auditor, "15-call-backs-recorded")

    # --- 5. One minor nonconformity and the report -------------------------
    auditor.locator(".audit-nav a[href$='/nonconformities/']").click()
    auditor.wait_for_url(re.compile(r"/nonconformities/$"))
    auditor.check("input[name=severity][value=minor]")
    auditor.select_option("#id_target", f"item:{nc_item.pk}")
    auditor.select_option("#id_finding", str(finding.pk))
    auditor.fill("#id_description", "部分服务记录缺少顾客签字确认，不符合服务记录管理要求。")
    screenshot(auditor, "16-raise-nonconformity")
    click_submit(auditor, "form:has(#id_description)")
    auditor.wait_for_url(NC_URL)
    expect_success(auditor)
    nonconformity = Nonconformity.objects.get(audit=onsite)
    assert (
        nonconformity.severity == Nonconformity.Severity.MINOR
        and nonconformity.item_id == nc_item.pk
    )
    screenshot(auditor, "17-nonconformity-raised")

    auditor.goto(f"/audits/{onsite.public_id}/report/")
    # On a phone the row of tabs scrolls sideways: the last one, current, is in view.
    assert auditor.evaluate(CURRENT_TAB_IN_VIEW)
    auditor.select_option("#recommendation", label=level_name)
    auditor.fill("#reason", "得分 95 分，达到五星级；一项轻微不符合待整改。")
    screenshot(auditor, "18-report-form")
    click_submit(auditor, "form[action$='/report/submit/']")
    expect_success(auditor)
    expect(auditor.get_by_test_id("report-score")).to_have_text("95.00")
    expect_pdf = auditor.locator("main a[href$='/report.pdf']")
    expect(expect_pdf).to_be_visible()
    case.refresh_from_db()
    onsite.refresh_from_db()
    assert case.status == Case.Status.RECTIFICATION
    assert onsite.status == Audit.Status.REPORT_SUBMITTED and onsite.report_pdf
    pdf = auditor.request.get(expect_pdf.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    screenshot(auditor, "19-report-submitted")

    # --- 6. Rectification: answer, reject once, answer, accept -------------
    def applicant_answers(correction):
        page.goto(f"/cases/{case.public_id}/")
        page.locator("main a[href*='/audits/for-case/']").click()
        page.locator("main a[href$='/nonconformities/']").click()
        page.wait_for_url(re.compile(r"/audits/cases/[0-9a-f-]{36}/nonconformities/$"))
        page.locator(f"[data-nc='{nonconformity.public_id}'] a").click()
        page.wait_for_url(NC_URL)
        page.fill("#id_correction", correction)
        page.fill("#id_root_cause", "服务人员未按规定请顾客签字，班组长未每日检查。")
        page.fill(
            "#id_corrective_action", "修订服务记录管理制度，增加班组长每日检查并培训全体服务人员。"
        )
        click_submit(page, "form:has(input[name=action][value=answer])")
        expect_success(page)

    def lead_verifies(verdict, comment=""):
        auditor.goto("/audits/")
        auditor.locator("[data-testid=to-verify] a").first.click()
        auditor.wait_for_url(NC_URL)
        auditor.check(f"input[name=verdict][value={verdict}]")
        if comment:
            auditor.fill("#id_comment", comment)
        click_submit(auditor, "form:has(input[name=action][value=verify])")
        expect_success(auditor)

    applicant_answers("已补签 3 份服务记录。")
    screenshot(page, "20-nonconformity-answered")
    lead_verifies("reject", "请提供补签后的服务记录照片及培训签到表。")
    nonconformity.refresh_from_db()
    assert nonconformity.status == Nonconformity.Status.OPEN
    screenshot(auditor, "21-answer-rejected")
    applicant_answers("已补签 3 份服务记录，附照片及培训签到表。")
    lead_verifies("accept", "整改有效。")
    nonconformity.refresh_from_db()
    assert nonconformity.status == Nonconformity.Status.VERIFIED
    screenshot(auditor, "22-answer-accepted")

    # The re-score: the affected item now conforms; the final recommendation.
    auditor.goto(f"/audits/{onsite.public_id}/report/")
    click_submit(auditor, "form[action$='/report/rescore/']")
    expect_success(auditor)
    auditor.locator(".audit-nav a[href$='/scoring/']").click()
    auditor.wait_for_url(re.compile(r"/scoring/$"))
    expect(auditor.get_by_test_id("score")).to_have_text("95.00")
    mark_item(auditor, NONCONFORMING_ITEM, "conforming")
    expect(auditor.get_by_test_id("score")).to_have_text("100.00")
    screenshot(auditor, "23-rescored")
    auditor.locator(".audit-nav a[href$='/report/']").click()
    auditor.wait_for_url(re.compile(r"/report/$"))
    auditor.select_option("#recommendation", label=level_name)
    auditor.fill("#reason", "不符合项已整改并验证，复评 100 分，建议五星级。")
    click_submit(auditor, "form[action$='/report/final/']")
    expect_success(auditor)
    onsite.refresh_from_db()
    case.refresh_from_db()
    assert onsite.status == Audit.Status.CLOSED
    assert case.status == Case.Status.DECISION_PENDING
    screenshot(auditor, "24-final-score")

    page.goto(f"/cases/{case.public_id}/")
    expect_case_status(page, case, Case.Status.DECISION_PENDING)
    screenshot(page, "25-applicant-decision-pending")
    boss.goto(f"/audits/{onsite.public_id}/")
    screenshot(boss, "26-manager-audit-closed")

    assert overflows == {}, "pages wider than a phone (px too wide)"
