"""Every page of applications/urls.py for every role, including another
organisation's applicant, and the organisation form's gates."""

import pytest
from django.urls import reverse

from applications import urls
from applications.models import Organisation
from tests.access import (
    client_as,
    everyone,
    expect,
    managers_only,
    matrix_params,
    url_names,
)
from tests.applications.test_case_access import CASE_PAGES

PAGES = {
    "applications:applicant_home": expect(302, 200, 200, 200, 403, 403),
    # An applicant who already belongs to an organisation is sent home.
    "applications:organisation_create": expect(302, 302, 302, 200, 403, 403),
    # `organisation` is the applicant's; the outsider belongs to another one.
    "applications:organisation_detail": expect(302, 200, 404, 404, 403, 200),
    "applications:manager_home": managers_only(),
    "applications:organisation_list": managers_only(),
    # Self-assessments are private to the organisation: not even managers.
    "applications:self_assessment_list": expect(302, 200, 200, 200, 403, 403),
    "applications:self_assessment_create": expect(302, 200, 200, 302, 403, 403),
    "applications:self_assessment_detail": expect(302, 200, 404, 404, 403, 403),
    "applications:self_assessment_pdf": expect(302, 200, 404, 404, 403, 403),
    "applications:self_assessment_evidence_file": expect(302, 200, 404, 404, 403, 403),
    # POST-only: a GET is refused by method once the role is right.
    "applications:self_assessment_mark": expect(302, 405, 405, 405, 403, 403),
    "applications:self_assessment_evidence": expect(302, 405, 405, 405, 403, 403),
    "applications:self_assessment_bonus": expect(302, 405, 405, 405, 403, 403),
    "applications:self_assessment_deduction_add": expect(302, 405, 405, 405, 403, 403),
    "applications:self_assessment_deduction_remove": expect(302, 405, 405, 405, 403, 403),
    "applications:self_assessment_metric": expect(302, 405, 405, 405, 403, 403),
    "applications:self_assessment_finish": expect(302, 405, 405, 405, 403, 403),
    "applications:self_assessment_revise": expect(302, 405, 405, 405, 403, 403),
    # The profile, outlets and people (`applicant` is the organisation's admin).
    "applications:organisation_profile_edit": expect(302, 200, 404, 404, 403, 200),
    "applications:organisation_outlets": expect(302, 200, 404, 404, 403, 200),
    "applications:service_outlet_edit": expect(302, 200, 404, 404, 403, 200),
    "applications:service_outlet_remove": expect(302, 405, 405, 405, 403, 405),
    "applications:organisation_uscc_override": managers_only(),
    "applications:organisation_people": expect(302, 200, 404, 404, 403, 403),
    "applications:invitation_create": expect(302, 405, 405, 405, 403, 403),
    "applications:invitation_revoke": expect(302, 405, 405, 405, 403, 403),
    "applications:membership_remove": expect(302, 405, 405, 405, 403, 403),
    "applications:membership_role": expect(302, 405, 405, 405, 403, 403),
    # The invitation link is for anyone holding it; the page explains who may accept.
    "applications:invitation_detail": everyone(200),
}


@pytest.fixture
def page_url(organisation, self_assessment_with_evidence, applicant):
    from applications.services import invitation_create, service_outlet_add

    assessment, evidence = self_assessment_with_evidence
    outlet = service_outlet_add(
        actor=applicant, organisation=organisation, name="网点", address="福州", headcount=3
    )
    invitation = invitation_create(
        actor=applicant, organisation=organisation, email="invited@example.com"
    )
    membership = applicant.memberships.get()
    org = {"public_id": organisation.public_id}
    item_id = evidence.mark.item_id
    public_id = assessment.public_id
    arguments = {
        "applications:organisation_detail": {"public_id": organisation.public_id},
        "applications:self_assessment_detail": {"public_id": public_id},
        "applications:self_assessment_pdf": {"public_id": public_id},
        "applications:self_assessment_evidence_file": {"public_id": public_id, "evidence_id": evidence.pk},
        "applications:self_assessment_mark": {"public_id": public_id, "item_id": item_id},
        "applications:self_assessment_evidence": {"public_id": public_id, "item_id": item_id},
        "applications:self_assessment_bonus": {"public_id": public_id},
        "applications:self_assessment_deduction_add": {"public_id": public_id},
        "applications:self_assessment_deduction_remove": {"public_id": public_id, "deduction_id": 1},
        "applications:self_assessment_metric": {"public_id": public_id},
        "applications:self_assessment_finish": {"public_id": public_id},
        "applications:self_assessment_revise": {"public_id": public_id},
        "applications:organisation_profile_edit": org,
        "applications:organisation_outlets": org,
        "applications:service_outlet_edit": {**org, "outlet_id": outlet.pk},
        "applications:service_outlet_remove": {**org, "outlet_id": outlet.pk},
        "applications:organisation_uscc_override": org,
        "applications:organisation_people": org,
        "applications:invitation_create": org,
        "applications:invitation_revoke": {**org, "invitation_id": invitation.pk},
        "applications:membership_remove": {**org, "membership_id": membership.pk},
        "applications:membership_role": {**org, "membership_id": membership.pk},
        "applications:invitation_detail": {"token": invitation.token},
    }
    return lambda name: reverse(name, kwargs=arguments.get(name))


