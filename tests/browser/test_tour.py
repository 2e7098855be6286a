"""A screenshot tour: every page each role reaches from the navigation (and
from its home page), at desktop and phone width.

Each page must load without console errors (CSP violations, missing files),
must not be wider than a phone, and must have no serious or critical
accessibility violation that axe-core finds, in Chinese and in English. Screenshots land in ./screenshots/ as
tour-<role>-<page>-<width>.png for a person to look at.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from applications.models import Membership
from certify.models import User
from certify.notifications import notify
from tests.browser.axe import axe_violations
from tests.browser.conftest import shoot
from tests.factories import ApplicantFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["manager", "auditor", "applicant", "applicant-without-organisation", "anonymous"]

# Pages a role may not see, shown in the app's own look (status expected).
ERROR_PAGES = {
    "applicant": {"/manage/": 403, "/no-such-page/": 404},
    "anonymous": {"/no-such-page/": 404},
}
# Links that are not pages: actions, the admin, and files (downloads and PDFs).
SKIP = re.compile(
    r"^/(body/logo/|language/|accounts/logout/|admin/.+)|/delete/|/read/"
    r"|/files/\d+/$|/evidence/|/file/$|\.pdf$|/pdf/$|/notice\.pdf$"
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_PAGES = 16


def _demo_people():
    """The demo data a newcomer sees, plus an applicant still without an
    organisation and a colleague in the demo organisation."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    manager = User.objects.get(email="manager@demo.certify.test")
    applicant = User.objects.get(email="applicant@demo.certify.test")
    organisation = applicant.memberships.get().organisation
    MembershipFactory(
        organisation=organisation,
        user__full_name="钱同事 (Qian, member)",
        role=Membership.Role.MEMBER,
    )
    people = {
        "manager": manager,
        "auditor": User.objects.get(email="auditor@demo.certify.test"),
        "applicant": applicant,
        "applicant-without-organisation": ApplicantFactory(full_name="孙新人 (Sun, newcomer)"),
    }
    for person in people.values():
        notify(
            [person],
            template="organisation_created",
            context={"organisation": organisation, "creator": applicant},
            url="/",
            send_email=False,
        )
    return people


def _slug(path):
    path = UUID.sub("item", path).strip("/")
    return path.replace("/", "-") or "home"


def _links(page, selector):
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or not href.startswith("/") or href.startswith("//"):
            continue
        path = urlsplit(href).path
        # "/" only redirects to the role's home, which is visited anyway.
        if path != "/" and not SKIP.search(path) and path not in found:
            found.append(path)
    return found


def _signed_in_context(open_browser, live_server, person):
    context = open_browser(locale="zh-CN")
    if person is not None:
        client = Client()
        client.force_login(person)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def _pages_reached(page):
    """The role's home, the pages its navigation and home link to, and one
    step further from those (detail pages, forms linked from lists)."""
    response = page.goto("/")
    assert response.ok
    pages = [urlsplit(page.url).path]
    for path in _links(page, "nav a[href]") + _links(page, "main a[href]"):
        if path not in pages:
            pages.append(path)
    pages = pages[:MAX_PAGES]
    for path in list(pages[1:]):
        if len(pages) >= MAX_PAGES:
            break
        page.goto(path)
        for link in _links(page, "main a[href]"):
            if link not in pages and len(pages) < MAX_PAGES:
                pages.append(link)
    return pages


def _tour(page, role, pages):
    """What is wrong with the pages `role` reaches, by path."""
    problems = {}
    for path in [*pages, *ERROR_PAGES.get(role, {})]:
        response = page.goto(path)
        expected = ERROR_PAGES.get(role, {}).get(path)
        status = response.status if response else None
        if expected is not None:
            if status != expected:
                problems[path] = f"status {status}, expected {expected}"
        elif not response.ok:
            problems[path] = f"status {status}"
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        # The app's pages say zh-CN; Django's admin says zh-hans.
        expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^zh"))
        found = axe_violations(page)
        excess = shoot(page, f"tour-{role}-{_slug(path)}")
        if excess > 1:
            found.append(f"{excess}px wider than a 390px phone")
        if found:
            problems[path] = found
    return problems


def _tour_in_english(page, live_server, pages):
    """The same pages in English, at desktop width: what axe finds, by path."""
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    problems = {}
    for path in pages:
        response = page.goto(path)
        if not response.ok or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        expect(page.locator("html")).to_have_attribute("lang", "en")
        found = axe_violations(page)
        if found:
            problems[f"{path} (en)"] = found
    return problems


def test_every_page_each_role_reaches_looks_finished(open_browser, live_server):
    # One test for every role: seeding the demo is most of a role's tour.
    people = _demo_people()
    reached, problems = {}, {}
    for role in ROLES:
        context = _signed_in_context(open_browser, live_server, people.get(role))
        context.watch.expected_error_urls = {
            f"{live_server.url}{path}" for path in ERROR_PAGES.get(role, {})
        }
        page = context.new_page()
        # A role whose tour breaks off must not hide what the others find.
        try:
            reached[role] = _pages_reached(page)
            found = _tour(page, role, reached[role])
            found.update(_tour_in_english(page, live_server, reached[role]))
        except Exception as exc:  # noqa: BLE001
            found = {"tour broke off": repr(exc)}
        if found:
            problems[role] = found
        page.close()

    reaching_too_little = {role: reached.get(role) for role in ROLES if len(reached.get(role, [])) < 2}
    assert reaching_too_little == {}
    assert problems == {}
