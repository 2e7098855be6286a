"""An administrator invites a colleague, who registers from the e-mail link,
verifies the address, signs in and joins (issue 4 item 2), in headless
Chromium at desktop and phone width."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.models import Membership
from tests.browser.conftest import PHONE, shoot
from tests.browser.test_journey import open_phone_menu, sign_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVITE_LINK = re.compile(r"https?://\S+/invitations/[\w-]+/")
VERIFY_LINK = re.compile(r"https?://\S+/accounts/verify/\S+/")
PASSPHRASE = "a-long-and-unusual-passphrase"
COLLEAGUE = "chen.a.rather.long.address.for.a.phone@service-department.example.com"


def test_an_admin_invites_a_colleague_who_registers_and_joins(open_browser):
    admin = MembershipFactory(
        user__full_name="周管理",
        user__email="zhou@example.com",
        organisation__legal_name="福州示例家电服务有限公司",
    ).user
    organisation = admin.memberships.get().organisation
    overflows = {}

    def screenshot(page, name):
        excess = shoot(page, f"people-{name}")
        if excess > 1:
            overflows[name] = excess

    # --- The administrator, in a Chinese browser, invites -------------------
    page = open_browser(locale="zh-CN").new_page()
    sign_in(page, admin.email)
    page.wait_for_url(re.compile(r"/organisation/$"))
    page.locator("[data-testid=organisation-links] a[href*='/people/']").click()
    page.wait_for_url(re.compile(r"/people/$"))
    page.fill("#id_email", COLLEAGUE)
    page.locator("form:has(#id_email) [type=submit]").click()
    page.wait_for_url(re.compile(r"/people/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("invitations")).to_contain_text(COLLEAGUE)
    screenshot(page, "01-invited")

    [invitation_mail] = [m for m in mail.outbox if m.to == [COLLEAGUE]]
    link = INVITE_LINK.search(invitation_mail.body).group(0)

    # --- The colleague, on a phone, registers from the link -----------------
    colleague = open_browser(locale="zh-CN", viewport=PHONE).new_page()
    colleague.goto(link)
    expect(colleague.locator("main")).to_contain_text("福州示例家电服务有限公司")
    screenshot(colleague, "02-invitation-anonymous")
    colleague.get_by_test_id("invitation-register").click()
    colleague.wait_for_url(re.compile(r"/accounts/register/\?next="))
    colleague.fill("#id_full_name", "陈同事")
    colleague.fill("#id_email", COLLEAGUE)
    colleague.locator("main form [type=submit]").click()
    expect(colleague.locator("main strong", has_text=COLLEAGUE)).to_be_visible()
    screenshot(colleague, "03-registered")

    [verification] = [
        m for m in mail.outbox if m.to == [COLLEAGUE] and VERIFY_LINK.search(m.body)
    ]
    colleague.goto(VERIFY_LINK.search(verification.body).group(0))
    colleague.fill("#id_new_password1", PASSPHRASE)
    colleague.fill("#id_new_password2", PASSPHRASE)
    colleague.locator("main form [type=submit]").click()
    # Back to sign-in, which then returns to the invitation.
    colleague.wait_for_url(re.compile(r"/accounts/login/\?next=.*invitations"))
    expect(colleague.locator(".alert-success")).to_be_visible()
    colleague.fill("#id_username", COLLEAGUE)
    colleague.fill("#id_password", PASSPHRASE)
    colleague.locator("main form [type=submit]").click()
    colleague.wait_for_url(re.compile(r"/invitations/[\w-]+/$"))
    accept = colleague.get_by_test_id("accept-invitation")
    expect(accept).to_be_visible()
    screenshot(colleague, "04-invitation-signed-in")
    accept.click()
    colleague.wait_for_url(re.compile(r"/organisation/$"))
    expect(colleague.locator(".alert-success")).to_be_visible()
    expect(colleague.locator("main")).to_contain_text("福州示例家电服务有限公司")
    screenshot(colleague, "05-joined")
    open_phone_menu(colleague)
    expect(colleague.locator("#main-nav a[href='/organisation/']")).to_be_visible()

    assert organisation.memberships.filter(
        user__email=COLLEAGUE, role=Membership.Role.MEMBER
    ).exists()

    # --- The administrator sees the new member and makes them administrator --
    page.reload()
    members = page.get_by_test_id("members")
    expect(members).to_contain_text("陈同事")
    screenshot(page, "06-members")
    members.locator("tr", has_text="陈同事").locator("button").first.click()
    page.wait_for_url(re.compile(r"/people/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    assert organisation.memberships.filter(user__email=COLLEAGUE).get().role == "admin"
    screenshot(page, "07-two-admins")

    # The profile and outlets pages look finished too.
    page.goto(f"/organisations/{organisation.public_id}/profile/")
    page.fill("#id_address", "福建省福州市仓山区示例大道 88 号")
    page.fill("#id_categories", "家用空调\n安装与维修服务")
    page.locator("main form [type=submit]").click()
    page.wait_for_url(re.compile(rf"/organisations/{organisation.public_id}/$"))
    expect(page.locator("main")).to_contain_text("安装与维修服务")
    screenshot(page, "08-organisation-record")
    page.goto(f"/organisations/{organisation.public_id}/outlets/")
    page.fill("#id_name", "仓山服务中心")
    page.fill("#id_address", "福建省福州市仓山区示例大道 88 号一层")
    page.fill("#id_headcount", "18")
    page.locator("form:has(#id_headcount) [type=submit]").click()
    expect(page.locator("main table")).to_contain_text("仓山服务中心")
    screenshot(page, "09-outlets")

    assert overflows == {}, "pages wider than a phone (px too wide)"
