"""The call-backs page of an on-site or surveillance audit and its actions.

One page: the applicant's upload and list; for the audit team and managers
also the sample, the calls (one card per customer, usable on a phone), the
rates and the lead's confirmation of the metrics into the score sheet.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.selectors.organisation import months_in_operation
from audits import services
from audits.callbacks import SAMPLE_MAX, SAMPLE_MIN
from audits.forms.callbacks import (
    CallForm,
    ComplaintsForm,
    CustomerListUploadForm,
    SampleForm,
    SurveyForm,
)
from audits.models import TeamMember
from audits.selectors import callbacks as selectors
from audits.selectors.audit import audit_role
from certify.exceptions import CertifyError
from certify.uploads import serve_upload
from certify.views.access import role_required
from certify.views.actions import run_action, run_form_action


def _page_url(audit, anchor=""):
    url = reverse("audits:callbacks", args=[audit.public_id])
    return f"{url}#{anchor}" if anchor else url


def _page(request, audit, is_staff, **forms):
    """Render the page; `forms` are bound forms that failed, shown with their errors."""
    customer_list = selectors.customer_list_get(audit)
    # The staff's page shows the bad rows but not the applicant's preview.
    summary = selectors.customer_list_summary(customer_list, preview=not is_staff) if customer_list else None
    sampled = customer_list is not None and customer_list.is_sampled
    rows = selectors.callback_calls(audit) if is_staff and sampled else []
    if is_staff:
        # Calls are made to the sample only, which the staff's page reads anyway.
        calls_made = any(selectors.row_call(row) is not None for row in rows)
    else:
        calls_made = customer_list is not None and selectors.callbacks_recorded(customer_list)
    is_open = audit.status in selectors.CALLBACK_OPEN
    can_upload = not is_staff and is_open and not calls_made
    context = {
        "audit": audit,
        "case": audit.case,
        "is_staff": is_staff,
        "customer_list": customer_list,
        "summary": summary,
        "calls_made": calls_made,
        "is_open": is_open,
        "can_upload": can_upload,
        "upload_form": (forms.get("upload_form") or CustomerListUploadForm()) if can_upload else None,
        "bad_rows_shown": selectors.BAD_ROWS_SHOWN,
    }
    if is_staff:
        role = audit_role(request.user, audit)
        is_lead = role == TeamMember.Role.LEAD
        metrics = selectors.sheet_metrics(audit)
        rates = selectors.callback_rates_for(rows)
        context.update(
            {
                "role": role,
                "is_lead": is_lead,
                "is_team": role is not None,
                "sample_rows": rows,
                "recorded": rates.calls,
                "rates": rates,
                "rates_ready": bool(rows) and rates.calls == len(rows) and rates.reached > 0,
                "can_draw": is_lead and is_open and customer_list is not None and customer_list.is_ready and not calls_made,
                "sample_size": getattr(customer_list, "sample_size", None) or SAMPLE_MIN,
                "sample_min": SAMPLE_MIN,
                "sample_max": SAMPLE_MAX,
                "metrics": [(metric, metrics.get(metric)) for metric in selectors.METRIC_ORDER],
                # The lead's forms, built only for the page that shows them.
                "survey_form": (forms.get("survey_form") or SurveyForm()) if is_lead and is_open else None,
                "complaints_form": (forms.get("complaints_form") or ComplaintsForm()) if is_lead and is_open else None,
                "months": months_in_operation(audit.case.organisation),
                "satisfaction_choices": range(1, 6),
            }
        )
    return render(request, "audits/callbacks/callbacks.html", context)


@login_required
def callbacks(request, public_id):
    audit, is_staff = selectors.callback_audit_get_for_user(request.user, public_id)
    return _page(request, audit, is_staff)


@role_required("applicant")
@require_POST
def callback_list_upload(request, public_id):
    audit, is_staff = selectors.callback_audit_get_for_user(request.user, public_id)
    if is_staff:
        raise Http404
    form = CustomerListUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            customer_list = services.customer_list_upload(
                actor=request.user, audit=audit, upload=form.cleaned_data["file"]
            )
        except CertifyError as exc:
            form.add_error("file", exc.message)
        else:
            # Without a worker (the embedded default) a large list was read after commit.
            customer_list.refresh_from_db()
            if not customer_list.is_ready:
                messages.info(
                    request,
                    _("The customer list is uploaded. It is large, so it is being read; its rows appear here in a moment."),
                )
                return redirect(_page_url(audit, "customer-list"))
            summary = selectors.customer_list_summary(customer_list)
            message = _("The customer list is uploaded: %(good)s usable rows, %(bad)s with problems.") % {
                "good": summary["good"],
                "bad": summary["bad"],
            }
            (messages.warning if summary["bad"] else messages.success)(request, message)
            return redirect(_page_url(audit, "customer-list"))
    return _page(request, audit, is_staff, upload_form=form)


@login_required
def callback_list_download(request, public_id):
    """The uploaded file as it came, for the applicant, the team and managers."""
    audit, _is_staff = selectors.callback_audit_get_for_user(request.user, public_id)
    customer_list = selectors.customer_list_get(audit)
    if customer_list is None:
        raise Http404
    # Access was checked above, for this user and audit.
    return serve_upload(request, lambda user: customer_list.file, download_name=customer_list.original_name)


@role_required("auditor")
@require_POST
def callback_sample_draw(request, public_id):
    audit, _is_staff = selectors.callback_audit_get_for_user(request.user, public_id)
    form = SampleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("size", [])))
        return redirect(_page_url(audit, "sample"))
    return run_action(
        request,
        lambda: services.callback_sample_draw(
            actor=request.user, audit=audit, size=form.cleaned_data["size"], redraw=form.cleaned_data["redraw"]
        ),
        success=_("The sample is drawn."),
        back=_page_url(audit, "sample"),
    )


@role_required("auditor")
@require_POST
def callback_record(request, public_id, row_id):
    audit, _is_staff = selectors.callback_audit_get_for_user(request.user, public_id)
    form = CallForm(request.POST)
    anchor = f"customer-{row_id}"
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, " ".join(errors))
        return redirect(_page_url(audit, anchor))
    return run_action(
        request,
        lambda: services.callback_record(actor=request.user, audit=audit, row_id=row_id, **form.cleaned_data),
        success=_("The call is recorded."),
        back=_page_url(audit, anchor),
    )


@role_required("auditor")
@require_POST
def callback_rates_confirm(request, public_id):
    audit, _is_staff = selectors.callback_audit_get_for_user(request.user, public_id)
    return run_action(
        request,
        lambda: services.callback_rates_confirm(actor=request.user, audit=audit),
        success=_("The call-back rates are in the score sheet."),
        back=_page_url(audit, "metrics"),
    )


def _lead_form(request, public_id, form_class, form_key, service, success):
    """A lead's metric form: on success back to the metrics, else the page
    again with the form's errors."""
    audit, is_staff = selectors.callback_audit_get_for_user(request.user, public_id)
    form = form_class(request.POST)
    if form.is_valid():
        done = run_form_action(
            request, form, lambda: service(actor=request.user, audit=audit, **form.cleaned_data), success=success
        )
        if done:
            return redirect(_page_url(audit, "metrics"))
    return _page(request, audit, is_staff, **{form_key: form})


@role_required("auditor")
@require_POST
def callback_survey_confirm(request, public_id):
    return _lead_form(
        request,
        public_id,
        SurveyForm,
        "survey_form",
        services.callback_survey_confirm,
        _("The enterprise's survey figure is in the score sheet."),
    )


@role_required("auditor")
@require_POST
def callback_complaints_record(request, public_id):
    return _lead_form(
        request,
        public_id,
        ComplaintsForm,
        "complaints_form",
        services.complaint_closure_record,
        _("Complaint closure is in the score sheet."),
    )


@role_required("auditor")
@require_POST
def callback_months_confirm(request, public_id):
    audit, _is_staff = selectors.callback_audit_get_for_user(request.user, public_id)
    return run_action(
        request,
        lambda: services.months_in_operation_confirm(actor=request.user, audit=audit, on=timezone.localdate()),
        success=_("Months in operation are in the score sheet."),
        back=_page_url(audit, "metrics"),
    )
