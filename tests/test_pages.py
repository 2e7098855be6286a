"""The screenshot tour's inventory (tests/browser/pages.py) holds every named
URL, checked against the URL configuration and the access matrices."""

from django.urls import URLResolver, get_resolver

from tests.applications.test_access import PAGES as ORGANISATION_PAGES
from tests.applications.test_case_access import CASE_PAGES
from tests.audits.test_callbacks_views import PAGES as CALLBACK_PAGES
from tests.audits.test_nonconformity_views import PAGES as NONCONFORMITY_PAGES
from tests.audits.test_views import PAGES as AUDIT_PAGES
from tests.browser.pages import NOT_PAGES, PEOPLE, POST_ONLY, TOURS
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


def _urls(patterns=None, namespace=""):
    """(name with its namespaces, pattern) of every URL of the app, at any
    depth; Django's admin is not the app's."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _urls(pattern.url_patterns, inner)
        elif pattern.name:
            yield ":".join(filter(None, [namespace, pattern.name])), pattern
        else:
            yield None, pattern


def _named_urls():
    return {name for name, _pattern in _urls() if name}


def _toured():
    return set().union(*TOURS.values())


def test_every_named_url_is_a_toured_page_or_listed_as_no_page():
    unplaced = _named_urls() - _toured() - set(NOT_PAGES)

    assert unplaced == set(), "add each to a role's tour or to NOT_PAGES"


def test_every_url_of_the_app_has_a_name_to_place_it_by():
    unnamed = [str(pattern.pattern) for name, pattern in _urls() if name is None]

    assert unnamed == []


def test_every_role_with_pages_has_people_to_tour_them():
    assert set(PEOPLE) == set(TOURS)


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
