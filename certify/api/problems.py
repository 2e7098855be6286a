"""Errors of the API as problem details (RFC 9457), in the request's
language: `type`, `title`, `status`, `detail`, `code`, and for invalid input
`errors`, the messages by field. The code comes from the exception's class:
an object the user may not see is 404 `not_found`; an action they may not
take 403 `not_allowed`; a move the object's state refuses 409
`invalid_transition`; any other refusal by a rule 409 `refused`."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from certify.exceptions import CertifyError, InvalidTransition, NotAllowed

CONTENT_TYPE = "application/problem+json"


def problem(status, code, detail, **extra):
    """The problem document: `type` is a URN naming the code (nothing to
    fetch), `title` the status's reason phrase."""
    return {
        "type": f"urn:certify:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
        "code": code,
        **extra,
    }


def problem_response(status, code, detail):
    """The same document outside the REST framework (middleware)."""
    return JsonResponse(
        problem(status, code, detail),
        status=status,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _domain(exc):
    if isinstance(exc, NotAllowed):
        return 403, "not_allowed"
    if isinstance(exc, InvalidTransition):
        return 409, "invalid_transition"
    return 409, "refused"


def problem_handler(exc, context):
    """The REST framework's exception handler. Anything not listed is left
    to Django (a 500, logged)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    headers = {}
    if isinstance(exc, CertifyError):
        status, code = _domain(exc)
        body = problem(status, code, exc.message)
    elif isinstance(exc, exceptions.ValidationError):
        status = 400
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = problem(status, "invalid", _("Some fields are not valid: see errors."), errors=errors)
    elif isinstance(exc, exceptions.APIException):
        status = exc.status_code
        codes = exc.get_codes()
        body = problem(status, codes if isinstance(codes, str) else "error", exc.detail, **getattr(exc, "extra", {}))
        if auth_header := getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = auth_header
        if wait := getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(wait))
    else:
        return None
    return Response(body, status=status, headers=headers, content_type=CONTENT_TYPE)



PROBLEM_SCHEMA = {
    "type": "object",
    "description": "A problem document (RFC 9457).",
    "properties": {
        "type": {"type": "string", "example": "urn:certify:problem:invalid_transition"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "For invalid input: the messages by field.",
            "additionalProperties": True,
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}

_DESCRIPTIONS = {
    400: "Invalid input: the messages by field are in `errors`.",
    401: "No credentials, or an unknown, revoked or expired token.",
    403: "Not allowed (`not_allowed`), a read token used to write, or a staff session without its second factor.",
    404: "Not found, or not yours to see.",
    409: "Refused by a rule (`refused`), by the object's state (`invalid_transition`), or made already (`already_done`).",
    415: "The body is not JSON (or multipart form data where the operation takes files).",
    429: "Too many requests: try again after `Retry-After` seconds.",
}


def _problem_statuses(path, method, operation):
    statuses = {400, 429}
    if any(requirement for requirement in operation.get("security", [{}])) and {} not in operation.get(
        "security", []
    ):
        statuses |= {401, 403}
    # A path's object, or the one a required query names, may not exist.
    if "{" in path or any(parameter.get("required") for parameter in operation.get("parameters", [])):
        statuses.add(404)
    if method != "get":
        statuses |= {409, 415}
    return statuses


def problem_responses(result, generator, request, public):
    """drf-spectacular's postprocessing hook: every operation declares the
    problems it can answer, so a client (and the schema's fuzzing in CI)
    knows every status it may see."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(_problem_statuses(path, method, operation)):
                response = {
                    "description": _DESCRIPTIONS[status],
                    "content": {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                }
                if status == 429:
                    response["headers"] = {
                        "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
                    }
                responses.setdefault(str(status), response)
    return result
