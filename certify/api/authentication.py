"""`Authorization: Token <token>` (or `Bearer <token>`) with the personal
tokens of certify.models.ApiToken. A token request is never asked for a
second factor: the token was made from a session that had it, or by the
operator."""

import hmac
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from certify.models import ApiToken
from certify.services import API_TOKEN_PREFIX, api_token_digest

KEYWORDS = ("token", "bearer")
# A token's last use is written at most this often, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Token <token>”."))
        return self._check(header[1])

    def _check(self, token):
        prefix, _sep, rest = token.partition("_")
        key_id, _sep, _secret = rest.partition("_")
        refused = exceptions.AuthenticationFailed(_("The token is unknown, revoked or expired."))
        if prefix != API_TOKEN_PREFIX or not key_id:
            raise refused
        row = ApiToken.objects.select_related("user").filter(key_id=key_id).first()
        now = timezone.now()
        if row is None or not hmac.compare_digest(row.secret_sha256, api_token_digest(token)):
            raise refused
        if not row.usable(now):
            raise refused
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user, row

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the tokens: as bearer tokens, which the
    documentation's "Authorize" button sends."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token: `Authorization: Token <token>` or `Bearer <token>`.",
        }
