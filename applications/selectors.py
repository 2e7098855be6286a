"""Reads of the applications app, each limited to what the user may see."""

from django.db.models import Count, Prefetch
from django.http import Http404

from applications.models import Membership, Organisation, SelfAssessment


def membership_for_user(user):
    """The user's membership with its organisation, or None."""
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("organisation").filter(user=user).first()


def organisation_list_for_user(user):
    """Managers see every organisation; applicants their own; others none."""
    queryset = Organisation.objects.annotate(member_count=Count("memberships"))
    if user.is_authenticated and user.is_manager:
        return queryset.order_by("legal_name")
    if user.is_authenticated and user.is_applicant:
        return queryset.filter(memberships__user=user)
    return queryset.none()


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


def organisation_is_admin(user, organisation):
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


def self_assessment_list_for_user(user):
    """Self-assessments are private to the organisation: members only."""
    if not (user.is_authenticated and user.is_applicant):
        return SelfAssessment.objects.none()
    return (
        SelfAssessment.objects.filter(organisation__memberships__user=user)
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
