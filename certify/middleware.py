from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from certify.api.problems import problem_response
from certify.views.errors import bad_request


class RefuseNulMiddleware:
    """Answer 400 to a request whose address, query, form, cookies or headers
    hold a NUL character: PostgreSQL refuses it in any text, so it would
    otherwise surface as a 500 wherever the value reaches a query.

    Form fields refuse it too (Django's CharField), with a message on the
    page; this catches the values no form reads: URL segments, searches,
    session cookies, the user agent that login throttling records.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._holds_nul(request):
            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _holds_nul(request):
        if "\x00" in request.path_info:
            return True
        headers = (v for k, v in request.META.items() if k.startswith("HTTP_"))
        if any("\x00" in value for value in headers if isinstance(value, str)):
            return True
        if any("\x00" in k or "\x00" in v for k, v in request.COOKIES.items()):
            return True
        # The CSRF check parses a POST's form anyway; uploaded files' bytes
        # are not in it.
        parts = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for part in parts
            for key, values in part.lists()
        )


class UserLanguageMiddleware:
    """A signed-in user's stored language wins over the browser's.

    Runs after LocaleMiddleware (which honours the language cookie and the
    browser's Accept-Language, falling back to Chinese) and after
    authentication, which it needs to know the user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if user is not None and user.is_authenticated and user.language:
            response.headers.setdefault("Content-Language", user.language)
        return response


class SecondFactorMiddleware:
    """A staff member who must verify a second factor (certify.second_factor)
    and has not in this session reaches only the views that need none: the
    second-factor page, logout, the language switch and the public pages.
    Anything else, the admin and JSON endpoints included, sends them to the
    second-factor page (a JSON caller gets a 403 saying so)."""

    OPEN_VIEWS = frozenset(
        {
            "second_factor",
            "logout",
            "language_set",
            "healthz",
            "healthz_live",
            "body_logo",
            "certificates:verify",
            "certificates:verify_certificate",
            "certificates:public_register",
            "certificates:complaint_new",
            "certificates:complaint_thanks",
            "certificates:public_page",
            "api:schema",
            "api:docs",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from certify.second_factor import second_factor_pending

        # Also read by the navigation of error pages, which no view serves.
        request.second_factor_pending = second_factor_pending(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.second_factor_pending or request.resolver_match.view_name in self.OPEN_VIEWS:
            return None
        if request.path_info.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            return problem_response(403, "second_factor_required", _("Verify your second factor first."))
        return redirect_to_login(
            request.get_full_path(), login_url=reverse("second_factor"), redirect_field_name="next"
        )
