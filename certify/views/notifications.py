from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from certify.models import Notification
from certify.notifications import notification_list_for_user, notification_mark_read


@login_required
def notification_list(request):
    page = Paginator(notification_list_for_user(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "certify/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, notification_id):
    """Mark one notification read and follow its link (if it has one)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=request.user).first()
    if notification is None:
        return redirect("notification_list")
    notification_mark_read(user=request.user, notification_id=notification.pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request):
    notification_mark_read(user=request.user)
    return redirect("notification_list")
