"""The role checks every app's services share."""

from django.utils.translation import gettext as _

from certify.exceptions import NotAllowed

_STAFF_ROLE_REFUSALS = []


def staff_role_refusal_register(refusal):
    """Apps register `refusal(user)`: a message when `user` may not hold a
    staff role (auditor or manager), else None. `certify` imports no app, so
    the organisation membership that forbids it is checked this way."""
    if refusal not in _STAFF_ROLE_REFUSALS:
        _STAFF_ROLE_REFUSALS.append(refusal)


def staff_role_refusal(user):
    for refusal in _STAFF_ROLE_REFUSALS:
        message = refusal(user)
        if message:
            return message
    return None


def require_manager(actor):
    """Raise NotAllowed unless `actor` is an active manager."""
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_manager):
        raise NotAllowed(_("Only a manager may do this."))
