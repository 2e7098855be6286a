"""The certificate journey (DESIGN.md "The certificate"), in headless
Chromium, in Chinese: a case waits for the decision (built through the
services). An auditor of its team who is also a manager sees the recusal
notice; a manager who was on no audit team opens "Decisions", first grants
a lower level than allowed without a reason and sees the error, then
certifies at 三星级 and lands on the certificate. Its PDF is downloaded and
read with pdftotext: holder, number, level and the verify URL printed under
the QR code, which is the certificate page's "Public page" link. Signed
out, that page shows the certificate valid; the applicant finds the
certificate under their navigation and downloads the same PDF; the manager
suspends it with a reason from the list and the public page says so at once.
"""

import hashlib
import os
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Case
from certificates.models import Certificate, Decision
from tests.browser.conftest import shoot
from tests.browser.test_audit_journey import expect_success
from tests.browser.test_journey import sign_in
from tests.certificates.helpers import decision_pending_case
from tests.factories import ManagerFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CERTIFICATE_URL = re.compile(r"/certificates/[0-9a-f-]{36}/$")
HOLDER = "福州星级售后服务有限公司"
LEVEL = "三星级"
LOWER_LEVEL = "compliant"  # 达标级: allowed with 87 points, but lower than 三星级
# The national statuses (DESIGN.md "The certificate").
VALID, SUSPENDED = "有效", "暂停"
SUSPEND_REASON = "S04 获证组织申请暂停"
# The verify URL the PDF prints under its QR code, on one line (pdftotext
# would drop a hyphen of the token at a line break).
VERIFY_URL = re.compile(r"https?://[^/\s]+/verify/[A-Za-z0-9_-]+/")


def pdf_text(path):
    if shutil.which("pdftotext") is None:
        message = "pdftotext (poppler-utils) is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI=true needs it")
        pytest.skip(message)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def nav_link(page, name):
    return page.locator(f"#main-nav a[href='{reverse(name)}']")


def sign_out(page):
    page.locator("#main-nav a.dropdown-toggle:has(.bi-person-circle)").click()
    page.locator(f"#main-nav form[action='{reverse('logout')}'] button").click()
    expect(nav_link(page, "login")).to_be_visible()


def download_pdf(page, path):
    """Download the certificate PDF from its page; return the download."""
    link = page.get_by_test_id("certificate-pdf")
    if link.count() == 0:
        # Rendered eagerly after the decision commits; reload once in case
        # the page was drawn before.
        page.reload()
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    download.save_as(path)
    return download


