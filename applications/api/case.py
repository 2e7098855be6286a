"""Cases through the API: listed with the managers' filters, created,
given materials and declarations, and moved through review and contract by
one action per transition."""


import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import services
from applications.api.organisation import MaterialTypeSerializer, own_organisation
from applications.filters import CaseFilter
from applications.forms.case import (
    CaseCreateForm,
    ContractAcceptForm,
    DeclarationForm,
    MaterialUploadForm,
    PrepaymentForm,
    RejectForm,
    WithdrawForm,
)
from applications.models import MaterialType
from applications.selectors import case as selectors_case
from applications.selectors import organisation as selectors
from applications.services import contract as contract_services
from certify.api.inputs import (
    action_endpoint,
    filter_parameters,
    form_input,
    form_parser,
    service_call,
    valid,
)
from certify.api.pagination import cursor_decode, page_of, page_serializer
from certify.client import client_ip
from certify.pagination import rows_after

# --- Output ---------------------------------------------------------------------------


class MaterialSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField(help_text="The upload's version for its type, from 1.")
    file_name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    review = serializers.CharField(help_text="pending, accepted or commented.")
    review_comment = serializers.CharField()


class ChecklistRowSerializer(serializers.Serializer):
    material_type = MaterialTypeSerializer(source="type")
    latest = MaterialSerializer(allow_null=True)
    missing = serializers.BooleanField(help_text="Required and not uploaded, or commented on by the reviewer.")


class ContractSerializer(serializers.Serializer):
    number = serializers.CharField()
    certification_fee = serializers.DecimalField(max_digits=12, decimal_places=2)
    surveillance_fee = serializers.DecimalField(max_digits=12, decimal_places=2)
    prepayment = serializers.DecimalField(max_digits=12, decimal_places=2)
    sent_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    prepayment_received = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    prepayment_recorded_at = serializers.DateTimeField(allow_null=True)


class CaseSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    organisation_name = serializers.CharField(source="organisation.legal_name")
    scheme_code = serializers.CharField(source="version.scheme.code")
    review_due = serializers.DateField(allow_null=True)
    supplement_due = serializers.DateField(allow_null=True)
    decision_due = serializers.DateField(allow_null=True)


class CaseDetailSerializer(CaseSerializer):
    kind = serializers.CharField()
    organisation_id = serializers.UUIDField(source="organisation.public_id")
    scheme_version = serializers.IntegerField(source="version_id")
    target_level = serializers.CharField()
    scope = serializers.CharField()
    declares_independent_legal_person = serializers.BooleanField()
    declares_no_serious_quality_accident = serializers.BooleanField()
    declares_no_after_sales_penalty = serializers.BooleanField()
    declares_not_on_dishonesty_list = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    actions = serializers.SerializerMethodField(help_text="What the caller may do now, by action name.")
    next_step = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()
    contract = serializers.SerializerMethodField()

    @extend_schema_field(ContractSerializer(allow_null=True))
    def get_contract(self, case):
        contract = getattr(case, "contract", None)
        return ContractSerializer(contract).data if contract is not None else None

    def get_actions(self, case) -> list[str]:
        return sorted(self.context["actions"])

    def get_next_step(self, case) -> str:
        return str(self.context["next_step"])

    @extend_schema_field(ChecklistRowSerializer(many=True))
    def get_checklist(self, case):
        return ChecklistRowSerializer(selectors_case.case_checklist(case), many=True).data


def case_detail(request, case):
    """The case as its page shows it to the caller, read afresh."""
    case = selectors_case.case_get_for_user(request.user, case.public_id, related=["contract"])
    member = selectors.is_member(request.user, case.organisation_id)
    next_step, _due = selectors_case.case_next_step(request.user, case, member=member)
    context = {"actions": selectors_case.case_actions_for(request.user, case, member=member), "next_step": next_step}
    return CaseDetailSerializer(case, context=context).data


# --- Cases ------------------------------------------------------------------------------------

CasePage = page_serializer(CaseSerializer, "CasePage")


class Cases(APIView):
    """Cases the caller may see, newest first, filtered as the managers' list is."""

    @extend_schema(
        operation_id="cases_list",
        parameters=[*filter_parameters(CaseFilter), OpenApiParameter("cursor", str)],
        responses=CasePage,
    )
    def get(self, request):
        queryset = selectors_case.case_list_for_user(request.user).only(*selectors_case.CASE_TABLE_FIELDS)
        query = request.query_params.copy()
        query.pop("cursor", None)
        case_filter = CaseFilter(query, queryset=queryset)
        valid(case_filter.form)
        after = cursor_decode(request.query_params.get("cursor"), datetime.datetime, int)
        rows = rows_after(case_filter.qs, after, ("created_at", "id"))
        rows, following = page_of(rows, request, key=lambda case: (case.created_at, case.pk))
        return Response({"next": following, "results": CaseSerializer(rows, many=True).data})

    @extend_schema(
        operation_id="cases_create",
        request=form_input(CaseCreateForm),
        responses={201: CaseDetailSerializer},
    )
    def post(self, request):
        organisation = own_organisation(request)
        data = valid(CaseCreateForm(request.data, organisation=organisation))
        case = service_call(lambda: services.case_create(actor=request.user, organisation=organisation, **data))
        return Response(case_detail(request, case), status=201)


