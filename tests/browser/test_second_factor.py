"""A manager sets up the second factor and signs in with it, once with a
code from the authenticator (computed here from the key the page shows) and
once with a recovery code (issue 13, item 12), at desktop and phone width."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.test_journey import sign_in, submit
from tests.factories import ManagerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def key_bytes(key_text):
    key = key_text.replace(" ", "")
    return b32decode(key + "=" * (-len(key) % 8))


def code_from(key_text):
    """What an authenticator app shows for the key now."""
    return f"{totp(key_bytes(key_text)):06d}"


def next_code(key_text, user):
    """The code of the 30 s step after the one last accepted: a code is
    accepted once, and the device follows the clock's drift it last saw, so
    "now plus one step" is refused when the first code was typed across a
    step's boundary."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    # Past the accepted window (a slow run), the step of now is the one to type.
    step = max(device.last_t + 1, int(time.time()) // device.step + device.drift)
    return f"{hotp(key_bytes(key_text), step):06d}"


def test_a_manager_sets_up_the_second_factor_and_signs_in_with_a_code_and_a_recovery_code(
    open_browser, browser_settings
):
    browser_settings.STAFF_OTP_REQUIRED = True
    manager = ManagerFactory(full_name="王经理", email="wang@example.com")
    overflows = {}

    def screenshot(page, name):
        excess = shoot(page, f"second-factor-{name}")
        if excess > 1:
            overflows[name] = excess

    page = open_browser(locale="zh-CN").new_page()
    sign_in(page, manager.email)
    page.wait_for_url(re.compile(r"/accounts/second-factor/"))
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    expect(page.locator(".navbar")).not_to_contain_text("申请")
    screenshot(page, "01-set-up")

    key = page.get_by_test_id("totp-key").inner_text()
    page.fill("#id_code", code_from(key))
    submit(page)
    expect(page.get_by_test_id("recovery-codes")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "02-recovery-codes")
    page.get_by_test_id("continue").click()
    page.goto("/manage/")
    expect(page.locator("h1")).to_be_visible()
    assert "/accounts/second-factor/" not in page.url

    # Signing in again asks for the code.
    page.context.clear_cookies()
    sign_in(page, manager.email)
    page.wait_for_url(re.compile(r"/accounts/second-factor/"))
    screenshot(page, "03-enter-code")
    page.fill("#id_code", next_code(key, manager))
    submit(page)
    page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)

    # A lost phone: a recovery code, once.
    page.context.clear_cookies()
    sign_in(page, manager.email)
    page.wait_for_url(re.compile(r"/accounts/second-factor/"))
    page.fill("#id_code", codes[0].strip())
    submit(page)
    page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)
    expect(page.locator(".alert-warning")).to_contain_text("9")
    screenshot(page, "04-signed-in-with-recovery-code")

    assert overflows == {}
