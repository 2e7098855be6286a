"""Path converters for the secrets carried in URLs: a value of any other
shape never reaches a view, let alone a query."""

from django.urls import register_converter


class RandomTokenConverter:
    """A `secrets.token_urlsafe` value (invitations, certificates' public pages)."""

    regex = r"[A-Za-z0-9_-]{16,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class SignedTokenConverter(RandomTokenConverter):
    """A value of `django.core.signing.dumps`: URL-safe base64 parts joined by colons."""

    regex = r"[A-Za-z0-9_:-]{10,300}"


register_converter(RandomTokenConverter, "token")
register_converter(SignedTokenConverter, "signed")
