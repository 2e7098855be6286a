from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Organisation
from applications.selectors.case import case_checklist, case_list_for_user
from audits import services
from audits.forms.audit import (
    AuditDaysBandFormSet,
    AuditDaysTableForm,
    AuditPlanForm,
    DeclarationForm,
    DocumentCommentForm,
    RevisionsRequestForm,
    TeamForm,
)
from audits.models import Audit, DocumentReviewComment, TeamMember
from audits.selectors import audit as selectors
from audits.selectors import nonconformity as selectors_nc
from audits.services.planning import PLANNED_FROM
from certify.bands import band_initial, band_rows
from certify.events import event_list_for_object
from certify.models import User
from certify.views.access import manager_required, role_required
from certify.views.actions import form_errors_as_messages, run_action, run_form_action
from scoring.components import localized
from scoring.selectors import version_structure


@role_required("auditor", "manager")
def my_audits(request):
    audits = list(selectors.my_audits(request.user))
    for audit in audits:
        audit.my_role = selectors.audit_role(request.user, audit)
    return render(
        request,
        "audits/audit/my_audits.html",
        {
            "audits": audits,
            "to_verify": selectors_nc.nonconformities_to_verify(request.user),
            "today": timezone.localdate(),
        },
    )


@manager_required
def audit_plan(request, case_public_id, kind):
    case = get_object_or_404(case_list_for_user(request.user), public_id=case_public_id)
    if kind not in PLANNED_FROM:
        raise Http404
    computed, basis = services.audit_days_compute(case, kind)
    form = AuditPlanForm(request.POST or None, initial={"days": computed})
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: services.audit_plan(actor=request.user, case=case, kind=kind, **form.cleaned_data),
            success=_("The audit is planned. Now choose its team."),
        )
        if done:
            return redirect("audits:audit_detail", public_id=done.result.public_id)
    return render(
        request,
        "audits/audit/audit_plan.html",
        {"case": case, "kind": Audit.Kind(kind), "form": form, "computed": computed, "basis": basis},
    )


def _review_rows(audit, comments):
    """Each indicator with this round's comment and the earlier rounds'."""
    current, earlier = {}, {}
    for comment in comments:
        if comment.round == audit.review_round:
            current[comment.indicator_id] = comment
        else:
            earlier.setdefault(comment.indicator_id, []).append(comment)
    rows = []
    for category in version_structure(audit.case.version)[0]:
        for indicator in category.indicators.all():
            rows.append(
                {
                    "indicator": indicator,
                    "name": localized(indicator, "name"),
                    "current": current.get(indicator.pk),
                    "earlier": earlier.get(indicator.pk, []),
                }
            )
    return rows


@login_required
def audit_detail(request, public_id):
    """The audit's workspace: plan, team, documents and their review."""
    audit = selectors.audit_with_team(selectors.audit_get_for_user(request.user, public_id))
    actions = selectors.audit_actions_for(request.user, audit)
    context = {
        "audit": audit,
        "case": audit.case,
        "actions": actions,
        "events": event_list_for_object(audit),
        "checklist": case_checklist(audit.case),
    }
    if audit.kind == Audit.Kind.DOCUMENT_REVIEW:
        context["review_rows"] = _review_rows(audit, selectors.document_comments(audit))
        context["outcomes"] = DocumentReviewComment.Outcome.choices
    if "team_assign" in actions:
        roles = {member.auditor_id: member.role for member in audit.team.all()}
        context["candidates"] = [
            {**candidate, "role": roles.get(candidate["auditor"].pk)}
            for candidate in selectors.auditors_for_planning(audit)
        ]
        context["warnings"] = services.qualification_warnings(audit, [m.auditor for m in audit.team.all()])
    return render(request, "audits/audit/audit_detail.html", context)


def _action(request, audit, action, success):
    return run_action(
        request, action, success=success, back=reverse("audits:audit_detail", args=[audit.public_id])
    )


@manager_required
@require_POST
def audit_team(request, public_id):
    audit = selectors.audit_get_for_user(request.user, public_id)
    form = TeamForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect("audits:audit_detail", public_id=public_id)
    lead, members = form.cleaned_data["lead"], list(form.cleaned_data["members"])

    # Qualification warnings stay on the audit's page while it is planned.
    return _action(
        request,
        audit,
        lambda: services.audit_team_assign(actor=request.user, audit=audit, lead=lead, members=members),
        _("The team is assigned and the organisation notified."),
    )


