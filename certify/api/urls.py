from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from certify.api.views import MeView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"), name="docs"),
    path("me/", MeView.as_view(), name="me"),
    # Each app's endpoints, by dotted string: certify imports no app.
    path("", include("applications.api")),
    path("", include("audits.api")),
    path("", include("certificates.api")),
]