class CaseDetail(APIView):
    @extend_schema(operation_id="cases_retrieve", responses=CaseDetailSerializer)
    def get(self, request, public_id):
        return Response(case_detail(request, selectors_case.case_get_for_user(request.user, public_id)))


class MaterialUpload(APIView):
    """Upload a material of one type (multipart: `material_type` and `file`);
    each upload is a new version of that type's material."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="cases_material_upload",
        request={"multipart/form-data": form_input(MaterialUploadForm, material_type=serializers.IntegerField())},
        responses={201: CaseDetailSerializer},
    )
    def post(self, request, public_id):
        case = selectors_case.case_get_for_user(request.user, public_id)
        data = valid(MaterialUploadForm(request.data, request.FILES))
        material_type = MaterialType.objects.filter(
            pk=_integer(request.data.get("material_type")), scheme_id=case.version.scheme_id
        ).first()
        if material_type is None:
            raise ValidationError({"material_type": [_("Choose a material type of the case's scheme.")]})
        service_call(
            lambda: services.material_upload(actor=request.user, case=case, material_type=material_type, upload=data["file"])
        )
        return Response(case_detail(request, case), status=201)


def _integer(value):
    return int(value) if str(value or "").isdigit() else None


class ReviewInput(serializers.Serializer):
    material_type = serializers.IntegerField()
    accepted = serializers.BooleanField(help_text="False asks for a new version, with the comment.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReviewDecisionInput(serializers.Serializer):
    reviews = ReviewInput(many=True, required=False, help_text="The materials marked now.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


def _reviews(request, case, **path):
    serializer = ReviewDecisionInput(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    reviews = {row["material_type"]: (row["accepted"], row["comment"].strip()) for row in data.get("reviews", [])}
    return {"reviews": reviews, "note": data.get("note", "")}


def case_action(name, call, *, parse=None, request=None, description):
    """The endpoint of one transition: POST, then the case as it is now."""
    return action_endpoint(
        f"cases_{name}",
        read=lambda http_request, public_id: selectors_case.case_get_for_user(http_request.user, public_id),
        call=call,
        parse=parse,
        respond=lambda http_request, case, _result: case_detail(http_request, case),
        response=CaseDetailSerializer,
        request=request,
        description=description,
    )


CASE_ACTIONS = {
    "declarations": case_action(
        "declarations",
        lambda user, case, data: services.case_declare(actor=user, case=case, **data),
        parse=form_parser(DeclarationForm),
        request=form_input(DeclarationForm),
        description="Make or change the applicant's declarations (a draft or a supplement).",
    ),
    "submit": case_action(
        "submit",
        lambda user, case, data: services.case_submit(actor=user, case=case),
        description="Submit the application; refused (409) with every missing material and declaration.",
    ),
    "withdraw": case_action(
        "withdraw",
        lambda user, case, data: services.case_withdraw(actor=user, case=case, reason=data.get("reason", "")),
        parse=form_parser(WithdrawForm),
        request=form_input(WithdrawForm),
        description="Withdraw the application; it cannot be undone.",
    ),
    "review": case_action(
        "review",
        lambda user, case, data: services.case_review_start(actor=user, case=case),
        description="A manager starts the review.",
    ),
    "accept": case_action(
        "accept",
        lambda user, case, data: services.case_accept(actor=user, case=case, reviews=data["reviews"]),
        parse=_reviews,
        request=ReviewDecisionInput,
        description="A manager accepts the application, with the materials marked now.",
    ),
    "supplement": case_action(
        "supplement",
        lambda user, case, data: services.case_request_supplement(actor=user, case=case, **data),
        parse=_reviews,
        request=ReviewDecisionInput,
        description="A manager asks for a supplement: the materials commented on, and a note.",
    ),
    "contract_send": case_action(
        "contract_send",
        lambda user, case, data: contract_services.case_contract_send(actor=user, case=case),
        description="A manager sends the contract, with the quote computed now.",
    ),
    "contract_accept": case_action(
        "contract_accept",
        lambda user, case, data: contract_services.case_contract_accept(
            actor=user, case=case, typed_name=data["typed_name"], ip_address=data["ip_address"]
        ),
        parse=lambda request, case, **path: {**valid(ContractAcceptForm(request.data)), "ip_address": client_ip(request)},
        request=form_input(ContractAcceptForm),
        description="A member accepts the contract by typing their full name.",
    ),
    "prepayment": case_action(
        "prepayment",
        lambda user, case, data: contract_services.case_prepayment_record(actor=user, case=case, **data),
        parse=form_parser(PrepaymentForm),
        request=form_input(PrepaymentForm),
        description="A manager records the prepayment received: the contract is signed.",
    ),
    "reject": case_action(
        "reject",
        lambda user, case, data: services.case_reject(actor=user, case=case, reason=data["reason"]),
        parse=form_parser(RejectForm),
        request=form_input(RejectForm),
        description="A manager rejects the application, with the reason.",
    ),
}

