"""Organisations through the API: the scheme versions one may apply
under, the caller's organisation, its profile and outlets, its members and
invitations, and its self-assessments."""



from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import services
from applications.forms.organisation import (
    InvitationForm,
    OrganisationCreateForm,
    OrganisationProfileForm,
    SelfAssessmentCreateForm,
    ServiceOutletForm,
)
from applications.selectors import case as selectors_case
from applications.selectors import organisation as selectors
from certify.api.inputs import form_input, service_call, valid
from certify.exceptions import NotAllowed
from certify.i18n import localized
from scoring.selectors import scheme_version_list, version_structure

# --- Output ---------------------------------------------------------------------------


class LevelSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, level) -> str:
        return localized(level, "name")


class MaterialTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.SerializerMethodField()
    required = serializers.BooleanField()

    def get_name(self, material_type) -> str:
        return localized(material_type, "name")


class SchemeVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    scheme_code = serializers.CharField(source="scheme.code")
    scheme_name = serializers.SerializerMethodField()
    number = serializers.IntegerField()
    levels = serializers.SerializerMethodField()
    material_types = serializers.SerializerMethodField()

    def get_scheme_name(self, version) -> str:
        return localized(version.scheme, "name")

    @extend_schema_field(LevelSerializer(many=True))
    def get_levels(self, version):
        return LevelSerializer(version_structure(version)[1], many=True).data

    @extend_schema_field(MaterialTypeSerializer(many=True))
    def get_material_types(self, version):
        return MaterialTypeSerializer(selectors_case.material_types(version), many=True).data


class OrganisationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    legal_name = serializers.CharField()
    uscc = serializers.CharField()
    created_at = serializers.DateTimeField()


class OutletSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    address = serializers.CharField()
    headcount = serializers.IntegerField()


class OrganisationDetailSerializer(OrganisationSerializer):
    registration_date = serializers.DateField(allow_null=True)
    legal_representative = serializers.CharField()
    address = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_email = serializers.CharField()
    business_scope = serializers.CharField()
    employee_count = serializers.IntegerField(allow_null=True)
    service_started_on = serializers.DateField(allow_null=True)
    categories = serializers.SerializerMethodField()
    outlets = OutletSerializer(many=True, source="outlet_list")

    def get_categories(self, organisation) -> list[str]:
        return [category.name for category in organisation.category_list]


# --- Scheme versions and the organisation ----------------------------------------------------


class SchemeVersions(APIView):
    """The published scheme versions an application may be made under, with
    their levels and the materials they ask for."""

    @extend_schema(operation_id="scheme_versions_list", responses=SchemeVersionSerializer(many=True))
    def get(self, request):
        return Response(SchemeVersionSerializer(scheme_version_list(published_only=True), many=True).data)


class Organisations(APIView):
    """The organisations the caller may see (an applicant: their own)."""

    @extend_schema(operation_id="organisations_list", responses=OrganisationSerializer(many=True))
    def get(self, request):
        organisations = selectors.organisation_list_for_user(request.user).order_by("legal_name", "id")[:200]
        return Response(OrganisationSerializer(organisations, many=True).data)

    @extend_schema(
        operation_id="organisations_create",
        request=form_input(OrganisationCreateForm),
        responses={201: OrganisationSerializer},
    )
    def post(self, request):
        data = valid(OrganisationCreateForm(request.data))
        organisation = service_call(lambda: services.organisation_create(actor=request.user, **data))
        return Response(OrganisationSerializer(organisation).data, status=201)


def own_organisation(request):
    """The caller's organisation, or a 400 saying to create it first."""
    membership = selectors.membership_for_user(request.user)
    if membership is None:
        raise ValidationError({"non_field_errors": [_("Create your organisation first.")]})
    return membership.organisation


def organisation_detail(request, public_id):
    return OrganisationDetailSerializer(selectors.organisation_get_with_profile(request.user, public_id)).data


