"""Case pages: the applicant's application and the managers' review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import selectors, selectors_case, services
from applications.filters import CaseFilter
from applications.forms_case import (
    CaseCreateForm,
    CaseUpdateForm,
    DeclarationForm,
    MaterialUploadForm,
    RejectForm,
    WithdrawForm,
)
from applications.models import Case, MaterialType
from applications.services.case import case_missing
from certify.events import event_list_for_object
from certify.exceptions import CertifyError
from certify.selectors import body_profile_get
from certify.uploads import serve_upload
from certify.views.access import manager_required, role_required
from scoring.components import localized


def _detail(case):
    return redirect("applications:case_detail", public_id=case.public_id)


def _next_action(case, is_member, user):
    """What should happen next, and who does it — shown on the case page."""
    status = case.status
    if status == Case.Status.DRAFT:
        return _("Upload the materials, make the declarations, then submit."), None
    if status == Case.Status.SUBMITTED:
        return _("The certification body starts the review."), case.review_due
    if status == Case.Status.UNDER_REVIEW:
        return _("The certification body reviews the application."), case.review_due
    if status == Case.Status.SUPPLEMENT_REQUESTED:
        return _("Upload what the reviewer asked for, then resubmit."), case.supplement_due
    if status == Case.Status.ACCEPTED:
        return _("The certification body prepares the contract."), None
    if status == Case.Status.REJECTED:
        return _("The application was rejected: %(reason)s") % {"reason": case.rejection_reason}, None
    if status == Case.Status.WITHDRAWN:
        return _("The application was withdrawn."), None
    return case.get_status_display(), None


@role_required("applicant", "manager", "auditor")
def case_list(request):
    """Applicants see their organisation's cases; staff the managers' list."""
    if request.user.is_manager:
        return case_list_manager(request)
    cases = selectors_case.case_list_for_user(request.user).order_by("-created_at")
    membership = selectors.membership_for_user(request.user)
    return render(
        request,
        "applications/case/case_list_applicant.html",
        {"cases": cases, "membership": membership},
    )


def case_list_manager(request):
    queryset = selectors_case.case_list_for_user(request.user).order_by("-created_at")
    case_filter = CaseFilter(request.GET or None, queryset=queryset)
    page = Paginator(case_filter.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/case/case_list_manager.html",
        {
            "filter": case_filter,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "pipeline": selectors_case.pipeline_counts(),
        },
    )


@manager_required
def review_queue(request):
    page = Paginator(selectors_case.review_queue(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/case/review_queue.html",
        {"page": page, "today": timezone.localdate()},
    )


@role_required("applicant")
def case_create(request):
    membership = selectors.membership_for_user(request.user)
    if membership is None:
        messages.info(request, _("Create your organisation first."))
        return redirect("applications:applicant_home")
    form = CaseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(
                actor=request.user, organisation=membership.organisation, **form.cleaned_data
            )
        except CertifyError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The application is created as a draft."))
            return _detail(case)
    return render(request, "applications/case/case_form.html", {"form": form})


@login_required
def case_detail(request, public_id):
    case = selectors_case.case_get_for_user(request.user, public_id)
    is_member = selectors_case.case_is_member(request.user, case)
    editable = is_member and case.status in services.case.EDITABLE
    next_action, deadline = _next_action(case, is_member, request.user)
    context = {
        "case": case,
        "is_member": is_member,
        "is_manager": request.user.is_manager,
        "editable": editable,
        "checklist": selectors_case.case_checklist(case),
        "missing": case_missing(case) if editable else [],
        "supplement": selectors_case.case_open_supplement(case),
        "events": event_list_for_object(case),
        "next_action": next_action,
        "deadline": deadline,
        "overdue": selectors_case.case_is_overdue(case),
        "target_level_name": next(
            (localized(level, "name") for level in case.version.levels.all() if level.code == case.target_level),
            case.target_level,
        ),
        "update_form": CaseUpdateForm(
            case=case, initial={"target_level": case.target_level, "scope": case.scope}
        )
        if editable
        else None,
        "declaration_form": DeclarationForm(
            initial={name: getattr(case, name) for name in services.case.DECLARATIONS}
        )
        if editable
        else None,
        "withdraw_form": WithdrawForm() if is_member and case.status in Case.WITHDRAWABLE else None,
        "reject_form": RejectForm() if request.user.is_manager else None,
    }
    return render(request, "applications/case/case_detail.html", context)


def _member_action(request, public_id, action, success):
    case = selectors_case.case_get_for_user(request.user, public_id)
    try:
        action(case)
    except CertifyError as exc:
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, success)
    return _detail(case)


@role_required("applicant")
@require_POST
def case_update(request, public_id):
    case = selectors_case.case_get_for_user(request.user, public_id)
    form = CaseUpdateForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, _("Choose a target level and describe the scope."))
        return _detail(case)
    return _member_action(
        request,
        public_id,
        lambda c: services.case_update(actor=request.user, case=c, **form.cleaned_data),
        _("The application is saved."),
    )


@role_required("applicant")
@require_POST
def case_declare(request, public_id):
    form = DeclarationForm(request.POST)
    form.is_valid()
    return _member_action(
        request,
        public_id,
        lambda c: services.case_declare(actor=request.user, case=c, **form.cleaned_data),
        _("The declarations are saved."),
    )


@role_required("applicant")
@require_POST
def material_upload(request, public_id, type_id):
    case = selectors_case.case_get_for_user(request.user, public_id)
    material_type = MaterialType.objects.filter(pk=type_id, scheme_id=case.version.scheme_id).first()
    form = MaterialUploadForm(request.POST, request.FILES)
    if material_type is None or not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return _detail(case)
    return _member_action(
        request,
        public_id,
        lambda c: services.material_upload(
            actor=request.user, case=c, material_type=material_type, upload=form.cleaned_data["file"]
        ),
        _("“%(name)s” is uploaded.") % {"name": localized(material_type, "name")},
    )


@role_required("applicant")
@require_POST
def material_remove(request, public_id, material_id):
    return _member_action(
        request,
        public_id,
        lambda c: services.material_remove(actor=request.user, case=c, material_id=material_id),
        _("The upload is removed."),
    )


@login_required
def material_download(request, public_id, material_id):
    material = selectors_case.case_material_get_for_user(request.user, public_id, material_id)
    return serve_upload(request, lambda user: material.file, download_name=material.original_name)


@role_required("applicant")
@require_POST
def case_submit(request, public_id):
    return _member_action(
        request,
        public_id,
        lambda c: services.case_submit(actor=request.user, case=c),
        _("The application is submitted. The certification body will review it."),
    )


@role_required("applicant")
@require_POST
def case_withdraw(request, public_id):
    form = WithdrawForm(request.POST)
    form.is_valid()
    return _member_action(
        request,
        public_id,
        lambda c: services.case_withdraw(actor=request.user, case=c, reason=form.cleaned_data.get("reason", "")),
        _("The application is withdrawn."),
    )


@manager_required
@require_POST
def case_review_start(request, public_id):
    return _member_action(
        request,
        public_id,
        lambda c: services.case_review_start(actor=request.user, case=c),
        _("You are reviewing the application."),
    )


def _reviews_from(request, case):
    """The review form's marks: material type id → (accepted, comment)."""
    reviews = {}
    for material_type in MaterialType.objects.filter(scheme_id=case.version.scheme_id):
        verdict = request.POST.get(f"review-{material_type.pk}")
        if verdict in ("accepted", "commented"):
            reviews[material_type.pk] = (
                verdict == "accepted",
                request.POST.get(f"comment-{material_type.pk}", "").strip(),
            )
    return reviews


