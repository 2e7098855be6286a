"""An organisation: created by its first member, its profile and service
outlets, and a manager's override of its USCC."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    Membership,
    Organisation,
    ProductCategory,
    ServiceOutlet,
)
from applications.selectors.organisation import organisation_is_admin
from applications.services._base import account_refusal, organisation_admins
from applications.uscc import uscc_check_char, validate_uscc
from applications.verbs import Verb
from certify.events import event_record
from certify.exceptions import CertifyError, NotAllowed
from certify.notifications import notify
from certify.selectors import active_managers


def organisation_create(*, actor, legal_name, uscc):
    """An applicant creates its organisation and becomes its administrator.

    Raises CertifyError when the code is invalid, already registered (the
    person is told to ask that organisation's administrator for an
    invitation, and gets no access), or the person already belongs to one.
    """
    if not (actor.is_authenticated and actor.is_applicant):
        raise NotAllowed(_("Only an applicant account can create an organisation."))
    refusal = account_refusal(actor)
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
                verb=Verb.ORGANISATION_CREATED,
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



def _require_editor(actor, organisation):
    """The organisation's administrators and managers edit its profile."""
    if not (actor and actor.is_authenticated and actor.is_active):
        raise NotAllowed(_("Sign in first."))
    if actor.is_manager:
        return
    if not (actor.is_applicant and organisation_is_admin(actor, organisation)):
        raise NotAllowed(_("Only an administrator of the organisation or a manager may do this."))



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
            verb=Verb.ORGANISATION_PROFILE_UPDATED,
            data={"changes": changes},
        )
        if not organisation_is_admin(actor, locked):
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



def _notify_admins(organisation, *, template, context, url):
    notify(
        organisation_admins(organisation),
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
                verb=Verb.ORGANISATION_USCC_OVERRIDDEN,
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
            actor=actor, obj=locked, verb=Verb.ORGANISATION_OUTLET_ADDED, data=_outlet_data(outlet)
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
            verb=Verb.ORGANISATION_OUTLET_UPDATED,
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
        event_record(actor=actor, obj=organisation, verb=Verb.ORGANISATION_OUTLET_REMOVED, data=data)

