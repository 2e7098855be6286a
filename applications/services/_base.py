"""Helpers the applications app's service modules share."""

from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Case
from applications.selectors import is_member, organisation_members
from certify.exceptions import NotAllowed


def require_member(actor, organisation_id):
    if not is_member(actor, organisation_id):
        raise NotAllowed(_("Only members of the organisation may do this."))


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
