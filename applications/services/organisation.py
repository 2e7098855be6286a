"""Writes of the applications app."""

from datetime import date

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
    ProductCategory,
    ServiceOutlet,
)
from applications.uscc import uscc_check_char, validate_uscc
from certify.events import event_record
from certify.exceptions import CertifyError, NotAllowed
from certify.models import User
from certify.notifications import email_queue, notify, render_email
from certify.selectors import active_managers


def organisation_create(*, actor, legal_name, uscc):
    """An applicant creates its organisation and becomes its administrator.

    Raises CertifyError when the code is invalid, already registered (the
    person is told to ask that organisation's administrator for an
    invitation, and gets no access), or the person already belongs to one.
    """
    if not (actor.is_authenticated and actor.is_applicant):
        raise NotAllowed(_("Only an applicant account can create an organisation."))
    refusal = _account_refusal(actor)
    if refusal:
        raise NotAllowed(refusal)
    legal_name = " ".join((legal_name or "").split())
    if not legal_name:
        raise CertifyError(_("Enter the organisation's legal name."))
    try:
        code = validate_uscc(uscc)
    except ValidationError as exc:
        raise CertifyError(exc.messages[0]) from exc
    taken_message = _(
        "An organisation with this unified social credit code is already registered. "
        "Ask its administrator to invite you."
    )
    if Organisation.objects.filter(uscc=code).exists():
        raise CertifyError(taken_message)
    try:
        with transaction.atomic():
            if Membership.objects.select_for_update().filter(user=actor).exists():
                raise CertifyError(_("You already belong to an organisation."))
            organisation = Organisation(legal_name=legal_name, uscc=code, created_by=actor)
            organisation._history_user = actor
            organisation.save()
            Membership.objects.create(
                organisation=organisation, user=actor, role=Membership.Role.ADMIN
            )
            event_record(
                actor=actor,
                obj=organisation,
                verb="organisation.created",
                data={"legal_name": legal_name, "uscc": code},
            )
            notify(
                active_managers(),
                template="organisation_created",
                context={"organisation": organisation, "creator": actor},
                url=reverse("applications:organisation_detail", args=[organisation.public_id]),
            )
    except IntegrityError as exc:
        # Two people registering the same code at once: the unique index decides.
        raise CertifyError(taken_message) from exc
    return organisation


# --- The profile -----------------------------------------------------------

PROFILE_FIELDS = (
    "legal_name",
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


class ProfileError(CertifyError):
    """A profile value is refused; `field` names the form field it belongs to."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def _is_admin(user, organisation):
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


def _require_editor(actor, organisation):
    """The organisation's administrators and managers edit its profile."""
    if not (actor and actor.is_authenticated and actor.is_active):
        raise NotAllowed(_("Sign in first."))
    if actor.is_manager:
        return
    if not (actor.is_applicant and _is_admin(actor, organisation)):
        raise NotAllowed(_("Only an administrator of the organisation or a manager may do this."))


def _require_admin(actor, organisation):
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_applicant):
        raise NotAllowed(_("Only an administrator of the organisation may do this."))
    if not _is_admin(actor, organisation):
        raise NotAllowed(_("Only an administrator of the organisation may do this."))


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def _clean_text(value, *, multiline=False):
    value = value or ""
    if multiline:
        return "\n".join(line.rstrip() for line in str(value).strip().splitlines())
    return " ".join(str(value).split())


def _clean_profile(fields):
    today = timezone.localdate()
    cleaned = {}
    for name, value in fields.items():
        if name in ("registration_date", "service_started_on"):
            if value and value > today:
                label = (
                    _("The date of registration")
                    if name == "registration_date"
                    else _("The date the after-sales service system began operating")
                )
                raise ProfileError(
                    _("%(label)s cannot be in the future.") % {"label": label}, field=name
                )
            cleaned[name] = value or None
        elif name == "employee_count":
            if value is not None and value < 0:
                raise ProfileError(
                    _("The number of employees cannot be negative."), field=name
                )
            cleaned[name] = value
        elif name == "business_scope":
            cleaned[name] = _clean_text(value, multiline=True)
        elif name == "contact_email":
            cleaned[name] = (value or "").strip().lower()
        else:
            cleaned[name] = _clean_text(value)
    if "legal_name" in cleaned and not cleaned["legal_name"]:
        raise ProfileError(_("Enter the organisation's legal name."), field="legal_name")
    return cleaned


