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
from tests.applications.case_helpers import case_at
from tests.certificates.helpers import certificate_row
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


def build(cast):
    case = case_at("under_review", cast.applicant, cast.organisation, cast.manager)
    return {"case": case.public_id, "certificate": certificate_row(cast.organisation, cast.manager).token}


world, cast = shared_world(build)


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
    # Known objects, so the actions reach their rules rather than a 404.
    for name, value in (("public_id", world.built["case"]), ("token", world.built["certificate"])):
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = str(value)
    with transaction.atomic():
        case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)


