"""Pages of nonconformities: the audit's list with the raise form, the
organisation's list for its case, one nonconformity with its answers and
the forms to answer, verify and escalate, and its evidence files."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Case
from applications.selectors.case import case_get_for_user
from applications.selectors.organisation import is_member
from audits.forms.nonconformity import (
    NonconformityAnswerForm,
    NonconformityEscalateForm,
    NonconformityRaiseForm,
    NonconformityVerifyForm,
)
from audits.models import Finding
from audits.selectors import audit as selectors
from audits.selectors import nonconformity as selectors_nc
from audits.services import nonconformity as services_nc
from certify.events import event_list_for_object
from certify.uploads import serve_upload
from certify.views.actions import run_form_action


def _raise_form(request, audit):
    findings = [
        (str(finding.pk), finding.description[:80])
        for finding in Finding.objects.filter(audit=audit).order_by("created_at", "id")
    ]
    return NonconformityRaiseForm(
        request.POST or None,
        request.FILES or None,
        targets=selectors_nc.raise_targets(audit.case.version),
        findings=findings,
    )


@login_required
def audit_nonconformities(request, public_id):
    """The audit's nonconformities, the case's others and the organisation's
    open ones from earlier cases; the team raises new ones here."""
    audit = selectors.audit_get_for_user(request.user, public_id)
    case = audit.case
    role = selectors.audit_role(request.user, audit)
    can_raise = (
        role is not None
        and audit.status in services_nc.RAISE_FROM
        and case.status != Case.Status.WITHDRAWN
    )
    form = None
    if request.method == "POST":
        if role is None:
            raise PermissionDenied
        form = _raise_form(request, audit)
        if form.is_valid():
            data = form.cleaned_data
            item, indicator = selectors_nc.raise_target_resolve(case.version, data["target"])
            finding = (
                Finding.objects.filter(audit=audit, pk=data["finding"]).first() if data["finding"] else None
            )
            done = run_form_action(
                request,
                form,
                lambda: services_nc.nonconformity_raise(
                    actor=request.user,
                    audit=audit,
                    severity=data["severity"],
                    description=data["description"],
                    clause=data["clause"],
                    item=item,
                    indicator=indicator,
                    finding=finding,
                    files=data["files"],
                ),
                success=_("The nonconformity is raised and the organisation notified."),
            )
            if done:
                return redirect("audits:nonconformity_detail", nc_public_id=done.result.public_id)
    elif can_raise:
        form = _raise_form(request, audit)
    raised_here, case_others, carried = selectors_nc.nonconformities_around_audit(audit)
    context = {
        "audit": audit,
        "case": case,
        "role": role,
        "form": form,
        "can_raise": can_raise,
        "raised_here": raised_here,
        "case_others": case_others,
        "carried": carried,
        "state": selectors_nc.case_rectification_state(case, nonconformities=raised_here + case_others),
        "today": timezone.localdate(),
    }
    return render(request, "audits/nonconformity/audit_list.html", context)


@login_required
def case_nonconformities(request, case_public_id):
    """The case's nonconformities, for the organisation (and the staff)."""
    case = case_get_for_user(request.user, case_public_id)
    context = {
        "case": case,
        "nonconformities": list(selectors_nc.nonconformities_for_case(case)),
        "state": selectors_nc.case_rectification_state(case),
        "is_member": is_member(request.user, case.organisation_id),
        "today": timezone.localdate(),
    }
    return render(request, "audits/nonconformity/case_list.html", context)


ACTIONS = {
    "answer": NonconformityAnswerForm,
    "verify": NonconformityVerifyForm,
    "escalate": NonconformityEscalateForm,
}


def _may(user, nonconformity, action, is_member):
    """Who may post each form at all; the state is the service's to check."""
    if action == "answer":
        return is_member
    if action == "verify":
        return selectors_nc.nonconformity_can_verify(user, nonconformity)
    if action == "escalate":
        return user.is_manager
    return False


def _run(request, nonconformity, action, form):
    data = form.cleaned_data
    if action == "answer":
        services_nc.nonconformity_answer(
            actor=request.user,
            nonconformity=nonconformity,
            correction=data["correction"],
            root_cause=data["root_cause"],
            corrective_action=data["corrective_action"],
            files=data["files"],
        )
    elif action == "verify":
        services_nc.nonconformity_verify(
            actor=request.user,
            nonconformity=nonconformity,
            accepted=data["verdict"] == "accept",
            comment=data["comment"],
        )
    else:
        services_nc.nonconformity_escalate(actor=request.user, nonconformity=nonconformity, reason=data["reason"])


def _success(action, form):
    """What `_run` says when its service call went through."""
    if action == "answer":
        return _("Your answer is sent to the auditors.")
    if action == "verify":
        if form.cleaned_data["verdict"] == "accept":
            return _("The answer is accepted; the nonconformity is closed.")
        return _("The answer is rejected; the nonconformity is open again.")
    return _("The nonconformity is now major and needs a follow-up audit.")


@login_required
def nonconformity_detail(request, nc_public_id):
    nonconformity = selectors_nc.nonconformity_get_for_user(request.user, nc_public_id)
    case = nonconformity.audit.case
    member = is_member(request.user, case.organisation_id)
    allowed = selectors_nc.nonconformity_actions_for(request.user, nonconformity, member=member)
    forms = {action: ACTIONS[action]() for action in allowed}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not _may(request.user, nonconformity, action, member):
            raise PermissionDenied
        form = ACTIONS[action](request.POST, request.FILES)
        if form.is_valid():
            done = run_form_action(
                request,
                form,
                lambda: _run(request, nonconformity, action, form),
                success=_success(action, form),
            )
            if done:
                return redirect("audits:nonconformity_detail", nc_public_id=nonconformity.public_id)
        forms[action] = form
    is_staff_view = request.user.is_manager or (request.user.is_auditor and not member)
    context = {
        "nc": nonconformity,
        "case": case,
        "audit": nonconformity.audit,
        "is_member": member,
        "is_staff_view": is_staff_view,
        "forms": forms,
        "answers": selectors_nc.nonconformity_answers(nonconformity),
        "raising_evidence": selectors_nc.nonconformity_raising_evidence(nonconformity),
        "events": event_list_for_object(nonconformity),
        "overdue": nonconformity.is_overdue(),
        "today": timezone.localdate(),
    }
    return render(request, "audits/nonconformity/detail.html", context)


@login_required
def nonconformity_evidence(request, nc_public_id, evidence_id):
    evidence = selectors_nc.nonconformity_evidence_get_for_user(request.user, nc_public_id, evidence_id)
    return serve_upload(request, lambda user: evidence.file, download_name=evidence.original_name)
