"""Writes of complaints and appeals (ISO/IEC 17065 7.13).

Anyone files a complaint; a member of the applicant's organisation appeals a
decision. Managers not involved in the matter acknowledge, investigate
(the one who starts the investigation becomes its handler), decide (only
the handler) and close it. Each step locks the row, consults
Complaint.ALLOWED_TRANSITIONS (a repeat is a no-op), writes one event and
tells the filer: in the app and by e-mail when they filed signed in, else by
e-mail to the contact address in the language of the page they used.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Case
from applications.selectors.organisation import is_member, was_member
from certificates.models import Certificate, Complaint, Decision, NumberCounter
from certificates.services import was_on_audit_team
from certificates.verbs import Verb
from certify import transitions
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.notifications import email_queue, notify, render_email
from certify.permissions import require_manager
from certify.selectors import active_managers

REFERENCE_PREFIX = {Complaint.Kind.COMPLAINT: "TS", Complaint.Kind.APPEAL: "SS"}


def complaint_url(complaint):
    return reverse("certificates:complaint_detail", args=[complaint.public_id])


def _reference_allocate(kind, filed_at):
    """TS or SS, the year and a five-digit serial from a counter that only
    grows, so no reference is ever given twice."""
    prefix = f"{REFERENCE_PREFIX[kind]}{timezone.localtime(filed_at):%Y}"
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(prefix=f"complaint|{prefix}")
    while True:
        counter.last_serial += 1
        reference = f"{prefix}{counter.last_serial:05d}"
        if not Complaint.objects.filter(reference=reference).exists():
            counter.save(update_fields=["last_serial"])
            return reference


# --- Telling people --------------------------------------------------------------------


def _managers(exclude=None):
    managers = active_managers()
    if exclude is not None and exclude.pk:
        managers = managers.exclude(pk=exclude.pk)
    return list(managers)


def _tell_filer(complaint, template, **context):
    """The filer hears of each step: in the app and by e-mail when they filed
    signed in, else by e-mail to the contact address given."""
    context = {"complaint": complaint, **context}
    filer = complaint.filed_by
    if filer is not None and filer.is_active:
        notify([filer], template=template, context=context, url=complaint_url(complaint))
        return
    subject, body = render_email(
        template,
        {"url": "", "absolute_url": "", "site_url": settings.SITE_URL, **context},
        complaint.language or settings.LANGUAGE_CODE,
    )
    email_queue(to=complaint.contact_email, template=template, subject=subject, body_text=body)


def _tell_managers(complaint):
    notify(
        _managers(exclude=complaint.filed_by),
        template="complaint_filed",
        context={"complaint": complaint},
        url=complaint_url(complaint),
    )


# --- Impartiality ------------------------------------------------------------------------


def complaint_involvement(user, complaint):
    """Why `user` may not handle `complaint` (a message), or "" when they may:
    nobody handles a matter they took part in (ISO/IEC 17065 7.13)."""
    if complaint.filed_by_id is not None and complaint.filed_by_id == user.pk:
        return _("You filed this yourself, so another manager must handle it.")
    if complaint.kind == Complaint.Kind.APPEAL:
        if was_member(user, complaint.case.organisation_id):
            return _(
                "You are or were a member of the appealing organisation, so another manager must handle the appeal."
            )
        if complaint.appealed_decision.decided_by_id == user.pk:
            return _("You made the decision under appeal, so another manager must handle the appeal.")
        if was_on_audit_team(user, complaint.case):
            return _(
                "You were on an audit team of the application under appeal, so another manager must handle the appeal."
            )
        return ""
    certificate = complaint.certificate
    if certificate is not None:
        if was_member(user, certificate.organisation_id):
            return _(
                "You are or were a member of the organisation complained about, so another manager must handle this complaint."
            )
        if certificate.decision.decided_by_id == user.pk:
            return _(
                "You made the certification decision on the certificate complained about, so another manager must handle this complaint."
            )
        if was_on_audit_team(user, certificate.case):
            return _(
                "You were on an audit team of the certificate's application, so another manager must handle this complaint."
            )
    return ""


def require_uninvolved_manager(actor, complaint):
    require_manager(actor)
    reason = complaint_involvement(actor, complaint)
    if reason:
        raise NotAllowed(reason)


# --- Filing ------------------------------------------------------------------------------


def _contact(name, email, phone):
    name, email, phone = (name or "").strip(), (email or "").strip(), (phone or "").strip()
    if not name or not email:
        raise CertifyError(_("Give a contact name and e-mail address, so the body can answer you."))
    try:
        validate_email(email)
    except ValidationError as exc:
        raise CertifyError(_("Enter a valid e-mail address.")) from exc
    return name, email, phone


def complaint_file(
    *,
    actor=None,
    about,
    description,
    contact_name,
    contact_email,
    contact_phone="",
    organisation_name="",
    certificate_number="",
    language=None,
):
    """Anyone, signed in or not, complains about a certified organisation
    (its name required; the certificate linked when the number given exists)
    or about the body itself. The managers are told; the filer gets the
    reference at once."""
    description = (description or "").strip()
    if not description:
        raise CertifyError(_("Describe what the complaint is about."))
    name, email, phone = _contact(contact_name, contact_email, contact_phone)
    organisation_name = (organisation_name or "").strip()
    certificate_number = (certificate_number or "").strip().upper()
    if about == Complaint.About.ORGANISATION:
        if not organisation_name:
            raise CertifyError(_("Name the certified organisation the complaint is about."))
    elif about == Complaint.About.BODY:
        organisation_name = certificate_number = ""
    else:
        raise CertifyError(_("Choose what the complaint is about."))
    filer = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        now = timezone.now()
        certificate = (
            Certificate.objects.filter(number=certificate_number).select_related("decision", "case").first()
            if certificate_number
            else None
        )
        complaint = Complaint.objects.create(
            reference=_reference_allocate(Complaint.Kind.COMPLAINT, now),
            kind=Complaint.Kind.COMPLAINT,
            about=about,
            organisation_name=organisation_name,
            certificate_number=certificate_number,
            certificate=certificate,
            description=description,
            filed_by=filer,
            contact_name=name,
            contact_email=email,
            contact_phone=phone,
            language=language or translation.get_language() or "",
            filed_at=now,
        )
        event_record(
            actor=filer,
            obj=complaint,
            verb=Verb.COMPLAINT_FILED,
            to_state=complaint.status,
            data={"about": about, **({"certificate": certificate.number} if certificate else {})},
        )
        _tell_managers(complaint)
        _tell_filer(complaint, "complaint_received")
    return complaint


def appeal_file(*, actor, case, description, contact_phone="", language=None):
    """A member of the case's organisation appeals its decision (certified or
    not certified). One appeal per case is open at a time."""
    if not is_member(actor, case.organisation_id):
        raise NotAllowed(_("Only a member of the applicant's organisation may appeal its decision."))
    description = (description or "").strip()
    if not description:
        raise CertifyError(_("Give the grounds of the appeal."))
    name, email, phone = _contact(actor.full_name or actor.email, actor.email, contact_phone or actor.phone)
    with transaction.atomic():
        # The case's row lock serialises two appeals filed at once.
        case = Case.objects.select_for_update().get(pk=case.pk)
        decision = Decision.objects.filter(case=case).first()
        if decision is None or case.status not in (Case.Status.CERTIFIED, Case.Status.NOT_CERTIFIED):
            raise InvalidTransition(_("Only a certification decision can be appealed; this application has none."))
        open_appeal = Complaint.objects.filter(
            kind=Complaint.Kind.APPEAL, case=case, status__in=Complaint.OPEN
        ).first()
        if open_appeal is not None:
            raise InvalidTransition(
                _("Appeal %(reference)s against this decision is still open.") % {"reference": open_appeal.reference}
            )
        now = timezone.now()
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    reference=_reference_allocate(Complaint.Kind.APPEAL, now),
                    kind=Complaint.Kind.APPEAL,
                    about=Complaint.About.DECISION,
                    case=case,
                    appealed_decision=decision,
                    organisation_name=case.organisation.legal_name,
                    description=description,
                    filed_by=actor,
                    contact_name=name,
                    contact_email=email,
                    contact_phone=phone,
                    language=language or actor.language or translation.get_language() or "",
                    filed_at=now,
                )
        except IntegrityError as exc:  # the one-open-appeal constraint
            raise InvalidTransition(_("An appeal against this decision is still open.")) from exc
        event_record(
            actor=actor,
            obj=complaint,
            verb=Verb.APPEAL_FILED,
            to_state=complaint.status,
            data={"case": case.reference, "decision": decision.outcome},
        )
        _tell_managers(complaint)
        _tell_filer(complaint, "complaint_received")
    return complaint


# --- The steps ---------------------------------------------------------------------------


def _locked(complaint):
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("filed_by", "handler", "appealed_decision", "case", "certificate__decision")
        .get(pk=complaint.pk)
    )


def _step(complaint, to_state, *, actor, note="", data=None, changes=None):
    """A step of the complaint's table; its verb names the kind and the step."""
    return transitions.apply(
        complaint,
        to_state,
        actor=actor,
        verb=Verb(f"{complaint.kind}.{to_state}"),
        note=note,
        data=data,
        changes=changes,
    )