def _clean_categories(categories):
    """Names, one per entry, without blanks or repeats (case-insensitive)."""
    names, seen = [], set()
    for raw in categories:
        name = _clean_text(raw)
        if not name:
            continue
        if len(name) > 100:
            raise ProfileError(
                _("A category name has at most 100 characters: “%(name)s…”")
                % {"name": name[:20]},
                field="categories",
            )
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def organisation_profile_update(*, actor, organisation, categories=None, **fields):
    """Change the organisation's profile; return the organisation.

    The organisation's administrators and managers may do it. Only the
    fields given change; `categories` (a list of names) replaces the product
    and service categories. Nothing changed is a no-op: no history row, no
    event. A manager's edit is notified to the organisation's administrators.
    Raises NotAllowed for others and ProfileError (naming the field) for a
    refused value.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    _require_editor(actor, organisation)
    cleaned = _clean_profile(fields)
    category_names = _clean_categories(categories) if categories is not None else None
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changes = {
            name: [_json_value(getattr(locked, name)), _json_value(value)]
            for name, value in cleaned.items()
            if getattr(locked, name) != value
        }
        if category_names is not None:
            current = list(locked.categories.values_list("name", flat=True))
            if current != category_names:
                changes["categories"] = [current, category_names]
                locked.categories.exclude(name__in=category_names).delete()
                existing = {c.name: c for c in locked.categories.all()}
                for position, name in enumerate(category_names):
                    category = existing.get(name)
                    if category is None:
                        ProductCategory.objects.create(
                            organisation=locked, name=name, position=position
                        )
                    elif category.position != position:
                        category.position = position
                        category.save(update_fields=["position"])
        if not changes:
            return locked
        field_changes = [name for name in changes if name in cleaned]
        if field_changes:
            for name in field_changes:
                setattr(locked, name, cleaned[name])
            try:
                # Only the changed fields: the rest may predate a rule.
                locked.full_clean(
                    exclude=[
                        f.name for f in Organisation._meta.fields if f.name not in field_changes
                    ]
                )
            except ValidationError as exc:
                field, messages = next(iter(exc.message_dict.items()))
                raise ProfileError(messages[0], field=field) from exc
            locked._history_user = actor
            locked.save(update_fields=field_changes)
        event_record(
            actor=actor,
            obj=locked,
            verb="organisation.profile_updated",
            data={"changes": changes},
        )
        if not _is_admin(actor, locked):
            _notify_admins(
                locked,
                template="organisation_profile_updated",
                context={"actor": actor, "fields": _field_labels(changes)},
                url=reverse("applications:organisation_detail", args=[locked.public_id]),
            )
    return locked


def _field_labels(changes):
    labels = []
    for name in changes:
        if name == "categories":
            labels.append(ProductCategory._meta.verbose_name_plural)
        else:
            labels.append(Organisation._meta.get_field(name).verbose_name)
    return labels


def _admins(organisation):
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=Membership.Role.ADMIN,
        memberships__ended_at__isnull=True,
        is_active=True,
    )


def _notify_admins(organisation, *, template, context, url):
    notify(
        _admins(organisation),
        template=template,
        context={"organisation": organisation, **context},
        url=url,
    )


def organisation_uscc_override(*, actor, organisation, uscc, reason):
    """A manager accepts a legacy code that fails only the check character
    (DOMAIN 6.4.4); the reason is kept on the organisation, in its history
    and in the event log. Repeating the same code and reason is a no-op.

    Raises NotAllowed for anyone but a manager; CertifyError without a reason,
    for a code that breaks any other rule or passes the check (no override
    needed), or for a code another organisation holds.
    """
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_manager):
        raise NotAllowed(_("Only a manager may accept a code that fails the checksum."))
    reason = _clean_text(reason, multiline=True)
    if not reason:
        raise ProfileError(
            _("Give the reason for accepting this code; it is kept in the record."),
            field="reason",
        )
    try:
        code = validate_uscc(uscc, allow_bad_checksum=True)
    except ValidationError as exc:
        raise ProfileError(exc.messages[0], field="uscc") from exc
    if code[17] == uscc_check_char(code[:17]):
        raise ProfileError(
            _("This code passes the check; it needs no override."), field="uscc"
        )
    taken = _("Another organisation already has this unified social credit code.")
    try:
        with transaction.atomic():
            locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
            if locked.uscc == code and locked.uscc_override_reason == reason:
                return locked
            if Organisation.objects.filter(uscc=code).exclude(pk=locked.pk).exists():
                raise ProfileError(taken, field="uscc")
            previous = locked.uscc
            locked.uscc = code
            locked.uscc_override_reason = reason
            locked._history_user = actor
            locked.save(update_fields=["uscc", "uscc_override_reason"])
            event_record(
                actor=actor,
                obj=locked,
                verb="organisation.uscc_overridden",
                note=reason,
                data={"from": previous, "to": code, "reason": reason},
            )
            _notify_admins(
                locked,
                template="organisation_uscc_overridden",
                context={"actor": actor, "reason": reason},
                url=reverse("applications:organisation_detail", args=[locked.public_id]),
            )
    except IntegrityError as exc:
        raise ProfileError(taken, field="uscc") from exc
    return locked


# --- Service outlets -------------------------------------------------------


def _clean_outlet(name, address, headcount):
    name, address = _clean_text(name), _clean_text(address)
    if not name:
        raise ProfileError(_("Enter the outlet's name."), field="name")
    if not address:
        raise ProfileError(_("Enter the outlet's address."), field="address")
    if headcount is None or headcount < 0:
        raise ProfileError(
            _("The headcount is a number of people, zero or more."), field="headcount"
        )
    return name, address, headcount


def _outlet_taken(organisation, name, exclude_pk=None):
    queryset = ServiceOutlet.objects.filter(organisation=organisation, name__iexact=name)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    if queryset.exists():
        raise ProfileError(
            _("The organisation already has an outlet named “%(name)s”.") % {"name": name},
            field="name",
        )


def _outlet_data(outlet):
    return {"id": outlet.pk, "name": outlet.name, "address": outlet.address, "headcount": outlet.headcount}


def service_outlet_add(*, actor, organisation, name, address, headcount):
    """Add a sales or service outlet (administrators and managers)."""
    _require_editor(actor, organisation)
    name, address, headcount = _clean_outlet(name, address, headcount)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        _outlet_taken(locked, name)
        outlet = ServiceOutlet(
            organisation=locked, name=name, address=address, headcount=headcount
        )
        outlet._history_user = actor
        outlet.save()
        event_record(
            actor=actor, obj=locked, verb="organisation.outlet_added", data=_outlet_data(outlet)
        )
    return outlet


def service_outlet_update(*, actor, outlet, name, address, headcount):
    """Change an outlet; unchanged values are a no-op."""
    _require_editor(actor, outlet.organisation)
    name, address, headcount = _clean_outlet(name, address, headcount)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=outlet.organisation_id).get()
        locked = ServiceOutlet.objects.select_for_update().filter(pk=outlet.pk).first()
        if locked is None:
            raise CertifyError(_("This outlet has been removed."))
        before = _outlet_data(locked)
        if (locked.name, locked.address, locked.headcount) == (name, address, headcount):
            return locked
        _outlet_taken(locked.organisation, name, exclude_pk=locked.pk)
        locked.name, locked.address, locked.headcount = name, address, headcount
        locked._history_user = actor
        locked.save()
        event_record(
            actor=actor,
            obj=locked.organisation,
            verb="organisation.outlet_updated",
            data={"before": before, "after": _outlet_data(locked)},
        )
    return locked


def service_outlet_remove(*, actor, outlet):
    """Remove an outlet. Removing one already removed is a no-op."""
    _require_editor(actor, outlet.organisation)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=outlet.organisation_id)
        locked = ServiceOutlet.objects.select_for_update().filter(pk=outlet.pk).first()
        if locked is None:
            return
        data = _outlet_data(locked)
        locked._history_user = actor
        locked.delete()
        event_record(actor=actor, obj=organisation, verb="organisation.outlet_removed", data=data)


# --- People: invitations and memberships -----------------------------------


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
    _require_admin(actor, organisation)
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
            verb="organisation.member_invited",
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
    _require_admin(actor, invitation.organisation)
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
            verb="organisation.invitation_revoked",
            data={"email": locked.email, "invitation": locked.pk},
        )
        subject, body = render_email(
            "invitation_revoked",
            {"invitation": locked, "organisation": locked.organisation, "site_url": settings.SITE_URL},
            actor.language or settings.LANGUAGE_CODE,
        )
        email_queue(to=locked.email, template="invitation_revoked", subject=subject, body_text=body)
    return locked


def _account_refusal(user):
    if user.is_staff_member:
        return _(
            "Staff of the certification body cannot belong to an organisation they might "
            "certify. Use a separate applicant account."
        )
    if not user.is_applicant:
        return _("Only an applicant account can join an organisation.")
    return None


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
    refusal = _account_refusal(user)
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
    refusal = _account_refusal(actor)
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
                verb="organisation.member_joined",
                data={"email": actor.email, "role": invitation.role, "invitation": invitation.pk},
            )
            notify(
                _admins(organisation).exclude(pk=actor.pk),
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
        _require_admin(actor, membership.organisation)
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
            verb="organisation.member_removed",
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
    _require_admin(actor, membership.organisation)
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
            verb="organisation.member_role_changed",
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
