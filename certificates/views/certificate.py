"""Signed-in pages of certificates: the decision queue and the decision, the
certificate list and a certificate with its status actions and PDF, and
the managers' reason codes."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from applications.models import Case
from applications.selectors.case import case_get_for_user
from applications.selectors.organisation import is_member
from certificates import services
from certificates.documents import verify_url
from certificates.forms.certificate import (
    DecisionForm,
    ReasonCodeForm,
    RevisionForm,
    StatusChangeForm,
    SurveillanceOutcomeForm,
)
from certificates.models import Certificate, Decision, ReasonCode, Surveillance
from certificates.selectors import certificate as selectors
from certificates.services import renewal as services_renewal
from certificates.services import surveillance as services_surveillance
from certify import transitions
from certify.events import event_list_for_object
from certify.exceptions import CertifyError
from certify.i18n import localized
from certify.pagination import Window
from certify.uploads import serve_upload
from certify.views.access import manager_required, role_required
from certify.views.actions import run_action, run_form_action
from scoring.selectors import version_structure


@manager_required
def decision_queue(request):
    cases = list(selectors.decision_queue())
    audited = selectors.cases_user_audited(request.user)
    return render(
        request,
        "certificates/certificate/decision_queue.html",
        {"cases": [(case, case.pk in audited) for case in cases], "today": timezone.localdate()},
    )


@manager_required
def decision(request, public_id):
    case = case_get_for_user(request.user, public_id)
    basis = selectors.decision_basis(case)
    levels = [(level.code, basis.level_name(level.code)) for level in basis.allowed_levels]
    form = DecisionForm(request.POST or None, levels=levels)
    recused = services.was_on_audit_team(request.user, case)
    if request.method == "POST" and form.is_valid():
        transitions.not_recorded_take()
        try:
            made = services.decision_record(
                actor=request.user,
                case=case,
                outcome=form.cleaned_data["outcome"],
                level_code=form.cleaned_data["level_code"],
                reason=form.cleaned_data["reason"],
            )
        except CertifyError as exc:
            if Decision.objects.filter(case=case).exists():
                # Decided meanwhile by someone else: the page shows their
                # decision instead of the form, so the refusal goes on top.
                messages.error(request, exc.message)
                return redirect("certificates:decision", public_id=case.public_id)
            form.add_error(None, exc.message)
        else:
            not_recorded = transitions.not_recorded_take()
            if not_recorded:
                messages.warning(request, not_recorded.message)
                return redirect("applications:case_detail", public_id=case.public_id)
            if made.outcome == Decision.Outcome.CERTIFIED:
                messages.success(request, _("Certified. The certificate is issued; its PDF is being prepared."))
                return redirect("certificates:certificate_detail", public_id=made.certificates.first().public_id)
            messages.success(request, _("The decision not to certify is recorded and the applicant informed."))
            return redirect("applications:case_detail", public_id=case.public_id)
    decided = getattr(case, "decision", None)
    return render(
        request,
        "certificates/certificate/decision.html",
        {
            "case": case,
            "basis": basis,
            "scored_level_name": basis.level_name(basis.sheet.level_code) if basis.sheet else "",
            "target_level_name": basis.level_name(case.target_level),
            "recommendation_name": (
                basis.audit.not_recommended_label
                if basis.recommendation == Decision.Outcome.NOT_CERTIFIED
                else basis.level_name(basis.recommendation)
            ),
            "decided_level_name": basis.level_name(decided.level_code) if decided else "",
            "form": form,
            "recused": recused,
            "decision": decided,
            "pending": case.status == Case.Status.DECISION_PENDING,
            "today": timezone.localdate(),
        },
    )


@role_required("applicant", "manager")
def certificate_list(request):
    certificates = selectors.certificate_list_for_user(request.user)
    status = request.GET.get("status", "")
    search = request.GET.get("q", "").strip()
    if status in Certificate.Status.values:
        certificates = certificates.filter(status=status)
    if search:
        certificates = selectors.certificate_search(certificates, search)
    page = Window(certificates.order_by("-issued_on", "-id"), request.GET.get("page"))
    return render(
        request,
        "certificates/certificate/certificate_list.html",
        {"page": page, "status": status, "search": search, "statuses": Certificate.Status.choices},
    )


def _status_forms(certificate):
    """The manager's status actions this certificate allows, each with its reasons."""
    labels = {
        ReasonCode.Action.SUSPEND: _("Suspend"),
        ReasonCode.Action.REINSTATE: _("Reinstate"),
        ReasonCode.Action.WITHDRAW: pgettext("certificate", "Withdraw"),
        ReasonCode.Action.CANCEL: _("Cancel at the holder's request"),
    }
    return [
        {
            "action": action,
            "label": labels[action],
            "form": StatusChangeForm(reasons=selectors.reason_choices(action), prefix=action),
        }
        for action in selectors.certificate_status_actions_for(certificate)
    ]


