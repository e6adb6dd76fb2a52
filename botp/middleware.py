from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

# Pages a professional without two-factor authentication may still reach: the account pages
# (to set it up or log out), language switching and static files.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/")


class PreferredLanguageMiddleware:
    """Signed-in users read the portal in the language of their account, unless they chose
    another with the switcher (its cookie wins). Runs after authentication; LocaleMiddleware
    has already taken the browser's language for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if user.is_authenticated and user.language and not chosen:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Outside demo mode, professionals and staff must set up TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            not settings.DEMO_MODE
            and user.is_authenticated
            and user.needs_two_factor
            and not request.path.startswith(_OPEN_PREFIXES)
            and not _has_totp(user)
        ):
            if request.path.startswith("/api/"):
                # The API answers in JSON; a token (set up by Fedris) is not a session.
                return JsonResponse({"detail": _(
                    "Set up two-factor authentication in the portal before using the API "
                    "with your session."
                )}, status=403)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