# Before the investigation the body works out what a complaint is about.
LINKABLE = {Complaint.Status.RECEIVED, Complaint.Status.ACKNOWLEDGED}


def complaint_certificate_link(*, actor, complaint, number):
    """An uninvolved manager links a complaint about an organisation to the
    certificate it concerns, found by its exact number (the filer may have
    given none, or a wrong one), before the investigation starts. Nobody
    links a certificate they decided or audited: the link would make them
    involved."""
    number = (number or "").strip().upper()
    if not number:
        raise CertifyError(_("Give the certificate's number."))
    with transaction.atomic():
        complaint = _locked(complaint)
        require_uninvolved_manager(actor, complaint)
        if complaint.kind != Complaint.Kind.COMPLAINT or complaint.about != Complaint.About.ORGANISATION:
            raise InvalidTransition(_("Only a complaint about a certified organisation concerns a certificate."))
        if complaint.status not in LINKABLE:
            raise InvalidTransition(_("The certificate is linked before the investigation starts."))
        certificate = Certificate.objects.filter(number=number).select_related("decision", "case").first()
        if certificate is None:
            raise CertifyError(_("No certificate has the number %(number)s.") % {"number": number})
        if complaint.certificate_id == certificate.pk:
            return complaint
        complaint.certificate = certificate
        require_uninvolved_manager(actor, complaint)
        complaint.save(update_fields=["certificate"])
        event_record(
            actor=actor,
            obj=complaint,
            verb=Verb.COMPLAINT_CERTIFICATE_LINKED,
            data={"certificate": certificate.number, "given": complaint.certificate_number},
        )
    return complaint


