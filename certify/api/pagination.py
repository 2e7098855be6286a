"""Cursors of the API's lists: an opaque string that names the last row a
page showed, by the list's order key, so the next page starts after it
however many rows were added meanwhile, and no page counts the list."""

import base64
import datetime
import json

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

PAGE_SIZE = 50


def cursor_encode(*key):
    values = [value.isoformat() if isinstance(value, datetime.date) else value for value in key]
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def cursor_decode(cursor, *types):
    """The key a cursor names, each value of the type given, or a 400."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError
        return tuple(
            kind.fromisoformat(value) if kind in (datetime.date, datetime.datetime) else kind(value)
            for kind, value in zip(types, values, strict=True)
        )
    except (ValueError, TypeError, UnicodeDecodeError):
        raise ValidationError({"cursor": [_("This cursor is not one the API gave out.")]}) from None


def page_of(rows, request, key):
    """The first PAGE_SIZE of `rows` (read one more to know whether a page
    follows) and the link to the next page."""
    rows = list(rows[: PAGE_SIZE + 1])
    following = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        query = request.query_params.copy()
        query["cursor"] = cursor_encode(*key(rows[-1]))
        following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return rows, following


def page_serializer(item_serializer, name):
    """The schema of one page of a list."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True, help_text="The next page; null on the last."),
            "results": item_serializer(many=True),
        },
    )
