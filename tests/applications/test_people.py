"""The organisation's people: invitations, joining, removing members and the
administrator role (issue 4 item 2)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Invitation, Membership
from applications.services import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_remove,
    membership_role_set,
)
from certify.exceptions import CertifyError, NotAllowed
from certify.models import Event, Notification
from tests.factories import ApplicantFactory, AuditorFactory, ManagerFactory, MembershipFactory

pytestmark = pytest.mark.usefixtures("english")

INVITE_LINK = re.compile(r"https?://\S+/invitations/[\w-]+/")


def verbs(organisation):
    return list(
        Event.objects.filter(object_id=organisation.pk, verb__startswith="organisation.")
        .exclude(verb="organisation.created")
        .values_list("verb", flat=True)
    )


@pytest.fixture
def member(organisation):
    return MembershipFactory(
        organisation=organisation, role=Membership.Role.MEMBER, user__full_name="Member Sun"
    ).user


@pytest.fixture
def applicant_without_organisation(db):
    """The colleague invited below, who has an account already."""
    return ApplicantFactory(full_name="Newcomer Qian", email="new@example.com")


@pytest.fixture
def invitation(applicant, organisation):
    return invitation_create(actor=applicant, organisation=organisation, email="new@example.com")


# --- invitation_create ---------------------------------------------------------


def test_the_admin_invites_by_e_mail_with_a_link_and_an_event(
    applicant, organisation, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=applicant, organisation=organisation, email=" New@Example.com "
        )

    assert invitation.email == "new@example.com"
    assert invitation.role == Membership.Role.MEMBER
    assert len(invitation.token) >= 40
    expected = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60
    [message] = mail.outbox
    assert message.to == ["new@example.com"]
    assert INVITE_LINK.search(message.body).group(0).endswith(f"/invitations/{invitation.token}/")
    assert verbs(organisation) == ["organisation.member_invited"]


def test_inviting_the_same_address_again_is_a_no_op(
    applicant, organisation, invitation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        again = invitation_create(actor=applicant, organisation=organisation, email="NEW@example.com")

    assert again == invitation
    assert mail.outbox == []
    assert verbs(organisation) == ["organisation.member_invited"]


def test_an_expired_invitation_is_replaced_by_a_new_one(applicant, organisation, invitation):
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        again = invitation_create(actor=applicant, organisation=organisation, email="new@example.com")

    assert again != invitation
    assert Invitation.objects.count() == 2


def test_a_members_address_is_refused(applicant, organisation, member):
    with pytest.raises(CertifyError, match="already a member"):
        invitation_create(actor=applicant, organisation=organisation, email=member.email.upper())


@pytest.mark.parametrize("role", ["member", "manager", "auditor", "outsider"])
def test_only_the_organisations_admin_invites(request, organisation, role):
    actor = request.getfixturevalue(role)

    with pytest.raises(NotAllowed, match="Only an administrator of the organisation may do this"):
        invitation_create(actor=actor, organisation=organisation, email="x@example.com")

    assert not Invitation.objects.exists()


def test_a_bad_address_or_role_is_refused(applicant, organisation):
    with pytest.raises(CertifyError, match="valid e-mail"):
        invitation_create(actor=applicant, organisation=organisation, email="not-an-address")
    with pytest.raises(CertifyError, match="Choose a role"):
        invitation_create(
            actor=applicant, organisation=organisation, email="x@example.com", role="owner"
        )


# --- invitation_accept ---------------------------------------------------------


def test_an_applicant_without_organisation_accepts_and_the_admin_is_told(
    applicant, organisation, invitation, applicant_without_organisation
):
    membership = invitation_accept(actor=applicant_without_organisation, token=invitation.token)

    assert membership.organisation == organisation
    assert membership.role == Membership.Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.accepted_by == applicant_without_organisation
    assert invitation.status == Invitation.Status.ACCEPTED
    assert verbs(organisation)[-1] == "organisation.member_joined"
    assert Notification.objects.filter(recipient=applicant, kind="invitation_accepted").exists()


def test_accepting_twice_is_a_no_op(invitation, applicant_without_organisation, organisation):
    invitation_accept(actor=applicant_without_organisation, token=invitation.token)
    invitation_accept(actor=applicant_without_organisation, token=invitation.token)

    assert verbs(organisation).count("organisation.member_joined") == 1


def test_an_invitation_as_administrator_makes_an_administrator(
    applicant, organisation, applicant_without_organisation
):
    invitation = invitation_create(
        actor=applicant, organisation=organisation, email="new@example.com", role="admin"
    )

    membership = invitation_accept(actor=applicant_without_organisation, token=invitation.token)

    assert membership.role == Membership.Role.ADMIN


def test_an_expired_invitation_is_refused(invitation, applicant_without_organisation):
    with (
        time_machine.travel(timezone.now() + timedelta(days=15)),
        pytest.raises(CertifyError, match="expired"),
    ):
        invitation_accept(actor=applicant_without_organisation, token=invitation.token)

    assert not applicant_without_organisation.memberships.exists()


def test_a_revoked_invitation_is_refused(applicant, invitation, applicant_without_organisation):
    invitation_revoke(actor=applicant, invitation=invitation)

    with pytest.raises(CertifyError, match="withdrawn"):
        invitation_accept(actor=applicant_without_organisation, token=invitation.token)


def test_a_used_invitation_is_refused_to_someone_else(invitation, applicant_without_organisation):
    invitation_accept(actor=applicant_without_organisation, token=invitation.token)

    with pytest.raises(CertifyError, match="already been used"):
        invitation_accept(actor=ApplicantFactory(), token=invitation.token)


def test_someone_in_another_organisation_is_refused(invitation, outsider):
    with pytest.raises(CertifyError, match="another organisation"):
        invitation_accept(actor=outsider, token=invitation.token)

    assert outsider.memberships.count() == 1


@pytest.mark.parametrize("factory", [AuditorFactory, ManagerFactory])
def test_staff_cannot_accept(invitation, factory):
    with pytest.raises(NotAllowed, match="Staff of the certification body"):
        invitation_accept(actor=factory(is_applicant=True), token=invitation.token)


def test_an_unknown_token_is_refused(applicant_without_organisation, db):
    with pytest.raises(CertifyError, match="not valid"):
        invitation_accept(actor=applicant_without_organisation, token="nope")


# --- invitation_revoke ---------------------------------------------------------


def test_revoking_tells_the_invitee_and_a_repeat_is_a_no_op(
    applicant, organisation, invitation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_revoke(actor=applicant, invitation=invitation)
        invitation_revoke(actor=applicant, invitation=invitation)

    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert verbs(organisation).count("organisation.invitation_revoked") == 1


def test_only_the_admin_revokes(invitation, member, manager, outsider):
    for actor in (member, manager, outsider):
        with pytest.raises(NotAllowed, match="Only an administrator of the organisation may do this"):
            invitation_revoke(actor=actor, invitation=invitation)


def test_an_accepted_invitation_cannot_be_revoked(
    applicant, invitation, applicant_without_organisation
):
    invitation_accept(actor=applicant_without_organisation, token=invitation.token)

    with pytest.raises(CertifyError, match="remove the member"):
        invitation_revoke(actor=applicant, invitation=invitation)


# --- members and the administrator role ----------------------------------------


def test_the_admin_removes_a_member_who_is_told(applicant, organisation, member):
    membership_remove(actor=applicant, membership=member.memberships.get())

    assert not member.memberships.exists()
    assert verbs(organisation) == ["organisation.member_removed"]
    assert Notification.objects.filter(recipient=member, kind="member_removed").exists()


def test_removing_someone_already_removed_is_a_no_op(applicant, organisation, member):
    membership = member.memberships.get()
    membership_remove(actor=applicant, membership=membership)

    membership_remove(actor=applicant, membership=membership)

    assert verbs(organisation) == ["organisation.member_removed"]


def test_a_member_cannot_remove_others_but_may_leave(applicant, organisation, member):
    with pytest.raises(NotAllowed, match="Only an administrator of the organisation may do this"):
        membership_remove(actor=member, membership=applicant.memberships.get())

    membership_remove(actor=member, membership=member.memberships.get())

    assert not member.memberships.exists()


def test_the_last_admin_cannot_leave_or_be_demoted(applicant, organisation, member):
    own = applicant.memberships.get()

    with pytest.raises(CertifyError, match="at least one administrator"):
        membership_remove(actor=applicant, membership=own)
    with pytest.raises(CertifyError, match="at least one administrator"):
        membership_role_set(actor=applicant, membership=own, role="member")

    own.refresh_from_db()
    assert own.role == Membership.Role.ADMIN


def test_the_admin_hands_the_role_on_then_steps_down(applicant, organisation, member):
    membership_role_set(actor=applicant, membership=member.memberships.get(), role="admin")
    membership_role_set(actor=applicant, membership=applicant.memberships.get(), role="member")

    assert member.memberships.get().role == Membership.Role.ADMIN
    assert applicant.memberships.get().role == Membership.Role.MEMBER
    assert verbs(organisation) == [
        "organisation.member_role_changed",
        "organisation.member_role_changed",
    ]
    assert Notification.objects.filter(recipient=member, kind="member_role_changed").exists()


def test_several_admins_and_the_same_role_again_is_a_no_op(applicant, organisation, member):
    membership = member.memberships.get()
    membership_role_set(actor=applicant, membership=membership, role="admin")
    membership_role_set(actor=applicant, membership=membership, role="admin")

    assert organisation.memberships.filter(role="admin").count() == 2
    assert verbs(organisation) == ["organisation.member_role_changed"]


def test_another_organisations_admin_cannot_touch_members(outsider, member):
    with pytest.raises(NotAllowed, match="Only an administrator of the organisation may do this"):
        membership_role_set(actor=outsider, membership=member.memberships.get(), role="admin")
    with pytest.raises(NotAllowed, match="Only an administrator of the organisation may do this"):
        membership_remove(actor=outsider, membership=member.memberships.get())


# --- pages -------------------------------------------------------------------------


def people_url(organisation):
    return reverse("applications:organisation_people", args=[organisation.public_id])


def test_the_admin_invites_through_the_page(english_client, applicant, organisation):
    english_client.force_login(applicant)

    response = english_client.post(
        reverse("applications:invitation_create", args=[organisation.public_id]),
        {"email": "colleague@example.com", "role": "member"},
        follow=True,
    )

    assert "An invitation is on its way to colleague@example.com" in response.content.decode()
    assert [i.email for i in response.context["invitations"]] == ["colleague@example.com"]


def test_bad_invitation_input_is_shown_on_the_page(english_client, applicant, organisation):
    english_client.force_login(applicant)
    url = reverse("applications:invitation_create", args=[organisation.public_id])

    bad = english_client.post(url, {"email": "nonsense", "role": "member"})
    own = english_client.post(url, {"email": applicant.email, "role": "member"})

    assert bad.status_code == 400
    assert "Enter a valid email address" in bad.content.decode()
    assert own.status_code == 400
    assert "already a member" in own.content.decode()


def test_a_member_sees_the_people_but_no_invitation_form(client, organisation, member):
    client.force_login(member)

    response = client.get(people_url(organisation))

    assert response.status_code == 200
    assert response.context["is_admin"] is False
    assert reverse("applications:invitation_create", args=[organisation.public_id]) not in (
        response.content.decode()
    )


def test_a_members_post_of_an_admin_action_is_refused_with_a_message(
    english_client, organisation, applicant, member
):
    english_client.force_login(member)

    response = english_client.post(
        reverse(
            "applications:membership_remove",
            args=[organisation.public_id, applicant.memberships.get().pk],
        ),
        follow=True,
    )

    assert response.status_code == 200
    assert "Only an administrator" in response.content.decode()
    assert applicant.memberships.exists()


def test_the_last_admin_leaving_is_refused_on_the_page(english_client, applicant, organisation):
    english_client.force_login(applicant)

    response = english_client.post(
        reverse(
            "applications:membership_remove",
            args=[organisation.public_id, applicant.memberships.get().pk],
        ),
        follow=True,
    )

    assert "at least one administrator" in response.content.decode()


def test_role_and_revoke_through_the_pages(english_client, applicant, organisation, member, invitation):
    english_client.force_login(applicant)

    made = english_client.post(
        reverse(
            "applications:membership_role",
            args=[organisation.public_id, member.memberships.get().pk],
        ),
        {"role": "admin"},
    )
    bad_role = english_client.post(
        reverse(
            "applications:membership_role",
            args=[organisation.public_id, member.memberships.get().pk],
        ),
        {"role": "emperor"},
        follow=True,
    )
    revoked = english_client.post(
        reverse("applications:invitation_revoke", args=[organisation.public_id, invitation.pk])
    )

    assert made.status_code == 302
    assert member.memberships.get().role == "admin"
    assert "Choose a role" in bad_role.content.decode()
    assert revoked.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_an_outsider_cannot_revoke_by_guessing_ids(client, outsider, organisation, invitation):
    client.force_login(outsider)
    own = outsider.memberships.get().organisation

    response = client.post(
        reverse("applications:invitation_revoke", args=[own.public_id, invitation.pk])
    )

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_existing_applicant_accepts_on_the_invitation_page(
    english_client, invitation, applicant_without_organisation, organisation
):
    english_client.force_login(applicant_without_organisation)
    url = reverse("applications:invitation_detail", args=[invitation.token])

    page = english_client.get(url)
    response = english_client.post(url)

    assert "Accept and join" in page.content.decode()
    assert response["Location"] == reverse("applications:applicant_home")
    assert applicant_without_organisation.memberships.get().organisation == organisation


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("expired", "has expired"),
        ("revoked", "withdrawn by the organisation"),
        ("used", "already been used"),
        ("other_organisation", "another organisation"),
        ("staff", "Staff of the certification body"),
    ],
)
def test_the_invitation_page_explains_a_refusal_and_gives_no_access(
    english_client, request, applicant, invitation, setup, message
):
    user = ApplicantFactory()
    if setup == "revoked":
        invitation_revoke(actor=applicant, invitation=invitation)
    elif setup == "used":
        invitation_accept(actor=ApplicantFactory(email="new@example.com"), token=invitation.token)
    elif setup == "other_organisation":
        user = request.getfixturevalue("outsider")
    elif setup == "staff":
        user = request.getfixturevalue("auditor")
    elif setup == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    english_client.force_login(user)
    url = reverse("applications:invitation_detail", args=[invitation.token])

    page = english_client.get(url)
    accepted = english_client.post(url, follow=True)

    assert page.status_code == 200
    assert message in page.content.decode()
    assert "Accept and join" not in page.content.decode()
    assert accepted.status_code == 200
    assert message in accepted.content.decode()
    assert not user.memberships.filter(organisation=invitation.organisation).exists()


def test_an_unknown_token_is_404(client, db):
    assert client.get("/invitations/nope/").status_code == 404


def test_a_new_person_registers_from_the_invitation_and_joins(
    english_client, invitation, organisation, django_capture_on_commit_callbacks
):
    client = english_client
    url = reverse("applications:invitation_detail", args=[invitation.token])
    page = client.get(url).content.decode()
    register_url = f"{reverse('register')}?next={url}"
    assert f'href="{register_url}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post(
            register_url,
            {"full_name": "New Colleague", "email": "new@example.com"},
        )
    assert registered.status_code == 200
    link = re.search(r"https?://\S+(/accounts/verify/\S+/)", mail.outbox[-1].body).group(1)
    verified = client.post(
        link,
        {
            "new_password1": "a-long-and-unusual-passphrase",
            "new_password2": "a-long-and-unusual-passphrase",
        },
    )
    assert verified["Location"] == f"{reverse('login')}?next={url.replace('/', '%2F')}"
    signed_in = client.post(
        verified["Location"],
        {"username": "new@example.com", "password": "a-long-and-unusual-passphrase"},
    )
    assert signed_in["Location"] == url
    joined = client.post(url)

    assert joined["Location"] == reverse("applications:applicant_home")
    assert organisation.memberships.filter(user__email="new@example.com").exists()


def test_an_anonymous_visitor_is_offered_sign_in_and_registration(client, invitation):
    url = reverse("applications:invitation_detail", args=[invitation.token])

    page = client.get(url)
    post = client.post(url)

    assert 'data-testid="invitation-register"' in page.content.decode()
    assert post["Location"].startswith(reverse("login"))
    assert not Invitation.objects.get().accepted_at


# --- query counts ------------------------------------------------------------------


def _people_queries(client, organisation):
    with CaptureQueriesContext(connection) as context:
        assert client.get(people_url(organisation)).status_code == 200
    return len(context.captured_queries)


def _grow(applicant, organisation, count):
    for _ in range(count):
        MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
        MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
        invitation_create(
            actor=applicant,
            organisation=organisation,
            email=f"invitee{Invitation.objects.count()}@example.com",
        )


def test_the_people_page_runs_as_many_queries_for_30_members_as_for_3(
    client, applicant, organisation
):
    client.force_login(applicant)
    _grow(applicant, organisation, 3)
    client.get(people_url(organisation))
    with_3 = _people_queries(client, organisation)

    _grow(applicant, organisation, 27)
    with_30 = _people_queries(client, organisation)

    assert with_30 == with_3
