"""An organisation's people: invitations, and the memberships they become."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    Invitation,
    Membership,
    Organisation,
)
from applications.services._base import account_refusal, organisation_admins, require_admin
from applications.services.organisation import ProfileError
from applications.verbs import Verb
from certify.events import event_record
from certify.exceptions import CertifyError, NotAllowed
from certify.models import User
from certify.notifications import email_queue, notify, render_email


def _invitation_url(invitation):
    return reverse("applications:invitation_detail", args=[invitation.token])



def invitation_create(*, actor, organisation, email, role=Membership.Role.MEMBER):
    """An administrator invites a colleague by e-mail; return the invitation.

    The invitee gets a link valid for INVITATION_DAYS days. Inviting an
    address that already has an open invitation is a no-op (the same
    invitation, no second e-mail); an expired one is replaced. Raises
    NotAllowed for anyone but the organisation's administrators, and
    CertifyError for an address that is already a member's.
    """
    require_admin(actor, organisation)
    email = User.objects.normalize_email((email or "").strip()).lower()
    try:
        EmailValidator()(email)
    except ValidationError as exc:
        raise ProfileError(_("Enter a valid e-mail address."), field="email") from exc
    if role not in Membership.Role.values:
        raise ProfileError(_("Choose a role: administrator or member."), field="role")
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if Membership.objects.filter(organisation=locked, user__email__iexact=email).exists():
            raise ProfileError(
                _("%(email)s is already a member of the organisation.") % {"email": email},
                field="email",
            )
        now = timezone.now()
        open_invitation = (
            Invitation.objects.filter(
                organisation=locked,
                email=email,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
            )
            .order_by("-created_at")
            .first()
        )
        if open_invitation is not None:
            return open_invitation
        invitation = Invitation.objects.create(
            organisation=locked, email=email, role=role, invited_by=actor
        )
        event_record(
            actor=actor,
            obj=locked,
            verb=Verb.ORGANISATION_MEMBER_INVITED,
            data={"email": email, "role": role, "invitation": invitation.pk},
        )
        # The invitee may have no account yet: the e-mail is written in the
        # inviter's language, the best guess of the colleague's.
        subject, body = render_email(
            "invitation",
            {
                "invitation": invitation,
                "organisation": locked,
                "inviter": actor,
                "accept_url": settings.SITE_URL + _invitation_url(invitation),
                "site_url": settings.SITE_URL,
            },
            actor.language or settings.LANGUAGE_CODE,
        )
        email_queue(to=email, template="invitation", subject=subject, body_text=body)
    return invitation



def invitation_revoke(*, actor, invitation):
    """An administrator withdraws an invitation; the invitee is told.

    A repeat is a no-op; an accepted invitation cannot be withdrawn (remove
    the member instead).
    """
    require_admin(actor, invitation.organisation)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=invitation.organisation_id).get()
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.revoked_at is not None:
            return locked
        if locked.accepted_at is not None:
            raise CertifyError(
                _("This invitation has been accepted; remove the member instead.")
            )
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        event_record(
            actor=actor,
            obj=locked.organisation,
            verb=Verb.ORGANISATION_INVITATION_REVOKED,
            data={"email": locked.email, "invitation": locked.pk},
        )
        subject, body = render_email(
            "invitation_revoked",
            {"invitation": locked, "organisation": locked.organisation, "site_url": settings.SITE_URL},
            actor.language or settings.LANGUAGE_CODE,
        )
        email_queue(to=locked.email, template="invitation_revoked", subject=subject, body_text=body)
    return locked



def invitation_refusal(user, invitation, now=None):
    """Why `user` may not accept `invitation` now, or None when they may.

    Shared by the invitation page (to explain before a click) and the
    service (to enforce)."""
    status = invitation.status_on(now)
    if status == Invitation.Status.ACCEPTED:
        if (
            invitation.accepted_by_id == getattr(user, "pk", None)
            and Membership.objects.filter(user=user, organisation=invitation.organisation_id).exists()
        ):
            return None
        return _("This invitation has already been used.")
    if status == Invitation.Status.REVOKED:
        return _("This invitation has been withdrawn by the organisation.")
    if status == Invitation.Status.EXPIRED:
        return _(
            "This invitation has expired. Ask the organisation's administrator for a new one."
        )
    if not (user and user.is_authenticated):
        return None
    refusal = account_refusal(user)
    if refusal:
        return refusal
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    if membership is not None:
        if membership.organisation_id == invitation.organisation_id:
            return _("You are already a member of this organisation.")
        return _(
            "You already belong to another organisation; an account belongs to one "
            "organisation only. Register with another e-mail address to join this one."
        )
    if user.email.lower() != invitation.email.lower():
        # Whoever holds a forwarded or leaked link is not the colleague invited.
        return _(
            "This invitation was sent to %(email)s. Sign in with that address to accept it."
        ) % {"email": invitation.email}
    return None



def invitation_accept(*, actor, token):
    """The signed-in invitee joins the organisation; return the membership.

    Accepting again an invitation one has accepted is a no-op. Raises
    NotAllowed for staff accounts and anonymous visitors, CertifyError for an
    unknown, expired, withdrawn or used invitation and for a person who
    already belongs to an organisation.
    """
    if not (actor and actor.is_authenticated and actor.is_active):
        raise NotAllowed(_("Sign in to accept the invitation."))
    refusal = account_refusal(actor)
    if refusal:
        raise NotAllowed(refusal)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.select_for_update().filter(token=token).first()
            if invitation is None:
                raise CertifyError(_("This invitation link is not valid."))
            if invitation.accepted_by_id == actor.pk:
                membership = Membership.objects.filter(
                    user=actor, organisation=invitation.organisation_id
                ).first()
                if membership is None:
                    raise CertifyError(_("This invitation has already been used."))
                return membership
            refusal = invitation_refusal(actor, invitation)
            if refusal:
                raise CertifyError(refusal)
            organisation = Organisation.objects.select_for_update().get(
                pk=invitation.organisation_id
            )
            membership = Membership.objects.create(
                organisation=organisation, user=actor, role=invitation.role
            )
            invitation.accepted_at = timezone.now()
            invitation.accepted_by = actor
            invitation.save(update_fields=["accepted_at", "accepted_by"])
            event_record(
                actor=actor,
                obj=organisation,
                verb=Verb.ORGANISATION_MEMBER_JOINED,
                data={"email": actor.email, "role": invitation.role, "invitation": invitation.pk},
            )
            notify(
                organisation_admins(organisation).exclude(pk=actor.pk),
                template="invitation_accepted",
                context={"organisation": organisation, "member": actor},
                url=reverse("applications:organisation_people", args=[organisation.public_id]),
            )
    except IntegrityError as exc:
        # The same person accepting two invitations at once: one membership wins.
        raise CertifyError(_("You already belong to an organisation.")) from exc
    return membership



def _lock_membership(membership):
    Organisation.objects.select_for_update().filter(pk=membership.organisation_id).get()
    return (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .filter(pk=membership.pk)
        .first()
    )



def _admin_count(organisation_id):
    return Membership.objects.filter(
        organisation_id=organisation_id, role=Membership.Role.ADMIN
    ).count()



def _last_admin_message():
    return _(
        "An organisation always keeps at least one administrator: make another member "
        "administrator first."
    )



def membership_remove(*, actor, membership):
    """An administrator removes a member, or a member leaves; the person is told.

    The membership is ended, not deleted. The last administrator can be
    removed by nobody, themselves included. Removing someone already removed
    is a no-op.
    """
    leaving = actor.is_authenticated and membership.user_id == actor.pk
    if not leaving:
        require_admin(actor, membership.organisation)
    with transaction.atomic():
        locked = _lock_membership(membership)
        if locked is None:
            return
        if locked.role == Membership.Role.ADMIN and _admin_count(locked.organisation_id) <= 1:
            raise CertifyError(_last_admin_message())
        organisation, person = locked.organisation, locked.user
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        event_record(
            actor=actor,
            obj=organisation,
            verb=Verb.ORGANISATION_MEMBER_REMOVED,
            data={"email": person.email, "role": locked.role, "user": person.pk},
        )
        if not leaving:
            notify(
                [person],
                template="member_removed",
                context={"organisation": organisation, "actor": actor},
                url=reverse("applications:applicant_home"),
            )



def membership_role_set(*, actor, membership, role):
    """An administrator makes a member administrator or back; the person is told.

    The same role again is a no-op; demoting the last administrator is refused.
    """
    require_admin(actor, membership.organisation)
    if role not in Membership.Role.values:
        raise CertifyError(_("Choose a role: administrator or member."))
    with transaction.atomic():
        locked = _lock_membership(membership)
        if locked is None:
            raise CertifyError(_("This person is no longer a member."))
        if locked.role == role:
            return locked
        if locked.role == Membership.Role.ADMIN and _admin_count(locked.organisation_id) <= 1:
            raise CertifyError(_last_admin_message())
        previous = locked.role
        locked.role = role
        locked.save(update_fields=["role"])
        event_record(
            actor=actor,
            obj=locked.organisation,
            verb=Verb.ORGANISATION_MEMBER_ROLE_CHANGED,
            from_state=previous,
            to_state=role,
            data={"email": locked.user.email, "user": locked.user_id},
        )
        if locked.user_id != actor.pk:
            notify(
                [locked.user],
                template="member_role_changed",
                context={
                    "organisation": locked.organisation,
                    "actor": actor,
                    "role_label": Membership.Role(role).label,
                },
                url=reverse("applications:applicant_home"),
            )
    return locked

