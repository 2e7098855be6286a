"""Reads of the applications app, each limited to what the user may see."""

import calendar

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    Invitation,
    Membership,
    Organisation,
    SelfAssessment,
    ServiceOutlet,
)
from certify.cache import versioned
from certify.models import User


def was_member(user, organisation_id):
    """Whether `user` is or ever was a member of the organisation: such a
    person never reviews, audits or decides on it (ISO/IEC 17065 4.2)."""
    return Membership.with_ended.filter(user=user, organisation_id=organisation_id).exists()


def staff_role_refusal(user):
    """Why `user` may not be given a staff role, or None (see certify.permissions)."""
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    if membership is None:
        return None
    return _(
        "%(name)s is a member of %(organisation)s. Staff cannot belong to an organisation "
        "they might certify: the person leaves it first, or uses a separate account."
    ) % {"name": user.full_name or user.email, "organisation": membership.organisation.legal_name}


def membership_for_user(user):
    """The user's membership with its organisation, or None."""
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("organisation").filter(user=user).first()


def organisation_list_for_user(user):
    """Managers see every organisation; applicants their own; others none."""
    queryset = Organisation.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__ended_at__isnull=True))
    )
    if user.is_authenticated and user.is_manager:
        return queryset.order_by("legal_name")
    if user.is_authenticated and user.is_applicant:
        return queryset.filter(memberships__user=user, memberships__ended_at__isnull=True)
    return queryset.none()


ORGANISATION_COUNT = "organisation-count"


def organisation_count():
    """Counting every organisation grows with the register; cached until one is saved or deleted."""
    return versioned(ORGANISATION_COUNT, Organisation.objects.count)


def organisations_newest(limit):
    """The newest organisations, for the managers' home: a plain read, without
    the member counts the organisation list annotates."""
    return Organisation.objects.order_by("-created_at")[:limit]


def organisation_get_for_user(user, public_id):
    """The organisation if the user may see it; Http404 otherwise, so that
    nobody learns that an organisation they may not see exists."""
    organisation = (
        organisation_list_for_user(user)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by("role", "created_at"),
            )
        )
        .filter(public_id=public_id)
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation


def organisation_get_with_profile(user, public_id):
    """The organisation with its members, outlets and categories, for the
    profile pages: a fixed number of queries whatever their number."""
    organisation = organisation_get_for_user(user, public_id)
    # The prefetches of organisation_get_for_user are done; these add two.
    organisation.outlet_list = list(organisation.outlets.order_by("name", "id"))
    organisation.category_list = list(organisation.categories.all())
    return organisation


def organisation_can_edit(user, organisation):
    """Administrators of the organisation and managers edit its profile."""
    if not user.is_authenticated:
        return False
    if user.is_manager:
        return True
    return user.is_applicant and organisation_is_admin(user, organisation)


def service_outlet_get_for_user(user, organisation, outlet_id):
    outlet = ServiceOutlet.objects.filter(organisation=organisation, pk=outlet_id).first()
    if outlet is None:
        raise Http404
    outlet.organisation = organisation
    return outlet


def membership_get(organisation, membership_id):
    membership = (
        Membership.objects.select_related("user")
        .filter(organisation=organisation, pk=membership_id)
        .first()
    )
    if membership is None:
        raise Http404
    membership.organisation = organisation
    return membership


def invitation_get(organisation, invitation_id):
    invitation = Invitation.objects.filter(organisation=organisation, pk=invitation_id).first()
    if invitation is None:
        raise Http404
    invitation.organisation = organisation
    return invitation


def invitation_list_pending(organisation):
    """Open invitations that have not expired, newest first."""
    return (
        Invitation.objects.filter(
            organisation=organisation,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


def invitation_get_by_token(token):
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


PROFILE_HISTORY_FIELDS = (
    "legal_name",
    "uscc",
    "uscc_override_reason",
    "registration_date",
    "legal_representative",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "business_scope",
    "employee_count",
    "service_started_on",
)


def organisation_history(organisation, limit=20):
    """The latest versions of the record, newest first, each with the fields
    it changed (old → new): one query, the diff made here rather than by
    simple-history's prev_record, which queries once per version."""
    versions = list(
        organisation.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )[: limit + 1]
    )
    labels = {name: Organisation._meta.get_field(name).verbose_name for name in PROFILE_HISTORY_FIELDS}
    entries = []
    for index, version in enumerate(versions[:limit]):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        changes = []
        for name in PROFILE_HISTORY_FIELDS:
            new = getattr(version, name)
            old = getattr(previous, name) if previous is not None else None
            if previous is None and new in (None, ""):
                continue
            if previous is None or old != new:
                changes.append({"field": name, "label": labels[name], "old": old, "new": new})
        entries.append(
            {
                "version": version,
                "created": version.history_type == "+",
                "changes": changes,
            }
        )
    return entries


def whole_months_between(start, end):
    """Whole calendar months from `start` to `end` (0 when `end` is earlier).

    A month is complete on the same day of a later month, or on its last day
    when that month is shorter (31 January → 28 February is one month).
    """
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    last_day = calendar.monthrange(end.year, end.month)[1]
    if end.day < start.day and end.day != last_day:
        months -= 1
    return max(months, 0)


def months_in_operation(organisation, on=None):
    """Whole months the after-sales service system has operated on `on`
    (today by default), or None while its start date is unknown. Eligibility
    (`min_months_in_operation`) and the extended schemes' gates read this."""
    if organisation.service_started_on is None:
        return None
    return whole_months_between(organisation.service_started_on, on or timezone.localdate())


def months_registered(organisation, on=None):
    """Whole months since the date of registration, or None while unknown
    (eligibility's `min_months_registered`)."""
    if organisation.registration_date is None:
        return None
    return whole_months_between(organisation.registration_date, on or timezone.localdate())


def is_member(user, organisation_id):
    """Whether `user` is an active applicant belonging to the organisation:
    the one check behind every "members only" page and service."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_applicant
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def organisation_is_admin(user, organisation):
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


def self_assessment_list_for_user(user):
    """Self-assessments are private to the organisation: members only."""
    if not (user.is_authenticated and user.is_applicant):
        return SelfAssessment.objects.none()
    return (
        SelfAssessment.objects.filter(
            organisation__memberships__user=user, organisation__memberships__ended_at__isnull=True
        )
        .select_related("sheet__version__scheme", "created_by")
        .order_by("-created_at")
    )


def self_assessment_get_for_user(user, public_id):
    assessment = (
        self_assessment_list_for_user(user)
        .select_related("organisation")
        .filter(public_id=public_id)
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


def organisation_members(organisation_id):
    """The organisation's active members: whom the body tells of its cases,
    nonconformities and certificates."""
    return list(
        User.objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__ended_at__isnull=True,
            is_active=True,
        )
    )
