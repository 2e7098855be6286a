"""The floor: what Django itself costs on this machine for a signed-in
manager's page — the base template with its navigation, and one indexed
query. Every measured page is also reported as a ratio to it."""

from django.shortcuts import render

from certify.models import User
from certify.views.access import manager_required


@manager_required
def floor(request):
    me = User.objects.filter(pk=request.user.pk).values_list("full_name", flat=True).first()
    return render(request, "benchmarks/floor.html", {"me": me})
