"""Reads of the `certify` app."""

from django.db.models import Q
from django.utils.translation import gettext as _

from certify.models import BodyProfile, User


def body_profile_get():
    """The body's profile; created with a placeholder name on first use so
    every page can print it."""
    profile = BodyProfile.objects.filter(pk=1).first()
    if profile is None:
        profile, _created = BodyProfile.objects.get_or_create(
            pk=1, defaults={"name_zh": _("Certification body (name not yet set)")}
        )
    return profile


def staff_list(*, search=""):
    queryset = User.objects.filter(Q(is_auditor=True) | Q(is_manager=True))
    if search:
        queryset = queryset.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return queryset.order_by("full_name", "email")


def user_list(*, search="", role=""):
    queryset = User.objects.all()
    if role in User.Role.values:
        queryset = queryset.filter(**{f"is_{role}": True})
    if search:
        queryset = queryset.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return queryset.order_by("full_name", "email")


def active_managers():
    """Everyone told of work waiting for the body: the active managers."""
    return User.objects.filter(is_manager=True, is_active=True)
