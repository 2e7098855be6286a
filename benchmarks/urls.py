"""The app's URLs plus the floor view; used only by the benchmark settings."""

from django.urls import path

from benchmarks.views import floor
from certify.urls import handler403, handler404, handler500  # noqa: F401
from certify.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *app_urlpatterns]
