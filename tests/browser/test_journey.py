"""The first journey (issue 2 item 18), in headless Chromium.

An applicant registers, verifies the address from the test mailbox, signs in,
sees the home page in Chinese, creates its organisation (a wrong code first),
switches to English; a manager signs in, edits the body's profile and sees
the overview.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, shoot
from tests.factories import PASSWORD, ManagerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HAN = re.compile(r"[\u4e00-\u9fff]")
VERIFY_LINK = re.compile(r"https?://\S+/accounts/verify/\S+/")


def submit(page):
    page.locator("main form [type=submit]").first.click()


def open_phone_menu(page):
    """At phone width the navbar is collapsed behind its toggler."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        if toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
        # Visible already while it slides open ("collapsing"); a click on a
        # dropdown in it before "show" may be lost on a busy machine.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    submit(page)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_applicant_registers_and_creates_its_organisation_then_a_manager_edits_the_body(
    open_browser,
):
    overflows = {}

    def screenshot(page, name):
        excess = shoot(page, f"journey-{name}")
        if excess > 1:
            overflows[name] = excess

    # --- The applicant, in a Chinese browser -------------------------------
    page = open_browser(locale="zh-CN").new_page()
    page.goto("/accounts/register/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    screenshot(page, "01-register")
    page.fill("#id_full_name", "孙申请")
    page.fill("#id_email", "sun@example.com")
    submit(page)
    expect(page.locator("main strong", has_text="sun@example.com")).to_be_visible()
    screenshot(page, "02-register-done")

    # The verification e-mail, from the test mailbox (eager Celery, locmem).
    [message] = [m for m in mail.outbox if m.to == ["sun@example.com"]]
    assert HAN.search(message.subject), message.subject
    link = VERIFY_LINK.search(message.body).group(0)
    page.goto(link)
    expect(page.locator("#id_new_password1")).to_be_visible()
    screenshot(page, "03-choose-password")
    page.fill("#id_new_password1", "a-long-and-unusual-passphrase")
    page.fill("#id_new_password2", "a-long-and-unusual-passphrase")
    submit(page)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(page, "03-password-set")

    sign_in(page, "sun@example.com", "a-long-and-unusual-passphrase")
    page.wait_for_url(re.compile(r"/organisation/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("main h1")).to_have_text(HAN)
    create_link = page.locator("main a[href='/organisation/new/']")
    expect(create_link).to_be_visible()
    screenshot(page, "04-applicant-home-start")

    create_link.click()
    page.wait_for_url(re.compile(r"/organisation/new/$"))
    page.fill("#id_legal_name", "福州示例售后服务有限公司")
    page.fill("#id_uscc", "91350100M000100Y44")
    submit(page)
    # Refused, with a message that names the check character.
    error = page.locator("main .invalid-feedback, main .errorlist").first
    expect(error).to_be_visible()
    expect(error).to_contain_text("“3”")
    expect(error).to_contain_text("“4”")
    expect(error).to_have_text(HAN)
    expect(page.locator("#id_uscc")).to_have_class(re.compile(r"\bis-invalid\b"))
    screenshot(page, "05-organisation-wrong-code")

    page.fill("#id_uscc", "91350100M000100Y43")
    submit(page)
    page.wait_for_url(re.compile(r"/organisation/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("main").get_by_text("福州示例售后服务有限公司").first).to_be_visible()
    expect(page.locator("main").get_by_text("91350100M000100Y43").first).to_be_visible()
    screenshot(page, "06-applicant-home-organisation")

    # English through the language menu, at phone width (navbar collapsed).
    page.set_viewport_size(PHONE)
    open_phone_menu(page)
    page.locator("#main-nav .dropdown-toggle:has(.bi-translate)").click()
    english = page.locator("#main-nav button[name=language][value=en]")
    expect(english).to_be_visible()
    english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("My organisation")
    expect(page.locator("main").get_by_text("91350100M000100Y43").first).to_be_visible()
    screenshot(page, "07-applicant-home-english")

    # --- A manager, on a phone, in an English browser ----------------------
    ManagerFactory(email="boss@example.com", full_name="Manager Wang")
    page = open_browser(locale="en-US", viewport=PHONE).new_page()
    sign_in(page, "boss@example.com")
    page.wait_for_url(re.compile(r"/manage/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("organisation-count")).to_have_text("1")
    screenshot(page, "08-manager-overview")

    open_phone_menu(page)
    page.locator("#main-nav .dropdown-toggle:has(.bi-gear)").click()
    body_link = page.locator("#main-nav a[href='/staff/body/']")
    expect(body_link).to_be_visible()
    body_link.click()
    page.wait_for_url(re.compile(r"/staff/body/$"))
    screenshot(page, "09-body-profile")
    page.fill("#id_name_zh", "福建示范认证有限公司")
    page.fill("#id_name_en", "Fujian Demo Certification Co., Ltd.")
    page.fill("#id_approval_number", "cnca-r-2016-001")
    submit(page)
    page.wait_for_url(re.compile(r"/staff/body/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#id_approval_number")).to_have_value("CNCA-R-2016-001")
    expect(page.locator("#id_name_zh")).to_have_value("福建示范认证有限公司")
    expect(page.locator("footer")).to_contain_text("CNCA-R-2016-001")
    # An English page names the body in English (the brand cut to 24 characters).
    expect(page.locator("footer")).to_contain_text("Fujian Demo Certification Co., Ltd.")
    expect(page.locator(".navbar-brand")).to_contain_text("Fujian Demo Certificati")
    screenshot(page, "10-body-profile-saved")

    open_phone_menu(page)
    page.locator("#main-nav a[href='/manage/']").click()
    page.wait_for_url(re.compile(r"/manage/$"))
    expect(page.get_by_test_id("organisation-count")).to_have_text("1")
    expect(page.locator("main").get_by_text("福州示例售后服务有限公司")).to_be_visible()
    screenshot(page, "11-manager-overview-after")

    assert overflows == {}, "pages wider than a phone (px too wide)"
