"""The managers' scheme editor in headless Chromium (issue 3, "Done when"):
a manager clones GB/T 27922-2011 v1, changes an item's points so the sums
break, is refused at publishing with the indicator named, fixes the item
inline and publishes."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.factories import PASSWORD, ManagerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def set_item_points(page, code, points):
    """Open the item's inline form (htmx), change its points, save."""
    page.get_by_test_id(f"edit-item-{code}").click()
    form = page.get_by_test_id("editor-form")
    expect(form).to_be_visible()
    form.locator("input[name=max_points]").fill(points)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_manager_clones_breaks_is_refused_fixes_and_publishes(open_browser):
    overflows = {}

    def screenshot(page, name):
        excess = shoot(page, f"scheme-editor-{name}")
        if excess > 1:
            overflows[name] = excess

    ManagerFactory(email="schemes@example.com", full_name="Manager Wang")
    page = open_browser(locale="en-US").new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "schemes@example.com")

    # Administration → Schemes.
    page.locator("#main-nav .dropdown-toggle:has(.bi-gear)").click()
    page.locator("#main-nav a[href='/schemes/']").click()
    page.wait_for_url(re.compile(r"/schemes/$"))
    shipped = page.get_by_test_id("version-GBT27922-2011-1")
    expect(shipped.get_by_test_id("schemeversion-status")).to_have_text("Published")
    expect(shipped.get_by_test_id("normative")).to_have_text("Not normative")
    screenshot(page, "01-list")

    # Clone v1 into a draft v2.
    shipped.get_by_role("button", name="Clone into a draft").click()
    page.wait_for_url(re.compile(r"/schemes/versions/[0-9a-f-]+/$"))
    expect(page.locator(".alert-success")).to_contain_text("Version 2 is a new draft")
    expect(page.get_by_test_id("schemeversion-status")).to_have_text("Draft")
    expect(page.get_by_test_id("not-normative")).to_be_visible()
    expect(page.get_by_test_id("sum-problem")).to_have_count(0)
    expect(page.get_by_test_id("total")).to_contain_text("categories sum to 100")
    screenshot(page, "02-draft")

    # A1.1 from 3 to 4 points: indicator A1 no longer adds up.
    set_item_points(page, "A1.1", "4")
    indicator = page.get_by_test_id("indicator-A1")
    expect(indicator.get_by_test_id("item-A1.1").get_by_test_id("item-points")).to_have_text("4")
    expect(indicator.get_by_test_id("sum-problem")).to_be_visible()
    expect(indicator.get_by_test_id("sum-problem-text")).to_have_text("Items sum to 7, not 6")
    expect(page.get_by_test_id("sum-problems")).to_contain_text("indicator A1")
    screenshot(page, "03-sums-broken")

    # Publishing is refused, naming the indicator.
    page.get_by_test_id("publish").click()
    refusal = page.locator(".alert-danger[role=alert]").first
    expect(refusal).to_contain_text("cannot be published")
    expect(refusal).to_contain_text("indicator A1")
    expect(page.get_by_test_id("schemeversion-status")).to_have_text("Draft")
    screenshot(page, "04-publish-refused")

    # Bad input is explained inline, not a crash.
    page.get_by_test_id("edit-item-A1.1").click()
    form = page.get_by_test_id("editor-form")
    form.locator("input[name=max_points]").fill("-3")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("editor-form")).to_contain_text("Points must be more than 0.")
    screenshot(page, "05-bad-points")
    page.get_by_test_id("editor-form").locator("[data-editor-cancel]").click()
    expect(page.get_by_test_id("editor-form")).to_have_count(0)

    # The fix: back to 3 points; the sums add up and the version publishes.
    set_item_points(page, "A1.1", "3")
    expect(page.get_by_test_id("sum-problem")).to_have_count(0)
    page.get_by_test_id("publish").click()
    expect(page.locator(".alert-success")).to_contain_text("Version 2 is published")
    expect(page.get_by_test_id("schemeversion-status")).to_have_text("Published")
    expect(page.get_by_test_id("publish")).to_have_count(0)
    expect(page.get_by_test_id("mark-normative")).to_be_visible()
    screenshot(page, "06-published")

    assert overflows == {}, "pages wider than a phone (px too wide)"
