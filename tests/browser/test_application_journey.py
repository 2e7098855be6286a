"""The application journey of issue 4 ("Done when"), in headless Chromium,
in Chinese: an applicant registers, creates and completes the organisation,
invites a colleague who joins, applies, uploads the materials (a disguised
executable is refused), is refused a submission with a material missing,
submits; a manager reviews and asks for a supplement; the colleague answers
it on a phone; the manager accepts and sends the contract; the applicant
accepts it; the manager records the prepayment and the contract is signed.
"""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from applications.models import Case, Contract, Material, MaterialType, Membership
from scoring.catalogue import GBT27922
from scoring.selectors import scheme_version_latest_published
from tests.browser.conftest import PHONE, shoot
from tests.browser.test_journey import open_phone_menu, sign_in
from tests.factories import PASSWORD, ManagerFactory
from tests.samples import MINIMAL_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VERIFY_LINK = re.compile(r"https?://\S+/accounts/verify/\S+/")
INVITE_LINK = re.compile(r"https?://\S+/invitations/[\w-]+/")
CASE_URL = re.compile(r"/cases/[0-9a-f-]{36}/$")
PASSPHRASE = "a-long-and-unusual-passphrase"
APPLICANT = "lin@example.com"
COLLEAGUE = "he@example.com"
ORGANISATION = "福州示例售后服务有限公司"
OUTLET = "仓山服务中心"
HELD_BACK = "staff_certificates"  # the required material uploaded late
REDONE = "service_records"  # the material the reviewer sends back


def status_label(status):
    """The status as the Chinese page shows it (whatever the catalogue has)."""
    with translation.override("zh-hans"):
        return str(Case.Status(status).label)


def submit(page):
    page.locator("main form [type=submit]").first.click()


def register(page, *, name, email):
    page.fill("#id_full_name", name)
    page.fill("#id_email", email)
    submit(page)
    expect(page.locator("main strong", has_text=email)).to_be_visible()
    [message] = [m for m in mail.outbox if m.to == [email] and VERIFY_LINK.search(m.body)]
    page.goto(VERIFY_LINK.search(message.body).group(0))
    page.fill("#id_new_password1", PASSPHRASE)
    page.fill("#id_new_password2", PASSPHRASE)
    submit(page)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    expect(page.locator(".alert-success")).to_be_visible()


def material_row(page, code):
    return page.locator(f"li.material-row[data-material='{code}']")


def upload(page, code, path, *, refused=False):
    row = material_row(page, code)
    row.locator("input[type=file]").set_input_files(str(path))
    row.locator("button[type=submit]:has(.bi-upload)").click()
    page.wait_for_load_state()
    if refused:
        expect(page.locator(".alert-danger")).to_be_visible()
    else:
        # The newest version's link carries the file's own name.
        expect(
            material_row(page, code).locator("a[href*='/files/']", has_text=path.name).first
        ).to_be_visible()
        expect(page.locator(".alert-success")).to_be_visible()


def expect_status(page, case, status):
    expect(page.locator("main h1 [data-testid=case-status]")).to_have_text(status_label(status))
    case.refresh_from_db()
    assert case.status == status