def test_a_decision_issues_a_certificate_that_the_public_page_verifies(open_browser, tmp_path):
    overflows = {}

    def screenshot(page, name):
        excess = shoot(page, f"certificate-{name}")
        if excess > 1:
            overflows[name] = excess

    # --- A case waiting for the decision, through the services -------------
    membership = MembershipFactory(
        user__full_name="林申请",
        user__email="lin@example.com",
        organisation__legal_name=HOLDER,
    )
    applicant, organisation = membership.user, membership.organisation
    manager = ManagerFactory(email="boss@example.com", full_name="王经理")
    case, _lead, member = decision_pending_case(applicant, organisation, manager)
    assert case.status == Case.Status.DECISION_PENDING
    # An auditor of the on-site team who is a manager too (roles are a set).
    member.is_manager = True
    member.save(update_fields=["is_manager"])
    decider = ManagerFactory(email="zhou@example.com", full_name="周决定")
    decision_url = reverse("certificates:decision", args=[case.public_id])

    # --- 1. The auditor-manager may not decide ------------------------------
    recused = open_browser(locale="zh-CN").new_page()
    sign_in(recused, member.email)
    nav_link(recused, "certificates:decision_queue").click()
    recused.wait_for_url(re.compile(r"/certificates/decisions/$"))
    row = recused.locator(f"[data-testid=decision-row][data-case='{case.reference}']")
    expect(row.get_by_test_id("audited")).to_be_visible()
    expect(row.locator(f"a[href='{decision_url}']")).to_have_count(0)
    recused.goto(decision_url)
    expect(recused.get_by_test_id("recused")).to_be_visible()
    expect(recused.get_by_test_id("decision-form")).to_have_count(0)
    screenshot(recused, "01-recused")

    # --- 2. A manager who was on no audit team decides ----------------------
    boss = open_browser(locale="zh-CN").new_page()
    sign_in(boss, decider.email)
    decisions = nav_link(boss, "certificates:decision_queue")
    expect(decisions).to_have_text(re.compile("决定|Decisions"))
    decisions.click()
    boss.wait_for_url(re.compile(r"/certificates/decisions/$"))
    row = boss.locator(f"[data-testid=decision-row][data-case='{case.reference}']")
    expect(row).to_contain_text(HOLDER)
    screenshot(boss, "02-decision-queue")
    row.locator(f"a[href='{decision_url}']").click()
    boss.wait_for_url(f"**{decision_url}")
    expect(boss.get_by_test_id("decision-score")).to_have_text("87.00")
    expect(boss.get_by_test_id("recommendation")).to_have_text(LEVEL)
    form = boss.get_by_test_id("decision-form")
    expect(form.locator("#id_level_code")).to_have_value("star3")  # the highest allowed

    # A lower level than allowed needs a reason.
    form.locator("input[name=outcome][value=certified]").check()
    form.locator("#id_level_code").select_option(LOWER_LEVEL)
    form.locator("button[type=submit]").click()
    error = boss.get_by_test_id("decision-form").locator(".alert-danger")
    expect(error).to_contain_text(LEVEL)
    screenshot(boss, "03-decision-lower-level-refused")
    assert not Decision.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.status == Case.Status.DECISION_PENDING

    form = boss.get_by_test_id("decision-form")
    expect(form.locator("input[name=outcome][value=certified]")).to_be_checked()
    form.locator("#id_level_code").select_option("star3")
    form.locator("button[type=submit]").click()
    # The PDF is rendered in the request (eager Celery): allow WeasyPrint its time.
    boss.wait_for_url(CERTIFICATE_URL, timeout=60_000)
    expect_success(boss)
    certificate = Certificate.objects.get(case=case)
    assert (certificate.status, certificate.level_code) == (Certificate.Status.ACTIVE, "star3")
    case.refresh_from_db()
    assert case.status == Case.Status.CERTIFIED
    expect(boss.get_by_test_id("certificate-number")).to_have_text(certificate.number)
    expect(boss.get_by_test_id("certificate-level")).to_have_text(LEVEL)
    expect(boss.get_by_test_id("certificate-status")).to_have_text(VALID)

    # --- 3. The PDF: holder, number, level and the QR code's URL ------------
    pdf_path = tmp_path / "certificate.pdf"
    download = download_pdf(boss, pdf_path)
    assert download.suggested_filename == f"{certificate.number}.pdf"
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF")
    certificate.refresh_from_db()
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    text = pdf_text(pdf_path)
    assert HOLDER in text
    assert certificate.number in text
    assert LEVEL in text
    printed = VERIFY_URL.findall(text)
    assert len(printed) == 1, text
    public_url = boss.get_by_test_id("public-page").get_attribute("href")
    assert printed[0] == public_url
    assert public_url.endswith(reverse("certificates:verify_certificate", args=[certificate.token]))
    screenshot(boss, "04-certificate-issued")

    # --- 4. Signed out, the QR code's URL shows the valid certificate -------
    sign_out(boss)
    boss.goto(public_url)
    expect(boss.get_by_test_id("public-status")).to_have_text(VALID)
    expect(boss.get_by_test_id("public-number")).to_have_text(certificate.number)
    expect(boss.get_by_test_id("public-holder")).to_have_text(HOLDER)
    expect(boss.get_by_test_id("public-level")).to_have_text(LEVEL)
    screenshot(boss, "05-public-valid")

    # --- 5. The applicant finds it under their navigation and downloads it --
    page = open_browser(locale="zh-CN").new_page()
    sign_in(page, applicant.email)
    nav_link(page, "certificates:certificate_list").click()
    page.wait_for_url(re.compile(r"/certificates/$"))
    page.locator("main a", has_text=certificate.number).click()
    page.wait_for_url(CERTIFICATE_URL)
    expect(page.get_by_test_id("certificate-number")).to_have_text(certificate.number)
    expect(page.locator("[data-testid^=action-]")).to_have_count(0)  # no manager's actions
    held_path = tmp_path / "held.pdf"
    download_pdf(page, held_path)
    assert held_path.read_bytes() == data
    screenshot(page, "06-applicant-certificate")

    # --- 6. The manager suspends it; the public page says so at once -------
    sign_in(boss, decider.email)
    nav_link(boss, "certificates:certificate_list").click()
    boss.wait_for_url(re.compile(r"/certificates/$"))
    boss.locator("main a", has_text=certificate.number).click()
    boss.wait_for_url(CERTIFICATE_URL)
    suspend = boss.get_by_test_id("action-suspend")
    suspend.locator("summary").click()
    suspend.locator("select[name='suspend-reason_code']").select_option(label=SUSPEND_REASON)
    suspend.locator("textarea[name='suspend-note']").fill("企业来函申请暂停三个月。")
    screenshot(boss, "07-suspend-form")
    suspend.locator("button[type=submit]").click()
    expect_success(boss)
    expect(boss.get_by_test_id("certificate-status")).to_have_text(SUSPENDED)
    expect(boss.get_by_test_id("status-reason")).to_contain_text("S04")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUSPENDED
    screenshot(boss, "08-certificate-suspended")

    visitor = open_browser(locale="zh-CN").new_page()
    visitor.goto(public_url)
    expect(visitor.get_by_test_id("public-status")).to_have_text(SUSPENDED)
    expect(visitor.get_by_test_id("public-number")).to_have_text(certificate.number)
    expect(visitor.locator("main .alert-warning")).to_be_visible()
    screenshot(visitor, "09-public-suspended")

    assert overflows == {}, "pages wider than a phone (px too wide)"
