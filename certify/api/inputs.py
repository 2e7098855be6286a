"""Input of the API's writes: parsed by the same Django forms as the pages
(one set of checks and messages for both), and described in the schema by
serializers made from those forms' fields; and the outcome of a service
call, as the pages tell it."""

import functools
import json
from collections.abc import Mapping

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from certify import transitions


class AlreadyDone(APIException):
    """The move had been made already, by someone else: this request was
    not recorded (the pages' warning, as a 409)."""

    status_code = 409
    default_code = "already_done"

    def __init__(self, not_recorded):
        super().__init__(not_recorded.message)
        self.extra = {"by": not_recorded.by, "at": not_recorded.at}


def service_call(action):
    """Run one service call; a move someone else made meanwhile is a 409
    `already_done` naming who and when."""
    transitions.not_recorded_take()
    result = action()
    not_recorded = transitions.not_recorded_take()
    if not_recorded:
        raise AlreadyDone(not_recorded)
    return result


def valid(form):
    """The form's cleaned data, or a 400 with its messages by field."""
    if not isinstance(form.data, Mapping):
        raise ValidationError({"non_field_errors": [_("Send the fields as a JSON object.")]})
    if not isinstance(form.data, QueryDict):
        form.data = {name: _as_posted(value) for name, value in form.data.items()}
    if not form.is_valid():
        errors = {name if name != forms.forms.NON_FIELD_ERRORS else "non_field_errors": messages
                  for name, messages in form.errors.items()}
        raise ValidationError(errors)
    return form.cleaned_data


def _as_posted(value):
    """A JSON value as a browser posts it: the forms' fields read strings
    (a date field calls strip() on what it is given)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return [_as_posted(item) for item in value]
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def _field(form_field):
    options = {"required": form_field.required, "help_text": str(form_field.help_text or "") or None}
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **options)
    if isinstance(form_field, forms.ModelChoiceField):
        return serializers.IntegerField(**options)
    if isinstance(form_field, forms.BooleanField):
        return serializers.BooleanField(**options)
    if isinstance(form_field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=form_field.max_digits, decimal_places=form_field.decimal_places, **options
        )
    if isinstance(form_field, forms.IntegerField):
        return serializers.IntegerField(**options)
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(**options)
    if isinstance(form_field, forms.FileField):
        return serializers.FileField(**options)
    if isinstance(form_field, forms.TypedChoiceField) and form_field.coerce is int:
        return serializers.IntegerField(**options)
    if isinstance(form_field, forms.ChoiceField):
        static = list(form_field.choices)
        if static:
            return serializers.ChoiceField(choices=[value for value, _label in static], **options)
        return serializers.CharField(**options)
    return serializers.CharField(
        max_length=getattr(form_field, "max_length", None), allow_blank=not form_field.required, **options
    )


@functools.cache
def form_input(form_class, **more):
    """A serializer describing `form_class`'s declared fields (and `more`
    serializer fields the view reads beside the form), for the schema."""
    fields = {field_name: _field(field) for field_name, field in form_class.base_fields.items()}
    name = form_class.__name__.removesuffix("Form") + "Input"
    # Two apps' forms of one name (each app's DeclarationForm) get the
    # second's app in front: the schema names components by class name.
    if _input_names.setdefault(name, form_class) is not form_class:
        name = form_class.__module__.split(".")[0].title() + name
    return type(name, (serializers.Serializer,), {**fields, **more})


_input_names = {}


def filter_parameters(filterset_class):
    """The query parameters of a list's filters, for the schema."""
    parameters = []
    for name, list_filter in filterset_class.base_filters.items():
        field = list_filter.field_class
        kind = {forms.DateField: OpenApiTypes.DATE, forms.NullBooleanField: OpenApiTypes.BOOL}.get(field, OpenApiTypes.STR)
        if issubclass(field, forms.ModelChoiceField):
            kind = OpenApiTypes.INT
        choices = list_filter.extra.get("choices")
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                enum=[value for value, _label in choices] if isinstance(choices, list | tuple) else None,
                description=str(list_filter.label or ""),
            )
        )
    return parameters



def action_endpoint(operation_id, *, read, call, respond, response, parse=None, request=None, description="", parsers=None):
    """The endpoint of one action on one object, POST:
    `read(request, **path)` finds the object the caller may see (else 404),
    `parse(request, obj, **path)` reads the input (nothing by default),
    `call(user, obj, data)` calls the service through `service_call`, and
    `respond(request, obj, result)` is the answer, described by `response`."""

    class Action(APIView):
        if parsers:
            parser_classes = parsers

        @extend_schema(operation_id=operation_id, description=description, request=request, responses=response)
        def post(self, http_request, **path):
            obj = read(http_request, **path)
            data = parse(http_request, obj, **path) if parse else {}
            result = service_call(lambda: call(http_request.user, obj, data))
            return Response(respond(http_request, obj, result))

    Action.__name__ = Action.__qualname__ = "".join(part.title() for part in operation_id.split("_"))
    return Action.as_view()


def form_parser(form_class):
    """`parse` for action_endpoint: the form's cleaned data."""
    return lambda request, obj, **path: valid(form_class(request.data, request.FILES))
