"""The 500 page tells the truth: after an error a change may have been
recorded (its transaction may have committed before a later step failed)."""

from django.test import RequestFactory
from django.utils import translation

from certify.views.errors import server_error


def test_the_500_page_never_says_nothing_was_saved():
    with translation.override("en"):
        content = server_error(RequestFactory().get("/")).content.decode()

    assert "may have been recorded" in content
    assert "Nothing you entered was saved" not in content