class OrganisationDetail(APIView):
    """The organisation's profile and outlets; its administrators and the
    managers replace the profile as the profile page does (every field;
    `categories` one per line)."""

    @extend_schema(operation_id="organisations_retrieve", responses=OrganisationDetailSerializer)
    def get(self, request, public_id):
        return Response(organisation_detail(request, public_id))

    @extend_schema(
        operation_id="organisations_update",
        request=form_input(OrganisationProfileForm),
        responses=OrganisationDetailSerializer,
    )
    def put(self, request, public_id):
        organisation = selectors.organisation_get_for_user(request.user, public_id)
        data = valid(OrganisationProfileForm(request.data))
        service_call(
            lambda: services.organisation_profile_update(actor=request.user, organisation=organisation, **data)
        )
        return Response(organisation_detail(request, public_id))


class OrganisationOutlets(APIView):
    """Add a service outlet (administrators and managers)."""

    @extend_schema(
        operation_id="organisations_outlet_add",
        request=form_input(ServiceOutletForm),
        responses={201: OrganisationDetailSerializer},
    )
    def post(self, request, public_id):
        organisation = selectors.organisation_get_for_user(request.user, public_id)
        data = valid(ServiceOutletForm(request.data))
        service_call(lambda: services.service_outlet_add(actor=request.user, organisation=organisation, **data))
        return Response(organisation_detail(request, public_id), status=201)




# --- Members and invitations ------------------------------------------------------------------


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="The membership's id.")
    full_name = serializers.CharField(source="user.full_name")
    email = serializers.EmailField(source="user.email")
    role = serializers.CharField()
    joined_at = serializers.DateTimeField(source="created_at")


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    email = serializers.EmailField()
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


class OrganisationMembers(APIView):
    """The organisation's members (its members and the managers see them)."""

    @extend_schema(operation_id="organisations_members", responses=MemberSerializer(many=True))
    def get(self, request, public_id):
        organisation = selectors.organisation_get_for_user(request.user, public_id)
        return Response(MemberSerializer(organisation.memberships.all(), many=True).data)


class OrganisationInvitations(APIView):
    """An administrator invites a colleague by e-mail; pending invitations."""

    @extend_schema(operation_id="organisations_invitations", responses=InvitationSerializer(many=True))
    def get(self, request, public_id):
        organisation = selectors.organisation_get_for_user(request.user, public_id)
        if not selectors.organisation_can_edit(request.user, organisation):
            raise NotAllowed(_("Only the organisation's administrators may do this."))
        return Response(InvitationSerializer(selectors.invitation_list_pending(organisation), many=True).data)

    @extend_schema(
        operation_id="organisations_invite",
        request=form_input(InvitationForm),
        responses={201: InvitationSerializer},
    )
    def post(self, request, public_id):
        organisation = selectors.organisation_get_for_user(request.user, public_id)
        data = valid(InvitationForm(request.data))
        invitation = service_call(
            lambda: services.invitation_create(actor=request.user, organisation=organisation, **data)
        )
        return Response(InvitationSerializer(invitation).data, status=201)


# --- Self-assessments ---------------------------------------------------------------------------


class SelfAssessmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    scheme_code = serializers.CharField(source="sheet.version.scheme.code")
    target_level = serializers.CharField()
    score = serializers.DecimalField(source="sheet.score", max_digits=7, decimal_places=2, allow_null=True)
    level_code = serializers.CharField(source="sheet.level_code")
    created_at = serializers.DateTimeField()


class SelfAssessments(APIView):
    """The self-assessments of the caller's organisation (private to its members)."""

    @extend_schema(operation_id="self_assessments_list", responses=SelfAssessmentSerializer(many=True))
    def get(self, request):
        return Response(
            SelfAssessmentSerializer(selectors.self_assessment_list_for_user(request.user)[:200], many=True).data
        )

    @extend_schema(
        operation_id="self_assessments_create",
        request=form_input(SelfAssessmentCreateForm),
        responses={201: SelfAssessmentSerializer},
    )
    def post(self, request):
        organisation = own_organisation(request)
        data = valid(SelfAssessmentCreateForm(request.data))
        assessment = service_call(
            lambda: services.self_assessment_create(actor=request.user, organisation=organisation, **data)
        )
        return Response(SelfAssessmentSerializer(assessment).data, status=201)


class SelfAssessmentDetail(APIView):
    @extend_schema(operation_id="self_assessments_retrieve", responses=SelfAssessmentSerializer)
    def get(self, request, public_id):
        return Response(SelfAssessmentSerializer(selectors.self_assessment_get_for_user(request.user, public_id)).data)
