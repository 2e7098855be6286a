"""Chinese is the default language: every string needs its translation, and
no page may show interface words that were never marked for translation."""

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.factories import PASSWORD
from tests.tools import needs

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# Words an untranslated Django or crispy page would show.
ENGLISH_INTERFACE_WORDS = [
    "Save",
    "Submit",
    "Cancel",
    "Delete",
    "Search",
    "Log in",
    "Log out",
    "Home",
    "Status",
    "Next",
]


def _untranslated(catalogue):
    return [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and (
            not (entry.msgstr or any(entry.msgstr_plural.values()))
            or "fuzzy" in entry.flags
        )
    ]


def test_the_chinese_catalogue_translates_every_entry():
    assert _untranslated(polib.pofile(str(CATALOGUE))) == []


@needs("xgettext", "gettext")
def test_every_string_in_the_source_is_in_the_chinese_catalogue(tmp_path, settings):
    """Extract the strings afresh into a copy of the catalogue: anything new
    arrives untranslated and fails here."""
    copy = tmp_path / "zh_Hans" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, copy)
    settings.LOCALE_PATHS = [tmp_path]
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        ignore_patterns=[".*", "node_modules", "var", "tests", "screenshots", "staticfiles"],
        verbosity=0,
    )
    assert _untranslated(polib.pofile(str(copy))) == []


class _VisibleText(HTMLParser):
    """Text a person sees: no script or style contents, plus button values,
    placeholders and titles."""

    def __init__(self):
        super().__init__()
        self.parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.parts.append(value)
            if name == "value" and tag == "input" and dict(attrs).get("type") in ("submit", "button"):
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_text(html):
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def _english_words_in(html):
    text = _visible_text(html)
    return [word for word in ENGLISH_INTERFACE_WORDS if re.search(rf"\b{word}\b", text)]


ANONYMOUS_PAGES = [
    "login",
    "register",
    "password_reset",
    "password_reset_done",
    "verification_resend",
]
SIGNED_IN_PAGES = ["profile", "password_change", "notification_list"]
MANAGER_PAGES = [
    "applications:manager_home",
    "applications:organisation_list",
    "user_list",
    "staff_create",
    "body_profile",
    "calendar",
]


def _get_in_chinese(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_public_pages_show_no_english_interface_words_in_chinese(client, name):
    assert _english_words_in(_get_in_chinese(client, reverse(name))) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", SIGNED_IN_PAGES + MANAGER_PAGES)
def test_manager_pages_show_no_english_interface_words_in_chinese(client, manager, name):
    client.force_login(manager)
    assert _english_words_in(_get_in_chinese(client, reverse(name))) == []


@pytest.mark.django_db
def test_staff_pages_with_an_object_show_no_english_interface_words(client, manager, applicant):
    client.force_login(manager)
    for url in (
        reverse("user_roles", args=[applicant.public_id]),
        reverse(
            "applications:organisation_detail",
            args=[applicant.memberships.get().organisation.public_id],
        ),
    ):
        assert _english_words_in(_get_in_chinese(client, url)) == [], url


@pytest.mark.django_db
def test_applicant_pages_show_no_english_interface_words_in_chinese(
    client, applicant, applicant_without_organisation
):
    client.force_login(applicant)
    assert _english_words_in(_get_in_chinese(client, reverse("applications:applicant_home"))) == []
    client.force_login(applicant_without_organisation)
    for name in ("applications:applicant_home", "applications:organisation_create"):
        assert _english_words_in(_get_in_chinese(client, reverse(name))) == [], name


@pytest.mark.django_db
def test_auditor_home_shows_no_english_interface_words_in_chinese(client, auditor):
    client.force_login(auditor)
    assert _english_words_in(_get_in_chinese(client, reverse("audits:my_audits"))) == []


@pytest.mark.django_db
def test_error_pages_show_no_english_interface_words_in_chinese(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("user_list"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 403
    assert _english_words_in(response.content.decode()) == []
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 404
    assert _english_words_in(response.content.decode()) == []


@pytest.mark.django_db
def test_a_form_error_is_shown_in_chinese(client):
    response = client.post(
        reverse("login"),
        {"username": "nobody@example.com", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert "电子邮箱或密码不正确" in response.content.decode()


def test_the_checker_notices_an_english_word():
    assert _english_words_in("<button>Save</button><p>保存</p>") == ["Save"]
