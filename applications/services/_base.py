"""Helpers the applications app's service modules share."""

from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Case, Membership
from applications.selectors.organisation import (
    is_member,
    organisation_is_admin,
    organisation_members,
)
from certify.exceptions import NotAllowed
from certify.models import User


def require_member(actor, organisation_id):
    if not is_member(actor, organisation_id):
        raise NotAllowed(_("Only members of the organisation may do this."))


def require_case_member(actor, case):
    if not is_member(actor, case.organisation_id):
        raise NotAllowed(_("Only members of the applying organisation may do this."))


def case_locked(case):
    """The case's row, locked for the rest of the transaction."""
    return (
        Case.objects.select_for_update()
        .select_related("organisation", "version__scheme")
        .get(pk=case.pk)
    )


def case_url(case):
    """The case's page, for notifications and events."""
    return reverse("applications:case_detail", args=[case.public_id])


def case_members(case):
    """The applicant organisation's members, told of what happens to its case."""
    return organisation_members(case.organisation_id)


def require_admin(actor, organisation):
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_applicant):
        raise NotAllowed(_("Only an administrator of the organisation may do this."))
    if not organisation_is_admin(actor, organisation):
        raise NotAllowed(_("Only an administrator of the organisation may do this."))


def organisation_admins(organisation):
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=Membership.Role.ADMIN,
        memberships__ended_at__isnull=True,
        is_active=True,
    )


def account_refusal(user):
    """Why `user` may not belong to an organisation, or None."""
    if user.is_staff_member:
        return _(
            "Staff of the certification body cannot belong to an organisation they might "
            "certify. Use a separate applicant account."
        )
    if not user.is_applicant:
        return _("Only an applicant account can join an organisation.")
    return None
