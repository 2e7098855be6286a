"""A screenshot tour of the demo: every page of the app (tests/browser/pages.py),
each opened by a role that reaches it, at desktop and phone width.

A role's tour starts at its home page and follows the links of its
navigation and pages, plus the pages it reaches from an e-mail or after
sending a form. It must reach every page listed for it. Each of those must
load without console errors (CSP violations, missing files), must not be
wider than a phone, and must have no serious or critical accessibility
violation that axe-core finds, in Chinese and in English. Screenshots land
in ./screenshots/ as tour-<role>-<page name>-<width>.png for a person to look at.

One test per role, so pytest-xdist spreads the tour over its workers; the
demo is seeded once per run (tests/browser/demo.py).
"""

import os
import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from applications.models import Case, Invitation, Membership, Organisation
from audits.models import DeclarationRequest
from certificates.management.commands.seed_demo import DEMO_PENDING_INVITATION
from certificates.views.complaint import SESSION_REFERENCE
from certify.models import User
from certify.notifications import notify
from certify.services import api_token_create, api_token_revoke, email_verification_token
from tests.browser.axe import axe_violations
from tests.browser.conftest import shoot
from tests.browser.demo import demo_in_place
from tests.browser.pages import NEWCOMER, PEOPLE, TOURS, UNVERIFIED
from tests.factories import ApplicantFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages a role may not see, shown in the app's own look (status expected).
ERROR_PAGES = {
    "applicant": {"/manage/": 403, "/no-such-page/": 404},
    "anonymous": {"/no-such-page/": 404},
}
# Pages a person's tour opens besides the listed ones, at most.
DETOURS = 40
# Instances of one kind of page a person's tour opens, at most: another
# case may lead where the first did not.
SAME_KIND = 3


def _seed_demo():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def _add_tour_people():
    """Besides the demo: a colleague in the demo organisation, an applicant
    without one, a new staff member who has not chosen a password yet, API
    tokens, and a notification for each person who tours."""
    applicant = User.objects.get(email="applicant@demo.certify.test")
    organisation = applicant.memberships.get().organisation
    MembershipFactory(
        organisation=organisation,
        user__full_name="钱同事 (Qian, member)",
        role=Membership.Role.MEMBER,
    )
    ApplicantFactory(full_name=NEWCOMER)
    unverified = ApplicantFactory(full_name=UNVERIFIED)
    unverified.set_unusable_password()
    unverified.save()
    # Their profile lists API tokens, one of them revoked.
    api_token_create(actor=applicant, user=applicant, name="ERP 财务系统", scope="write")
    revoked, _token = api_token_create(actor=applicant, user=applicant, name="旧脚本")
    api_token_revoke(actor=applicant, token_id=revoked.pk)
    notify(
        list(User.objects.filter(email__in=[*PEOPLE["manager"], *PEOPLE["auditor"], *PEOPLE["applicant"]]))
        + list(User.objects.filter(full_name=NEWCOMER)),
        template="organisation_created",
        context={"organisation": organisation, "creator": applicant},
        url="/",
        send_email=False,
    )


def _person(key):
    if key is None:
        return None
    if "@" in key:
        return User.objects.get(email=key)
    return User.objects.get(full_name=key)


def _entries(role, person):
    """Where the person's tour starts besides the home page: the pages reached
    from an e-mail or after sending a form, which no link leads to, and
    pages deep in the role's lists that the walk would take long to find."""
    if role == "anonymous":
        account = User.objects.get(email="colleague@demo.certify.test")
        unverified = User.objects.get(full_name=UNVERIFIED)
        invitation = Invitation.objects.get(email=DEMO_PENDING_INVITATION)
        return [
            reverse("password_reset_done"),
            reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
                    "token": default_token_generator.make_token(account),
                },
            ),
            reverse("password_reset_complete"),
            reverse("email_verify", kwargs={"token": email_verification_token(unverified)}),
            reverse("applications:invitation_detail", kwargs={"token": invitation.token}),
            reverse("certificates:complaint_thanks"),
        ]
    if role == "auditor":
        asked = DeclarationRequest.objects.filter(auditor=person).select_related("organisation").first()
        return [reverse("audits:declaration", args=[asked.organisation.public_id])]
    if role == "manager":
        # A manager plans audits from the case page, opened from the list
        # of cases, whose first ones are at other stages.
        ready = Case.objects.filter(status=Case.Status.CONTRACT_SIGNED).order_by("pk").first()
        # The code override is a form on the organisation's page, shown
        # on a page of its own again with its errors.
        organisation = Organisation.objects.order_by("pk").first()
        return [
            reverse("applications:case_detail", args=[ready.public_id]),
            reverse("applications:organisation_uscc_override", args=[organisation.public_id]),
        ]
    if role == "applicant" and person.email == PEOPLE["applicant"][0]:
        return [reverse("password_change_done")]
    if role == "applicant":
        # The other enterprises' tours start at their cases, where their
        # stage shows.
        cases = Case.objects.filter(organisation__memberships__user=person).order_by("pk")
        return [reverse("applications:case_detail", args=[case.public_id]) for case in cases]
    return []


