"""Nonconformities through the API: raised by the audit's team, answered
by the organisation, verified by an auditor of the case, escalated by a
manager."""


import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.forms.nonconformity import (
    NonconformityAnswerForm,
    NonconformityEscalateForm,
    NonconformityRaiseForm,
    NonconformityVerifyForm,
)
from audits.models import Finding, Nonconformity
from audits.selectors import audit as selectors
from audits.selectors import nonconformity as nc_selectors
from audits.services import nonconformity as nc_services
from certify.api.inputs import action_endpoint, form_input, form_parser, service_call, valid
from certify.api.pagination import cursor_decode, page_of, page_serializer
from certify.exceptions import NotAllowed
from certify.pagination import rows_after

# --- Nonconformities -----------------------------------------------------------------------


class NonconformitySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    audit_id = serializers.UUIDField(source="audit.public_id")
    case_id = serializers.UUIDField(source="audit.case.public_id")
    severity = serializers.CharField()
    status = serializers.CharField()
    clause = serializers.CharField()
    item_code = serializers.CharField(source="item.code", allow_null=True, default=None)
    indicator_code = serializers.CharField(source="indicator.code", allow_null=True, default=None)
    description = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    requires_follow_up = serializers.BooleanField()
    raised_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)


NonconformityPage = page_serializer(NonconformitySerializer, "NonconformityPage")


def nonconformity_detail(request, public_id):
    return NonconformitySerializer(nc_selectors.nonconformity_get_for_user(request.user, public_id)).data


class Nonconformities(APIView):
    """The nonconformities the caller may see (an applicant: their
    organisation's; an auditor: their cases'), newest first."""

    @extend_schema(
        operation_id="nonconformities_list",
        parameters=[OpenApiParameter("status", str, enum=Nonconformity.Status.values), OpenApiParameter("cursor", str)],
        responses=NonconformityPage,
    )
    def get(self, request):
        rows = nc_selectors.nonconformity_list_for_user(request.user).select_related(
            "audit__case", "item", "indicator"
        )
        status = request.query_params.get("status", "")
        if status and status not in Nonconformity.Status.values:
            raise ValidationError({"status": [_("Choose a nonconformity status.")]})
        if status:
            rows = rows.filter(status=status)
        after = cursor_decode(request.query_params.get("cursor"), datetime.datetime, int)
        rows, following = page_of(
            rows_after(rows, after, ("raised_at", "id")),
            request,
            key=lambda nonconformity: (nonconformity.raised_at, nonconformity.pk),
        )
        return Response({"next": following, "results": NonconformitySerializer(rows, many=True).data})


class NonconformityDetail(APIView):
    @extend_schema(operation_id="nonconformities_retrieve", responses=NonconformitySerializer)
    def get(self, request, public_id):
        return Response(nonconformity_detail(request, public_id))


class NonconformityRaise(APIView):
    """A team member raises a nonconformity on the audit; `target` is
    "item:<id>" or "indicator:<id>" of the audit's scheme version, `finding`
    the id of one of its findings; evidence files as multipart."""

    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="audits_nonconformity_raise",
        request=form_input(NonconformityRaiseForm),
        responses={201: NonconformitySerializer},
    )
    def post(self, request, public_id):
        audit = selectors.audit_get_for_user(request.user, public_id)
        if selectors.audit_role(request.user, audit) is None:
            raise NotAllowed(_("Only the audit's team may do this."))
        findings = [(str(pk), "") for pk in Finding.objects.filter(audit=audit).values_list("pk", flat=True)]
        form = NonconformityRaiseForm(
            request.data, request.FILES, targets=nc_selectors.raise_targets(audit.case.version), findings=findings
        )
        data = valid(form)
        item, indicator = nc_selectors.raise_target_resolve(audit.case.version, data["target"])
        finding = Finding.objects.filter(audit=audit, pk=data["finding"]).first() if data["finding"] else None
        nonconformity = service_call(
            lambda: nc_services.nonconformity_raise(
                actor=request.user,
                audit=audit,
                severity=data["severity"],
                description=data["description"],
                clause=data["clause"],
                item=item,
                indicator=indicator,
                finding=finding,
                files=data["files"],
            )
        )
        return Response(nonconformity_detail(request, nonconformity.public_id), status=201)


def nonconformity_action(name, form_class, call, description):
    return action_endpoint(
        f"nonconformities_{name}",
        read=lambda request, public_id: nc_selectors.nonconformity_get_for_user(request.user, public_id),
        call=call,
        parse=form_parser(form_class),
        respond=lambda request, nonconformity, _result: nonconformity_detail(request, nonconformity.public_id),
        response=NonconformitySerializer,
        request=form_input(form_class),
        description=description,
        parsers=[JSONParser, MultiPartParser],
    )


NONCONFORMITY_ACTIONS = {
    "answer": nonconformity_action(
        "answer",
        NonconformityAnswerForm,
        lambda user, nonconformity, data: nc_services.nonconformity_answer(actor=user, nonconformity=nonconformity, **data),
        "A member of the organisation answers: correction, root cause, corrective action, evidence files.",
    ),
    "verify": nonconformity_action(
        "verify",
        NonconformityVerifyForm,
        lambda user, nonconformity, data: nc_services.nonconformity_verify(
            actor=user, nonconformity=nonconformity, accepted=data["verdict"] == "accept", comment=data["comment"]
        ),
        "An auditor of the case accepts the latest answer (closing it) or rejects it with a comment.",
    ),
    "escalate": nonconformity_action(
        "escalate",
        NonconformityEscalateForm,
        lambda user, nonconformity, data: nc_services.nonconformity_escalate(
            actor=user, nonconformity=nonconformity, reason=data["reason"]
        ),
        "A manager makes the nonconformity major: it then needs a follow-up audit.",
    ),
}

