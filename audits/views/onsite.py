"""On-site work: the audit's scoring page and its findings, usable on a phone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import services
from audits.forms.audit import FindingForm, SpecialBonusForm, SpecialDeductionForm
from audits.forms.onsite import FollowUpCloseForm, RecommendationForm
from audits.models import Audit, FindingEvidence
from audits.selectors import audit as selectors
from audits.selectors.nonconformity import case_rectification_state, nonconformities_for_audit
from certify.exceptions import CertifyError
from certify.uploads import serve_upload
from certify.views.access import role_required
from certify.views.actions import form_errors_as_messages, run_action, run_form_action
from scoring.components import level_names, mark_is_incomplete, mark_row_response, sheet_context
from scoring.engine import InvalidInput
from scoring.forms import EvidenceForm, MarkForm
from scoring.models import MarkEvidence, SpecialDeduction
from scoring.selectors import sheet_rate, version_structure


def _staff_audit(request, public_id, related=()):
    """Team members and managers only; applicants never see the audit's
    scoring or findings (internal notes among them)."""
    audit = selectors.audit_get_for_user(request.user, public_id, related=related)
    if not (request.user.is_manager or selectors.audit_role(request.user, audit)):
        raise Http404
    return audit


def _scoring_urls(audit):
    names = {
        "mark": "audits:audit_mark",
        "evidence": "audits:audit_mark_evidence",
        "evidence_file": "audits:audit_mark_evidence_file",
    }

    def url(kind, obj):
        return reverse(names[kind], args=[audit.public_id, obj.pk])

    return url


def _scoring_context(request, audit):
    editable = "mark" in selectors.audit_actions_for(request.user, audit)
    context = sheet_context(audit.sheet, editable=editable, urls=_scoring_urls(audit))
    context.update({"audit": audit, "case": audit.case})
    return context


@login_required
def audit_scoring(request, public_id):
    audit = _staff_audit(request, public_id, related=["sheet"])
    if audit.sheet is None:
        messages.info(request, _("The score sheet opens when the lead starts the on-site audit."))
        return redirect("audits:audit_detail", public_id=public_id)
    if audit.sheet.version_id == audit.case.version_id:
        # Read with the audit already, with its scheme.
        audit.sheet.version = audit.case.version
    context = _scoring_context(request, audit)
    context["deduction_rules"] = SpecialDeduction.Rule.choices
    return render(request, "audits/onsite/scoring.html", context)


@role_required("auditor")
@require_POST
def audit_mark(request, public_id, item_id):
    audit = _staff_audit(request, public_id)
    if request.htmx and mark_is_incomplete(request.POST):
        return HttpResponse(status=204)
    form = MarkForm(request.POST)
    error = ""
    if not form.is_valid():
        error = form.refusal()
    else:
        try:
            services.audit_mark_set(actor=request.user, audit=audit, item_id=item_id, **form.cleaned_data)
        except CertifyError as exc:
            error = exc.message
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("audits:audit_scoring", args=[public_id]) + f"#item-{item_id}")
    audit.refresh_from_db()
    return mark_row_response(request, _scoring_context(request, audit), item_id, error)


@role_required("auditor")
@require_POST
def audit_mark_evidence(request, public_id, item_id):
    audit = _staff_audit(request, public_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            services.audit_mark_evidence_add(
                actor=request.user, audit=audit, item_id=item_id, upload=form.cleaned_data["file"]
            )
        except CertifyError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The evidence is attached."))
    return redirect(reverse("audits:audit_scoring", args=[public_id]) + f"#item-{item_id}")


@login_required
def audit_mark_evidence_file(request, public_id, evidence_id):
    audit = _staff_audit(request, public_id)
    evidence = MarkEvidence.objects.filter(pk=evidence_id, mark__sheet__audit=audit).first()
    if evidence is None:
        raise Http404
    return serve_upload(request, lambda user: evidence.file, download_name=evidence.original_name)


@role_required("auditor")
@require_POST
def audit_deduction_add(request, public_id):
    audit = _staff_audit(request, public_id)
    form = SpecialDeductionForm(request.POST, version=audit.case.version)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect("audits:audit_scoring", public_id=public_id)
    return run_action(
        request,
        lambda: services.special_deduction_record(actor=request.user, audit=audit, **form.cleaned_data),
        success=_("The special deduction is recorded and a nonconformity raised."),
        back=reverse("audits:audit_scoring", args=[public_id]),
    )


@role_required("auditor")
@require_POST
def audit_bonus(request, public_id):
    audit = _staff_audit(request, public_id)
    form = SpecialBonusForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect("audits:audit_scoring", public_id=public_id)
    return run_action(
        request,
        lambda: services.audit_bonus_set(actor=request.user, audit=audit, **form.cleaned_data),
        success=_("The special bonus is saved."),
        back=reverse("audits:audit_scoring", args=[public_id]),
    )


@login_required
def audit_findings(request, public_id):
    audit = _staff_audit(request, public_id)
    actions = selectors.audit_actions_for(request.user, audit)
    form = FindingForm(request.POST or None, request.FILES or None, version=audit.case.version)
    if request.method == "POST":
        if not selectors.audit_role(request.user, audit):
            raise PermissionDenied
        if form.is_valid():
            done = run_form_action(
                request,
                form,
                lambda: services.finding_add(
                    actor=request.user,
                    audit=audit,
                    description=form.cleaned_data["description"],
                    internal_note=form.cleaned_data["internal_note"],
                    item=form.cleaned_data["item"],
                    files=form.cleaned_data["files"],
                ),
                success=_("The finding is recorded."),
            )
            if done:
                return redirect("audits:audit_findings", public_id=public_id)
    return render(
        request,
        "audits/onsite/findings.html",
        {
            "audit": audit,
            "case": audit.case,
            "findings": selectors.findings_for_audit(audit),
            # A refused post keeps its form, to show why.
            "form": form if "finding_add" in actions or form.errors else None,
        },
    )


@login_required
def finding_evidence_file(request, public_id, evidence_id):
    audit = _staff_audit(request, public_id)
    evidence = FindingEvidence.objects.filter(pk=evidence_id, finding__audit=audit).first()
    if evidence is None:
        raise Http404
    return serve_upload(request, lambda user: evidence.file, download_name=evidence.original_name, as_attachment=False)


@login_required
def audit_report(request, public_id):
    audit = _staff_audit(request, public_id)
    levels = version_structure(audit.case.version)[1]
    names = level_names(levels)
    score, level_code = None, ""
    if audit.sheet is not None:
        if audit.sheet.score is not None:
            score, level_code = audit.sheet.score, audit.sheet.level_code
        else:
            try:
                provisional = sheet_rate(audit.sheet)
            except InvalidInput:
                provisional = None
            if provisional is not None:
                score, level_code = provisional.score, provisional.level
    return render(
        request,
        "audits/onsite/report.html",
        {
            "audit": audit,
            "case": audit.case,
            "sheet": audit.sheet,
            "score": score,
            "scored_level": level_code,
            "scored_level_name": names.get(level_code, ""),
            "recommendation_name": names.get(audit.recommendation, ""),
            "actions": selectors.audit_actions_for(request.user, audit),
            "levels": levels,
            "nonconformities": list(nonconformities_for_audit(audit)),
            "rectification": case_rectification_state(audit.case),
        },
    )


def _lead_action(request, public_id, action, success, form=None):
    """Run the lead's step from the report page; a form's fields go to it."""
    audit = _staff_audit(request, public_id)
    back = reverse("audits:audit_report", args=[public_id])
    if form is not None and not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(back)
    fields = form.cleaned_data if form is not None else {}
    return run_action(request, lambda: action(audit, **fields), success=success, back=back)


@role_required("auditor")
@require_POST
def audit_report_submit(request, public_id):
    return _lead_action(
        request,
        public_id,
        lambda audit, **fields: services.audit_report_submit(actor=request.user, audit=audit, **fields),
        _("The report is submitted."),
        RecommendationForm(request.POST),
    )


@role_required("auditor")
@require_POST
def audit_rescore_start(request, public_id):
    return _lead_action(
        request,
        public_id,
        lambda audit: services.audit_rescore_start(actor=request.user, audit=audit),
        _("A re-score sheet is open: change the items the rectification affected."),
    )


@role_required("auditor")
@require_POST
def audit_final_submit(request, public_id):
    return _lead_action(
        request,
        public_id,
        lambda audit, **fields: services.audit_final_submit(actor=request.user, audit=audit, **fields),
        _("The final score is given; the application goes to the decision."),
        RecommendationForm(request.POST),
    )


@role_required("auditor")
@require_POST
def audit_follow_up_close(request, public_id):
    return _lead_action(
        request,
        public_id,
        lambda audit, **fields: services.audit_follow_up_close(actor=request.user, audit=audit, **fields),
        _("The follow-up audit is closed."),
        FollowUpCloseForm(request.POST),
    )


@login_required
def audit_report_pdf(request, public_id):
    """The report PDF: the team, managers and the audited organisation's
    members (it holds no internal notes)."""
    audit = Audit.objects.select_related("case__organisation").filter(public_id=public_id).first()
    if audit is None or not audit.report_pdf:
        raise Http404
    allowed = request.user.is_manager or audit.team.filter(auditor=request.user).exists()
    if not allowed:
        allowed = request.user.is_applicant and audit.case.organisation.memberships.filter(user=request.user).exists()
    if not allowed:
        raise Http404
    return serve_upload(
        request, lambda user: audit.report_pdf, download_name=f"audit-report-{audit.case.reference}.pdf", as_attachment=False
    )
