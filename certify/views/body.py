from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from certify import services
from certify.events import event_list_for_object
from certify.forms import BodyProfileForm, certificate_number_sample
from certify.selectors import body_profile_get
from certify.uploads import serve_upload
from certify.views.access import manager_required
from certify.views.actions import run_form_action


@manager_required
def body_profile_edit(request):
    profile = body_profile_get()
    form = BodyProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: services.body_profile_update(actor=request.user, **form.cleaned_data),
            success=_("The body's profile is saved."),
        )
        if done:
            return redirect("body_profile")
    profile.refresh_from_db()
    sample_number = certificate_number_sample(
        profile.certificate_number_template, cb_code=profile.body_code or "001"
    )
    history = profile.history.select_related("history_user").order_by("-history_date")[:10]
    return render(
        request,
        "certify/body_profile.html",
        {
            "form": form,
            "profile": profile,
            "sample_number": sample_number,
            "history": history,
            "events": event_list_for_object(profile),
        },
    )


@login_required
def body_logo(request):
    """The logo appears on pages for every signed-in user; nobody else needs it."""
    return serve_upload(request, lambda user: body_profile_get().logo, as_attachment=False)
