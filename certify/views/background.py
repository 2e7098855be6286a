"""The managers' background-work page: what the worker is doing, what failed,
and a way to try it again."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certify import services
from certify.selectors import background_work
from certify.views.access import manager_required
from certify.views.actions import run_action


@manager_required
def background_work_view(request):
    return render(request, "certify/background_work.html", background_work())


@manager_required
@require_POST
def background_job_retry(request, message_id):
    return run_action(
        request,
        lambda: services.background_job_retry(actor=request.user, message_id=message_id),
        success=_("The job will be tried again."),
        back=reverse("background_work"),
    )


@manager_required
@require_POST
def job_run_retry(request, run_id):
    return run_action(
        request,
        lambda: services.job_run_retry(actor=request.user, run_id=run_id),
        success=_("The job will run again."),
        back=reverse("background_work"),
    )
