from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certify import services
from certify.calendar import add_working_days, is_working_day
from certify.forms import WorkingDayOverrideForm
from certify.models import WorkingDayOverride
from certify.views.access import manager_required


@manager_required
def calendar_overrides(request):
    form = WorkingDayOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.working_day_override_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The day is saved."))
        return redirect("calendar")
    today = timezone.localdate()
    probe = today
    probe_error = ""
    if request.GET.get("day"):
        try:
            probe = date.fromisoformat(request.GET["day"])
            # Near the end of the calendar (9999-12-31) there is no "10
            # working days after"; refuse such a day instead of failing.
            if probe > date.max - timedelta(days=366):
                raise ValueError(probe)
        except ValueError:
            probe = today
            probe_error = _("Enter a date as YYYY-MM-DD.")
    context = {
        "form": form,
        "overrides": WorkingDayOverride.objects.select_related("created_by").order_by("-date"),
        "probe": probe,
        "probe_error": probe_error,
        "probe_is_working_day": is_working_day(probe),
        "probe_plus_10": add_working_days(probe, 10),
    }
    return render(request, "certify/calendar.html", context)


@manager_required
@require_POST
def calendar_override_delete(request, override_id):
    services.working_day_override_delete(actor=request.user, override_id=override_id)
    messages.success(request, _("The override is removed."))
    return redirect("calendar")
