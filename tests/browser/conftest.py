"""Headless Chromium against the live server (DESIGN.md "Stack and set-up").

Debian's `chromium` is driven through Playwright (never `playwright install`).
Without it the tests skip, except under CI=true where they fail. Every
context aborts and records requests to any host but the live server (no CDN,
no web fonts from elsewhere) and records console errors (CSP violations,
404s, script errors); a test fails when either list is not empty.
Screenshots go to ./screenshots/ (ignored by git) for a person to look at.
"""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse database access from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium")
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI=true needs the browser tests")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def chromium(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started with a placeholder MEDIA_URL.

    The app sets MEDIA_URL = None on purpose (uploads never get a URL), but
    Django's LiveServerThread wraps the app in a media handler that parses
    MEDIA_URL when it starts and then fails on every request when it is None
    ("startswith first arg must be str ... not bytes"). The placeholder is
    only seen while the server starts; no URL of the app serves it.
    """
    from django.test import override_settings
    from pytest_django import live_server_helper

    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(MEDIA_URL="/media-never-served/"):
        server = live_server_helper.LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _browser_shipped_data(shipped_data):
    """Every browser test starts with the shipped schemes in place."""


@pytest.fixture
def browser_settings(settings, live_server):
    """The live server speaks plain HTTP and e-mails links to itself."""
    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    return settings


class Watch:
    """Requests to foreign hosts and console errors of one browser context."""

    def __init__(self, origin):
        self.origin = origin
        self.foreign_requests = []
        self.console_errors = []
        # Pages expected to answer 403/404: their own load error is no fault.
        self.expected_error_urls = set()

    def route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or (
            f"{parts.scheme}://{parts.netloc}" == self.origin
        ):
            route.continue_()
        else:
            self.foreign_requests.append(url)
            route.abort()

    def console(self, message):
        if message.type == "error":
            location = message.location or {}
            if (
                message.text.startswith("Failed to load resource")
                and location.get("url") in self.expected_error_urls
            ):
                return
            self.console_errors.append(f"{message.text} ({location.get('url', '?')})")

    def page_error(self, error):
        self.console_errors.append(f"uncaught: {error}")

    def assert_clean(self):
        assert self.foreign_requests == [], "requests to other hosts than the live server"
        assert self.console_errors == [], "console errors (CSP violations, 404s, scripts)"


@pytest.fixture
def open_browser(chromium, live_server, browser_settings):
    """Open a browser context in a given locale, watched; checked at the end."""
    contexts = []

    def open_context(locale="zh-CN", viewport=DESKTOP):
        origin = live_server.url.rstrip("/")
        context = chromium.new_context(
            base_url=origin,
            locale=locale,
            timezone_id="Asia/Shanghai",
            viewport=viewport,
        )
        context.set_default_timeout(15_000)
        watch = Watch(origin)
        context.route("**/*", watch.route)
        context.on("console", watch.console)
        context.on("page", lambda page: page.on("pageerror", watch.page_error))
        context.watch = watch
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    for context in contexts:
        context.watch.assert_clean()


def screenshot_name(*parts):
    name = "-".join(str(part) for part in parts if part)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-").lower()


def overflow(page):
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def shoot(page, name, *, both=True):
    """Save full-page screenshots at desktop and phone width; return the
    phone width's horizontal overflow in pixels. The viewport is restored."""
    SCREENSHOTS.mkdir(exist_ok=True)
    original = page.viewport_size
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SCREENSHOTS / f"{screenshot_name(name)}-desktop.png", full_page=True)
    excess = 0
    if both:
        page.set_viewport_size(PHONE)
        page.wait_for_function(f"window.innerWidth === {PHONE['width']}")
        page.screenshot(path=SCREENSHOTS / f"{screenshot_name(name)}-phone.png", full_page=True)
        excess = overflow(page)
    page.set_viewport_size(original)
    return excess
