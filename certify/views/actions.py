"""The shape every lifecycle button shares: run one service call, turn a
refusal into a message on the page, and go back."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect

from certify import transitions
from certify.exceptions import CertifyError


def _tell_outcome(request, success):
    """After a service call that went through: warn when its move had been
    made already (by whom, when: this submission was not recorded), else
    say `success`."""
    not_recorded = transitions.not_recorded_take()
    if not_recorded:
        messages.warning(request, not_recorded.message)
    elif success:
        messages.success(request, success)


def run_action(request, action, *, success, back):
    """Call `action()`; on CertifyError show its message; when the move had
    been made already, say by whom and when and that this submission was not
    recorded; else `success`. Redirect to `back` (a URL or a model with
    get_absolute_url) either way."""
    transitions.not_recorded_take()
    try:
        action()
    except CertifyError as exc:
        messages.error(request, exc.message)
    else:
        _tell_outcome(request, success)
    return redirect(back)


@dataclass(frozen=True)
class Done:
    """A form's service call that went through, with what it returned."""

    result: Any = None


def run_form_action(request, form, action, *, success):
    """The shape of a page that shows its form again when the service
    refuses: call `action()`; on CertifyError put its message on the form
    and return None, so the page renders the form with it; else say
    `success` as run_action does and return Done(result) for the caller's
    redirect."""
    transitions.not_recorded_take()
    try:
        result = action()
    except CertifyError as exc:
        form.add_error(None, exc.message)
        return None
    _tell_outcome(request, success)
    return Done(result)


def form_errors_as_messages(request, form):
    """A small form that posts and goes back to its page: its errors, each
    with its field's label, shown as messages there."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