@manager_required
@require_POST
def case_review_decide(request, public_id):
    """One form, two buttons: request a supplement, or accept."""
    case = selectors_case.case_get_for_user(request.user, public_id)
    reviews = _reviews_from(request, case)
    if request.POST.get("decision") == "accept":
        action = lambda c: services.case_accept(actor=request.user, case=c, reviews=reviews)  # noqa: E731
        success = _("The application is accepted; the contract comes next.")
    else:
        action = lambda c: services.case_request_supplement(  # noqa: E731
            actor=request.user, case=c, reviews=reviews, note=request.POST.get("note", "")
        )
        success = _("The supplement request is sent to the applicant.")
    return _member_action(request, public_id, action, success)


@manager_required
@require_POST
def case_reject(request, public_id):
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for rejecting the application."))
        return redirect("applications:case_detail", public_id=public_id)
    return _member_action(
        request,
        public_id,
        lambda c: services.case_reject(actor=request.user, case=c, reason=form.cleaned_data["reason"]),
        _("The application is rejected."),
    )


@login_required
def supplement_notice_pdf(request, public_id, request_id):
    """The supplement request as a PDF notice, for the applicant's files."""
    from weasyprint import HTML

    case = selectors_case.case_get_for_user(request.user, public_id)
    supplement = case.supplement_requests.filter(pk=request_id).prefetch_related("items__material_type").first()
    if supplement is None:
        raise PermissionDenied
    html = render_to_string(
        "applications/case/pdf/supplement_notice.html",
        {"case": case, "supplement": supplement, "body_profile": body_profile_get()},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="supplement-{case.reference}.pdf"'
    return response