@manager_required
@require_POST
def declaration_request(request, public_id, auditor_public_id):
    audit = selectors.audit_get_for_user(request.user, public_id)
    auditor = get_object_or_404(User, public_id=auditor_public_id, is_auditor=True)
    return _action(
        request,
        audit,
        lambda: services.declaration_request(actor=request.user, audit=audit, auditor=auditor),
        _("%(name)s is asked to declare.") % {"name": auditor.full_name},
    )


@role_required("auditor")
def declaration(request, organisation_public_id):
    organisation = get_object_or_404(Organisation, public_id=organisation_public_id)
    if not services.declaration_asked(request.user, organisation):
        raise Http404
    current = services.declaration_current(request.user, organisation)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: services.conflict_declare(actor=request.user, organisation=organisation, **form.cleaned_data),
            success=_("Your declaration is recorded."),
        )
        if done:
            return redirect("audits:my_audits")
    return render(
        request, "audits/audit/declaration.html", {"organisation": organisation, "form": form, "current": current}
    )


@role_required("auditor")
@require_POST
def audit_start(request, public_id):
    audit = selectors.audit_get_for_user(request.user, public_id)
    return _action(
        request, audit, lambda: services.audit_start(actor=request.user, audit=audit), _("The audit has started.")
    )


@role_required("auditor")
@require_POST
def document_comment(request, public_id, indicator_id):
    audit = selectors.audit_get_for_user(request.user, public_id)
    form = DocumentCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The comment is too long."))
        return redirect(reverse("audits:audit_detail", args=[public_id]) + f"#indicator-{indicator_id}")
    response = _action(
        request,
        audit,
        lambda: services.document_comment_set(
            actor=request.user, audit=audit, indicator_id=indicator_id, **form.cleaned_data
        ),
        "",
    )
    # Back to the indicator just saved, not the top of a long page.
    response["Location"] += f"#indicator-{indicator_id}"
    return response


@role_required("auditor")
@require_POST
def document_review_pass(request, public_id):
    audit = selectors.audit_get_for_user(request.user, public_id)
    return _action(
        request,
        audit,
        lambda: services.document_review_pass(actor=request.user, audit=audit),
        _("The document review passed; the on-site audit can be planned."),
    )


@role_required("auditor")
@require_POST
def document_revisions_request(request, public_id):
    audit = selectors.audit_get_for_user(request.user, public_id)
    form = RevisionsRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return redirect("audits:audit_detail", public_id=public_id)
    return _action(
        request,
        audit,
        lambda: services.document_revisions_request(actor=request.user, audit=audit, **form.cleaned_data),
        _("The applicant is asked to revise the documents."),
    )


@login_required
def case_audits(request, case_public_id):
    """A case's audits as its organisation sees them: dates, team, the
    customer list to upload, the report and the nonconformities."""
    case = get_object_or_404(case_list_for_user(request.user), public_id=case_public_id)
    audits = list(
        Audit.objects.filter(case=case)
        .prefetch_related(Prefetch("team", queryset=TeamMember.objects.select_related("auditor")))
        .order_by("planned_start", "id")
    )
    # What the document review asked to revise: the latest round's comments.
    revise = list(
        DocumentReviewComment.objects.filter(
            audit__in=audits, outcome=DocumentReviewComment.Outcome.REVISE
        )
        .select_related("indicator")
        .order_by("-round", "indicator__category__position", "indicator__position")
    )
    latest_round = revise[0].round if revise else None
    to_revise = [comment for comment in revise if comment.round == latest_round]
    return render(
        request, "audits/audit/case_audits.html", {"case": case, "audits": audits, "to_revise": to_revise}
    )


@manager_required
def audit_days_table(request):
    table = services.audit_days_table_get()
    initial = {
        "per_additional_outlet": table.per_additional_outlet,
        "per_additional_category": table.per_additional_category,
        "document_review_share": table.document_review_share,
        "surveillance_share": table.surveillance_share,
    }
    bands_initial = band_initial(table.bands.all(), "days")
    if request.method == "POST":
        form = AuditDaysTableForm(request.POST)
        bands = AuditDaysBandFormSet(request.POST, prefix="bands")
        if form.is_valid() and bands.is_valid():
            done = run_form_action(
                request,
                form,
                lambda: services.audit_days_table_update(
                    actor=request.user, bands=band_rows(bands), **form.cleaned_data
                ),
                success=_("The audit days table is saved."),
            )
            if done:
                return redirect("audits:audit_days_table")
    else:
        form = AuditDaysTableForm(initial=initial)
        bands = AuditDaysBandFormSet(initial=bands_initial, prefix="bands")
    history = table.history.select_related("history_user").order_by("-history_date")[:10]
    return render(request, "audits/audit/days_table.html", {"form": form, "bands": bands, "history": history})
