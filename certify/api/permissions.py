"""Who may call an endpoint at all; what they may do to an object is the
services' and selectors' business, as on the pages."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class TokenScope(BasePermission):
    """A token scoped `read` reads only; a session may do what its person may."""

    message = _("This token may only read: make a token with the write scope to change anything.")
    code = "not_allowed"

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or getattr(request.auth, "scope", "write") == "write"
