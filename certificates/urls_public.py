from django.urls import path

from certificates import views_public

urlpatterns = [
    path("verify/", views_public.verify, name="verify"),
    path("verify/<token:token>/", views_public.verify_certificate, name="verify_certificate"),
    path("register/", views_public.public_register, name="public_register"),
]