def _level_choices(certificate):
    levels = version_structure(certificate.case.version)[1]
    codes = [level.code for level in levels]
    top = codes.index(certificate.level_code) if certificate.level_code in codes else len(levels) - 1
    return [(level.code, localized(level, "name")) for level in levels[: top + 1]]


def _revision_form(certificate, data=None):
    return RevisionForm(
        data,
        levels=_level_choices(certificate),
        reasons=selectors.reason_choices(ReasonCode.Action.REVISE),
        initial={
            "level_code": certificate.level_code,
            "scope": certificate.scope,
            "holder_name": certificate.holder_name,
            "holder_address": certificate.holder_address,
        },
        prefix="revise",
    )


def _outcome_form(certificate, surveillance, data=None):
    form = SurveillanceOutcomeForm(
        data,
        levels=_level_choices(certificate)[:-1],
        reasons=selectors.grouped_reason_choices(
            [ReasonCode.Action.REVISE, ReasonCode.Action.SUSPEND, ReasonCode.Action.WITHDRAW]
        ),
        prefix=f"surveillance-{surveillance.pk}",
    )
    if certificate.status != Certificate.Status.ACTIVE:
        # A suspended certificate is reinstated or withdrawn, never maintained or revised.
        form.fields["outcome"].choices = [
            (value, label)
            for value, label in Surveillance.Outcome.choices
            if value not in services_surveillance.OUTCOMES_NEEDING_REPORT
        ]
    return form


def _renewal_context(request, certificate):
    """What the holder sees about renewal on the certificate page."""
    if not (certificate.is_current and is_member(request.user, certificate.organisation_id)):
        return {}
    today = timezone.localdate()
    opens = selectors.renewal_window_opens(certificate)
    open_case = services_renewal.renewal_open_case(certificate)
    return {
        "renewal_opens": opens,
        "renewal_case": open_case.case if open_case else None,
        "can_apply_for_renewal": open_case is None and selectors.renewal_refusal(certificate, today) is None,
    }


@login_required
def certificate_detail(request, public_id):
    certificate = selectors.certificate_get_for_user(request.user, public_id)
    manager = request.user.is_manager
    surveillances = selectors.surveillances_of(certificate)
    current = certificate.is_current
    # Surveillances are closed in order: only the earliest open one is acted on.
    next_open = next(
        (item for item in surveillances if item.is_open and item.certificate_id == certificate.pk), None
    )
    return render(
        request,
        "certificates/certificate/certificate_detail.html",
        {
            "certificate": certificate,
            "revisions": selectors.revisions_of(certificate),
            "events": event_list_for_object(certificate),
            "actions": _status_forms(certificate) if manager else [],
            "verify_url": verify_url(certificate),
            "today": timezone.localdate(),
            "surveillances": [
                (
                    surveillance,
                    _outcome_form(certificate, surveillance)
                    if manager and current and surveillance == next_open
                    else None,
                )
                for surveillance in surveillances
            ],
            "revision_form": _revision_form(certificate)
            if manager and certificate.status == Certificate.Status.ACTIVE
            else None,
            **_renewal_context(request, certificate),
        },
    )


