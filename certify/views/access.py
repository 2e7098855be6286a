"""Role gates for views. Object visibility is the selectors' job (404)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(*roles):
    """Signed-in users holding any of `roles` pass; others get 403, anonymous
    visitors the sign-in page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(role in request.user.roles for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


manager_required = role_required("manager")
