"""The shape every lifecycle button shares: run one service call, turn a
refusal into a message on the page, and go back."""

from django.contrib import messages
from django.shortcuts import redirect

from certify import transitions
from certify.exceptions import CertifyError


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
        not_recorded = transitions.not_recorded_take()
        if not_recorded:
            messages.warning(request, not_recorded.message)
        elif success:
            messages.success(request, success)
    return redirect(back)


def form_errors_as_messages(request, form):
    """A small form that posts and goes back to its page: its errors, each
    with its field's label, shown as messages there."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
