"""The organisation's people: members, invitations, and accepting one."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services
from applications.forms.organisation import InvitationForm, MembershipRoleForm
from applications.models import Membership
from applications.selectors import organisation as selectors
from applications.services.people import invitation_refusal
from certify.exceptions import CertifyError
from certify.views.access import role_required
from certify.views.actions import run_action


def _people_context(request, organisation, form=None):
    is_admin = selectors.organisation_is_admin(request.user, organisation)
    form = form or InvitationForm()
    form.helper.form_action = reverse(
        "applications:invitation_create", args=[organisation.public_id]
    )
    return {
        "organisation": organisation,
        "is_admin": is_admin,
        "admin_count": sum(
            1 for m in organisation.memberships.all() if m.role == Membership.Role.ADMIN
        ),
        "invitations": selectors.invitation_list_pending(organisation) if is_admin else [],
        "form": form,
        "days": settings.INVITATION_DAYS,
    }


@role_required("applicant")
def organisation_people(request, public_id):
    """Members with their roles; for administrators also the invitation form,
    the pending invitations and the actions on each member."""
    organisation = selectors.organisation_get_for_user(request.user, public_id)
    return render(
        request, "applications/people/people.html", _people_context(request, organisation)
    )


def _people_url(organisation):
    return reverse("applications:organisation_people", args=[organisation.public_id])


def _back(organisation):
    return redirect(_people_url(organisation))


@role_required("applicant")
@require_POST
def invitation_create(request, public_id):
    organisation = selectors.organisation_get_for_user(request.user, public_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except CertifyError as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
            )
            return _back(organisation)
    # The page again, with the form's errors where they belong.
    return render(
        request,
        "applications/people/people.html",
        _people_context(request, organisation, form=form),
        status=400,
    )


@role_required("applicant")
@require_POST
def invitation_revoke(request, public_id, invitation_id):
    organisation = selectors.organisation_get_for_user(request.user, public_id)
    invitation = selectors.invitation_get(organisation, invitation_id)
    return run_action(
        request,
        lambda: services.invitation_revoke(actor=request.user, invitation=invitation),
        success=_("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
        back=_people_url(organisation),
    )


@role_required("applicant")
@require_POST
def membership_remove(request, public_id, membership_id):
    organisation = selectors.organisation_get_for_user(request.user, public_id)
    membership = selectors.membership_get(organisation, membership_id)
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except CertifyError as exc:
        messages.error(request, exc.message)
        return _back(organisation)
    if leaving:
        messages.success(request, _("You have left the organisation."))
        return redirect("applications:applicant_home")
    messages.success(
        request,
        _("%(name)s is no longer a member.") % {"name": membership.user.full_name},
    )
    return _back(organisation)


@role_required("applicant")
@require_POST
def membership_role(request, public_id, membership_id):
    organisation = selectors.organisation_get_for_user(request.user, public_id)
    membership = selectors.membership_get(organisation, membership_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return _back(organisation)
    role = form.cleaned_data["role"]
    # On success the member's role is the one chosen.
    return run_action(
        request,
        lambda: services.membership_role_set(actor=request.user, membership=membership, role=role),
        success=_("%(name)s is now %(role)s.")
        % {"name": membership.user.full_name, "role": Membership.Role(role).label},
        back=_people_url(organisation),
    )


def invitation_detail(request, token):
    """The link in the invitation e-mail. Anyone may open it: a visitor is
    offered to sign in or register and comes back here; a signed-in
    applicant without an organisation accepts with one click (a POST)."""
    invitation = selectors.invitation_get_by_token(token)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.invitation_accept(actor=user, token=token)
        except CertifyError as exc:
            messages.error(request, exc.message)
            return redirect("applications:invitation_detail", token=token)
        messages.success(
            request,
            _("Welcome to %(name)s.") % {"name": invitation.organisation.legal_name},
        )
        return redirect("applications:applicant_home")
    refusal = invitation_refusal(user, invitation)
    accepted_by_me = (
        user.is_authenticated and invitation.accepted_by_id == user.pk and refusal is None
    )
    here = reverse("applications:invitation_detail", args=[token])
    return render(
        request,
        "applications/people/invitation_detail.html",
        {
            "invitation": invitation,
            "refusal": refusal,
            "accepted_by_me": accepted_by_me,
            "next": here,
        },
        status=200,
    )
