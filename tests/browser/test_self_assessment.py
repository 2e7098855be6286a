"""An applicant completes a self-assessment on a phone and sees its level
and gaps (the scoring issue's browser journey)."""

import pytest
from playwright.sync_api import expect

from scoring.models import Item
from tests.browser.conftest import PHONE, shoot
from tests.browser.test_journey import open_phone_menu, sign_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the applicant finds, item by item; everything else conforms.
FINDINGS = {"A2.2": "nonconforming", "C2.1": "nonconforming"}


def test_an_applicant_completes_a_self_assessment_at_phone_width(open_browser):
    applicant = MembershipFactory(user__full_name="周申请").user
    page = open_browser(locale="zh-CN", viewport=PHONE).new_page()
    sign_in(page, applicant.email)

    open_phone_menu(page)
    page.locator("#main-nav a[href='/self-assessments/']").click()
    page.locator("main a[href='/self-assessments/new/']").click()
    page.fill("#id_title", "手机自评")
    page.select_option("#id_target_level", "star4")
    page.locator("main form [type=submit]").click()
    page.wait_for_url("**/self-assessments/*-*/")
    expect(page.locator("[data-testid=normative-notice]")).to_contain_text("GBT27922-2011")

    codes = list(
        Item.objects.filter(indicator__category__version__scheme__code="GBT27922-2011")
        .order_by("indicator__category__position", "indicator__position", "position")
        .values_list("code", flat=True)
    )
    for code in codes:
        result = FINDINGS.get(code, "conforming")
        # One mark at a time: on a loaded machine a click landing while the
        # previous row is being swapped in can be lost.
        expect(page.locator(".htmx-request")).to_have_count(0)
        page.locator(f"[data-item='{code}'] label[for$='-{result}']").click()
        expect(page.locator(f"[data-item='{code}'] input[value='{result}']")).to_be_checked(timeout=15000)

    expect(page.locator("[data-testid=unmarked]")).to_have_count(0)
    # 100 − 5 (A2.2) − 13 (C2.1) = 82 → three stars, 8 points short of four.
    expect(page.locator("[data-testid=score]")).to_have_text("82.00")
    expect(page.locator("[data-testid=level]")).to_have_text("三星级")
    expect(page.locator("[data-testid=target]")).to_contain_text("8.00")
    expect(page.locator("[data-testid=target]")).to_contain_text("C2")
    assert shoot(page, "self-assessment-marked") <= 1

    page.locator("form[action$='/finish/'] button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("[data-testid=score]")).to_have_text("82.00")
    expect(page.locator("form[action$='/revise/']")).to_be_visible()
    assert shoot(page, "self-assessment-finished") <= 1
