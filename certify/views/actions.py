"""The shape every lifecycle button shares: run one service call, turn a
refusal into a message on the page, and go back."""

from django.contrib import messages
from django.shortcuts import redirect

from certify.exceptions import CertifyError


def run_action(request, action, *, success, back):
    """Call `action()`; on CertifyError show its message, else `success`;
    redirect to `back` (a URL or a model with get_absolute_url) either way."""
    try:
        action()
    except CertifyError as exc:
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, success)
    return redirect(back)
