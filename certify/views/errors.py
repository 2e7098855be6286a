"""The error pages, and for the API's addresses the same errors as problem
details: a program reading /api/ never gets an HTML page."""

from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from certify.api.problems import problem_response

API_PREFIX = "/api/"


def _for_api(request):
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception=None):
    if _for_api(request):
        return problem_response(400, "invalid", _("The request could not be read."))
    # No context processors: they would read the session and the user.
    return HttpResponseBadRequest(loader.get_template("400.html").render({"request": request}))


def permission_denied(request, exception=None):
    if _for_api(request):
        return problem_response(403, "not_allowed", _("You may not do this."))
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    if _for_api(request):
        return problem_response(404, "not_found", _("Not found."))
    return render(request, "404.html", status=404)


def server_error(request):
    if _for_api(request):
        return problem_response(500, "error", _("Something went wrong on our side; it has been logged."))
    # No context processors: whatever broke may be what they need.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": request}))
