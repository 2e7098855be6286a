"""Complaints and appeals (ISO/IEC 17065 7.13) and the body's public pages
(4.6).

Public: the complaint form and its thank-you page, and the pages under
/about/ (rate-limited per client). Signed in: the list and a complaint's
page, where managers not involved take each step; an applicant sees only
what they filed, without the managers' step forms; a member of the
applicant's organisation appeals a decision from the case's page.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from applications.fees import fee_schedule_get
from applications.selectors.case import case_get_for_user
from applications.selectors.organisation import is_member
from certificates.catalogue_pages import COMPLAINTS, FEES
from certificates.forms.complaint import (
    AppealForm,
    CertificateLinkForm,
    ComplaintDecisionForm,
    ComplaintForm,
    PublicPageForm,
    StepNoteForm,
)
from certificates.models import Complaint, Decision
from certificates.selectors import complaint as selectors
from certificates.services import complaint as services
from certificates.services.public_page import public_page_update
from certify.exceptions import CertifyError
from certify.i18n import localized
from certify.ratelimit import rate_limited
from certify.throttle import post_limited
from certify.views.access import manager_required, role_required
from certify.views.actions import run_action, run_form_action
from scoring.components import level_names

SESSION_REFERENCE = "complaint_reference"
PAGE_SIZE = 25


# --- Filing ------------------------------------------------------------------------------


@post_limited("complaint", ip_rate_setting="COMPLAINT_RATE_LIMIT")
def complaint_new(request):
    user = request.user
    initial = {"certificate_number": request.GET.get("certificate", "")[:60]}
    if user.is_authenticated:
        initial.update(contact_name=user.full_name, contact_email=user.email, contact_phone=user.phone)
    form = ComplaintForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: services.complaint_file(actor=user, language=translation.get_language(), **form.cleaned_data),
            success=None,
        )
        if done:
            request.session[SESSION_REFERENCE] = done.result.reference
            return redirect("certificates:complaint_thanks")
    return render(request, "certificates/complaint/complaint_form.html", {"form": form})


@require_GET
def complaint_thanks(request):
    """Shows the reference of the complaint just filed from this browser;
    nothing else, so no reference can be looked up here."""
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect("certificates:complaint_new")
    return render(request, "certificates/complaint/complaint_thanks.html", {"reference": reference})


@role_required("applicant")
def appeal_new(request, public_id):
    case = case_get_for_user(request.user, public_id)
    if not is_member(request.user, case.organisation_id):
        raise PermissionDenied
    decision = Decision.objects.filter(case=case).select_related("decided_by").first()
    if decision is None:
        messages.info(request, _("This application has no certification decision to appeal."))
        return redirect("applications:case_detail", public_id=case.public_id)
    open_appeal = selectors.complaint_open_appeal(case)
    if open_appeal is not None:
        messages.info(
            request,
            _("Appeal %(reference)s against this decision is still open.") % {"reference": open_appeal.reference},
        )
        return redirect(services.complaint_url(open_appeal))
    form = AppealForm(request.POST or None, initial={"contact_phone": request.user.phone})
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_file(
                actor=request.user, case=case, language=translation.get_language(), **form.cleaned_data
            )
        except CertifyError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Your appeal is filed with reference %(reference)s. You will be told of each step.")
                % {"reference": appeal.reference},
            )
            return redirect(services.complaint_url(appeal))
    return render(
        request,
        "certificates/complaint/appeal_form.html",
        {"case": case, "decision": decision, "decision_level": _level_name(decision), "form": form},
    )


# --- Following them ----------------------------------------------------------------------


def _level_name(decision):
    if not decision.level_code:
        return ""
    return level_names(decision.case.version.levels.all()).get(decision.level_code, decision.level_code)


@role_required("applicant", "auditor", "manager")
def complaint_list(request):
    complaints = selectors.complaint_list_for_user(request.user)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    if status in Complaint.Status.values:
        complaints = complaints.filter(status=status)
    else:
        status = ""
    if kind in Complaint.Kind.values:
        complaints = complaints.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(complaints.order_by("-filed_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/complaint/complaint_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": Complaint.Status.choices,
            "kinds": Complaint.Kind.choices,
            "is_manager": request.user.is_manager,
        },
    )


def _next_step(request, complaint):
    """The step form the manager may use now, or why they may not."""
    user = request.user
    if not user.is_manager or not complaint.is_open:
        return {}
    involvement = services.complaint_involvement(user, complaint)
    if involvement:
        return {"involvement": involvement}
    step = selectors.complaint_step_for(user, complaint)
    if step is None:
        return {"waiting_for_handler": True}
    form_class = ComplaintDecisionForm if step == "decide" else StepNoteForm
    return {"step": step, "step_form": form_class(prefix=step)}


def _link_form(complaint, step):
    """The certificate link form, for a manager who may take the complaint's
    next step while it is still being identified."""
    linkable = (
        "step" in step
        and complaint.status in services.LINKABLE
        and complaint.about == Complaint.About.ORGANISATION
        and not complaint.is_appeal
    )
    return CertificateLinkForm(prefix="link", initial={"number": complaint.certificate_number}) if linkable else None


@role_required("applicant", "auditor", "manager")
def complaint_detail(request, public_id):
    complaint = selectors.complaint_get_for_user(request.user, public_id)
    step = _next_step(request, complaint)
    return render(
        request,
        "certificates/complaint/complaint_detail.html",
        {
            "complaint": complaint,
            "is_manager": request.user.is_manager,
            "events": selectors.complaint_history(complaint) if request.user.is_manager else [],
            "decision_level": _level_name(complaint.appealed_decision) if complaint.is_appeal else "",
            "link_form": _link_form(complaint, step),
            **step,
        },
    )


@manager_required
@require_POST
def complaint_certificate_link(request, public_id):
    complaint = selectors.complaint_get_for_user(request.user, public_id)
    form = CertificateLinkForm(request.POST, prefix="link")
    if not form.is_valid():
        messages.error(request, _("Give the certificate's number."))
        return redirect(services.complaint_url(complaint))
    return run_action(
        request,
        partial(services.complaint_certificate_link, actor=request.user, complaint=complaint, **form.cleaned_data),
        success=_("The complaint is linked to the certificate."),
        back=services.complaint_url(complaint),
    )


STEPS = {
    "acknowledge": (
        services.complaint_acknowledge,
        StepNoteForm,
        gettext_lazy("Acknowledged; the filer is told."),
    ),
    "investigate": (
        services.complaint_investigate,
        StepNoteForm,
        gettext_lazy("You are investigating it now, and you will decide it."),
    ),
    "decide": (
        services.complaint_decide,
        ComplaintDecisionForm,
        gettext_lazy("The decision is recorded and sent to the filer."),
    ),
    "close": (services.complaint_close, StepNoteForm, gettext_lazy("Closed; the filer is told.")),
}


@manager_required
@require_POST
def complaint_step(request, public_id, step):
    complaint = selectors.complaint_get_for_user(request.user, public_id)
    if step not in STEPS:
        raise Http404
    service, form_class, success = STEPS[step]
    form = form_class(request.POST, prefix=step)
    if not form.is_valid():
        if step == "decide":
            messages.error(request, _("Choose the outcome and write the decision with its reasons."))
        else:
            messages.error(request, " ".join(message for messages_ in form.errors.values() for message in messages_))
        return redirect(services.complaint_url(complaint))
    return run_action(
        request,
        partial(service, actor=request.user, complaint=complaint, **form.cleaned_data),
        success=str(success),
        back=services.complaint_url(complaint),
    )


# --- The body's public pages -------------------------------------------------------------


def _fee_principles():
    """The current fee schedule as the public sees it: each band of
    employees with its base fee, the outlet fee, the shares, and the schemes
    that cost more or less than the base."""
    schedule = fee_schedule_get()
    bands, lower = [], 1
    for band in schedule.bands.all():
        bands.append({"from": lower, "to": band.max_employees, "fee": band.base_fee})
        if band.max_employees is not None:
            lower = band.max_employees + 1
    multipliers = [
        {"scheme": fee.scheme, "name": localized(fee.scheme, "name"), "multiplier": fee.multiplier}
        for fee in schedule.scheme_fees.all()
        if fee.multiplier != 1
    ]
    return {"schedule": schedule, "bands": bands, "multipliers": multipliers}


@require_GET
@rate_limited("about")
def public_page(request, slug):
    page = selectors.public_page_get(slug)
    return render(
        request,
        "certificates/pages/page.html",
        {
            "page": page,
            "title": localized(page, "title"),
            "body": localized(page, "body"),
            "fees": _fee_principles() if slug == FEES else None,
            "complaints": slug == COMPLAINTS,
        },
    )


@manager_required
def public_page_edit(request, slug):
    page = selectors.public_page_get(slug)
    form = PublicPageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: public_page_update(actor=request.user, page=page, **form.cleaned_data),
            success=_("The page is saved and shown to everyone at once."),
        )
        if done:
            return redirect("certificates:public_page", slug=slug)
    history = page.history.select_related("history_user").order_by("-history_date")[:10]
    return render(request, "certificates/pages/page_form.html", {"page": page, "form": form, "history": history})