@manager_required
@require_POST
def certificate_revise(request, public_id):
    certificate = selectors.certificate_get_for_user(request.user, public_id)
    form = _revision_form(certificate, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the level, describe the scope, give the holder's name and choose a reason."))
        return redirect(services.certificate_url(certificate))
    try:
        successor = services.certificate_revise(actor=request.user, certificate=certificate, **form.cleaned_data)
    except CertifyError as exc:
        messages.error(request, exc.message)
        return redirect(services.certificate_url(certificate))
    messages.success(request, _("Revision %(number)s replaces the certificate.") % {"number": successor.number})
    return redirect(services.certificate_url(successor))


@manager_required
@require_POST
def surveillance_outcome(request, public_id, surveillance_id):
    certificate = selectors.certificate_get_for_user(request.user, public_id)
    surveillance = get_object_or_404(Surveillance, pk=surveillance_id, certificate=certificate)
    form = _outcome_form(certificate, surveillance, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome and, where it needs one, a reason."))
        return redirect(services.certificate_url(certificate))
    data = form.cleaned_data
    outcome = data["outcome"]
    try:
        services_surveillance.surveillance_outcome_record(
            actor=request.user,
            surveillance=surveillance,
            outcome=outcome,
            note=data["note"],
            reason_code=data["reason_code"],
            level_code=data["level_code"] or None,
        )
    except CertifyError as exc:
        messages.error(request, exc.message)
        return redirect(services.certificate_url(certificate))
    messages.success(request, _("The surveillance outcome is recorded."))
    successor = Certificate.objects.filter(predecessor=certificate).first()
    return redirect(services.certificate_url(successor or certificate))


@manager_required
@require_POST
def surveillance_audit_create(request, public_id, surveillance_id):
    certificate = selectors.certificate_get_for_user(request.user, public_id)
    surveillance = get_object_or_404(Surveillance, pk=surveillance_id, certificate=certificate)
    return run_action(
        request,
        partial(services_surveillance.surveillance_audit_create, actor=request.user, surveillance=surveillance),
        success=_("The surveillance audit is created; assign its team on the audit's page."),
        back=services.certificate_url(certificate),
    )


@login_required
@require_POST
def renewal_apply(request, public_id):
    certificate = selectors.certificate_get_for_user(request.user, public_id)
    if not is_member(request.user, certificate.organisation_id):
        raise PermissionDenied
    try:
        case = services_renewal.renewal_apply(actor=request.user, certificate=certificate)
    except CertifyError as exc:
        messages.error(request, exc.message)
        return redirect(services.certificate_url(certificate))
    messages.success(
        request, _("The renewal application is created from the certificate. Upload the materials, then submit it.")
    )
    return redirect("applications:case_detail", public_id=case.public_id)


# Lazy: the messages are translated per request, not once at import.
STATUS_ACTIONS = {
    ReasonCode.Action.SUSPEND: (services.certificate_suspend, gettext_lazy("The certificate is suspended.")),
    ReasonCode.Action.REINSTATE: (services.certificate_reinstate, gettext_lazy("The certificate is valid again.")),
    ReasonCode.Action.WITHDRAW: (services.certificate_withdraw, gettext_lazy("The certificate is withdrawn.")),
    ReasonCode.Action.CANCEL: (services.certificate_cancel, gettext_lazy("The certificate is cancelled.")),
}


@manager_required
@require_POST
def certificate_status(request, public_id, action):
    certificate = selectors.certificate_get_for_user(request.user, public_id)
    if action not in STATUS_ACTIONS:
        return redirect("certificates:certificate_detail", public_id=public_id)
    service, success = STATUS_ACTIONS[action]
    form = StatusChangeForm(request.POST, reasons=selectors.reason_choices(action), prefix=action)
    if not form.is_valid():
        messages.error(request, _("Choose a reason from the list."))
        return redirect("certificates:certificate_detail", public_id=public_id)
    return run_action(
        request,
        partial(
            service,
            actor=request.user,
            certificate=certificate,
            reason_code=form.cleaned_data["reason_code"],
            note=form.cleaned_data["note"],
        ),
        success=success,
        back=services.certificate_url(certificate),
    )


@login_required
def certificate_pdf(request, public_id):
    def get_file(user):
        return selectors.certificate_get_for_user(user, public_id).pdf

    certificate = selectors.certificate_get_for_user(request.user, public_id)
    return serve_upload(request, get_file, download_name=f"{certificate.number}.pdf")


@manager_required
def reason_code_list(request):
    return render(
        request,
        "certificates/certificate/reason_codes.html",
        {"reasons": selectors.reason_codes(), "actions": ReasonCode.Action.choices},
    )


@manager_required
def reason_code_edit(request, reason_id=None):
    reason = get_object_or_404(ReasonCode, pk=reason_id) if reason_id else None
    form = ReasonCodeForm(request.POST or None, instance=reason)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields if not form.fields[name].disabled}
        done = run_form_action(
            request,
            form,
            lambda: services.reason_code_save(actor=request.user, reason=reason, **fields),
            success=_("The reason code is saved."),
        )
        if done:
            return redirect("certificates:reason_code_list")
    return render(request, "certificates/certificate/reason_code_form.html", {"form": form, "reason": reason})
