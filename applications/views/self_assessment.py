"""Self-assessment pages: the scoring component mounted under the
organisation's own URLs, after the organisation's access check."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services
from applications.forms.organisation import (
    MetricForm,
    SelfAssessmentCreateForm,
    SpecialBonusForm,
    SpecialDeductionForm,
)
from applications.selectors import organisation as selectors
from certify.events import event_list_for_object
from certify.exceptions import CertifyError
from certify.uploads import serve_upload
from certify.views.access import role_required
from certify.views.actions import run_action, run_form_action
from scoring.components import (
    level_names,
    mark_is_incomplete,
    mark_row_response,
    sheet_context,
)
from scoring.forms import EvidenceForm, MarkForm
from scoring.models import MarkEvidence
from scoring.selectors import version_structure


def _urls_for(assessment):
    names = {
        "mark": "self_assessment_mark",
        "evidence": "self_assessment_evidence",
        "evidence_file": "self_assessment_evidence_file",
    }

    def url(kind, obj):
        return reverse(f"applications:{names[kind]}", args=[assessment.public_id, obj.pk])

    return url


def _context(assessment):
    context = sheet_context(
        assessment.sheet,
        editable=True,
        urls=_urls_for(assessment),
        target_level_code=assessment.target_level,
    )
    context["assessment"] = assessment
    return context


@role_required("applicant")
def self_assessment_list(request):
    assessments = list(selectors.self_assessment_list_for_user(request.user))
    for assessment in assessments:
        sheet = assessment.sheet
        names = level_names(version_structure(sheet.version)[1]) if sheet.level_code else {}
        assessment.level_name = names.get(sheet.level_code, sheet.level_code)
    compare_ids = request.GET.getlist("compare")
    compared = [a for a in assessments if str(a.public_id) in compare_ids][:3]
    comparison = _comparison(compared) if len(compared) >= 2 else None
    return render(
        request,
        "applications/self_assessment/self_assessment_list.html",
        {
            "assessments": assessments,
            "has_organisation": selectors.membership_for_user(request.user) is not None,
            "comparison": comparison,
            "compare_ids": compare_ids,
        },
    )


def _comparison(assessments):
    """Indicator by indicator, side by side (the sheets may use different
    versions; rows follow the first one's indicators by code)."""
    contexts = [sheet_context(a.sheet, editable=False) for a in assessments]
    rows = []
    for category in contexts[0]["categories"]:
        for block in category.indicators:
            cells = []
            for context in contexts:
                match = next(
                    (
                        other
                        for cat in context["categories"]
                        for other in cat.indicators
                        if other.indicator.code == block.indicator.code
                    ),
                    None,
                )
                cells.append(match)
            rows.append({"code": block.indicator.code, "name": block.name, "cells": cells})
    return {"assessments": list(zip(assessments, contexts, strict=True)), "rows": rows}


@role_required("applicant")
def self_assessment_create(request):
    membership = selectors.membership_for_user(request.user)
    if membership is None:
        messages.info(request, _("Create your organisation first."))
        return redirect("applications:applicant_home")
    form = SelfAssessmentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: services.self_assessment_create(
                actor=request.user, organisation=membership.organisation, **form.cleaned_data
            ),
            success=None,
        )
        if done:
            return redirect("applications:self_assessment_detail", public_id=done.result.public_id)
    return render(request, "applications/self_assessment/self_assessment_form.html", {"form": form})


@role_required("applicant")
def self_assessment_detail(request, public_id):
    assessment = selectors.self_assessment_get_for_user(request.user, public_id)
    context = _context(assessment)
    context["events"] = event_list_for_object(assessment)
    context["bonus_form"] = SpecialBonusForm(
        initial={"bonus": assessment.sheet.special_bonus, "reason": assessment.sheet.special_bonus_reason}
    )
    context["deduction_form"] = SpecialDeductionForm()
    context["metric_form"] = MetricForm()
    return render(request, "applications/self_assessment/self_assessment_detail.html", context)


