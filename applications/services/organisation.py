"""Writes of the applications app."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Membership, Organisation
from applications.uscc import validate_uscc
from certify.events import event_record
from certify.exceptions import CertifyError, NotAllowed
from certify.models import User
from certify.notifications import notify


def organisation_create(*, actor, legal_name, uscc):
    """An applicant creates its organisation and becomes its administrator.

    Raises CertifyError when the code is invalid, already registered (the
    person is told to ask that organisation's administrator for an
    invitation, and gets no access), or the person already belongs to one.
    """
    if not (actor.is_authenticated and actor.is_applicant):
        raise NotAllowed(_("Only an applicant account can create an organisation."))
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
                User.objects.filter(is_manager=True, is_active=True),
                template="organisation_created",
                context={"organisation": organisation, "creator": actor},
                url=reverse("applications:organisation_detail", args=[organisation.public_id]),
            )
    except IntegrityError as exc:
        # Two people registering the same code at once: the unique index decides.
        raise CertifyError(taken_message) from exc
    return organisation
