from django.utils.functional import SimpleLazyObject

from certify.notifications import notification_unread_count
from certify.selectors import body_profile_shown


def shell(request):
    """What the base template needs on every page, evaluated only if used."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "body_profile": SimpleLazyObject(body_profile_shown),
        # Set by SecondFactorMiddleware: such a user sees no role's navigation yet.
        "second_factor_pending": getattr(request, "second_factor_pending", False),
        "unread_notifications": SimpleLazyObject(
            lambda: notification_unread_count(user) if signed_in else 0
        ),
    }
