"""Case pages: the applicant's application and the managers' review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services
from applications.fees import fee_schedule_get, quote_for_case
from applications.filters import CaseFilter
from applications.forms.case import (
    CaseCreateForm,
    CaseUpdateForm,
    ContractAcceptForm,
    DeclarationForm,
    FeeBandFormSet,
    FeeScheduleForm,
    MaterialUploadForm,
    PrepaymentForm,
    RejectForm,
    ReviewForm,
    WithdrawForm,
)
from applications.models import Contract, MaterialType, SupplementRequest
from applications.selectors import case as selectors_case
from applications.selectors import organisation as selectors
from applications.services import contract as contract_services
from applications.services.case import case_missing
from certify.bands import band_initial, band_rows
from certify.client import client_ip
from certify.events import event_list_for_object
from certify.exceptions import CertifyError
from certify.pagination import Window
from certify.uploads import serve_upload
from certify.views.access import manager_required, role_required
from certify.views.actions import form_errors_as_messages, run_action, run_form_action
from scoring.components import localized
from scoring.models import Scheme
from scoring.selectors import version_structure


def _detail(case):
    return redirect("applications:case_detail", public_id=case.public_id)


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
    queryset = (
        selectors_case.case_list_for_user(request.user).only(*selectors_case.CASE_TABLE_FIELDS).order_by("-created_at")
    )
    case_filter = CaseFilter(request.GET or None, queryset=queryset)
    # A filter that cannot be read lists nothing rather than every case as
    # if it had been applied; its error is shown on the field.
    cases = queryset.none() if case_filter.is_bound and not case_filter.is_valid() else case_filter.qs
    # No total count: the state badges above the list give the totals.
    page = Window(cases, request.GET.get("page"))
    return render(
        request,
        "applications/case/case_list_manager.html",
        {
            "filter": case_filter,
            "page": page,
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
    form = CaseCreateForm(request.POST or None, organisation=membership.organisation)
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: services.case_create(actor=request.user, organisation=membership.organisation, **form.cleaned_data),
            success=_("The application is created as a draft."),
        )
        if done:
            return _detail(done.result)
    return render(request, "applications/case/case_form.html", {"form": form})


@login_required
def case_detail(request, public_id):
    case = selectors_case.case_get_for_user(request.user, public_id, related=["contract"])
    is_member = selectors.is_member(request.user, case.organisation_id)
    actions = selectors_case.case_actions_for(request.user, case, member=is_member)
    editable = "edit" in actions
    next_action, deadline = selectors_case.case_next_step(request.user, case, member=is_member)
    supplement, past_supplements = selectors_case.case_supplements(case)
    context = {
        "case": case,
        "is_member": is_member,
        "is_manager": request.user.is_manager,
        "actions": actions,
        "editable": editable,
        "uploads_allowed": "upload" in actions,
        "checklist": selectors_case.case_checklist(case),
        "missing": case_missing(case) if editable else [],
        "supplement": supplement,
        "past_supplements": past_supplements,
        # Links only: a certificate row carries its whole snapshot. Only the
        # holder and managers may open a certificate's page: an auditor on
        # the case would follow the link to a 404.
        "certificates": (
            case.certificates.only("case", "public_id", "number")
            if is_member or request.user.is_manager
            else []
        ),
        "events": event_list_for_object(case),
        "next_action": next_action,
        "deadline": deadline,
        "overdue": selectors_case.case_is_overdue(case),
        "target_level_name": next(
            (localized(level, "name") for level in version_structure(case.version)[1] if level.code == case.target_level),
            case.target_level,
        ),
        "update_form": CaseUpdateForm(
            case=case,
            initial={
                "target_level": case.target_level,
                "scope": case.scope,
                "outlets": list(case.scope_outlets.all()),
                "categories": list(case.scope_categories.all()),
            },
        )
        if editable
        else None,
        "declaration_form": DeclarationForm(
            initial={name: getattr(case, name) for name in services.case.DECLARATIONS}
        )
        if editable
        else None,
        "withdraw_form": WithdrawForm() if "withdraw" in actions else None,
        "reject_form": RejectForm() if "reject" in actions else None,
        "contract": getattr(case, "contract", None),
        "accept_form": ContractAcceptForm(initial={"typed_name": request.user.full_name})
        if "contract_accept" in actions
        else None,
        "prepayment_form": PrepaymentForm()
        if "prepayment_record" in actions
        else None,
    }
    if "contract_send" in actions:
        try:
            context["quote"] = quote_for_case(case)
        except CertifyError as exc:
            context["quote_error"] = exc.message
    return render(request, "applications/case/case_detail.html", context)


def _member_action(request, public_id, action, success):
    case = selectors_case.case_get_for_user(request.user, public_id)
    return run_action(
        request, lambda: action(case), success=success, back=reverse("applications:case_detail", args=[public_id])
    )


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
    if not form.is_valid():
        # Withdrawing cannot be undone: never on a reason that was not taken.
        form_errors_as_messages(request, form)
        return redirect("applications:case_detail", public_id=public_id)
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


@manager_required
@require_POST
def case_review_decide(request, public_id):
    """One form, two buttons: request a supplement, or accept."""
    case = selectors_case.case_get_for_user(request.user, public_id)
    form = ReviewForm(
        request.POST, material_types=MaterialType.objects.filter(scheme_id=case.version.scheme_id)
    )
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return _detail(case)
    reviews = form.reviews()
    if form.cleaned_data["decision"] == "accept":
        action = lambda c: services.case_accept(actor=request.user, case=c, reviews=reviews)  # noqa: E731
        success = _("The application is accepted; the contract comes next.")
    else:
        action = lambda c: services.case_request_supplement(  # noqa: E731
            actor=request.user, case=c, reviews=reviews, note=form.cleaned_data["note"]
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
    """The supplement request's notice as sent, for the applicant's files."""
    case = selectors_case.case_get_for_user(request.user, public_id)
    supplement = SupplementRequest.objects.filter(case=case, pk=request_id).first()
    if supplement is None:
        raise Http404
    if not supplement.notice_pdf:
        # Rendered after the request committed; a request from before notices
        # were stored, or one whose rendering is still queued, is rendered now.
        services.supplement_notice_queue(request=supplement)
        supplement.refresh_from_db(fields=["notice_pdf"])
        if not supplement.notice_pdf:
            messages.info(request, _("The notice is being prepared. Open it again in a moment."))
            return _detail(case)
    return serve_upload(
        request,
        lambda user: supplement.notice_pdf,
        download_name=f"supplement-{case.reference}.pdf",
        as_attachment=False,
    )




# --- Fees and the contract ---------------------------------------------------


@manager_required
@require_POST
def case_contract_send(request, public_id):
    return _member_action(
        request,
        public_id,
        lambda c: contract_services.case_contract_send(actor=request.user, case=c),
        _("The contract is sent to the applicant."),
    )


@role_required("applicant")
@require_POST
def case_contract_accept(request, public_id):
    form = ContractAcceptForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect("applications:case_detail", public_id=public_id)
    return _member_action(
        request,
        public_id,
        lambda c: contract_services.case_contract_accept(
            actor=request.user,
            case=c,
            typed_name=form.cleaned_data["typed_name"],
            ip_address=client_ip(request) or None,
        ),
        _("You accepted the contract. The certification body will confirm the prepayment."),
    )


@manager_required
@require_POST
def case_prepayment_record(request, public_id):
    form = PrepaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the amount received as a number."))
        return redirect("applications:case_detail", public_id=public_id)
    return _member_action(
        request,
        public_id,
        lambda c: contract_services.case_prepayment_record(actor=request.user, case=c, **form.cleaned_data),
        _("The prepayment is recorded; the contract is signed."),
    )


@login_required
def contract_pdf(request, public_id):
    case = selectors_case.case_get_for_user(request.user, public_id)
    contract = Contract.objects.filter(case=case).first()
    if contract is None or not contract.pdf:
        raise Http404
    return serve_upload(
        request, lambda user: contract.pdf, download_name=f"{contract.number}.pdf", as_attachment=False
    )


@manager_required
def fee_schedule(request):
    schedule = fee_schedule_get()
    schemes = list(Scheme.objects.order_by("code"))
    multipliers = {fee.scheme_id: fee.multiplier for fee in schedule.scheme_fees.all()}
    initial = {
        "per_additional_outlet": schedule.per_additional_outlet,
        "surveillance_percent": schedule.surveillance_percent,
        "prepayment_percent": schedule.prepayment_percent,
        "payment_terms": schedule.payment_terms,
        **{f"multiplier_{scheme.pk}": multipliers.get(scheme.pk, 1) for scheme in schemes},
    }
    bands_initial = band_initial(schedule.bands.all(), "base_fee")
    if request.method == "POST":
        form = FeeScheduleForm(request.POST, schemes=schemes)
        bands = FeeBandFormSet(request.POST, prefix="bands")
        if form.is_valid() and bands.is_valid():
            done = run_form_action(
                request,
                form,
                lambda: contract_services.fee_schedule_update(
                    actor=request.user,
                    per_additional_outlet=form.cleaned_data["per_additional_outlet"],
                    surveillance_percent=form.cleaned_data["surveillance_percent"],
                    prepayment_percent=form.cleaned_data["prepayment_percent"],
                    payment_terms=form.cleaned_data["payment_terms"],
                    bands=band_rows(bands),
                    multipliers=form.multipliers(),
                ),
                success=_("The fee schedule is saved."),
            )
            if done:
                return redirect("applications:fee_schedule")
    else:
        form = FeeScheduleForm(initial=initial, schemes=schemes)
        bands = FeeBandFormSet(initial=bands_initial, prefix="bands")
    history = schedule.history.select_related("history_user").order_by("-history_date")[:10]
    return render(
        request,
        "applications/case/fees.html",
        {"form": form, "bands": bands, "history": history},
    )


@role_required("applicant")
@require_POST
def case_documents_revised(request, public_id):
    return _member_action(
        request,
        public_id,
        lambda c: services.case_documents_revised(actor=request.user, case=c),
        _("The auditor is told that the documents are revised."),
    )
