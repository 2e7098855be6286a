"""URLs of the case (the application), included by applications/urls.py."""

urlpatterns = []
