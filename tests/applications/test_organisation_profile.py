"""The organisation's profile, outlets, months in operation and the manager's
acceptance of a legacy code (issue 4 item 1, DOMAIN 6.4.4)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Membership, Organisation, ServiceOutlet
from applications.selectors.organisation import months_in_operation, whole_months_between
from applications.services import (
    organisation_profile_update,
    organisation_uscc_override,
    service_outlet_add,
    service_outlet_remove,
    service_outlet_update,
)
from applications.services.organisation import ProfileError
from certify.exceptions import CertifyError, NotAllowed
from certify.models import Event, Notification
from tests.factories import ApplicantFactory, MembershipFactory, uscc_for

pytestmark = pytest.mark.usefixtures("english")

PROFILE = {
    "registration_date": date(2015, 3, 18),
    "legal_representative": "林建国",
    "address": "福建省福州市仓山区示例大道 88 号",
    "contact_name": "张三",
    "contact_phone": "0591-88880000",
    "contact_email": "Service@Example.com",
    "business_scope": "家用电器销售、维修",
    "employee_count": 126,
    "service_started_on": date(2016, 1, 1),
}

# A code that fails only its check character: 91350100M000100Y43 passes.
LEGACY_CODE = "91350100M000100Y44"


def events(organisation, verb):
    return Event.objects.filter(object_id=organisation.pk, verb=verb)


# --- months in operation -----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 15), date(2026, 1, 15), 0),
        (date(2026, 1, 15), date(2026, 2, 14), 0),
        (date(2026, 1, 15), date(2026, 2, 15), 1),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2025, 11, 30), date(2026, 11, 29), 11),
        (date(2025, 11, 30), date(2026, 11, 30), 12),
        (date(2026, 3, 1), date(2026, 2, 1), 0),
    ],
)
def test_whole_months_count_complete_months_only(start, end, months):
    assert whole_months_between(start, end) == months


def test_months_in_operation_counts_from_the_service_start(organisation):
    organisation.service_started_on = date(2025, 5, 10)

    assert months_in_operation(organisation, on=date(2026, 5, 9)) == 11
    assert months_in_operation(organisation, on=date(2026, 5, 10)) == 12


def test_months_in_operation_is_unknown_without_a_start_date(organisation):
    assert months_in_operation(organisation, on=date(2026, 5, 10)) is None


# --- the profile service -----------------------------------------------------


def test_the_admin_completes_the_profile_with_history_and_one_event(applicant, organisation):
    updated = organisation_profile_update(
        actor=applicant, organisation=organisation, categories=["空调", "冰箱"], **PROFILE
    )

    assert updated.legal_representative == "林建国"
    assert updated.contact_email == "service@example.com"
    assert list(updated.categories.values_list("name", flat=True)) == ["空调", "冰箱"]
    latest = updated.history.latest()
    assert latest.history_user == applicant
    assert latest.address == PROFILE["address"]
    [event] = events(organisation, "organisation.profile_updated")
    assert event.actor == applicant
    assert event.data["changes"]["employee_count"] == [None, 126]
    assert event.data["changes"]["categories"] == [[], ["空调", "冰箱"]]


def test_a_repeat_of_the_same_profile_is_a_no_op(applicant, organisation):
    organisation_profile_update(
        actor=applicant, organisation=organisation, categories=["空调"], **PROFILE
    )
    versions = organisation.history.count()

    organisation_profile_update(
        actor=applicant, organisation=organisation, categories=["空调"], **PROFILE
    )

    assert organisation.history.count() == versions
    assert events(organisation, "organisation.profile_updated").count() == 1


def test_categories_are_replaced_in_order_without_blanks_or_repeats(applicant, organisation):
    organisation_profile_update(
        actor=applicant, organisation=organisation, categories=["空调", "冰箱", "洗衣机"]
    )

    organisation_profile_update(
        actor=applicant, organisation=organisation, categories=[" 洗衣机 ", "", "空调", "空调"]
    )

    assert list(organisation.categories.values_list("name", flat=True)) == ["洗衣机", "空调"]


def test_a_manager_edits_the_profile_and_the_admins_are_told(manager, applicant, organisation):
    organisation_profile_update(actor=manager, organisation=organisation, address="新地址")

    organisation.refresh_from_db()
    assert organisation.address == "新地址"
    assert organisation.history.latest().history_user == manager
    assert Notification.objects.filter(
        recipient=applicant, kind="organisation_profile_updated"
    ).exists()


def test_a_plain_member_may_not_edit_the_profile(organisation):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user

    with pytest.raises(NotAllowed, match="Only an administrator of the organisation or a manager may do this"):
        organisation_profile_update(actor=member, organisation=organisation, address="x")

    assert not events(organisation, "organisation.profile_updated").exists()


@pytest.mark.parametrize("role", ["auditor", "outsider"])
def test_staff_and_other_organisations_may_not_edit_the_profile(request, organisation, role):
    with pytest.raises(NotAllowed, match="Only an administrator of the organisation or a manager may do this"):
        organisation_profile_update(
            actor=request.getfixturevalue(role), organisation=organisation, address="x"
        )


@pytest.mark.parametrize("field", ["registration_date", "service_started_on"])
def test_a_date_in_the_future_is_refused_with_a_clear_message(applicant, organisation, field):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ProfileError, match="cannot be in the future") as caught:
        organisation_profile_update(actor=applicant, organisation=organisation, **{field: tomorrow})

    assert caught.value.field == field


def test_a_registration_after_the_service_start_is_accepted(applicant, organisation):
    organisation_profile_update(
        actor=applicant,
        organisation=organisation,
        registration_date=date(2020, 1, 1),
        service_started_on=date(2019, 6, 1),
    )

    organisation.refresh_from_db()
    assert organisation.service_started_on == date(2019, 6, 1)


def test_a_negative_employee_count_and_an_empty_name_are_refused(applicant, organisation):
    with pytest.raises(ProfileError, match="cannot be negative"):
        organisation_profile_update(actor=applicant, organisation=organisation, employee_count=-1)
    with pytest.raises(ProfileError, match="legal name"):
        organisation_profile_update(actor=applicant, organisation=organisation, legal_name="  ")


def test_unknown_fields_are_a_programming_error(applicant, organisation):
    with pytest.raises(TypeError):
        organisation_profile_update(actor=applicant, organisation=organisation, uscc="x")


# --- outlets -------------------------------------------------------------------


def test_outlets_are_added_changed_and_removed_with_events(applicant, organisation):
    outlet = service_outlet_add(
        actor=applicant, organisation=organisation, name="仓山中心", address="仓山区", headcount=5
    )
    service_outlet_update(
        actor=applicant, outlet=outlet, name="仓山中心", address="仓山区 1 号", headcount=6
    )
    service_outlet_update(
        actor=applicant, outlet=outlet, name="仓山中心", address="仓山区 1 号", headcount=6
    )
    service_outlet_remove(actor=applicant, outlet=outlet)
    service_outlet_remove(actor=applicant, outlet=outlet)

    assert not ServiceOutlet.objects.exists()
    verbs = list(
        Event.objects.filter(verb__startswith="organisation.outlet_").values_list("verb", flat=True)
    )
    assert verbs == [
        "organisation.outlet_added",
        "organisation.outlet_updated",
        "organisation.outlet_removed",
    ]
    assert ServiceOutlet.history.filter(history_type="-").get().history_user == applicant


def test_outlet_values_are_checked(applicant, organisation):
    service_outlet_add(
        actor=applicant, organisation=organisation, name="一号店", address="福州", headcount=1
    )

    with pytest.raises(ProfileError, match="zero or more"):
        service_outlet_add(
            actor=applicant, organisation=organisation, name="二号店", address="福州", headcount=-1
        )
    with pytest.raises(ProfileError, match="already has an outlet"):
        service_outlet_add(
            actor=applicant, organisation=organisation, name="一号店", address="厦门", headcount=1
        )
    with pytest.raises(ProfileError, match="address"):
        service_outlet_add(
            actor=applicant, organisation=organisation, name="三号店", address=" ", headcount=1
        )


def test_a_manager_manages_outlets_and_another_organisation_cannot(
    manager, outsider, organisation
):
    outlet = service_outlet_add(
        actor=manager, organisation=organisation, name="网点", address="福州", headcount=0
    )

    with pytest.raises(NotAllowed, match="Only an administrator of the organisation or a manager may do this"):
        service_outlet_remove(actor=outsider, outlet=outlet)
    with pytest.raises(NotAllowed, match="Only an administrator of the organisation or a manager may do this"):
        service_outlet_add(
            actor=outsider, organisation=organisation, name="x", address="y", headcount=0
        )
    assert ServiceOutlet.objects.count() == 1


# --- the legacy code override ------------------------------------------------


def test_a_manager_accepts_a_legacy_code_with_its_reason_in_history_and_event(
    manager, applicant, organisation
):
    organisation_uscc_override(
        actor=manager, organisation=organisation, uscc=LEGACY_CODE, reason="营业执照原件已核对"
    )

    organisation.refresh_from_db()
    assert organisation.uscc == LEGACY_CODE
    assert organisation.uscc_override_reason == "营业执照原件已核对"
    version = organisation.history.latest()
    assert version.history_user == manager
    assert version.uscc == LEGACY_CODE
    assert version.uscc_override_reason == "营业执照原件已核对"
    [event] = events(organisation, "organisation.uscc_overridden")
    assert event.actor == manager
    assert event.note == "营业执照原件已核对"
    assert event.data["to"] == LEGACY_CODE
    assert Notification.objects.filter(
        recipient=applicant, kind="organisation_uscc_overridden"
    ).exists()


def test_repeating_the_override_is_a_no_op(manager, organisation):
    for _ in range(2):
        organisation_uscc_override(
            actor=manager, organisation=organisation, uscc=LEGACY_CODE, reason="已核对"
        )

    assert events(organisation, "organisation.uscc_overridden").count() == 1


def test_an_applicant_can_never_override_the_code(applicant, organisation):
    with pytest.raises(NotAllowed, match="Only a manager may accept a code that fails the checksum"):
        organisation_uscc_override(
            actor=applicant, organisation=organisation, uscc=LEGACY_CODE, reason="我们确定"
        )

    organisation.refresh_from_db()
    assert organisation.uscc != LEGACY_CODE


@pytest.mark.parametrize(
    ("uscc", "reason", "message"),
    [
        (LEGACY_CODE, "  ", "Give the reason"),
        ("91350100M000100Y4", "已核对", "18 characters"),
        ("9135010OM000100Y44", "已核对", "not allowed"),
        ("91350100M000100Y43", "已核对", "needs no override"),
    ],
)
def test_the_override_still_checks_everything_but_the_check_character(
    manager, organisation, uscc, reason, message
):
    with pytest.raises(CertifyError, match=message):
        organisation_uscc_override(actor=manager, organisation=organisation, uscc=uscc, reason=reason)


def test_the_override_keeps_codes_unique(manager, organisation):
    first17 = uscc_for(999)[:17]
    bad = first17 + ("0" if uscc_for(999)[17] != "0" else "1")
    Organisation.objects.create(legal_name="另一家", uscc=bad)

    with pytest.raises(CertifyError, match="Another organisation"):
        organisation_uscc_override(actor=manager, organisation=organisation, uscc=bad, reason="x")


# --- pages -------------------------------------------------------------------


def test_the_admin_saves_the_profile_through_the_form(english_client, applicant, organisation):
    english_client.force_login(applicant)

    response = english_client.post(
        reverse("applications:organisation_profile_edit", args=[organisation.public_id]),
        {
            "legal_name": organisation.legal_name,
            **{k: v.isoformat() if isinstance(v, date) else v for k, v in PROFILE.items()},
            "categories": "空调\n冰箱\n",
        },
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.employee_count == 126
    assert organisation.categories.count() == 2


def test_bad_profile_input_is_shown_on_the_page(english_client, applicant, organisation):
    english_client.force_login(applicant)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = english_client.post(
        reverse("applications:organisation_profile_edit", args=[organisation.public_id]),
        {"legal_name": organisation.legal_name, "service_started_on": tomorrow, "employee_count": "-3"},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "greater than or equal to 0" in content

    response = english_client.post(
        reverse("applications:organisation_profile_edit", args=[organisation.public_id]),
        {"legal_name": organisation.legal_name, "service_started_on": tomorrow},
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()


def test_a_plain_member_gets_403_on_the_edit_pages(client, organisation):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    client.force_login(member)

    response = client.get(
        reverse("applications:organisation_profile_edit", args=[organisation.public_id])
    )

    assert response.status_code == 403
    outlets = client.get(reverse("applications:organisation_outlets", args=[organisation.public_id]))
    assert outlets.status_code == 200
    assert "Add an outlet" not in outlets.content.decode()


def test_outlets_through_the_pages(english_client, applicant, organisation):
    english_client.force_login(applicant)
    url = reverse("applications:organisation_outlets", args=[organisation.public_id])

    refused = english_client.post(url, {"name": "一号店", "address": "福州", "headcount": "-1"})
    added = english_client.post(url, {"name": "一号店", "address": "福州", "headcount": "4"})
    outlet = ServiceOutlet.objects.get()
    edited = english_client.post(
        reverse("applications:service_outlet_edit", args=[organisation.public_id, outlet.pk]),
        {"name": "一号店", "address": "福州鼓楼", "headcount": "5"},
    )
    removed = english_client.post(
        reverse("applications:service_outlet_remove", args=[organisation.public_id, outlet.pk])
    )

    assert refused.status_code == 200
    assert "greater than or equal to 0" in refused.content.decode()
    assert (added.status_code, edited.status_code, removed.status_code) == (302, 302, 302)
    assert not ServiceOutlet.objects.exists()


def test_another_organisations_outlet_is_404(client, applicant, organisation, outsider):
    other = outsider.memberships.get().organisation
    outlet = service_outlet_add(
        actor=outsider, organisation=other, name="别家", address="厦门", headcount=1
    )
    client.force_login(applicant)

    response = client.post(
        reverse("applications:service_outlet_remove", args=[organisation.public_id, outlet.pk])
    )

    assert response.status_code == 404
    assert ServiceOutlet.objects.filter(pk=outlet.pk).exists()


def test_the_manager_overrides_the_code_on_the_page_and_sees_it_in_the_history(
    english_client, manager, organisation
):
    english_client.force_login(manager)
    url = reverse("applications:organisation_uscc_override", args=[organisation.public_id])

    missing_reason = english_client.post(url, {"uscc": LEGACY_CODE, "reason": ""})
    accepted = english_client.post(url, {"uscc": LEGACY_CODE, "reason": "执照原件已核对"})
    detail = english_client.get(
        reverse("applications:organisation_detail", args=[organisation.public_id])
    )

    assert missing_reason.status_code == 200
    assert "This field is required" in missing_reason.content.decode()
    assert accepted.status_code == 302
    content = detail.content.decode()
    assert "Legacy code accepted by a manager" in content
    assert "执照原件已核对" in content
    assert detail.context["history"][0]["version"].uscc == LEGACY_CODE


def test_a_wrong_override_code_is_shown_on_the_page(english_client, manager, organisation):
    english_client.force_login(manager)

    response = english_client.post(
        reverse("applications:organisation_uscc_override", args=[organisation.public_id]),
        {"uscc": "91350100M000100Y43", "reason": "x"},
    )

    assert response.status_code == 200
    assert "needs no override" in response.content.decode()


def test_the_applicant_does_not_see_the_override_form(client, applicant, organisation):
    client.force_login(applicant)

    response = client.get(reverse("applications:organisation_detail", args=[organisation.public_id]))

    assert "override_form" not in response.context
    assert reverse(
        "applications:organisation_uscc_override", args=[organisation.public_id]
    ) not in response.content.decode()


def test_the_history_shows_what_changed(english_client, manager, applicant, organisation):
    organisation_profile_update(actor=applicant, organisation=organisation, address="旧地址")
    organisation_profile_update(actor=applicant, organisation=organisation, address="新地址")
    english_client.force_login(manager)

    response = english_client.get(
        reverse("applications:organisation_detail", args=[organisation.public_id])
    )

    [change] = response.context["history"][0]["changes"]
    assert (change["field"], change["old"], change["new"]) == ("address", "旧地址", "新地址")


def _detail_queries(client, organisation):
    url = reverse("applications:organisation_detail", args=[organisation.public_id])
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _grow(organisation, manager, count):
    start = organisation.outlets.count()
    for number in range(start, start + count):
        MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
        service_outlet_add(
            actor=manager,
            organisation=organisation,
            name=f"网点 {number}",
            address="福州",
            headcount=number,
        )
        organisation_profile_update(actor=manager, organisation=organisation, address=f"地址 {number}")


def test_the_managers_organisation_page_runs_as_many_queries_for_30_as_for_3(
    client, manager, organisation
):
    client.force_login(manager)
    _grow(organisation, manager, 3)
    client.get(reverse("applications:manager_home"))
    with_3 = _detail_queries(client, organisation)

    _grow(organisation, manager, 27)
    with_30 = _detail_queries(client, organisation)

    assert with_30 == with_3


def test_a_newcomer_without_an_organisation_gets_404_on_the_profile(
    client, applicant_without_organisation, organisation
):
    client.force_login(applicant_without_organisation)

    response = client.get(
        reverse("applications:organisation_profile_edit", args=[organisation.public_id])
    )

    assert response.status_code == 404
    assert ApplicantFactory._meta.model.objects.filter(pk=applicant_without_organisation.pk).exists()
