from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications import selectors, services
from applications.forms import OrganisationCreateForm
from applications.uscc import uscc_warnings
from certify.events import event_list_for_object
from certify.exceptions import CertifyError
from certify.notifications import notification_list_for_user
from certify.selectors import staff_list
from certify.views.access import manager_required, role_required


@role_required("applicant")
def applicant_home(request):
    """The applicant's home: its organisation and members, or the first step."""
    membership = selectors.membership_for_user(request.user)
    if membership is None:
        return render(request, "applications/applicant_start.html")
    organisation = selectors.organisation_get_for_user(
        request.user, membership.organisation.public_id
    )
    return render(
        request,
        "applications/applicant_home.html",
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
    return render(request, "applications/organisation_form.html", {"form": form})


@role_required("applicant", "manager")
def organisation_detail(request, public_id):
    organisation = selectors.organisation_get_for_user(request.user, public_id)
    return render(
        request,
        "applications/organisation_detail.html",
        {
            "organisation": organisation,
            "events": event_list_for_object(organisation),
            "history": organisation.history.select_related("history_user").order_by(
                "-history_date"
            )[:10],
        },
    )


@manager_required
def manager_home(request):
    organisations = selectors.organisation_list_for_user(request.user)
    return render(
        request,
        "applications/manager_home.html",
        {
            "organisation_count": organisations.count(),
            "recent_organisations": organisations.order_by("-created_at")[:10],
            "staff": staff_list()[:20],
            "staff_count": staff_list().count(),
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
        request, "applications/organisation_list.html", {"page": page, "search": search}
    )
