"""The screenshot tour's inventory (tests/browser/pages.py) holds every named
URL, checked against the URL configuration and the access matrices."""

from django.urls import get_resolver

from tests.access import url_names
from tests.applications.test_access import PAGES as ORGANISATION_PAGES
from tests.applications.test_case_access import CASE_PAGES
from tests.audits.test_callbacks_views import PAGES as CALLBACK_PAGES
from tests.audits.test_nonconformity_views import PAGES as NONCONFORMITY_PAGES
from tests.audits.test_views import PAGES as AUDIT_PAGES
from tests.browser.pages import NOT_PAGES, POST_ONLY, TOURS
from tests.certificates.test_access import PAGES as CERTIFICATE_PAGES
from tests.certificates.test_complaints_access import PAGES as COMPLAINT_PAGES
from tests.certify.test_access import PAGES as ACCOUNT_PAGES
from tests.scoring.test_editor_views import PAGES as SCHEME_PAGES

MATRIX = {
    **ACCOUNT_PAGES,
    **ORGANISATION_PAGES,
    **CASE_PAGES,
    **AUDIT_PAGES,
    **CALLBACK_PAGES,
    **NONCONFORMITY_PAGES,
    **CERTIFICATE_PAGES,
    **COMPLAINT_PAGES,
    **SCHEME_PAGES,
}


def _named_urls():
    """Every named URL of the app; Django's admin is not the app's."""
    urlpatterns = get_resolver().url_patterns
    names = url_names(urlpatterns)
    for pattern in urlpatterns:
        namespace = getattr(pattern, "namespace", None)
        if namespace and namespace != "admin":
            names |= url_names(pattern.url_patterns, namespace)
    return names


def _toured():
    return set().union(*TOURS.values())


def test_every_named_url_is_a_toured_page_or_listed_as_no_page():
    unplaced = _named_urls() - _toured() - set(NOT_PAGES)

    assert unplaced == set(), "add each to a role's tour or to NOT_PAGES"


def test_the_inventory_names_only_urls_that_exist():
    unknown = (_toured() | set(NOT_PAGES)) - _named_urls()

    assert unknown == set()


def test_no_url_is_both_a_toured_page_and_no_page():
    assert _toured() & set(NOT_PAGES) == set()


def test_an_action_listed_as_post_only_answers_no_get_with_a_page():
    answering = {
        name
        for name, reason in NOT_PAGES.items()
        if reason == POST_ONLY and 200 in MATRIX.get(name, {}).values()
    }

    assert answering == set()


def test_every_action_listed_as_post_only_is_in_an_access_matrix():
    unchecked = {name for name, reason in NOT_PAGES.items() if reason == POST_ONLY} - set(MATRIX)

    assert unchecked == set()
