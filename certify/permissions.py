"""The role checks every app's services share."""

from django.utils.translation import gettext as _

from certify.exceptions import NotAllowed


def require_manager(actor):
    """Raise NotAllowed unless `actor` is an active manager."""
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_manager):
        raise NotAllowed(_("Only a manager may do this."))
