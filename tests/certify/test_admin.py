"""The admin is read-only housekeeping for managers (DESIGN.md "Interfaces"):
every registered model, the project's and third parties', can be looked at
and never added, changed or deleted there."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from certify.models import Email

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize(
    "model, model_admin", REGISTERED, ids=[model._meta.label for model, _admin in REGISTERED]
)
def test_a_manager_can_look_at_every_admin_model_but_never_add_change_or_delete(
    manager, model, model_admin
):
    request = _request(manager)

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)


@pytest.mark.parametrize(
    "model", [model for model, _admin in REGISTERED], ids=[m._meta.label for m, _a in REGISTERED]
)
def test_every_admin_list_opens_for_a_manager_and_its_add_page_is_refused(client, manager, model):
    client.force_login(manager)
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"

    assert client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert client.post(reverse(f"{prefix}_add"), {}).status_code == 403


def test_the_admin_does_not_list_stored_emails_or_the_periodic_task_schedule():
    assert not admin.site.is_registered(Email)
    assert not admin.site.is_registered(PeriodicTask)


def test_a_manager_holds_only_view_permissions(manager):
    assert manager.has_perm("certify.view_event")
    assert not manager.has_perm("certify.change_user")
    assert not manager.has_perm("axes.delete_accessattempt")
    assert not manager.has_perm("django_celery_beat.add_periodictask")
