"""The nonconformity pages: who sees what, the forms, and the query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import services
from audits.models import Nonconformity, NonconformityEvidence
from audits.services import nonconformity as services_nc
from audits.urls import urlpatterns
from tests.access import client_as, url_names
from tests.audits.helpers import running_onsite, signed_case
from tests.samples import MINIMAL_PDF
from tests.worlds import reloaded, shared_world

ROLES = ["anonymous", "applicant", "outsider", "auditor", "lead", "manager"]


def expect(anonymous, applicant, outsider, auditor, lead, manager):
    return dict(zip(ROLES, (anonymous, applicant, outsider, auditor, lead, manager), strict=True))


# `auditor` is on no team of this case: like a stranger, 404.
PAGES = {
    "audits:nonconformities": expect(302, 404, 404, 404, 200, 200),
    "audits:case_nonconformities": expect(302, 200, 404, 404, 200, 200),
    "audits:nonconformity_detail": expect(302, 200, 404, 404, 200, 200),
    "audits:nonconformity_evidence": expect(302, 200, 404, 404, 200, 200),
}

SECRET = "INTERNAL-NOTE-never-for-the-applicant"


world, cast = shared_world(
    lambda cast: running_onsite(signed_case(cast.applicant, cast.organisation, cast.manager), cast.manager)
)


@pytest.fixture
def audit(world, cast):
    return reloaded(world.built[0])


@pytest.fixture
def lead(world, cast):
    return reloaded(world.built[1])


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


@pytest.fixture
def nc(audit, lead):
    finding = services.finding_add(actor=lead, audit=audit, description="台账不全", internal_note=SECRET)
    return services_nc.nonconformity_raise(
        actor=lead, audit=audit, severity="minor", description="投诉台账缺失", finding=finding, files=[pdf()]
    )


@pytest.fixture
def page_url(audit, nc):
    evidence = NonconformityEvidence.objects.get(nonconformity=nc)
    arguments = {
        "audits:nonconformities": {"public_id": audit.public_id},
        "audits:case_nonconformities": {"case_public_id": audit.case.public_id},
        "audits:nonconformity_detail": {"nc_public_id": nc.public_id},
        "audits:nonconformity_evidence": {"nc_public_id": nc.public_id, "evidence_id": evidence.pk},
    }
    return lambda name: reverse(name, kwargs=arguments[name])


def test_the_matrix_covers_every_nonconformity_page():
    assert url_names(urlpatterns, "audits", views="audits.views.nonconformity") == set(PAGES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "role", "status"),
    [pytest.param(name, role, e[role], id=f"{name}-{role}") for name, e in PAGES.items() for role in ROLES],
)
def test_nonconformity_page_answers_each_role_as_expected(client, request, page_url, name, role, status):
    client = client_as(client, request, role)
    assert client.get(page_url(name)).status_code == status


@pytest.mark.django_db
def test_the_evidence_is_served_as_the_stored_file(client, applicant, page_url):
    client.force_login(applicant)
    response = client.get(page_url("audits:nonconformity_evidence"))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == MINIMAL_PDF


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["audits:case_nonconformities", "audits:nonconformity_detail"])
def test_the_applicant_never_sees_internal_notes(english_client, applicant, page_url, name):
    english_client.force_login(applicant)
    content = english_client.get(page_url(name)).content.decode()
    assert "投诉台账缺失" in content
    assert SECRET not in content


@pytest.mark.django_db
def test_the_team_raises_on_the_audit_page(english_client, audit, lead):
    english_client.force_login(lead)
    url = reverse("audits:nonconformities", args=[audit.public_id])
    response = english_client.post(
        url, {"severity": "major", "description": "无服务体系", "clause": "5.1", "files": [pdf("a.pdf"), pdf("b.pdf")]}
    )
    nc = Nonconformity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("audits:nonconformity_detail", args=[nc.public_id])
    assert (nc.severity, nc.clause, nc.evidence.count()) == ("major", "5.1", 2)


@pytest.mark.django_db
def test_a_bad_raise_shows_the_error(english_client, audit, lead):
    english_client.force_login(lead)
    response = english_client.post(reverse("audits:nonconformities", args=[audit.public_id]), {"severity": "minor"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Nonconformity.objects.exists()


@pytest.mark.django_db
def test_a_manager_off_the_team_cannot_raise(client, audit, manager):
    client.force_login(manager)
    response = client.post(
        reverse("audits:nonconformities", args=[audit.public_id]), {"severity": "minor", "description": "x"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_applicant_answers_the_lead_rejects_then_accepts(english_client, applicant, lead, nc):
    url = reverse("audits:nonconformity_detail", args=[nc.public_id])
    english_client.force_login(applicant)
    page = english_client.get(url).content.decode()
    assert "Send the answer" in page
    answer = {"action": "answer", "correction": "补录", "root_cause": "无专人", "corrective_action": "专人负责"}
    assert english_client.post(url, {**answer, "files": pdf("整改.pdf")}).status_code == 302
    english_client.force_login(lead)
    response = english_client.post(url, {"action": "verify", "verdict": "reject", "comment": ""})
    assert "Say why the answer is rejected." in response.content.decode()
    english_client.post(url, {"action": "verify", "verdict": "reject", "comment": "缺培训记录"})
    nc.refresh_from_db()
    assert nc.status == "open"
    english_client.force_login(applicant)
    english_client.post(url, answer)
    english_client.force_login(lead)
    english_client.post(url, {"action": "verify", "verdict": "accept", "comment": ""})
    nc.refresh_from_db()
    assert nc.status == "verified"
    page = english_client.get(url).content.decode()
    assert "缺培训记录" in page and "Answer 2" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "action", "status"),
    [
        ("outsider", "answer", 404),
        ("lead", "answer", 403),
        ("manager", "answer", 403),
        ("applicant", "verify", 403),
        ("manager", "verify", 403),
        ("applicant", "escalate", 403),
        ("lead", "escalate", 403),
        ("applicant", "nonsense", 403),
    ],
)
def test_each_form_is_for_its_role(client, request, nc, role, action, status):
    client = client_as(client, request, role)
    url = reverse("audits:nonconformity_detail", args=[nc.public_id])
    assert client.post(url, {"action": action}).status_code == status


@pytest.mark.django_db
def test_an_overdue_one_is_marked_and_the_manager_escalates(english_client, manager, nc, time_machine):
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=40))
    english_client.force_login(manager)
    url = reverse("audits:nonconformity_detail", args=[nc.public_id])
    page = english_client.get(url).content.decode()
    assert 'data-testid="overdue"' in page and "Escalate to major" in page
    english_client.post(url, {"action": "escalate", "reason": "逾期未答复"})
    nc.refresh_from_db()
    assert (nc.severity, nc.requires_follow_up) == ("major", True)


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _raise_many(audit, lead, count):
    for number in range(count):
        services_nc.nonconformity_raise(
            actor=lead, audit=audit, severity="minor" if number % 2 else "major", description=f"问题 {number}"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["lead", "applicant"])
def test_the_lists_run_the_same_queries_with_5_and_50(client, request, audit, lead, who):
    viewer = lead if who == "lead" else request.getfixturevalue("applicant")
    client.force_login(viewer)
    urls = [reverse("audits:case_nonconformities", args=[audit.case.public_id])]
    if who == "lead":
        urls.append(reverse("audits:nonconformities", args=[audit.public_id]))
    _raise_many(audit, lead, 5)
    for url in urls:
        _queries(client, url)
    few = [_queries(client, url) for url in urls]
    _raise_many(audit, lead, 45)
    assert [_queries(client, url) for url in urls] == few