@role_required("applicant")
@require_POST
def self_assessment_mark(request, public_id, item_id):
    assessment = selectors.self_assessment_get_for_user(request.user, public_id)
    if request.htmx and mark_is_incomplete(request.POST):
        # Still being typed: saving now would redraw the row under the
        # person's fingers. Nothing changes until the details are there.
        return HttpResponse(status=204)
    form = MarkForm(request.POST)
    error = ""
    if not form.is_valid():
        error = form.refusal()
    else:
        try:
            services.self_assessment_mark_set(
                actor=request.user, assessment=assessment, item_id=item_id, **form.cleaned_data
            )
        except CertifyError as exc:
            error = exc.message
    if request.htmx:
        return mark_row_response(request, _context(assessment), item_id, error)
    if error:
        messages.error(request, error)
    return redirect(
        reverse("applications:self_assessment_detail", args=[public_id]) + f"#item-{item_id}"
    )


@role_required("applicant")
@require_POST
def self_assessment_evidence(request, public_id, item_id):
    assessment = selectors.self_assessment_get_for_user(request.user, public_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            services.self_assessment_evidence_add(
                actor=request.user,
                assessment=assessment,
                item_id=item_id,
                upload=form.cleaned_data["file"],
            )
        except CertifyError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The evidence is attached."))
    return redirect(
        reverse("applications:self_assessment_detail", args=[public_id]) + f"#item-{item_id}"
    )


@role_required("applicant")
def self_assessment_evidence_file(request, public_id, evidence_id):
    assessment = selectors.self_assessment_get_for_user(request.user, public_id)

    def evidence_file(user):
        evidence = MarkEvidence.objects.filter(
            pk=evidence_id, mark__sheet__self_assessment=assessment
        ).first() or MarkEvidence.objects.filter(
            pk=evidence_id, mark__sheet__superseded_by__self_assessment=assessment
        ).first()
        if evidence is None:
            raise Http404
        return evidence.file

    return serve_upload(request, evidence_file)


def _sheet_action(request, public_id, action, success):
    assessment = selectors.self_assessment_get_for_user(request.user, public_id)
    return run_action(
        request,
        lambda: action(assessment),
        success=success,
        back=reverse("applications:self_assessment_detail", args=[public_id]),
    )


@role_required("applicant")
@require_POST
def self_assessment_bonus(request, public_id):
    form = SpecialBonusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The special bonus is 0 or 1."))
        return redirect("applications:self_assessment_detail", public_id=public_id)
    return _sheet_action(
        request,
        public_id,
        lambda a: services.self_assessment_bonus_set(actor=request.user, assessment=a, **form.cleaned_data),
        _("The special bonus is saved."),
    )


@role_required("applicant")
@require_POST
def self_assessment_deduction_add(request, public_id):
    form = SpecialDeductionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the rule broken and describe what was found."))
        return redirect("applications:self_assessment_detail", public_id=public_id)
    return _sheet_action(
        request,
        public_id,
        lambda a: services.self_assessment_deduction_add(actor=request.user, assessment=a, **form.cleaned_data),
        _("The special deduction is recorded."),
    )


@role_required("applicant")
@require_POST
def self_assessment_deduction_remove(request, public_id, deduction_id):
    return _sheet_action(
        request,
        public_id,
        lambda a: services.self_assessment_deduction_remove(
            actor=request.user, assessment=a, deduction_id=deduction_id
        ),
        _("The special deduction is removed."),
    )


@role_required("applicant")
@require_POST
def self_assessment_metric(request, public_id):
    form = MetricForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the metric as a number, for example 92.5."))
        return redirect("applications:self_assessment_detail", public_id=public_id)
    return _sheet_action(
        request,
        public_id,
        lambda a: services.self_assessment_metric_set(actor=request.user, assessment=a, **form.cleaned_data),
        _("The metric is saved."),
    )


@role_required("applicant")
@require_POST
def self_assessment_finish(request, public_id):
    return _sheet_action(
        request,
        public_id,
        lambda a: services.self_assessment_finish(actor=request.user, assessment=a),
        _("The self-assessment is finished; its result is frozen."),
    )


@role_required("applicant")
@require_POST
def self_assessment_revise(request, public_id):
    return _sheet_action(
        request,
        public_id,
        lambda a: services.self_assessment_revise(actor=request.user, assessment=a),
        _("A revision is open; the finished version stays readable."),
    )


@role_required("applicant")
def self_assessment_pdf(request, public_id):
    assessment = selectors.self_assessment_get_for_user(request.user, public_id)
    pdf = services.self_assessment_pdf(assessment=assessment, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="self-assessment-{assessment.public_id}.pdf"'
    return response

