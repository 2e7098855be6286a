"""Helpers for the page × role access matrices (tests/*/test_access.py)."""

import pytest
from django.urls import URLPattern, URLResolver

ROLES = [
    "anonymous",
    "applicant",
    "outsider",
    "applicant_without_organisation",
    "auditor",
    "manager",
]


def expect(anonymous, applicant, outsider, newcomer, auditor, manager):
    """Expected status per role, in the order of ROLES."""
    return dict(
        zip(ROLES, (anonymous, applicant, outsider, newcomer, auditor, manager), strict=True)
    )


def everyone(status):
    return expect(*([status] * len(ROLES)))


def signed_in(status, anonymous=302):
    return expect(anonymous, *([status] * (len(ROLES) - 1)))


def managers_only():
    return expect(302, 403, 403, 403, 403, 200)


def matrix_params(pages):
    """pytest params, one per (page, role), with ids like `user_list-auditor`."""
    return [
        pytest.param(name, role, expected[role], id=f"{name}-{role}")
        for name, expected in pages.items()
        for role in ROLES
    ]


def url_names(urlpatterns, namespace="", views=None):
    """Every named URL of a urlconf, with its namespace; included urlconfs of
    other namespaces (the admin, another app) are left out. `views`, a views
    module's name, keeps only the URLs of its views."""
    names = set()
    for pattern in urlpatterns:
        if isinstance(pattern, URLPattern) and pattern.name:
            if views is None or pattern.callback.__module__ == views:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        elif isinstance(pattern, URLResolver) and not pattern.namespace:
            names |= url_names(pattern.url_patterns, namespace, views)
    return names


def client_as(client, request, role):
    """The test client signed in as the fixture `role` (or anonymous)."""
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client
