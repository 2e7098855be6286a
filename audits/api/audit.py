"""Audits through the API: a manager plans an audit of a case and sets its
team from the auditors who declared no conflict; an auditor declares, lists
their audits, and as lead starts one, reviews the documents, marks the
sheet's items, records findings with photos and submits the report."""


import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.models import Organisation
from applications.selectors.case import case_list_for_user
from audits import services
from audits.forms.audit import (
    AuditPlanForm,
    DeclarationForm,
    DocumentCommentForm,
    FindingForm,
    RevisionsRequestForm,
    TeamForm,
)
from audits.forms.onsite import FollowUpCloseForm, RecommendationForm
from audits.models import Audit, DeclarationRequest
from audits.selectors import audit as selectors
from audits.services.planning import PLANNED_FROM
from certify.api.inputs import action_endpoint, form_input, form_parser, service_call, valid
from certify.api.pagination import cursor_decode, page_of, page_serializer
from certify.i18n import localized
from certify.models import User
from certify.pagination import rows_after
from scoring.forms import MarkForm
from scoring.models import Item

# --- Output ---------------------------------------------------------------------------


class TeamMemberSerializer(serializers.Serializer):
    auditor_id = serializers.UUIDField(source="auditor.public_id")
    full_name = serializers.CharField(source="auditor.full_name")
    role = serializers.CharField()


class AuditSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case_id = serializers.UUIDField(source="case.public_id")
    organisation_name = serializers.CharField(source="case.organisation.legal_name")
    kind = serializers.CharField()
    mode = serializers.CharField()
    status = serializers.CharField()
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()
    days = serializers.DecimalField(max_digits=5, decimal_places=1)


class SheetSerializer(serializers.Serializer):
    status = serializers.CharField()
    score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    level_code = serializers.CharField()


class AuditDetailSerializer(AuditSerializer):
    notes = serializers.CharField()
    team = TeamMemberSerializer(many=True, source="team.all")
    actions = serializers.SerializerMethodField(help_text="What the caller may do now, by action name.")
    sheet = SheetSerializer(allow_null=True, help_text="The score sheet, once the on-site audit started.")
    recommendation = serializers.CharField()

    def get_actions(self, audit) -> list[str]:
        return sorted(self.context["actions"])


def audit_detail(request, audit):
    audit = selectors.audit_with_team(selectors.audit_get_for_user(request.user, audit.public_id, related=["sheet"]))
    return AuditDetailSerializer(audit, context={"actions": selectors.audit_actions_for(request.user, audit)}).data


def staff_audit(request, public_id):
    """Team members and managers only, as on the scoring pages."""
    audit = selectors.audit_get_for_user(request.user, public_id, related=["sheet"])
    if not (request.user.is_manager or selectors.audit_role(request.user, audit)):
        raise Http404
    return audit


# --- Planning ------------------------------------------------------------------------------


class CaseAudits(APIView):
    """A manager plans an audit of the case: `kind` is document_review,
    onsite or follow_up; the days default to the days table's."""

    @extend_schema(
        operation_id="cases_audit_plan",
        request=form_input(AuditPlanForm, kind=serializers.ChoiceField(choices=sorted(PLANNED_FROM))),
        responses={201: AuditDetailSerializer},
    )
    def post(self, request, public_id):
        case = get_object_or_404(case_list_for_user(request.user), public_id=public_id)
        kind = request.data.get("kind") if hasattr(request.data, "get") else None
        if kind not in PLANNED_FROM:
            raise ValidationError({"kind": [_("Choose the kind of audit to plan.")]})
        data = request.data.copy()
        if not data.get("days"):
            data["days"] = services.audit_days_compute(case, kind)[0]
        form_data = valid(AuditPlanForm(data))
        audit = service_call(lambda: services.audit_plan(actor=request.user, case=case, kind=kind, **form_data))
        return Response(audit_detail(request, audit), status=201)


class CandidateSerializer(serializers.Serializer):
    auditor_id = serializers.UUIDField(source="auditor.public_id")
    full_name = serializers.CharField(source="auditor.full_name")
    declared = serializers.SerializerMethodField(help_text="Has a current no-conflict declaration for the organisation.")

    def get_declared(self, candidate) -> bool:
        return candidate["declaration"] is not None


class Candidates(APIView):
    """Every active auditor, and whether they declared about the case's organisation."""

    @extend_schema(operation_id="audits_candidates", responses=CandidateSerializer(many=True))
    def get(self, request, public_id):
        audit = selectors.audit_get_for_user(request.user, public_id)
        if not request.user.is_manager:
            raise Http404
        return Response(CandidateSerializer(selectors.auditors_for_planning(audit), many=True).data)


