"""The certificates app's API: public verification of one certificate by
its number or its QR code, and the register of valid certificates, for
anyone and without a token (each client rate-limited like the pages)."""

import datetime

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates.selectors import certificate as selectors
from certify.api.pagination import cursor_decode, page_of, page_serializer
from certify.i18n import localized


class SiteSerializer(serializers.Serializer):
    name = serializers.CharField()
    address = serializers.CharField()


class VerificationSerializer(serializers.Serializer):
    """A certificate's public record, as the verification page shows it."""

    number = serializers.CharField()
    organisation_name = serializers.CharField(source="holder_name")
    uscc = serializers.CharField(source="holder_uscc")
    scheme = serializers.SerializerMethodField(help_text="The scheme's name in the request's language.")
    scheme_code = serializers.CharField()
    level = serializers.SerializerMethodField(help_text="The level's name in the request's language.")
    level_code = serializers.CharField()
    scope = serializers.CharField()
    sites = SiteSerializer(many=True)
    first_issued_on = serializers.DateField()
    issued_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(source="expires_on")
    status = serializers.SerializerMethodField(
        help_text="The national platform's word, in Chinese whatever the language: 有效, 暂停, 撤销, 注销 or 过期失效."
    )
    status_since = serializers.SerializerMethodField()
    successor_number = serializers.SerializerMethodField(help_text="The certificate that replaced this one, if any.")

    def get_scheme(self, certificate) -> str:
        return localized(certificate, "scheme_name")

    def get_level(self, certificate) -> str:
        return localized(certificate, "level_name")

    def get_status(self, certificate) -> str:
        return certificate.national_status(timezone.localdate())

    def get_status_since(self, certificate) -> datetime.datetime:
        return serializers.DateTimeField().to_representation(certificate.public_status_since(timezone.localdate()))

    def get_successor_number(self, certificate) -> str | None:
        successor = getattr(certificate, "successor", None)
        return successor.number if successor is not None else None


class RegisterEntrySerializer(serializers.Serializer):
    number = serializers.CharField()
    organisation_name = serializers.CharField(source="holder_name")
    uscc = serializers.CharField(source="holder_uscc")
    scheme_code = serializers.CharField()
    level = serializers.SerializerMethodField(help_text="The level's name in the request's language.")
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(source="expires_on")
    record = serializers.SerializerMethodField(help_text="The certificate's public record in this API.")

    def get_level(self, certificate) -> str:
        return localized(certificate, "level_name")

    def get_record(self, certificate) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:verify_qr", args=[certificate.token]))


class PublicView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    rate_group = "verify"


class VerifyByNumber(PublicView):
    """A certificate's public record by its number, exactly as printed."""

    @extend_schema(
        operation_id="verify_by_number",
        parameters=[OpenApiParameter("number", OpenApiTypes.STR, required=True)],
        responses=VerificationSerializer,
    )
    def get(self, request):
        number = request.query_params.get("number", "").strip()
        if not number:
            raise ValidationError({"number": [_("Give the certificate number as printed.")]})
        certificate = selectors.public_certificate_by_number(number)
        return Response(VerificationSerializer(certificate).data)


class VerifyByQr(PublicView):
    """A certificate's public record by the token in its QR code."""

    @extend_schema(operation_id="verify_by_qr", responses=VerificationSerializer)
    def get(self, request, token):
        return Response(VerificationSerializer(selectors.public_certificate(token)).data)


RegisterPage = page_serializer(RegisterEntrySerializer, "RegisterPage")


class Register(PublicView):
    """Valid certificates, newest first; `search` is the start of a number,
    of a code or of a holder's name."""

    rate_group = "register"

    @extend_schema(
        operation_id="register_list",
        parameters=[
            OpenApiParameter("search", OpenApiTypes.STR),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="From the previous page's `next`."),
        ],
        responses=RegisterPage,
    )
    def get(self, request):
        after = cursor_decode(request.query_params.get("cursor"), datetime.date, int)
        rows = selectors.public_register(request.query_params.get("search", "")[:60], after=after)
        rows, following = page_of(rows, request, key=lambda certificate: (certificate.issued_on, certificate.pk))
        return Response(
            {
                "next": following,
                "results": RegisterEntrySerializer(rows, many=True, context={"request": request}).data,
            }
        )


urlpatterns = [
    path("verify/", VerifyByNumber.as_view(), name="verify"),
    path("verify/qr/<token:token>/", VerifyByQr.as_view(), name="verify_qr"),
    path("register/", Register.as_view(), name="register"),
]
