"""The API's own endpoints: who the caller is."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class MeSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=["applicant", "auditor", "manager"]))
    token_scope = serializers.CharField(allow_null=True, help_text="The token's scope; null for a session.")


class MeView(APIView):
    """The signed-in person: a quick check that a token works."""

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request):
        user = request.user
        roles = [role for role in ("applicant", "auditor", "manager") if getattr(user, f"is_{role}")]
        token_scope = getattr(request.auth, "scope", None)
        return Response(
            MeSerializer(
                {
                    "public_id": user.public_id,
                    "email": user.email,
                    "full_name": user.full_name,
                    "roles": roles,
                    "token_scope": token_scope,
                }
            ).data
        )