def test_the_matrix_covers_every_page_of_applications():
    # A new page fails here until its row of expected statuses is added.
    # Case pages have their own matrix (test_case_access.py).
    missing = url_names(urls.urlpatterns, "applications") - set(PAGES) - set(CASE_PAGES)

    assert missing == set(), f"pages missing from the access matrix: {sorted(missing)}"


@pytest.mark.parametrize(("name", "role", "status"), matrix_params(PAGES))
def test_page_answers_each_role_as_expected(client, request, page_url, name, role, status):
    client = client_as(client, request, role)

    response = client.get(page_url(name))

    assert response.status_code == status


def test_the_outsider_sees_its_own_organisation(client, outsider):
    own = outsider.memberships.get().organisation
    client.force_login(outsider)

    response = client.get(reverse("applications:organisation_detail", args=[own.public_id]))

    assert response.status_code == 200


def test_an_unknown_organisation_is_404_even_for_a_manager(client, manager):
    client.force_login(manager)

    response = client.get(
        reverse("applications:organisation_detail", args=["00000000-0000-0000-0000-000000000000"])
    )

    assert response.status_code == 404


def test_the_applicant_home_shows_the_organisation_and_its_members(client, applicant, organisation):
    client.force_login(applicant)

    content = client.get(reverse("applications:applicant_home")).content.decode()

    assert organisation.legal_name in content
    assert organisation.uscc in content
    assert "Applicant Zhang" in content


def test_the_applicant_home_of_a_newcomer_offers_to_create_the_organisation(
    client, applicant_without_organisation
):
    client.force_login(applicant_without_organisation)

    content = client.get(reverse("applications:applicant_home")).content.decode()

    assert reverse("applications:organisation_create") in content


def test_the_manager_home_lists_the_newest_organisations(client, manager, organisation):
    client.force_login(manager)

    content = client.get(reverse("applications:manager_home")).content.decode()

    assert organisation.legal_name in content


def test_the_organisation_list_finds_by_code_prefix(client, manager, organisation, outsider):
    client.force_login(manager)

    response = client.get(
        reverse("applications:organisation_list"), {"q": organisation.uscc[:17].lower()}
    )

    assert [found.pk for found in response.context["page"]] == [organisation.pk]


# The organisation form: the allowed role works, others are refused.

FORM = {"legal_name": "福建示例有限公司", "uscc": "91350100M000100Y43"}


def test_a_newcomer_creates_the_organisation_through_the_form(
    client, applicant_without_organisation
):
    client.force_login(applicant_without_organisation)

    response = client.post(reverse("applications:organisation_create"), FORM)

    assert response["Location"] == reverse("applications:applicant_home")
    assert Organisation.objects.get(uscc=FORM["uscc"]).created_by == applicant_without_organisation


@pytest.mark.parametrize("role", ["auditor", "manager"])
def test_staff_posting_the_organisation_form_get_403(client, request, role):
    client = client_as(client, request, role)

    assert client.post(reverse("applications:organisation_create"), FORM).status_code == 403
    assert not Organisation.objects.filter(uscc=FORM["uscc"]).exists()


def test_an_anonymous_visitor_posting_the_organisation_form_is_sent_to_sign_in(client, db):
    response = client.post(reverse("applications:organisation_create"), FORM)

    assert response["Location"].startswith(reverse("login"))
    assert not Organisation.objects.exists()


def test_a_member_posting_the_organisation_form_is_sent_home_without_a_second_one(
    client, applicant
):
    client.force_login(applicant)

    response = client.post(reverse("applications:organisation_create"), FORM)

    assert response["Location"] == reverse("applications:applicant_home")
    assert not Organisation.objects.filter(uscc=FORM["uscc"]).exists()


@pytest.mark.usefixtures("english")
def test_a_wrong_code_is_refused_on_the_page_with_what_is_wrong(
    english_client, applicant_without_organisation
):
    english_client.force_login(applicant_without_organisation)

    response = english_client.post(
        reverse("applications:organisation_create"), {**FORM, "uscc": "91350100M000100Y44"}
    )

    assert response.status_code == 200
    assert "The check character (the 18th) should be “3” but is “4”" in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.usefixtures("english")
def test_a_taken_code_is_refused_on_the_page_with_the_advice_to_ask_for_an_invitation(
    english_client, organisation, applicant_without_organisation
):
    english_client.force_login(applicant_without_organisation)

    response = english_client.post(
        reverse("applications:organisation_create"), {**FORM, "uscc": organisation.uscc}
    )

    assert response.status_code == 200
    assert "Ask its administrator to invite you." in response.content.decode()
    assert applicant_without_organisation.memberships.count() == 0


@pytest.mark.usefixtures("english")
def test_a_code_with_an_unusual_prefix_is_accepted_with_a_warning(
    english_client, applicant_without_organisation
):
    from applications.uscc import uscc_check_char

    first17 = "A1350100M000100Y4"
    english_client.force_login(applicant_without_organisation)

    response = english_client.post(
        reverse("applications:organisation_create"),
        {**FORM, "uscc": first17 + uscc_check_char(first17)},
        follow=True,
    )

    assert "are not common ones" in response.content.decode()
