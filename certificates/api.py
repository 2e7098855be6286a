"""The certificates app's API: public verification of one certificate by
its number or its QR code, and the register of valid certificates, for
anyone and without a token (each client rate-limited like the pages); for
signed-in callers the certificates they may see, the manager's status
actions and the decision on a case, through the pages' selectors, forms
and services."""

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

from applications.selectors.case import case_get_for_user
from certificates import services
from certificates.forms.certificate import DecisionForm, StatusChangeForm
from certificates.models import Certificate, ReasonCode
from certificates.selectors import certificate as selectors
from certify.api.inputs import action_endpoint, form_input, service_call, valid
from certify.api.pagination import cursor_decode, page_of, page_serializer
from certify.i18n import localized
from certify.pagination import rows_after


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


# --- Signed-in callers -----------------------------------------------------------------


class CertificateSerializer(VerificationSerializer):
    id = serializers.UUIDField(source="public_id")
    stored_status = serializers.CharField(source="status", help_text="The status as stored, by code.")
    status_reason = serializers.SerializerMethodField(help_text="The reason code of the last status change.")
    status_note = serializers.CharField()
    case_id = serializers.UUIDField(source="case.public_id")
    pdf_sha256 = serializers.CharField(help_text="Empty until the PDF is stored.")

    def get_status_reason(self, certificate) -> str | None:
        return certificate.status_reason.code if certificate.status_reason_id else None


CertificatePage = page_serializer(CertificateSerializer, "CertificatePage")


class Certificates(APIView):
    """The certificates the caller may see (an applicant: their
    organisation's), newest first; `status` a stored status, `search` the
    start of a number or a code, or part of a holder's name."""

    @extend_schema(
        operation_id="certificates_list",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Certificate.Status.values),
            OpenApiParameter("search", OpenApiTypes.STR),
            OpenApiParameter("cursor", OpenApiTypes.STR),
        ],
        responses=CertificatePage,
    )
    def get(self, request):
        certificates = selectors.certificate_list_for_user(request.user).select_related("case", "successor")
        status = request.query_params.get("status", "")
        if status and status not in Certificate.Status.values:
            raise ValidationError({"status": [_("Choose a certificate status.")]})
        if status:
            certificates = certificates.filter(status=status)
        if search := request.query_params.get("search", "").strip()[:60]:
            certificates = selectors.certificate_search(certificates, search)
        after = cursor_decode(request.query_params.get("cursor"), datetime.date, int)
        rows = rows_after(certificates, after, ("issued_on", "id"))
        rows, following = page_of(rows, request, key=lambda certificate: (certificate.issued_on, certificate.pk))
        return Response({"next": following, "results": CertificateSerializer(rows, many=True).data})


class CertificateDetail(APIView):
    @extend_schema(operation_id="certificates_retrieve", responses=CertificateSerializer)
    def get(self, request, public_id):
        return Response(CertificateSerializer(selectors.certificate_get_for_user(request.user, public_id)).data)


class ReasonCodeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    action = serializers.CharField()
    code = serializers.CharField()
    label = serializers.SerializerMethodField()
    active = serializers.BooleanField()

    def get_label(self, reason) -> str:
        return localized(reason, "label")


class ReasonCodes(APIView):
    """The reason codes the body keeps, for the status actions and revisions."""

    @extend_schema(operation_id="reason_codes_list", responses=ReasonCodeSerializer(many=True))
    def get(self, request):
        return Response(ReasonCodeSerializer(selectors.reason_codes(), many=True).data)


STATUS_SERVICES = {
    ReasonCode.Action.SUSPEND: services.certificate_suspend,
    ReasonCode.Action.REINSTATE: services.certificate_reinstate,
    ReasonCode.Action.WITHDRAW: services.certificate_withdraw,
    ReasonCode.Action.CANCEL: services.certificate_cancel,
}


def status_action(action, service):
    return action_endpoint(
        f"certificates_{action}",
        read=lambda request, public_id: selectors.certificate_get_for_user(request.user, public_id),
        call=lambda user, certificate, data: service(actor=user, certificate=certificate, **data),
        parse=lambda request, certificate, **path: valid(
            StatusChangeForm(request.data, reasons=selectors.reason_choices(action))
        ),
        respond=lambda request, certificate, moved: CertificateSerializer(
            selectors.certificate_get_for_user(request.user, moved.public_id)
        ).data,
        response=CertificateSerializer,
        request=form_input(StatusChangeForm),
        description=f"A manager moves the certificate ({action}), with a reason code of that action.",
    )


class DecisionSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    level_code = serializers.CharField()
    reason = serializers.CharField()
    decided_at = serializers.DateTimeField()
    certificate_id = serializers.SerializerMethodField()

    def get_certificate_id(self, decision) -> str | None:
        certificate = decision.certificates.order_by("id").first()
        return str(certificate.public_id) if certificate else None


class CaseDecision(APIView):
    """A manager who was on none of the case's audit teams decides: certify
    at a level the decision basis allows, or not."""

    @extend_schema(operation_id="cases_decision", request=form_input(DecisionForm), responses=DecisionSerializer)
    def post(self, request, public_id):
        case = case_get_for_user(request.user, public_id)
        basis = selectors.decision_basis(case)
        levels = [(level.code, basis.level_name(level.code)) for level in basis.allowed_levels]
        data = valid(DecisionForm(request.data, levels=levels))
        decision = service_call(lambda: services.decision_record(actor=request.user, case=case, **data))
        return Response(DecisionSerializer(decision).data)


urlpatterns = [
    path("certificates/", Certificates.as_view(), name="certificates"),
    path("certificates/<uuid:public_id>/", CertificateDetail.as_view(), name="certificate"),
    *(
        path(f"certificates/<uuid:public_id>/{action}/", status_action(action, service), name=f"certificate_{action}")
        for action, service in STATUS_SERVICES.items()
    ),
    path("reason-codes/", ReasonCodes.as_view(), name="reason_codes"),
    path("cases/<uuid:public_id>/decision/", CaseDecision.as_view(), name="case_decision"),
    path("verify/", VerifyByNumber.as_view(), name="verify"),
    path("verify/qr/<token:token>/", VerifyByQr.as_view(), name="verify_qr"),
    path("register/", Register.as_view(), name="register"),
]
