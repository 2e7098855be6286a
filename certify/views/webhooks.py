"""The managers' webhooks: receivers registered for events, each with its
latest deliveries, their outcomes, and a way to send one again."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certify import services
from certify.forms import WebhookEndpointForm
from certify.models import WebhookDelivery, WebhookEndpoint
from certify.views.access import manager_required
from certify.views.actions import run_action, run_form_action

# The signing secret of the webhook just registered, shown once.
NEW_WEBHOOK_SECRET = "certify.new_webhook_secret"
DELIVERIES_SHOWN = 10


@manager_required
def webhook_list(request):
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: services.webhook_endpoint_create(actor=request.user, **form.cleaned_data),
            success=_("The webhook is registered. Copy its secret now: it is not shown again."),
        )
        if done:
            request.session[NEW_WEBHOOK_SECRET] = done.result[1]
            return redirect("webhook_list")
    endpoints = list(WebhookEndpoint.objects.select_related("created_by"))
    # Each endpoint's latest deliveries in one query, however many it has.
    newest_first = Window(
        RowNumber(), partition_by=F("endpoint_id"), order_by=(F("created_at").desc(), F("id").desc())
    )
    recent = {}
    for delivery in (
        WebhookDelivery.objects.annotate(rank=newest_first)
        .filter(rank__lte=DELIVERIES_SHOWN)
        .order_by("endpoint_id", "-created_at", "-id")
    ):
        recent.setdefault(delivery.endpoint_id, []).append(delivery)
    for endpoint in endpoints:
        endpoint.recent_deliveries = recent.get(endpoint.pk, [])
    return render(
        request,
        "certify/webhooks.html",
        {"form": form, "endpoints": endpoints, "new_secret": request.session.pop(NEW_WEBHOOK_SECRET, None)},
    )


@manager_required
@require_POST
def webhook_disable(request, endpoint_id):
    return run_action(
        request,
        lambda: services.webhook_endpoint_disable(actor=request.user, endpoint_id=endpoint_id),
        success=_("The webhook is disabled: nothing more is sent to it."),
        back=reverse("webhook_list"),
    )


@manager_required
@require_POST
def webhook_resend(request, delivery_id):
    return run_action(
        request,
        lambda: services.webhook_delivery_resend(actor=request.user, delivery_id=delivery_id),
        success=_("The delivery is sent again."),
        back=reverse("webhook_list"),
    )
