"""The managers' scheme editor, mounted at schemes/."""

from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("versions/<uuid:public_id>/", views.version_detail, name="version_detail"),
    path("versions/<uuid:public_id>/settings/", views.version_settings, name="version_settings"),
    path("versions/<uuid:public_id>/clone/", views.version_clone, name="version_clone"),
    path("versions/<uuid:public_id>/publish/", views.version_publish, name="version_publish"),
    path("versions/<uuid:public_id>/retire/", views.version_retire, name="version_retire"),
    path(
        "versions/<uuid:public_id>/normative/",
        views.version_normative,
        name="version_normative",
    ),
    path("versions/<uuid:public_id>/<slug:kind>/new/", views.node_add, name="node_add"),
    path(
        "versions/<uuid:public_id>/<slug:kind>/new/<int:parent_id>/",
        views.node_add,
        name="node_add_to",
    ),
    path(
        "versions/<uuid:public_id>/<slug:kind>/<int:node_id>/",
        views.node_edit,
        name="node_edit",
    ),
    path(
        "versions/<uuid:public_id>/<slug:kind>/<int:node_id>/delete/",
        views.node_delete,
        name="node_delete",
    ),
]
