from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services
from applications.forms.organisation import (
    OrganisationCreateForm,
    OrganisationProfileForm,
    ServiceOutletForm,
    UsccOverrideForm,
)
from applications.selectors import case as selectors_case
from applications.selectors import organisation as selectors
from applications.uscc import uscc_warnings
from certify.events import event_list_for_object
from certify.exceptions import CertifyError, NotAllowed
from certify.notifications import notification_list_for_user
from certify.selectors import staff_list
from certify.views.access import manager_required, role_required
from certify.views.actions import run_action


@role_required("applicant")
def applicant_home(request):
    """The applicant's home: its organisation and members, or the first step."""
    membership = selectors.membership_for_user(request.user)
    if membership is None:
        return render(request, "applications/organisation/applicant_start.html")
    organisation = selectors.organisation_get_for_user(
        request.user, membership.organisation.public_id
    )
    return render(
        request,
        "applications/organisation/applicant_home.html",
        {
            "organisation": organisation,
            "membership": membership,
            "notifications": notification_list_for_user(request.user)[:5],
        },
    )


@role_required("applicant")
def organisation_create(request):
    if selectors.membership_for_user(request.user) is not None:
        messages.info(request, _("You already belong to an organisation."))
        return redirect("applications:applicant_home")
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except CertifyError as exc:
            form.add_error("uscc", exc.message)
        else:
            messages.success(request, _("Your organisation is created. You are its administrator."))
            for warning in uscc_warnings(organisation.uscc):
                messages.warning(request, warning)
            return redirect("applications:applicant_home")
    return render(request, "applications/organisation/organisation_form.html", {"form": form})


def _form_error(form, exc):
    """A refusal from a service, shown on the field it names (else the form)."""
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc.message)


def _detail_context(request, organisation):
    context = {
        "organisation": organisation,
        "can_edit": selectors.organisation_can_edit(request.user, organisation),
        "months_in_operation": selectors.months_in_operation(organisation),
        "months_registered": selectors.months_registered(organisation),
        "events": event_list_for_object(organisation),
        "history": selectors.organisation_history(organisation),
    }
    if request.user.is_manager:
        context["override_form"] = UsccOverrideForm(initial={"uscc": organisation.uscc})
    return context


@role_required("applicant", "manager")
def organisation_detail(request, public_id):
    organisation = selectors.organisation_get_with_profile(request.user, public_id)
    return render(
        request, "applications/organisation/organisation_detail.html", _detail_context(request, organisation)
    )


def _editable_organisation(request, public_id):
    """The organisation for an edit page: 404 if invisible, 403 for a member
    who is not its administrator."""
    organisation = selectors.organisation_get_with_profile(request.user, public_id)
    if not selectors.organisation_can_edit(request.user, organisation):
        raise PermissionDenied
    return organisation


@role_required("applicant", "manager")
def organisation_profile_edit(request, public_id):
    organisation = _editable_organisation(request, public_id)
    form = OrganisationProfileForm(
        request.POST or None, initial=OrganisationProfileForm.initial_for(organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_profile_update(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except CertifyError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("applications:organisation_detail", public_id=organisation.public_id)
    return render(
        request,
        "applications/organisation/organisation_profile_form.html",
        {"form": form, "organisation": organisation},
    )


@role_required("applicant", "manager")
def organisation_outlets(request, public_id):
    """The outlets, and the form that adds one (administrators and managers)."""
    organisation = selectors.organisation_get_with_profile(request.user, public_id)
    can_edit = selectors.organisation_can_edit(request.user, organisation)
    form = ServiceOutletForm(request.POST or None, submit_label=_("Add the outlet"))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                outlet = services.service_outlet_add(
                    actor=request.user, organisation=organisation, **form.cleaned_data
                )
            except CertifyError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request, _("The outlet “%(name)s” is added.") % {"name": outlet.name}
                )
                return redirect("applications:organisation_outlets", public_id=public_id)
    return render(
        request,
        "applications/organisation/outlet_list.html",
        {"organisation": organisation, "can_edit": can_edit, "form": form},
    )


@role_required("applicant", "manager")
def service_outlet_edit(request, public_id, outlet_id):
    organisation = _editable_organisation(request, public_id)
    outlet = selectors.service_outlet_get_for_user(request.user, organisation, outlet_id)
    form = ServiceOutletForm(
        request.POST or None,
        initial={"name": outlet.name, "address": outlet.address, "headcount": outlet.headcount},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.service_outlet_update(actor=request.user, outlet=outlet, **form.cleaned_data)
        except CertifyError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The outlet is saved."))
            return redirect("applications:organisation_outlets", public_id=public_id)
    return render(
        request,
        "applications/organisation/outlet_form.html",
        {"form": form, "organisation": organisation, "outlet": outlet},
    )


@role_required("applicant", "manager")
@require_POST
def service_outlet_remove(request, public_id, outlet_id):
    organisation = _editable_organisation(request, public_id)
    outlet = selectors.service_outlet_get_for_user(request.user, organisation, outlet_id)
    return run_action(
        request,
        lambda: services.service_outlet_remove(actor=request.user, outlet=outlet),
        success=_("The outlet “%(name)s” is removed.") % {"name": outlet.name},
        back=reverse("applications:organisation_outlets", args=[public_id]),
    )


@manager_required
def organisation_uscc_override(request, public_id):
    """The manager's acceptance of a legacy code (DOMAIN 6.4.4). The form is
    also on the organisation's page; this page shows it again with errors."""
    organisation = selectors.organisation_get_with_profile(request.user, public_id)
    form = UsccOverrideForm(request.POST or None, initial={"uscc": organisation.uscc})
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_uscc_override(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except CertifyError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The code is accepted and the reason recorded."))
            return redirect("applications:organisation_detail", public_id=public_id)
    return render(
        request,
        "applications/organisation/uscc_override_form.html",
        {"form": form, "organisation": organisation},
    )


@manager_required
def manager_home(request):
    pipeline = selectors_case.pipeline_counts()
    return render(
        request,
        "applications/organisation/manager_home.html",
        {
            "organisation_count": selectors.organisation_count(),
            "recent_organisations": selectors.organisations_newest(10),
            "staff": staff_list()[:20],
            "staff_count": staff_list().count(),
            "pipeline": pipeline,
            "case_count": sum(count for _value, _label, count, _tone in pipeline),
            "queue": selectors_case.review_queue()[:8],
            "today": timezone.localdate(),
        },
    )


@manager_required
def organisation_list(request):
    search = request.GET.get("q", "").strip()
    organisations = selectors.organisation_list_for_user(request.user)
    if search:
        organisations = organisations.filter(
            Q(legal_name__icontains=search) | Q(uscc__istartswith=search.upper())
        )
    page = Paginator(organisations, 25).get_page(request.GET.get("page"))
    return render(
        request, "applications/organisation/organisation_list.html", {"page": page, "search": search}
    )
