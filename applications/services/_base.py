"""Helpers the case's service modules share (case, contract, deadlines)."""

from django.urls import reverse

from applications.selectors import organisation_members


def case_url(case):
    """The case's page, for notifications and events."""
    return reverse("applications:case_detail", args=[case.public_id])


def case_members(case):
    """The applicant organisation's members, told of what happens to its case."""
    return organisation_members(case.organisation_id)
