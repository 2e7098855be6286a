"""The two shapes of a view's service call (certify.views.actions): the
refusal on the form, success said, and a move made already told as such."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from certify import transitions
from certify.exceptions import CertifyError
from certify.views.actions import Done, run_action, run_form_action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


class NoteForm(forms.Form):
    note = forms.CharField()


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def said(request):
    return [(message.level_tag, str(message)) for message in get_messages(request)]


def bound_form():
    form = NoteForm({"note": "x"})
    assert form.is_valid()
    return form


def refuse():
    raise CertifyError("Not in this state.")


def test_a_refused_call_puts_its_reason_on_the_form_and_says_nothing_else(request_):
    form = bound_form()

    assert run_form_action(request_, form, refuse, success="Done.") is None
    assert form.non_field_errors() == ["Not in this state."]
    assert said(request_) == []


def test_a_call_that_went_through_returns_its_result_and_says_so(request_):
    done = run_form_action(request_, bound_form(), lambda: 42, success="Done.")

    assert done == Done(42)
    assert said(request_) == [("success", "Done.")]


def test_a_move_made_already_is_told_instead_of_the_success(request_, manager):
    done = run_form_action(request_, bound_form(), lambda: transitions.already_moved(manager), success="Done.")

    assert done
    assert said(request_) == [("warning", "This was already done; your submission was not recorded.")]


def test_a_refused_button_says_why_and_goes_back(request_):
    response = run_action(request_, refuse, success="Done.", back="/back/")

    assert (response.status_code, response.url) == (302, "/back/")
    assert said(request_) == [("error", "Not in this state.")]


def test_a_button_that_went_through_says_so_and_goes_back(request_):
    response = run_action(request_, lambda: None, success="Done.", back="/back/")

    assert response.url == "/back/"
    assert said(request_) == [("success", "Done.")]


def test_a_button_whose_move_was_made_already_tells_so(request_, manager):
    run_action(request_, lambda: transitions.already_moved(manager), success="Done.", back="/back/")

    assert said(request_) == [("warning", "This was already done; your submission was not recorded.")]


def test_a_note_left_by_an_earlier_call_is_not_told_by_the_next(request_, manager):
    transitions.already_moved(manager)

    run_form_action(request_, bound_form(), lambda: 1, success="Done.")

    assert said(request_) == [("success", "Done.")]
