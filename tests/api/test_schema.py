"""The OpenAPI document and its documentation, served by the app to anyone."""

import re

import pytest
import yaml
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_is_yaml_by_default(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")


def test_the_schema_is_json_when_asked(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert "/api/v1/me/" in response.json()["paths"]


def test_the_schema_describes_the_tokens(client):
    schemes = client.get(reverse("api:schema"), {"format": "json"}).json()["components"]["securitySchemes"]
    assert schemes["apiToken"]["scheme"] == "bearer"


def test_the_docs_load_nothing_from_another_host(client):
    content = client.get(reverse("api:docs")).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', content)
    assert sources
    assert [source for source in sources if source.startswith(("http:", "https:", "//"))] == []


def test_the_docs_have_no_inline_style_or_script_for_the_csp_to_refuse(client):
    content = client.get(reverse("api:docs")).content.decode()
    assert "<style" not in content
    assert "<script>" not in content


def test_every_page_links_the_api_documentation(client):
    assert reverse("api:docs") in client.get(reverse("certificates:verify")).content.decode()