class AuditorInput(serializers.Serializer):
    auditor = serializers.UUIDField()


class DeclarationRequests(APIView):
    """A manager asks an auditor to declare about the audit's organisation."""

    @extend_schema(operation_id="audits_declaration_request", request=AuditorInput, responses=AuditDetailSerializer)
    def post(self, request, public_id):
        audit = selectors.audit_get_for_user(request.user, public_id)
        serializer = AuditorInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        auditor = User.objects.filter(public_id=serializer.validated_data["auditor"], is_auditor=True).first()
        if auditor is None:
            raise ValidationError({"auditor": [_("Choose an auditor.")]})
        service_call(lambda: services.declaration_request(actor=request.user, audit=audit, auditor=auditor))
        return Response(audit_detail(request, audit))


class PendingDeclarationSerializer(serializers.Serializer):
    organisation_id = serializers.UUIDField(source="organisation.public_id")
    organisation_name = serializers.CharField(source="organisation.legal_name")
    requested_at = serializers.DateTimeField()


class Declarations(APIView):
    """The organisations the caller was asked to declare about, newest first."""

    @extend_schema(operation_id="declarations_list", responses=PendingDeclarationSerializer(many=True))
    def get(self, request):
        asked = DeclarationRequest.objects.filter(auditor=request.user).select_related("organisation")
        return Response(PendingDeclarationSerializer(asked.order_by("-requested_at", "-id")[:200], many=True).data)


class DeclarationOutputSerializer(serializers.Serializer):
    organisation_id = serializers.UUIDField(source="organisation.public_id")
    declared_at = serializers.DateTimeField()


class OrganisationDeclaration(APIView):
    """An auditor asked to declares no conflict of interest with the organisation."""

    @extend_schema(
        operation_id="organisations_declare",
        request=form_input(DeclarationForm),
        responses={201: DeclarationOutputSerializer},
    )
    def post(self, request, public_id):
        organisation = get_object_or_404(Organisation, public_id=public_id)
        if not services.declaration_asked(request.user, organisation):
            raise Http404
        data = valid(DeclarationForm(request.data))
        declaration = service_call(
            lambda: services.conflict_declare(actor=request.user, organisation=organisation, **data)
        )
        return Response(DeclarationOutputSerializer(declaration).data, status=201)


# --- Audits --------------------------------------------------------------------------------

AuditPage = page_serializer(AuditSerializer, "AuditPage")


class Audits(APIView):
    """The audits the caller may see (an auditor: theirs), latest planned first."""

    @extend_schema(
        operation_id="audits_list",
        parameters=[
            OpenApiParameter("status", str, enum=Audit.Status.values),
            OpenApiParameter("cursor", str),
        ],
        responses=AuditPage,
    )
    def get(self, request):
        audits = selectors.audit_list_for_user(request.user)
        status = request.query_params.get("status", "")
        if status and status not in Audit.Status.values:
            raise ValidationError({"status": [_("Choose an audit status.")]})
        if status:
            audits = audits.filter(status=status)
        after = cursor_decode(request.query_params.get("cursor"), datetime.date, int)
        rows = rows_after(audits, after, ("planned_start", "id"))
        rows, following = page_of(rows, request, key=lambda audit: (audit.planned_start, audit.pk))
        return Response({"next": following, "results": AuditSerializer(rows, many=True).data})


class AuditDetail(APIView):
    @extend_schema(operation_id="audits_retrieve", responses=AuditDetailSerializer)
    def get(self, request, public_id):
        return Response(audit_detail(request, selectors.audit_get_for_user(request.user, public_id)))


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    indicator_id = serializers.IntegerField()
    indicator_code = serializers.CharField(source="indicator.code")
    name = serializers.SerializerMethodField()
    kind = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    result = serializers.SerializerMethodField(help_text="The mark given, if any.")

    def get_name(self, item) -> str:
        return localized(item, "name")

    def get_result(self, item) -> str | None:
        return self.context["marks"].get(item.pk)


class AuditItems(APIView):
    """The items of the audit's scheme version, with the marks given on its sheet."""

    @extend_schema(operation_id="audits_items", responses=ItemSerializer(many=True))
    def get(self, request, public_id):
        audit = staff_audit(request, public_id)
        items = Item.objects.filter(indicator__category__version_id=audit.case.version_id).select_related("indicator")
        marks = dict(audit.sheet.marks.values_list("item_id", "result")) if audit.sheet_id else {}
        ordered = items.order_by("indicator__category__position", "indicator__position", "position", "id")
        return Response(ItemSerializer(ordered, many=True, context={"marks": marks}).data)