def _browser_for(open_browser, live_server, person):
    context = open_browser(locale="zh-CN")
    session = SessionStore()
    if person is None:
        # A browser that has just filed a complaint sees its reference.
        session[SESSION_REFERENCE] = "TS-DEMO-0001"
        session.create()
        value = session.session_key
    else:
        client = Client()
        client.force_login(person)
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}]
    )
    return context


def _page_name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _links(page):
    hrefs = page.eval_on_selector_all(
        "nav a[href], main a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    for href in hrefs:
        if href and href.startswith("/") and not href.startswith("//"):
            yield urlsplit(href).path


def _walk(page, starts, wanted, checked, problems):
    """Open pages from `starts` along their links until every wanted page
    is reached; yield each wanted page not checked yet, once, by name, with
    the browser on it. Only the role's pages are followed (actions, files
    and the admin are none). A link to a kind of page not opened yet goes
    first; another instance of a kind opened or checked goes last."""
    fresh, again = deque(starts), deque()
    seen, opened_by_name, steps = set(starts), Counter(), 0
    passable = wanted | {_page_name(path) for path in starts}
    while (fresh or again) and not wanted <= checked and steps < len(wanted) + DETOURS:
        path = fresh.popleft() if fresh else again.popleft()
        name = _page_name(path)
        if name not in passable or opened_by_name[name] >= SAME_KIND:
            continue
        if (opened_by_name[name] or name in checked) and path not in starts and fresh:
            again.append(path)
            continue
        response = page.goto(path)
        steps += 1
        opened_by_name[name] += 1
        final = urlsplit(page.url).path
        if _page_name(final) != name:
            name = _page_name(final)
            opened_by_name[name] += 1
        if not response.ok:
            if name in wanted:
                problems[path] = f"status {response.status}"
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if name in wanted and name not in checked:
            checked.add(name)
            yield final
        for link in _links(page):
            if link not in seen:
                seen.add(link)
                fresh.append(link)


def _check(page, role, path):
    """What is wrong with the page the browser is on, in Chinese."""
    # The app's pages say zh-CN; Django's admin says zh-hans.
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^zh"))
    found = axe_violations(page)
    excess = shoot(page, f"tour-{role}-{_page_name(path).replace(':', '-')}")
    if excess > 1:
        found.append(f"{excess}px wider than a 390px phone")
    return found


def _check_in_english(page, live_server, paths):
    """What axe finds on the same pages in English, by path."""
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    problems = {}
    for path in paths:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        found = axe_violations(page)
        if found:
            problems[f"{path} (en)"] = found
    return problems


def _check_error_pages(page, role):
    problems = {}
    for path, expected in ERROR_PAGES.get(role, {}).items():
        response = page.goto(path)
        if response.status != expected:
            problems[path] = f"status {response.status}, expected {expected}"
        elif found := axe_violations(page):
            problems[path] = found
    return problems


@pytest.mark.parametrize("role", list(TOURS))
def test_every_page_of_the_role_is_reached_and_looks_finished(
    role, open_browser, live_server, settings, tmp_path_factory
):
    demo_in_place(tmp_path_factory, settings, _seed_demo)
    _add_tour_people()
    wanted, checked, problems = TOURS[role], set(), {}
    for turn, key in enumerate(PEOPLE[role]):
        person = _person(key)
        context = _browser_for(open_browser, live_server, person)
        context.watch.expected_error_urls = {
            f"{live_server.url}{path}" for path in ERROR_PAGES.get(role, {})
        }
        page = context.new_page()
        toured = []
        starts = _entries(role, person) if turn else ["/", *_entries(role, person)]
        for path in _walk(page, starts, wanted, checked, problems):
            toured.append(path)
            if found := _check(page, role, path):
                problems[path] = found
        if turn == 0:
            problems.update(_check_error_pages(page, role))
        problems.update(_check_in_english(page, live_server, toured))
        page.close()

    assert sorted(wanted - checked) == [], "pages the tour did not reach"
    assert problems == {}