def complaint_acknowledge(*, actor, complaint, note=""):
    """An uninvolved manager acknowledges a received complaint or appeal."""
    return _step_by_manager(
        actor, complaint, Complaint.Status.ACKNOWLEDGED, "acknowledged", note, notice="complaint_acknowledged"
    )


def _step_by_manager(actor, complaint, to_state, stamp, note, *, notice):
    """A step any uninvolved manager takes, stamped with when and by whom
    (`<stamp>_at`, `<stamp>_by`), the filer told."""
    require_uninvolved_manager(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint)
        if not _step(
            complaint,
            to_state,
            actor=actor,
            note=(note or "").strip(),
            changes={f"{stamp}_at": timezone.now(), f"{stamp}_by": actor},
        ):
            return complaint
        _tell_filer(complaint, notice)
    return complaint


def complaint_investigate(*, actor, complaint, note=""):
    """An uninvolved manager takes the investigation and becomes its handler:
    the one who will decide."""
    require_uninvolved_manager(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.status == Complaint.Status.INVESTIGATING and complaint.handler_id != actor.pk:
            raise InvalidTransition(
                _("%(name)s is already investigating %(reference)s.")
                % {"name": complaint.handler.full_name, "reference": complaint.reference}
            )
        if not _step(
            complaint,
            Complaint.Status.INVESTIGATING,
            actor=actor,
            note=(note or "").strip(),
            changes={"handler": actor, "investigation_started_at": timezone.now()},
        ):
            return complaint
        _tell_filer(complaint, "complaint_investigating")
    return complaint


def complaint_decide(*, actor, complaint, outcome, decision_text):
    """The handler decides: upheld, partly upheld or not upheld, with the
    decision in writing."""
    require_uninvolved_manager(actor, complaint)
    decision_text = (decision_text or "").strip()
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.status == Complaint.Status.DECIDED:
            if complaint.outcome == outcome and complaint.decision_text == decision_text:
                return complaint
            raise InvalidTransition(_("%(reference)s has been decided already.") % {"reference": complaint.reference})
        transitions.require_allowed(complaint, Complaint.Status.DECIDED)
        if complaint.handler_id != actor.pk:
            raise NotAllowed(
                _("Only %(name)s, who investigated it, may decide %(reference)s.")
                % {"name": complaint.handler.full_name, "reference": complaint.reference}
            )
        if outcome not in Complaint.Outcome.values or not decision_text:
            raise CertifyError(_("Choose the outcome and write the decision with its reasons."))
        if not _step(
            complaint,
            Complaint.Status.DECIDED,
            actor=actor,
            note=decision_text,
            data={"outcome": outcome},
            changes={"outcome": outcome, "decision_text": decision_text, "decided_at": timezone.now()},
        ):
            return complaint
        _tell_filer(complaint, "complaint_decided")
    return complaint


def complaint_close(*, actor, complaint, note=""):
    """An uninvolved manager closes a decided complaint or appeal once the
    outcome has been reported."""
    return _step_by_manager(actor, complaint, Complaint.Status.CLOSED, "closed", note, notice="complaint_closed")
