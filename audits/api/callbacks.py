"""Call-backs through the API: the organisation's customer list, the
sample the lead draws and the calls the team records."""



from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from audits import services
from audits.forms.callbacks import (
    CallForm,
    ComplaintsForm,
    CustomerListUploadForm,
    SampleForm,
    SurveyForm,
)
from audits.selectors import callbacks as cb_selectors
from certify.api.inputs import action_endpoint, form_input, service_call, valid
from certify.exceptions import NotAllowed

# --- Call-backs ------------------------------------------------------------------------------


class CallSerializer(serializers.Serializer):
    reached = serializers.BooleanField()
    satisfaction = serializers.IntegerField(allow_null=True)
    resolved_first_contact = serializers.BooleanField(allow_null=True)
    remarks = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class SampleRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    sample_rank = serializers.IntegerField()
    name = serializers.CharField()
    contact = serializers.CharField()
    product = serializers.CharField()
    service_date = serializers.DateField(allow_null=True)
    call = serializers.SerializerMethodField()

    @extend_schema_field(CallSerializer(allow_null=True))
    def get_call(self, row):
        call = cb_selectors.row_call(row)
        return CallSerializer(call).data if call is not None else None


class CustomerListSerializer(serializers.Serializer):
    file_name = serializers.CharField(source="original_name")
    status = serializers.CharField(help_text="ready once its rows are read; a large file is read in the background.")
    problem = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    good_rows = serializers.IntegerField()
    bad_rows = serializers.IntegerField()
    sample_size = serializers.IntegerField(allow_null=True)
    sample = serializers.SerializerMethodField(help_text="The rows drawn for calls, with their calls (staff only).")

    @extend_schema_field(SampleRowSerializer(many=True))
    def get_sample(self, customer_list):
        return SampleRowSerializer(self.context["sample"], many=True).data


def customer_list_detail(request, public_id):
    audit, is_staff = cb_selectors.callback_audit_get_for_user(request.user, public_id)
    customer_list = cb_selectors.customer_list_get(audit)
    if customer_list is None:
        return None
    sample = cb_selectors.callback_calls(audit) if is_staff else []
    return CustomerListSerializer(customer_list, context={"sample": sample}).data


class CustomerList(APIView):
    """The audit's customer list for call-backs: the organisation uploads it
    (CSV or XLSX, multipart `file`); the audit's staff read its sample."""

    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="audits_customer_list", responses=CustomerListSerializer(allow_null=True))
    def get(self, request, public_id):
        return Response(customer_list_detail(request, public_id))

    @extend_schema(
        operation_id="audits_customer_list_upload",
        request={"multipart/form-data": form_input(CustomerListUploadForm)},
        responses={201: CustomerListSerializer},
    )
    def post(self, request, public_id):
        audit, is_staff = cb_selectors.callback_audit_get_for_user(request.user, public_id)
        if is_staff:
            raise NotAllowed(_("Only the organisation uploads its customer list."))
        data = valid(CustomerListUploadForm(request.data, request.FILES))
        service_call(lambda: services.customer_list_upload(actor=request.user, audit=audit, upload=data["file"]))
        return Response(customer_list_detail(request, public_id), status=201)


def callback_action(name, call, *, form_class=None, description, path_row=False):
    def parse(request, audit, public_id, row_id=None):
        data = valid(form_class(request.data)) if form_class else {}
        return {**data, "row_id": row_id} if path_row else data

    return action_endpoint(
        f"audits_callbacks_{name}",
        read=lambda request, public_id, row_id=None: cb_selectors.callback_audit_get_for_user(request.user, public_id)[0],
        call=call,
        parse=parse,
        respond=lambda request, audit, _result: customer_list_detail(request, audit.public_id),
        response=CustomerListSerializer,
        request=form_input(form_class) if form_class else None,
        description=description,
    )


CALLBACK_ACTIONS = {
    "sample": callback_action(
        "sample",
        lambda user, audit, data: services.callback_sample_draw(actor=user, audit=audit, **data),
        form_class=SampleForm,
        description="The lead draws the sample of customers to call (again with `redraw`, before any call).",
    ),
    "rates": callback_action(
        "rates",
        lambda user, audit, data: services.callback_rates_confirm(actor=user, audit=audit),
        description="The lead puts the call-back rates of the sample's calls in the score sheet.",
    ),
}
CALLBACK_ACTIONS.update(
    {
        "survey": callback_action(
            "survey",
            lambda user, audit, data: services.callback_survey_confirm(actor=user, audit=audit, **data),
            form_class=SurveyForm,
            description="The lead confirms the enterprise's own survey figure instead of a call-back rate.",
        ),
        "complaints": callback_action(
            "complaints",
            lambda user, audit, data: services.complaint_closure_record(actor=user, audit=audit, **data),
            form_class=ComplaintsForm,
            description="The lead records complaint closure from the enterprise's complaint records.",
        ),
        "months": callback_action(
            "months",
            lambda user, audit, data: services.months_in_operation_confirm(actor=user, audit=audit),
            description="The lead confirms the months in operation from the organisation's profile.",
        ),
    }
)
CallRecord = callback_action(
    "record",
    lambda user, audit, data: services.callback_record(actor=user, audit=audit, **data),
    form_class=CallForm,
    description="A team member records the call to one sampled customer.",
    path_row=True,
)

