"""The API fuzzed against its own OpenAPI document (schemathesis, in
process): every operation, as every role with a write token of their own
and anonymously, a few examples each with a fixed seed, on a world built
once by the lifecycle builder, each call rolled back. No answer may be a
server error, and every answer must be one the schema declares, in its
shape, headers and content type."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi import checks as openapi_checks

from certify.services import api_token_create
from tests.api.test_access import build
from tests.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group(name="api-fuzz")]

ROLES = ["anonymous", "applicant", "outsider", "applicant_without_organisation", "auditor", "manager"]
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


class InTestTransaction:
    """Django's WSGI handler that leaves the test's database connection
    open, as the test client does: a request's end would otherwise close a
    connection inside the test's transaction."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


def api_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, cls=DjangoJSONEncoder)))
    loaded.app = InTestTransaction()
    return loaded


schema = api_schema()


world, cast = shared_world(build)


def known_object(path, world):
    """The world's object an operation's path names, so that actions reach
    their rules rather than a 404."""
    built = world.built
    if path.startswith("/api/v1/audits/"):
        return built["audit"].public_id
    if path.startswith("/api/v1/organisations/"):
        return world.cast.organisation.public_id
    if path.startswith("/api/v1/certificates/"):
        return built["certificate"].public_id
    if path.startswith("/api/v1/verify/qr/"):
        return built["certificate"].token
    return built["case"].public_id


@pytest.fixture
def fuzzing(settings, tmp_path):
    settings.PUBLIC_RATE_LIMIT = settings.API_RATE_LIMIT = "100000/m"
    settings.MEDIA_ROOT = tmp_path
    settings.ALLOWED_HOSTS = ["*"]


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, role, world, cast, fuzzing):
    headers = {}
    if role != "anonymous":
        user = getattr(cast, role)
        _row, token = api_token_create(actor=user, user=user, name="fuzz", scope="write", days=1)
        headers["Authorization"] = f"Token {token}"
    for name in ("public_id", "token"):
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = str(known_object(case.operation.path, world))
    with transaction.atomic():
        case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)