def test_an_application_from_registration_to_the_signed_contract(open_browser, tmp_path):
    overflows = {}

    def screenshot(page, name):
        excess = shoot(page, f"application-{name}")
        if excess > 1:
            overflows[name] = excess

    version = scheme_version_latest_published(GBT27922)
    material_types = list(MaterialType.objects.filter(scheme=version.scheme).order_by("position"))
    names = {material_type.code: material_type.name_zh for material_type in material_types}
    required = [material_type.code for material_type in material_types if material_type.required]
    assert HELD_BACK in required and REDONE in required

    files = {}
    for material_type in material_types:
        files[material_type.code] = tmp_path / f"{material_type.code}.pdf"
        files[material_type.code].write_bytes(MINIMAL_PDF)
    disguised = tmp_path / "营业执照.pdf"
    disguised.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200)
    redone = tmp_path / "服务记录-第二版.pdf"
    redone.write_bytes(MINIMAL_PDF)

    # --- The applicant registers, verifies and signs in -------------------
    page = open_browser(locale="zh-CN").new_page()
    page.goto("/accounts/register/")
    register(page, name="林申请", email=APPLICANT)
    sign_in(page, APPLICANT, PASSPHRASE)
    page.wait_for_url(re.compile(r"/organisation/$"))
    page.locator("main a[href='/organisation/new/']").click()
    page.fill("#id_legal_name", ORGANISATION)
    page.fill("#id_uscc", "91350100M000100Y43")
    submit(page)
    page.wait_for_url(re.compile(r"/organisation/$"))
    expect(page.locator(".alert-success")).to_be_visible()

    # --- The profile: dates long enough ago, employees, an outlet ---------
    page.locator("[data-testid=organisation-links] a[href*='/organisations/']").first.click()
    page.wait_for_url(re.compile(r"/organisations/[\w-]+/$"))
    page.locator("main a[href$='/profile/']").click()
    page.wait_for_url(re.compile(r"/profile/$"))
    page.fill("#id_registration_date", "2018-05-01")
    page.fill("#id_legal_representative", "林法人")
    page.fill("#id_address", "福建省福州市仓山区示例大道 88 号")
    page.fill("#id_contact_name", "林申请")
    page.fill("#id_contact_phone", "0591-88888888")
    page.fill("#id_employee_count", "120")
    page.fill("#id_service_started_on", "2019-01-01")
    page.fill("#id_categories", "家用空调\n安装与维修服务")
    screenshot(page, "01-profile-form")
    submit(page)
    page.wait_for_url(re.compile(r"/organisations/[\w-]+/$"))
    expect(page.locator("main")).to_contain_text("2018-05-01")
    expect(page.locator("main")).to_contain_text("2019-01-01")

    page.locator("main .nav a[href$='/outlets/']").click()
    page.wait_for_url(re.compile(r"/outlets/$"))
    page.fill("#id_name", OUTLET)
    page.fill("#id_address", "福建省福州市仓山区示例大道 88 号一层")
    page.fill("#id_headcount", "18")
    page.locator("form:has(#id_headcount) [type=submit]").click()
    expect(page.locator("main table")).to_contain_text(OUTLET)

    # --- A colleague is invited, registers on a phone and joins -----------
    page.locator("main .nav a[href$='/people/']").click()
    page.wait_for_url(re.compile(r"/people/$"))
    page.fill("#id_email", COLLEAGUE)
    page.locator("form:has(#id_email) [type=submit]").click()
    expect(page.get_by_test_id("invitations")).to_contain_text(COLLEAGUE)
    [invitation] = [m for m in mail.outbox if m.to == [COLLEAGUE]]

    colleague = open_browser(locale="zh-CN", viewport=PHONE).new_page()
    colleague.goto(INVITE_LINK.search(invitation.body).group(0))
    expect(colleague.locator("main")).to_contain_text(ORGANISATION)
    colleague.get_by_test_id("invitation-register").click()
    colleague.wait_for_url(re.compile(r"/accounts/register/\?next="))
    register(colleague, name="何同事", email=COLLEAGUE)
    colleague.fill("#id_username", COLLEAGUE)
    colleague.fill("#id_password", PASSPHRASE)
    submit(colleague)
    colleague.wait_for_url(re.compile(r"/invitations/[\w-]+/$"))
    colleague.get_by_test_id("accept-invitation").click()
    colleague.wait_for_url(re.compile(r"/organisation/$"))
    expect(colleague.locator(".alert-success")).to_be_visible()
    assert Membership.objects.filter(
        user__email=COLLEAGUE, organisation__legal_name=ORGANISATION
    ).exists()

    # --- The applicant applies --------------------------------------------
    page.goto("/organisation/")
    page.locator("nav a[href='/cases/']").first.click()
    page.wait_for_url(re.compile(r"/cases/$"))
    screenshot(page, "02-case-list-empty")
    page.locator("main a[href='/cases/new/']").click()
    page.wait_for_url(re.compile(r"/cases/new/$"))
    page.select_option("#id_version", str(version.pk))
    page.select_option("#id_target_level", "star4")
    page.fill("#id_scope", "家用空调的销售、安装和维修服务")
    page.get_by_label(OUTLET).check()
    screenshot(page, "03-case-form")
    submit(page)
    page.wait_for_url(CASE_URL)
    expect(page.locator(".alert-success")).to_be_visible()
    case = Case.objects.get(organisation__legal_name=ORGANISATION)
    assert list(case.scope_outlets.values_list("name", flat=True)) == [OUTLET]
    expect_status(page, case, Case.Status.DRAFT)
    expect(page.locator("[data-testid=missing]")).to_have_count(len(required))
    screenshot(page, "04-case-draft")

    # A renamed executable is refused by its content, with a clear message.
    upload(page, "business_licence", disguised, refused=True)
    # "The file's content is not an allowed type … renaming does not change it."
    expect(page.locator(".alert-danger")).to_contain_text("文件内容不属于允许的类型")
    screenshot(page, "05-disguised-executable-refused")
    assert not Material.objects.filter(case=case).exists()
    expect(material_row(page, "business_licence").get_by_test_id("missing")).to_be_visible()

    # Every material but one required, and the declarations.
    for code in required:
        if code != HELD_BACK:
            upload(page, code, files[code])
    page.locator("form[action$='/declarations/'] input[type=checkbox]").evaluate_all(
        "boxes => boxes.forEach(box => { box.checked = true; })"
    )
    page.locator("form[action$='/declarations/'] [type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    case.refresh_from_db()
    assert case.has_declared_everything

    # Submitting with a required material missing is refused, naming it.
    page.locator("form[action$='/submit/'] [type=submit]").click()
    expect(page.locator(".alert-danger")).to_contain_text(names[HELD_BACK])
    expect(page.get_by_test_id("missing-list")).to_contain_text(names[HELD_BACK])
    expect_status(page, case, Case.Status.DRAFT)
    screenshot(page, "06-submit-refused-missing")

    upload(page, HELD_BACK, files[HELD_BACK])
    expect(page.get_by_test_id("missing-list")).to_have_count(0)
    page.locator("form[action$='/submit/'] [type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect_status(page, case, Case.Status.SUBMITTED)
    screenshot(page, "07-case-submitted")
    page.locator("nav a[href='/cases/']").first.click()
    expect(page.locator("main")).to_contain_text(case.reference)
    screenshot(page, "08-case-list-applicant")

    # --- The manager reviews and asks for a supplement ---------------------
    ManagerFactory(email="boss@example.com", full_name="王经理")
    manager = open_browser(locale="zh-CN").new_page()
    sign_in(manager, "boss@example.com", PASSWORD)
    manager.wait_for_url(re.compile(r"/manage/$"))
    expect(manager.get_by_test_id("pipeline")).to_contain_text(status_label("submitted"))
    screenshot(manager, "09-manager-home-pipeline")
    manager.locator("nav a[href='/cases/review-queue/']").first.click()
    manager.wait_for_url(re.compile(r"/cases/review-queue/$"))
    expect(manager.locator("main table")).to_contain_text(case.reference)
    screenshot(manager, "10-review-queue")
    manager.locator("main table a", has_text=case.reference).click()
    manager.wait_for_url(CASE_URL)
    screenshot(manager, "11-manager-case-submitted")
    manager.locator("form[action$='/review/start/'] [type=submit]").click()
    expect(manager.locator(".alert-success")).to_be_visible()
    expect_status(manager, case, Case.Status.UNDER_REVIEW)

    for code in required:
        row = material_row(manager, code)
        if code == REDONE:
            row.locator("label[for^='com-']").click()
            row.locator("input.review-comment").fill("请补充近三个月的服务记录，每月至少十份。")
        else:
            row.locator("label[for^='acc-']").click()
    manager.fill("#review-note", "其余材料齐全。")
    screenshot(manager, "12-review-marked")
    manager.locator("#review-form button[value=supplement]").click()
    expect(manager.locator(".alert-success")).to_be_visible()
    expect_status(manager, case, Case.Status.SUPPLEMENT_REQUESTED)
    screenshot(manager, "13-manager-supplement-sent")

    # --- The colleague, on a phone, answers the supplement request --------
    colleague.goto("/cases/")
    colleague.locator("main a", has_text=case.reference).click()
    colleague.wait_for_url(CASE_URL)
    supplement = colleague.get_by_test_id("supplement")
    expect(supplement).to_contain_text(names[REDONE])
    expect(supplement).to_contain_text("每月至少十份")
    notice = colleague.request.get(
        supplement.locator("a[href$='notice.pdf']").get_attribute("href")
    )
    assert notice.status == 200
    assert notice.headers["content-type"] == "application/pdf"
    assert notice.body().startswith(b"%PDF")
    expect(colleague.get_by_test_id("missing-list")).to_contain_text(names[REDONE])
    screenshot(colleague, "14-supplement-requested")
    upload(colleague, REDONE, redone)
    expect(material_row(colleague, REDONE).locator("details")).to_be_attached()
    colleague.locator("form[action$='/submit/'] [type=submit]").click()
    expect(colleague.locator(".alert-success")).to_be_visible()
    expect_status(colleague, case, Case.Status.SUBMITTED)
    screenshot(colleague, "15-resubmitted")
    assert case.materials.filter(material_type__code=REDONE).count() == 2

    # --- The manager reviews again, accepts and sends the contract --------
    manager.reload()
    manager.locator("form[action$='/review/start/'] [type=submit]").click()
    expect_status(manager, case, Case.Status.UNDER_REVIEW)
    for code in required:
        material_row(manager, code).locator("label[for^='acc-']").click()
    manager.locator("#review-form button[value=accept]").click()
    expect(manager.locator(".alert-success")).to_be_visible()
    expect_status(manager, case, Case.Status.ACCEPTED)
    quote = manager.get_by_test_id("quote")
    expect(quote.locator("table.quote-table")).to_be_visible()
    expect(quote.get_by_test_id("certification-fee")).to_have_text(re.compile(r"^¥[\d,]+\.\d\d$"))
    screenshot(manager, "16-accepted-quote")
    manager.locator("form[action$='/contract/send/'] [type=submit]").click()
    expect(manager.locator(".alert-success")).to_be_visible()
    expect_status(manager, case, Case.Status.CONTRACT_SENT)
    screenshot(manager, "17-contract-sent")

    # --- The applicant reads and accepts the contract ---------------------
    page.goto("/cases/")
    page.locator("main a", has_text=case.reference).click()
    page.wait_for_url(CASE_URL)
    contract_card = page.get_by_test_id("contract")
    expect(contract_card).to_be_visible()
    pdf = page.request.get(contract_card.locator("a[href$='contract.pdf']").get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    screenshot(page, "18-contract-to-accept")
    page.fill("#id_typed_name", "林申请")
    page.check("#id_agree")
    page.locator("form[action$='/contract/accept/'] [type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect_status(page, case, Case.Status.CONTRACT_ACCEPTED)
    contract = Contract.objects.get(case=case)
    assert contract.accepted_name == "林申请" and contract.accepted_ip

    # --- The manager records the prepayment: the contract is signed -------
    manager.reload()
    prepayment = manager.get_by_test_id("prepayment").first.inner_text().lstrip("¥").replace(",", "")
    assert prepayment == str(contract.prepayment)
    screenshot(manager, "19-prepayment-form")
    manager.fill("#id_amount", prepayment)
    manager.fill("#id_reference", "BANK-2026-0001")
    manager.locator("form[action$='/contract/prepayment/'] [type=submit]").click()
    expect(manager.locator(".alert-success")).to_be_visible()
    expect_status(manager, case, Case.Status.CONTRACT_SIGNED)
    screenshot(manager, "20-contract-signed-manager")

    page.reload()
    expect_status(page, case, Case.Status.CONTRACT_SIGNED)
    screenshot(page, "21-contract-signed-applicant")

    # The manager's other pages, for a person to look at.
    manager.goto(f"/cases/?status={Case.Status.CONTRACT_SIGNED}")
    expect(manager.locator("main table")).to_contain_text(case.reference)
    screenshot(manager, "22-manager-case-list-filtered")
    manager.goto("/manage/")
    expect(manager.get_by_test_id("pipeline")).to_contain_text(status_label("contract_signed"))
    screenshot(manager, "23-manager-home-after")
    manager.goto("/manage/fees/")
    expect(manager.locator("main form")).to_be_visible()
    screenshot(manager, "24-fee-schedule")
    manager.set_viewport_size(PHONE)
    open_phone_menu(manager)
    expect(manager.locator("#main-nav a[href='/cases/review-queue/']")).to_be_visible()

    assert overflows == {}, "pages wider than a phone (px too wide)"
