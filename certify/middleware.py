from django.utils import translation


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
