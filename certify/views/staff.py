from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from certify import services
from certify.events import event_list_for_object
from certify.forms import RolesForm, StaffCreateForm
from certify.models import User
from certify.second_factor import has_second_factor
from certify.selectors import user_list
from certify.views.access import manager_required
from certify.views.actions import run_form_action


@manager_required
def user_list_view(request):
    role = request.GET.get("role", "")
    search = request.GET.get("q", "").strip()
    page = Paginator(user_list(search=search, role=role), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "certify/user_list.html",
        {"page": page, "role": role, "search": search, "roles": User.Role.choices},
    )


@manager_required
def staff_create(request):
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: services.staff_create(actor=request.user, **form.cleaned_data),
            # The account is created with the name given.
            success=_("The account for %(name)s is created; a link to set a password was e-mailed.")
            % {"name": form.cleaned_data["full_name"]},
        )
        if done:
            return redirect("user_list")
    return render(request, "certify/staff_form.html", {"form": form})


@manager_required
def user_roles(request, public_id):
    person = get_object_or_404(User, public_id=public_id)
    initial = {
        "is_applicant": person.is_applicant,
        "is_auditor": person.is_auditor,
        "is_manager": person.is_manager,
        "is_active": person.is_active,
    }
    form = RolesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: services.user_roles_set(actor=request.user, user=person, **form.cleaned_data),
            success=_("The roles are saved."),
        )
        if done:
            return redirect("user_roles", public_id=person.public_id)
    return render(
        request,
        "certify/user_roles.html",
        {
            "person": person,
            "form": form,
            "events": event_list_for_object(person),
            "has_second_factor": has_second_factor(person),
        },
    )
