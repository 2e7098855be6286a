"""Call-backs through the API: the organisation uploads its customer list,
the lead draws the sample and records the calls."""

import pytest
from django.urls import reverse

from tests.api.test_cases import caller, post
from tests.audits.callbacks_helpers import csv_rows, csv_upload

pytestmark = pytest.mark.django_db


def upload(client, user, audit, rows=12):
    return caller(client, user).post(
        reverse("api:audit_customer_list", args=[audit.public_id]), {"file": csv_upload(csv_rows(rows))}
    )


def test_the_organisation_uploads_its_customer_list(client, applicant, onsite):
    audit, _lead = onsite
    response = upload(client, applicant, audit)
    assert (response.status_code, response.json()["good_rows"]) == (201, 12)


def test_the_audits_staff_may_not_upload_the_list(client, onsite):
    audit, lead = onsite
    response = upload(client, lead, audit)
    assert (response.status_code, response.json()["code"]) == (403, "not_allowed")


def test_the_lead_draws_the_sample_and_records_a_call(client, applicant, onsite):
    audit, lead = onsite
    upload(client, applicant, audit)
    api = caller(client.__class__(), lead)
    sample = post(api, reverse("api:audit_callbacks_sample", args=[audit.public_id]), {"size": 10}).json()["sample"]
    called = post(
        api,
        reverse("api:audit_callbacks_record", args=[audit.public_id, sample[0]["id"]]),
        {"reached": "yes", "satisfaction": 4, "resolved_first_contact": "no"},
    ).json()
    assert len(sample) == 10
    assert called["sample"][0]["call"]["satisfaction"] == 4