def audit_action(name, call, *, parse=None, request=None, description, parsers=None, staff_only=False):
    """The endpoint of one step on an audit: POST, then the audit as it is now."""

    def read(http_request, public_id):
        if staff_only:
            return staff_audit(http_request, public_id)
        return selectors.audit_get_for_user(http_request.user, public_id, related=["sheet"])

    return action_endpoint(
        f"audits_{name}",
        read=read,
        call=call,
        parse=parse,
        respond=lambda http_request, audit, _result: audit_detail(http_request, audit),
        response=AuditDetailSerializer,
        request=request,
        description=description,
        parsers=parsers,
    )


def _mark(request, audit, **path):
    data = valid(MarkForm(request.data))
    item = request.data.get("item")
    if not str(item or "").isdigit():
        raise ValidationError({"item": [_("Choose an item of the audit's sheet.")]})
    return {**data, "item_id": int(item)}


def _comment(request, audit, **path):
    data = valid(DocumentCommentForm(request.data))
    indicator = request.data.get("indicator")
    if not str(indicator or "").isdigit():
        raise ValidationError({"indicator": [_("Choose an indicator.")]})
    return {**data, "indicator_id": int(indicator)}


def _finding(request, audit, **path):
    data = valid(FindingForm(request.data, request.FILES, version=audit.case.version))
    return {key: data[key] for key in ("description", "internal_note", "item", "files")}


AUDIT_ACTIONS = {
    "team": audit_action(
        "team",
        lambda user, audit, data: services.audit_team_assign(
            actor=user, audit=audit, lead=data["lead"], members=list(data["members"])
        ),
        parse=form_parser(TeamForm),
        request=form_input(TeamForm),
        description="A manager sets the team: the lead and the members, by their ids; each must have declared.",
    ),
    "start": audit_action(
        "start",
        lambda user, audit, data: services.audit_start(actor=user, audit=audit),
        description="The lead starts the audit; an on-site audit's score sheet opens.",
    ),
    "document_comment": audit_action(
        "document_comment",
        lambda user, audit, data: services.document_comment_set(actor=user, audit=audit, **data),
        parse=_comment,
        request=form_input(DocumentCommentForm, indicator=serializers.IntegerField()),
        description="The lead's outcome (and comment) on one indicator in the document review's round.",
    ),
    "document_review_pass": audit_action(
        "document_review_pass",
        lambda user, audit, data: services.document_review_pass(actor=user, audit=audit),
        description="The lead passes the document review: the on-site audit can be planned.",
    ),
    "document_review_revisions": audit_action(
        "document_review_revisions",
        lambda user, audit, data: services.document_revisions_request(actor=user, audit=audit, **data),
        parse=form_parser(RevisionsRequestForm),
        request=form_input(RevisionsRequestForm),
        description="The lead asks the applicant to revise the documents commented on.",
    ),
    "mark": audit_action(
        "mark",
        lambda user, audit, data: services.audit_mark_set(actor=user, audit=audit, **data),
        parse=_mark,
        request=form_input(MarkForm, item=serializers.IntegerField()),
        description="A team member marks one item of the sheet (result, samples, conforming, note).",
        staff_only=True,
    ),
    "findings": audit_action(
        "findings",
        lambda user, audit, data: services.finding_add(actor=user, audit=audit, **data),
        parse=_finding,
        request={"multipart/form-data": form_input(FindingForm)},
        description="A team member records a finding, with photos or files (multipart, `files` repeated).",
        parsers=[MultiPartParser],
        staff_only=True,
    ),
    "rescore": audit_action(
        "rescore",
        lambda user, audit, data: services.audit_rescore_start(actor=user, audit=audit),
        description="After rectification the lead opens the correcting sheet for the re-score.",
    ),
    "final": audit_action(
        "final",
        lambda user, audit, data: services.audit_final_submit(actor=user, audit=audit, **data),
        parse=form_parser(RecommendationForm),
        request=form_input(RecommendationForm),
        description="The lead submits the re-scored sheet and the final recommendation: the case goes to the decision.",
    ),
    "follow_up_close": audit_action(
        "follow_up_close",
        lambda user, audit, data: services.audit_follow_up_close(actor=user, audit=audit, **data),
        parse=form_parser(FollowUpCloseForm),
        request=form_input(FollowUpCloseForm),
        description="The lead closes a follow-up audit once its major nonconformity is verified on site.",
    ),
    "report": audit_action(
        "report",
        lambda user, audit, data: services.audit_report_submit(actor=user, audit=audit, **data),
        parse=form_parser(RecommendationForm),
        request=form_input(RecommendationForm),
        description="The lead submits the on-site report with the recommendation.",
    ),
}

